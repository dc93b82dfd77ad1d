//! Abuse limits checked before anything executes: tokens (on the raw text, before parsing), then
//! depth, cost, aliases and directives on the parsed document.
//!
//! Cost: every field costs 1 times the size of the lists around it. A field with a `first` or
//! `last` argument multiplies its children by that number; a field selecting `edges` or `nodes`
//! without one (a Relay connection at its default page size) multiplies them by
//! [`DEFAULT_PAGE_SIZE`]. Introspection (`__schema`, `__type`) is not counted toward depth or cost
//! so GraphiQL and GraphQL Code Generator work; it has its own bound instead: at most
//! [`MAX_INTROSPECTION_DEPTH`] levels and [`MAX_INTROSPECTION_LISTS`] nested introspection lists,
//! which the standard introspection queries stay within and cyclic `fields { type { fields …`
//! queries do not.

use std::collections::HashSet;

use async_graphql::{
    Variables,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// The connection page size when a query gives neither `first` nor `last` (as in `graph`).
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Deepest nesting allowed inside `__schema` / `__type`.
pub const MAX_INTROSPECTION_DEPTH: usize = 20;
/// Most introspection list fields (`types`, `fields`, ...) nested inside each other.
pub const MAX_INTROSPECTION_LISTS: usize = 3;
/// Walk budget: fragment fan-out cannot make the analysis itself expensive.
const MAX_VISITS: u64 = 100_000;

const INTROSPECTION_LISTS: &[&str] = &[
    "types",
    "fields",
    "inputFields",
    "interfaces",
    "possibleTypes",
    "enumValues",
    "args",
    "directives",
];

/// Configured limits; zero never means "unlimited" (pick a large number instead).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most lexical tokens in a document.
    pub max_tokens: usize,
    /// Deepest field nesting (root fields are depth 1).
    pub max_depth: usize,
    /// Highest cost (see the module docs).
    pub max_cost: u64,
    /// Most aliases in a document.
    pub max_aliases: usize,
    /// Most directives in a document.
    pub max_directives: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_tokens: 5_000,
            max_depth: 15,
            max_cost: 10_000,
            max_aliases: 30,
            max_directives: 50,
        }
    }
}

/// Why a document was refused; `code()` is its `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// Too many tokens.
    #[error("the document has more than {0} tokens")]
    Tokens(usize),
    /// Nested too deep.
    #[error("the query is nested deeper than {0} levels")]
    Depth(usize),
    /// Too expensive.
    #[error("the query's cost exceeds {0} (lists count by their first/last)")]
    Cost(u64),
    /// Too many aliases.
    #[error("the document has more than {0} aliases")]
    Aliases(usize),
    /// Too many directives.
    #[error("the document has more than {0} directives")]
    Directives(usize),
    /// Introspection nested beyond what any real introspection query needs.
    #[error("the introspection query is nested too deep")]
    Introspection,
}

impl LimitError {
    /// The stable `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Tokens(_) => "TOO_MANY_TOKENS",
            Self::Depth(_) => "QUERY_TOO_DEEP",
            Self::Cost(_) | Self::Introspection => "QUERY_TOO_COMPLEX",
            Self::Aliases(_) => "TOO_MANY_ALIASES",
            Self::Directives(_) => "TOO_MANY_DIRECTIVES",
        }
    }
}

/// Counts GraphQL lexical tokens (punctuators, names, numbers, strings), stopping past `max`.
/// Whitespace, commas and comments are ignored, as in the spec.
pub fn count_tokens(text: &str, max: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut count = 0;
    while i < bytes.len() && count <= max {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            0xEF if bytes[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => i += 3,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
                count += 1;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                count += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                i += 3;
                count += 1;
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => {
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'+' | b'-')
                {
                    i += 1;
                }
                count += 1;
            }
            _ => {
                i += 1;
                count += 1;
            }
        }
    }
    count
}

/// Checks the token count of the raw text; runs before parsing.
pub fn check_tokens(text: &str, limits: &Limits) -> Result<(), LimitError> {
    if count_tokens(text, limits.max_tokens) > limits.max_tokens {
        return Err(LimitError::Tokens(limits.max_tokens));
    }
    Ok(())
}

/// Checks aliases and directives in the whole document and depth and cost of the operation that
/// would run.
pub fn check_document(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    limits: &Limits,
) -> Result<(), LimitError> {
    let mut aliases = 0;
    let mut directives = 0;
    for (_, op) in doc.operations.iter() {
        directives += op.node.directives.len();
        for var in &op.node.variable_definitions {
            directives += var.node.directives.len();
        }
        count_set(&op.node.selection_set.node, &mut aliases, &mut directives);
    }
    for fragment in doc.fragments.values() {
        directives += fragment.node.directives.len();
        count_set(
            &fragment.node.selection_set.node,
            &mut aliases,
            &mut directives,
        );
    }
    if aliases > limits.max_aliases {
        return Err(LimitError::Aliases(limits.max_aliases));
    }
    if directives > limits.max_directives {
        return Err(LimitError::Directives(limits.max_directives));
    }
    let operation = doc
        .operations
        .iter()
        .find(|(name, _)| match operation_name {
            Some(wanted) => name.map(|n| n.as_str()) == Some(wanted),
            None => true,
        });
    // An unknown operation name is the validator's to report.
    if let Some((_, op)) = operation {
        let mut walk = Walk {
            doc,
            variables,
            limits,
            cost: 0,
            visits: 0,
            stack: HashSet::new(),
        };
        walk.set(&op.node.selection_set.node, 1, 1, None)?;
    }
    Ok(())
}

fn count_set(set: &SelectionSet, aliases: &mut usize, directives: &mut usize) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                *aliases += usize::from(field.node.alias.is_some());
                *directives += field.node.directives.len();
                count_set(&field.node.selection_set.node, aliases, directives);
            }
            Selection::FragmentSpread(spread) => *directives += spread.node.directives.len(),
            Selection::InlineFragment(inline) => {
                *directives += inline.node.directives.len();
                count_set(&inline.node.selection_set.node, aliases, directives);
            }
        }
    }
}

/// Where the walk is inside an introspection subtree: its depth and nested list count.
#[derive(Clone, Copy)]
struct Introspection {
    depth: usize,
    lists: usize,
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    limits: &'a Limits,
    cost: u64,
    visits: u64,
    stack: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    fn set(
        &mut self,
        set: &'a SelectionSet,
        depth: usize,
        multiplier: u64,
        intro: Option<Introspection>,
    ) -> Result<(), LimitError> {
        for item in &set.items {
            self.visits += 1;
            if self.visits > MAX_VISITS {
                return Err(LimitError::Cost(self.limits.max_cost));
            }
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let intro = match intro {
                        Some(i) => Some(Introspection {
                            depth: i.depth + 1,
                            lists: i.lists + usize::from(INTROSPECTION_LISTS.contains(&name)),
                        }),
                        None if name == "__schema" || name == "__type" => {
                            Some(Introspection { depth: 1, lists: 0 })
                        }
                        None => None,
                    };
                    if let Some(i) = intro {
                        if i.depth > MAX_INTROSPECTION_DEPTH || i.lists > MAX_INTROSPECTION_LISTS {
                            return Err(LimitError::Introspection);
                        }
                        self.set(&field.selection_set.node, depth, multiplier, Some(i))?;
                        continue;
                    }
                    if depth > self.limits.max_depth {
                        return Err(LimitError::Depth(self.limits.max_depth));
                    }
                    self.cost = self.cost.saturating_add(multiplier);
                    if self.cost > self.limits.max_cost {
                        return Err(LimitError::Cost(self.limits.max_cost));
                    }
                    let children = multiplier.saturating_mul(self.list_size(field));
                    self.set(&field.selection_set.node, depth + 1, children, None)?;
                }
                Selection::InlineFragment(inline) => {
                    self.set(&inline.node.selection_set.node, depth, multiplier, intro)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    // Unknown or cyclic fragments are the validator's to report.
                    let Some(fragment) = self.doc.fragments.get(name) else {
                        continue;
                    };
                    if !self.stack.insert(name) {
                        continue;
                    }
                    self.set(&fragment.node.selection_set.node, depth, multiplier, intro)?;
                    self.stack.remove(name);
                }
            }
        }
        Ok(())
    }

    /// How many items a field's children repeat for: `first`/`last`, a connection's default, or 1.
    fn list_size(&self, field: &async_graphql::parser::types::Field) -> u64 {
        let mut size = None;
        for (name, value) in &field.arguments {
            if matches!(name.node.as_str(), "first" | "last") {
                let value = value
                    .node
                    .clone()
                    .into_const_with(|var| {
                        Ok::<_, ()>(self.variables.get(&var).cloned().unwrap_or_default())
                    })
                    .ok();
                if let Some(async_graphql::Value::Number(n)) = value {
                    let n = n.as_u64().unwrap_or(0);
                    size = Some(size.map_or(n, |s: u64| s.max(n)));
                }
            }
        }
        if let Some(size) = size {
            return size.max(1);
        }
        let is_connection = field.selection_set.node.items.iter().any(|item| {
            matches!(&item.node, Selection::Field(f)
                if matches!(f.node.name.node.as_str(), "edges" | "nodes"))
        });
        if is_connection { DEFAULT_PAGE_SIZE } else { 1 }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn check(query: &str, limits: &Limits) -> Result<(), LimitError> {
        check_tokens(query, limits)?;
        let doc = async_graphql::parser::parse_query(query).unwrap();
        check_document(&doc, None, &Variables::default(), limits)
    }

    #[test]
    fn counts_tokens_like_the_spec() {
        assert_eq!(count_tokens("{ a }", 100), 3);
        assert_eq!(
            count_tokens("query Q($x: Int = -1.5e3) { a(x: $x) }", 100),
            19
        );
        assert_eq!(count_tokens("# comment\n{ a(s: \"x, y\") ...F }", 100), 10);
        assert_eq!(count_tokens("{ a(s: \"\"\"block \" \"\" \"\"\") }", 100), 8);
        assert_eq!(count_tokens(&"{ a }".repeat(1000), 10), 11, "stops early");
    }

    #[test]
    fn connections_cost_by_page_size() {
        let limits = Limits {
            max_cost: 1_000,
            ..Limits::default()
        };
        check(
            "{ creators(first: 10) { edges { node { name } } } }",
            &limits,
        )
        .unwrap();
        // 1 + 100 + 100 + 100·100 edges of the inner connection ...
        let nested = "{ creators(first: 100) { edges { node { techniquePages(first: 100) \
                      { edges { node { title } } } } } } }";
        assert_eq!(check(nested, &limits), Err(LimitError::Cost(1_000)));
        // Without first/last a connection counts at the default page size: 20·20·20 > 1000.
        let defaults = "{ creators { edges { node { techniquePages { edges { node { tags \
                        { nodes { name } } } } } } } } }";
        assert_eq!(check(defaults, &limits), Err(LimitError::Cost(1_000)));
    }

    #[test]
    fn variables_count_for_first() {
        let limits = Limits {
            max_cost: 100,
            ..Limits::default()
        };
        let doc = async_graphql::parser::parse_query(
            "query($n: Int) { creators(first: $n) { edges { node { name } } } }",
        )
        .unwrap();
        let vars = Variables::from_json(serde_json::json!({ "n": 100 }));
        assert_eq!(
            check_document(&doc, None, &vars, &limits),
            Err(LimitError::Cost(100))
        );
        let vars = Variables::from_json(serde_json::json!({ "n": 5 }));
        check_document(&doc, None, &vars, &limits).unwrap();
    }

    #[test]
    fn depth_aliases_directives() {
        let limits = Limits {
            max_depth: 3,
            max_aliases: 2,
            max_directives: 1,
            ..Limits::default()
        };
        check("{ a { b { c } } }", &limits).unwrap();
        assert_eq!(
            check("{ a { b { c { d } } } }", &limits),
            Err(LimitError::Depth(3))
        );
        assert_eq!(
            check("{ x: a y: a z: a }", &limits),
            Err(LimitError::Aliases(2))
        );
        assert_eq!(
            check("{ a @skip(if: false) b @include(if: true) }", &limits),
            Err(LimitError::Directives(1))
        );
        // Depth through fragments counts too; cyclic fragments do not hang.
        assert_eq!(
            check(
                "{ ...F } fragment F on Query { a { b { c { d } } } }",
                &limits
            ),
            Err(LimitError::Depth(3))
        );
        check("{ ...F } fragment F on Query { ...F a }", &limits).unwrap();
    }

    #[test]
    fn standard_introspection_passes_and_cycles_do_not() {
        let limits = Limits::default();
        check(INTROSPECTION_QUERY, &limits).unwrap();
        assert_eq!(
            check(
                "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
                &limits
            ),
            Err(LimitError::Introspection)
        );
    }

    /// graphql-js `getIntrospectionQuery()` (v16, with descriptions), as GraphiQL sends it.
    pub(crate) const INTROSPECTION_QUERY: &str = r#"
    query IntrospectionQuery {
      __schema {
        queryType { name } mutationType { name } subscriptionType { name }
        types { ...FullType }
        directives { name description locations args { ...InputValue } }
      }
    }
    fragment FullType on __Type {
      kind name description
      fields(includeDeprecated: true) {
        name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
      }
      inputFields { ...InputValue }
      interfaces { ...TypeRef }
      enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
      possibleTypes { ...TypeRef }
    }
    fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
    fragment TypeRef on __Type {
      kind name
      ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType {
        kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name }
      } } } } } } } }
    }"#;
}
