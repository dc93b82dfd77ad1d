//! Parsed documents by query text. Clients send the same few documents over and over, and
//! parsing was the largest fixed cost of a small request; a document is parsed once and each
//! request gets a copy of the tree (execution needs its own).
//!
//! Only documents that passed the token limit, parsed, passed every document limit and the
//! schema's validation are kept (the endpoint [`prepare`](DocumentCache::prepare)s an entry
//! before executing and [`insert`](DocumentCache::insert)s it once the response shows validation
//! passed), so a hit may skip tokens and parse; everything after parsing (operation checks,
//! depth/cost limits that depend on variables, validation) still runs per request. The cache is
//! bounded by entries, by the length of each text and by bytes: a tree costs far more memory than
//! its text (`{ a a a … }` is a node per two bytes), so each entry is charged its text plus an
//! estimate of its tree.

use std::{mem::size_of, sync::Arc};

use async_graphql::{
    Name, Positioned,
    parser::types::{
        BaseType, Directive, ExecutableDocument, FragmentDefinition, OperationDefinition,
        Selection, SelectionSet, Type, VariableDefinition,
    },
};

use async_graphql_value::{ConstValue, Value};

use super::bounded::{BoundedLru, CacheUsage};

/// Longest query text kept (bytes).
const MAX_TEXT: usize = 16 * 1024;

/// Default byte budget (texts plus estimated trees): the default 256 entries of a few KiB fit
/// many times over; 256 entries of the largest texts do not, and the oldest make room.
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// A bounded LRU of parsed documents keyed by their exact text.
#[derive(Debug)]
pub struct DocumentCache(BoundedLru<Arc<ExecutableDocument>>);

/// A parsed document ready to be kept, once it has passed every check.
#[derive(Debug)]
pub struct PendingDocument {
    text: String,
    doc: Arc<ExecutableDocument>,
    weight: usize,
}

impl PendingDocument {
    /// The parsed tree to be kept (shared, not copied).
    pub fn doc(&self) -> &Arc<ExecutableDocument> {
        &self.doc
    }
}

impl DocumentCache {
    /// A cache of `capacity` documents and [`DEFAULT_MAX_BYTES`]; 0 turns it off.
    pub fn new(capacity: usize) -> Self {
        Self::with_budget(capacity, DEFAULT_MAX_BYTES)
    }

    /// A cache of at most `capacity` documents and `max_bytes` bytes.
    pub fn with_budget(capacity: usize, max_bytes: usize) -> Self {
        Self(BoundedLru::new(capacity, max_bytes))
    }

    /// The parsed document of `query`, if it was kept before.
    pub fn get(&self, query: &str) -> Option<ExecutableDocument> {
        let doc = self.0.get(query)?;
        Some(ExecutableDocument::clone(&doc))
    }

    /// The kept tree of `query` itself (shared, not copied), if it was kept before.
    pub fn get_shared(&self, query: &str) -> Option<Arc<ExecutableDocument>> {
        self.0.get(query)
    }

    /// An entry for `doc` as the parsed form of `query`, to [`insert`](Self::insert) after the
    /// document passed every check; `None` when the text is too long to keep.
    pub fn prepare(&self, query: &str, doc: &ExecutableDocument) -> Option<PendingDocument> {
        if query.len() > MAX_TEXT {
            return None;
        }
        Some(PendingDocument {
            text: query.to_owned(),
            weight: query.len() + tree_bytes(doc),
            doc: Arc::new(doc.clone()),
        })
    }

    /// Keeps a prepared document (unless it alone exceeds the byte budget).
    pub fn insert(&self, pending: PendingDocument) {
        self.0.insert(pending.text, pending.doc, pending.weight);
    }

    /// Entries and bytes held now.
    pub fn usage(&self) -> CacheUsage {
        self.0.usage()
    }
}

/// An estimate of the heap a parsed document occupies: every node's size and every name's and
/// string's bytes (allocator slack and map load factors aside).
fn tree_bytes(doc: &ExecutableDocument) -> usize {
    let mut bytes = size_of::<ExecutableDocument>();
    for (name, op) in doc.operations.iter() {
        bytes += name.map_or(0, name_bytes) + operation_bytes(&op.node);
    }
    for (name, fragment) in &doc.fragments {
        bytes += name_bytes(name) + fragment_bytes(&fragment.node);
    }
    bytes
}

fn operation_bytes(op: &OperationDefinition) -> usize {
    size_of::<Positioned<OperationDefinition>>()
        + op.variable_definitions
            .iter()
            .map(|v| variable_bytes(&v.node))
            .sum::<usize>()
        + directives_bytes(&op.directives)
        + set_bytes(&op.selection_set.node)
}

fn fragment_bytes(fragment: &FragmentDefinition) -> usize {
    size_of::<(Name, Positioned<FragmentDefinition>)>()
        + name_bytes(&fragment.type_condition.node.on.node)
        + directives_bytes(&fragment.directives)
        + set_bytes(&fragment.selection_set.node)
}

fn variable_bytes(var: &VariableDefinition) -> usize {
    size_of::<Positioned<VariableDefinition>>()
        + name_bytes(&var.name.node)
        + type_bytes(&var.var_type.node)
        + directives_bytes(&var.directives)
        + var
            .default_value
            .as_ref()
            .map_or(0, |v| const_value_bytes(&v.node))
}

fn type_bytes(ty: &Type) -> usize {
    match &ty.base {
        BaseType::Named(name) => name_bytes(name),
        BaseType::List(inner) => size_of::<Type>() + type_bytes(inner),
    }
}

fn set_bytes(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| {
            size_of::<Positioned<Selection>>()
                + match &item.node {
                    Selection::Field(field) => {
                        let field = &field.node;
                        field.alias.as_ref().map_or(0, |a| name_bytes(&a.node))
                            + name_bytes(&field.name.node)
                            + arguments_bytes(&field.arguments)
                            + directives_bytes(&field.directives)
                            + set_bytes(&field.selection_set.node)
                    }
                    Selection::FragmentSpread(spread) => {
                        name_bytes(&spread.node.fragment_name.node)
                            + directives_bytes(&spread.node.directives)
                    }
                    Selection::InlineFragment(inline) => {
                        inline
                            .node
                            .type_condition
                            .as_ref()
                            .map_or(0, |t| name_bytes(&t.node.on.node))
                            + directives_bytes(&inline.node.directives)
                            + set_bytes(&inline.node.selection_set.node)
                    }
                }
        })
        .sum()
}

fn directives_bytes(directives: &[Positioned<Directive>]) -> usize {
    directives
        .iter()
        .map(|d| {
            size_of::<Positioned<Directive>>()
                + name_bytes(&d.node.name.node)
                + arguments_bytes(&d.node.arguments)
        })
        .sum()
}

fn arguments_bytes(arguments: &[(Positioned<Name>, Positioned<Value>)]) -> usize {
    arguments
        .iter()
        .map(|(name, value)| {
            size_of::<(Positioned<Name>, Positioned<Value>)>()
                + name_bytes(&name.node)
                + value_bytes(&value.node)
        })
        .sum()
}

/// The heap behind a value (its inline size is counted by whoever holds it).
fn value_bytes(value: &Value) -> usize {
    match value {
        Value::Variable(name) | Value::Enum(name) => name_bytes(name),
        Value::String(s) => s.len(),
        Value::Binary(b) => b.len(),
        Value::List(items) => items
            .iter()
            .map(|v| size_of::<Value>() + value_bytes(v))
            .sum(),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| size_of::<(Name, Value)>() + 8 + name_bytes(k) + value_bytes(v))
            .sum(),
        Value::Null | Value::Number(_) | Value::Boolean(_) => 0,
    }
}

fn const_value_bytes(value: &ConstValue) -> usize {
    match value {
        ConstValue::Enum(name) => name_bytes(name),
        ConstValue::String(s) => s.len(),
        ConstValue::Binary(b) => b.len(),
        ConstValue::List(items) => items
            .iter()
            .map(|v| size_of::<ConstValue>() + const_value_bytes(v))
            .sum(),
        ConstValue::Object(fields) => fields
            .iter()
            .map(|(k, v)| {
                size_of::<(Name, ConstValue)>() + 8 + name_bytes(k) + const_value_bytes(v)
            })
            .sum(),
        ConstValue::Null | ConstValue::Number(_) | ConstValue::Boolean(_) => 0,
    }
}

/// A name is an `Arc<str>`: two counters and its bytes.
fn name_bytes(name: &Name) -> usize {
    2 * size_of::<usize>() + name.len()
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn keep(cache: &DocumentCache, text: &str) {
        let doc = async_graphql::parser::parse_query(text).unwrap();
        if let Some(pending) = cache.prepare(text, &doc) {
            cache.insert(pending);
        }
    }

    #[test]
    fn a_parsed_document_comes_back_until_evicted() {
        let cache = DocumentCache::new(1);
        let doc = async_graphql::parser::parse_query("{ a }").unwrap();
        assert!(cache.get("{ a }").is_none());
        let pending = cache.prepare("{ a }", &doc).unwrap();
        assert!(cache.get("{ a }").is_none(), "prepared is not kept yet");
        cache.insert(pending);
        let hit = cache.get("{ a }").unwrap();
        assert_eq!(format!("{hit:?}"), format!("{doc:?}"));
        keep(&cache, "{ b }");
        assert!(
            cache.get("{ a }").is_none(),
            "capacity 1 evicts the older document"
        );
        assert!(cache.get("{ b }").is_some());
    }

    #[test]
    fn long_texts_and_a_zero_capacity_keep_nothing() {
        let long = format!("{{ a {} }}", " ".repeat(MAX_TEXT));
        let doc = async_graphql::parser::parse_query(&long).unwrap();
        let cache = DocumentCache::new(8);
        assert!(cache.prepare(&long, &doc).is_none());
        let off = DocumentCache::new(0);
        keep(&off, "{ a }");
        assert!(off.get("{ a }").is_none());
    }

    #[test]
    fn a_tree_is_charged_more_than_its_text() {
        // 5,000 one-letter fields: 10 KB of text, a node per field.
        let text = format!("{{ {} }}", "a ".repeat(5_000));
        let doc = async_graphql::parser::parse_query(&text).unwrap();
        let estimate = tree_bytes(&doc);
        assert!(
            estimate > 5_000 * size_of::<Positioned<Selection>>(),
            "{estimate}"
        );
        assert!(estimate > 10 * text.len(), "{estimate} vs {}", text.len());
    }

    #[test]
    fn many_large_trees_stay_within_the_byte_budget() {
        let budget = 4 * 1024 * 1024;
        let cache = DocumentCache::with_budget(256, budget);
        for i in 0..256 {
            // Distinct texts just under the length cap, each a wide tree.
            let text = format!("{{ f{i} {} }}", "a ".repeat(MAX_TEXT / 2 - 16));
            keep(&cache, &text);
        }
        let usage = cache.usage();
        assert!(usage.bytes <= budget, "{usage:?}");
        assert!(usage.entries > 0 && usage.entries < 256, "{usage:?}");
    }
}
