//! Field merging before execution. The GraphQL spec's CollectFields executes fields that share a
//! response key once; async-graphql 7.2.1 runs every selection item and merges the results by
//! key afterwards (`resolver_utils::container`), so `{ search(query: "bass") { totalCount } }`
//! repeated 550 times ran 550 searches. [`normalize`] rewrites a parsed document so that in every
//! selection set (operations, fragments, inline fragments, fields):
//!
//! - fields with the same response key, name, arguments and directives, and both with or both
//!   without a selection set, become one field (at the first one's place) whose selection set is
//!   the concatenation of theirs, merged in turn;
//! - a fragment spread repeated with the same directives appears once.
//!
//! It preserves the meaning: the merged field resolves once with the same arguments and
//! directives, its sub-selections keep their order, and response keys keep the order of first
//! appearance. Validation gives the same verdict (the "selection set or not" condition keeps
//! `ScalarLeafs` from being satisfied by a merge). Fields in different fragments or inline
//! fragments are not merged (that would reorder keys or change what each fragment validates);
//! the cost limit counts them at their full cost instead.

use std::collections::HashMap;

use async_graphql::{
    Name,
    parser::{
        Positioned,
        types::{
            Directive, DocumentOperations, ExecutableDocument, Field, FragmentSpread, Selection,
            SelectionSet,
        },
    },
};

/// Deepest selection set merged. Deeper ones are left as written: the depth limit (15, or 20
/// inside introspection) refuses them anyway, and the merge must not recurse without bound.
const MAX_DEPTH: usize = 64;

/// Merges identical fields and fragment spreads throughout `doc` (see the module docs).
pub fn normalize(mut doc: ExecutableDocument) -> ExecutableDocument {
    match &mut doc.operations {
        DocumentOperations::Single(op) => merge(&mut op.node.selection_set.node, 0),
        DocumentOperations::Multiple(ops) => {
            for op in ops.values_mut() {
                merge(&mut op.node.selection_set.node, 0);
            }
        }
    }
    for fragment in doc.fragments.values_mut() {
        merge(&mut fragment.node.selection_set.node, 0);
    }
    doc
}

fn merge(set: &mut SelectionSet, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let items = std::mem::take(&mut set.items);
    let mut merged: Vec<Positioned<Selection>> = Vec::with_capacity(items.len());
    // Indexes into `merged` by response key (fields) and by fragment name (spreads), so a set
    // of distinct fields is merged in linear time.
    let mut fields: HashMap<Name, Vec<usize>> = HashMap::new();
    let mut spreads: HashMap<Name, Vec<usize>> = HashMap::new();
    for item in items {
        let pos = item.pos;
        match item.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.clone();
                let candidates = fields.entry(key).or_default();
                let same = candidates.iter().copied().find(|&i| {
                    matches!(&merged[i].node, Selection::Field(f) if same_field(&f.node, &field.node))
                });
                match same.map(|i| &mut merged[i].node) {
                    Some(Selection::Field(first)) => first
                        .node
                        .selection_set
                        .node
                        .items
                        .extend(field.node.selection_set.node.items),
                    _ => {
                        candidates.push(merged.len());
                        merged.push(Positioned::new(Selection::Field(field), pos));
                    }
                }
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.clone();
                let candidates = spreads.entry(name).or_default();
                let repeated = candidates.iter().any(|&i| {
                    matches!(&merged[i].node, Selection::FragmentSpread(s) if same_spread(&s.node, &spread.node))
                });
                if !repeated {
                    candidates.push(merged.len());
                    merged.push(Positioned::new(Selection::FragmentSpread(spread), pos));
                }
            }
            inline @ Selection::InlineFragment(_) => merged.push(Positioned::new(inline, pos)),
        }
    }
    for item in &mut merged {
        match &mut item.node {
            Selection::Field(field) => merge(&mut field.node.selection_set.node, depth + 1),
            Selection::InlineFragment(inline) => {
                merge(&mut inline.node.selection_set.node, depth + 1);
            }
            Selection::FragmentSpread(_) => {}
        }
    }
    set.items = merged;
}

/// Whether two fields with the same response key resolve identically: same name, arguments (in
/// any order) and directives (in order), and both leaves or both with a selection set.
fn same_field(a: &Field, b: &Field) -> bool {
    a.name.node == b.name.node
        && same_arguments(&a.arguments, &b.arguments)
        && same_directives(&a.directives, &b.directives)
        && a.selection_set.node.items.is_empty() == b.selection_set.node.items.is_empty()
}

fn same_spread(a: &FragmentSpread, b: &FragmentSpread) -> bool {
    a.fragment_name.node == b.fragment_name.node && same_directives(&a.directives, &b.directives)
}

/// Argument lists as sets: duplicate names are a validation error either way.
fn same_arguments<V: PartialEq>(
    a: &[(Positioned<Name>, Positioned<V>)],
    b: &[(Positioned<Name>, Positioned<V>)],
) -> bool {
    a.len() == b.len()
        && a.iter().all(|(name, value)| {
            b.iter()
                .any(|(other, other_value)| other.node == name.node && other_value == value)
        })
}

fn same_directives(a: &[Positioned<Directive>], b: &[Positioned<Directive>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.node.name.node == b.node.name.node
                && same_arguments(&a.node.arguments, &b.node.arguments)
        })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    /// The document printed back in a compact form (names, arguments, directives, nesting).
    fn print(query: &str) -> String {
        let doc = normalize(async_graphql::parser::parse_query(query).unwrap());
        let mut out = String::new();
        for (_, op) in doc.operations.iter() {
            print_set(&op.node.selection_set.node, &mut out);
        }
        let mut fragments: Vec<_> = doc.fragments.iter().collect();
        fragments.sort_by(|a, b| a.0.cmp(b.0));
        for (name, fragment) in fragments {
            out.push_str(&format!(" {name}:"));
            print_set(&fragment.node.selection_set.node, &mut out);
        }
        out
    }

    fn print_set(set: &SelectionSet, out: &mut String) {
        out.push('{');
        for item in &set.items {
            out.push(' ');
            match &item.node {
                Selection::Field(f) => {
                    if let Some(alias) = &f.node.alias {
                        out.push_str(&format!("{}:", alias.node));
                    }
                    out.push_str(&f.node.name.node);
                    for (name, value) in &f.node.arguments {
                        out.push_str(&format!("({}:{})", name.node, value.node));
                    }
                    for d in &f.node.directives {
                        out.push_str(&format!("@{}", d.node.name.node));
                    }
                    if !f.node.selection_set.node.items.is_empty() {
                        print_set(&f.node.selection_set.node, out);
                    }
                }
                Selection::FragmentSpread(s) => {
                    out.push_str(&format!("...{}", s.node.fragment_name.node));
                    for d in &s.node.directives {
                        out.push_str(&format!("@{}", d.node.name.node));
                    }
                }
                Selection::InlineFragment(i) => {
                    out.push_str("...");
                    if let Some(on) = &i.node.type_condition {
                        out.push_str(&on.node.on.node);
                    }
                    print_set(&i.node.selection_set.node, out);
                }
            }
        }
        out.push_str(" }");
    }

    #[test]
    fn identical_fields_become_one_with_their_selections_concatenated() {
        assert_eq!(
            print("{ a(x: 1) { b } c a(x: 1) { d b } }"),
            "{ a(x:1){ b d } c }"
        );
        // Arguments in another order are the same arguments; the merge recurses.
        assert_eq!(
            print("{ a(x: 1, y: 2) { b { c } } a(y: 2, x: 1) { b { c d } } }"),
            "{ a(x:1)(y:2){ b{ c d } } }"
        );
        assert_eq!(
            print(&format!("{{ {} }}", "s(q: \"bass\") { n } ".repeat(550))),
            "{ s(q:\"bass\"){ n } }"
        );
    }

    #[test]
    fn fields_that_differ_stay_apart() {
        for query in [
            "{ a(x: 1) a(x: 2) }",
            "{ a b: a }",
            "{ a @skip(if: true) a }",
            "{ a @skip(if: $v) a @include(if: $v) }",
            // A leaf and a field with a selection: merging would hide the validation error.
            "{ a a { b } }",
        ] {
            let doc = normalize(async_graphql::parser::parse_query(query).unwrap());
            let items = doc.operations.iter().next().unwrap().1;
            assert_eq!(items.node.selection_set.node.items.len(), 2, "{query}");
        }
    }

    #[test]
    fn aliases_equal_to_the_name_merge_and_keys_keep_first_order() {
        assert_eq!(print("{ b a: a { x } b: b a { y } }"), "{ b a:a{ x y } }");
    }

    #[test]
    fn spreads_repeat_once_fragments_and_inline_fragments_are_merged_inside() {
        assert_eq!(
            print(
                "{ ...F ...F @skip(if: true) ...F ... on Q { a a } ... on Q { a } } \
                 fragment F on Q { b { c } b { d } ...G ...G } fragment G on Q { e }"
            ),
            "{ ...F ...F@skip ...Q{ a } ...Q{ a } } F:{ b{ c d } ...G } G:{ e }"
        );
    }

    #[test]
    fn named_operations_are_merged_too() {
        let doc = normalize(
            async_graphql::parser::parse_query("query A { a a } query B { b b b }").unwrap(),
        );
        for (name, op) in doc.operations.iter() {
            assert_eq!(op.node.selection_set.node.items.len(), 1, "{name:?}");
        }
    }
}
