//! Field errors as the GraphQL spec's "Handling Field Errors" says: the errored field is `null`,
//! and a `null` in a non-null position makes its parent `null`, up to the nearest nullable
//! position (a list item, a field, or `data` itself).
//!
//! async-graphql 7.2.1 does not do this: a field whose future fails is reported and its key is
//! left out of the parent object (an object whose fields all failed becomes `null`), and nothing
//! propagates. Hooking every field with an extension would turn off the executor's fast path, so
//! the response is repaired afterwards, and only when it has field errors: each error's `path` is
//! followed through the executed operation's selection (aliases, fragments and inline fragments)
//! and the schema's field types, in two passes over the errors:
//!
//! 1. put the missing `null` back: the first key of the path that is absent becomes `null` (an
//!    object the executor collapsed to `null` because all its fields failed is re-opened first);
//! 2. propagate: the nearest nullable position at or above that `null` becomes `null`.
//!
//! Pass 1 runs for every error before pass 2, so a later error's path never re-opens an object
//! that an earlier error's propagation nulled. One case cannot be repaired exactly: when a list
//! item itself fails to resolve, the executor drops the whole list, so the list becomes `null`
//! (and propagates from there) even if its items are nullable.

use async_graphql::{
    Name, PathSegment, ServerError, Value,
    indexmap::IndexMap,
    parser::types::{
        BaseType, DocumentOperations, ExecutableDocument, OperationDefinition, Selection,
        SelectionSet, Type,
    },
};

use super::schema_index::{SchemaIndex, named_type};

/// Deepest fragment nesting followed (validation already refuses fragment cycles).
const MAX_FRAGMENT_DEPTH: usize = 64;

/// Repairs `data` after execution so that every field error leaves a spec-conformant `null`.
/// `operation` is the executed operation's name (`None` for a document's only operation).
pub(crate) fn apply(
    data: &mut Value,
    errors: &[ServerError],
    doc: &ExecutableDocument,
    operation: Option<&str>,
    schema: &SchemaIndex,
) {
    let Some(op) = find_operation(doc, operation) else {
        return;
    };
    let Some(root) = schema.root(op.ty) else {
        return;
    };
    // Pass 1: where each error's null now is (depth along its path), if it is a null at all.
    let nulled: Vec<(&[PathSegment], usize)> = errors
        .iter()
        .filter(|error| !error.path.is_empty())
        .filter_map(|error| restore_null(data, &error.path).map(|depth| (&error.path[..], depth)))
        .collect();
    // Pass 2: move each null up to its nearest nullable position.
    for (path, depth) in nulled {
        let types = path_types(doc, schema, root, &op.selection_set.node, &path[..depth]);
        let nullable_at = (1..=depth)
            .rev()
            .find(|&d| types[d - 1].is_none_or(|ty| ty.nullable))
            .unwrap_or(0);
        if nullable_at < depth {
            set_null(data, &path[..nullable_at]);
        }
    }
}

fn find_operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Pass 1 for one error: follows `path` through `data`, re-opening objects the executor
/// collapsed to `null`, and writes `null` at the first missing key. Returns the depth of the
/// null the path now ends in (0 is `data`), or `None` when the path leads to a value (nothing to
/// repair) or through something of an unexpected shape.
fn restore_null(data: &mut Value, path: &[PathSegment]) -> Option<usize> {
    let mut current = data;
    for (depth, segment) in path.iter().enumerate() {
        match segment {
            PathSegment::Field(key) => {
                // An error below a null object means all of its fields failed: the executor
                // answers such an object with null instead of its (errored) fields.
                if *current == Value::Null {
                    *current = Value::Object(IndexMap::new());
                }
                let Value::Object(fields) = current else {
                    return None;
                };
                if !fields.contains_key(key.as_str()) {
                    fields.insert(Name::new(key), Value::Null);
                    return Some(depth + 1);
                }
                current = fields.get_mut(key.as_str())?;
            }
            PathSegment::Index(index) => match current {
                // The list is null (its field failed because of this item): the null is there.
                Value::Null => return Some(depth),
                Value::List(items) => current = items.get_mut(*index)?,
                _ => return None,
            },
        }
    }
    (*current == Value::Null).then_some(path.len())
}

/// Sets the value at `path` (which pass 1 made exist) to `null`. A path through a null already
/// lies under a propagated null, which covers it.
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let mut current = data;
    for segment in path {
        let next = match (segment, current) {
            (PathSegment::Field(key), Value::Object(fields)) => fields.get_mut(key.as_str()),
            (PathSegment::Index(index), Value::List(items)) => items.get_mut(*index),
            _ => None,
        };
        match next {
            Some(value) => current = value,
            None => return,
        }
    }
    *current = Value::Null;
}

/// The declared type of each position along `path` (`None` where it cannot be told, which the
/// caller treats as nullable so that nothing is nulled on a guess).
fn path_types<'a>(
    doc: &'a ExecutableDocument,
    schema: &'a SchemaIndex,
    root: &'a str,
    selection: &'a SelectionSet,
    path: &[PathSegment],
) -> Vec<Option<&'a Type>> {
    // The selection sets that apply at the current object position, each with its parent type.
    let mut scope: Vec<(&'a str, &'a SelectionSet)> = vec![(root, selection)];
    let mut current: Option<&'a Type> = None;
    let mut types = Vec::with_capacity(path.len());
    for segment in path {
        match segment {
            PathSegment::Field(key) => {
                let mut matches = Vec::new();
                for &(parent, set) in &scope {
                    collect_fields(doc, parent, set, key, 0, &mut matches);
                }
                let mut next = Vec::new();
                current = None;
                for (parent, field) in matches {
                    let Some(info) = schema.field(parent, field.name.node.as_str()) else {
                        continue;
                    };
                    // Validation makes every field under one response key share its shape
                    // (nullability and lists), so the first one tells.
                    current = current.or(Some(&info.ty));
                    next.push((named_type(&info.ty), &field.selection_set.node));
                }
                scope = next;
            }
            PathSegment::Index(_) => {
                current = current.and_then(|ty| match &ty.base {
                    BaseType::List(item) => Some(item.as_ref()),
                    BaseType::Named(_) => None,
                });
            }
        }
        types.push(current);
    }
    types
}

/// The fields of `set` (on type `parent`) whose response key is `key`, fragments followed, each
/// with the type it is selected on.
fn collect_fields<'a>(
    doc: &'a ExecutableDocument,
    parent: &'a str,
    set: &'a SelectionSet,
    key: &str,
    depth: usize,
    out: &mut Vec<(&'a str, &'a async_graphql::parser::types::Field)>,
) {
    if depth > MAX_FRAGMENT_DEPTH {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                if field.node.response_key().node.as_str() == key {
                    out.push((parent, &field.node));
                }
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    let fragment = &fragment.node;
                    let on = fragment.type_condition.node.on.node.as_str();
                    collect_fields(doc, on, &fragment.selection_set.node, key, depth + 1, out);
                }
            }
            Selection::InlineFragment(inline) => {
                let inline = &inline.node;
                let on = inline
                    .type_condition
                    .as_ref()
                    .map_or(parent, |condition| condition.node.on.node.as_str());
                collect_fields(doc, on, &inline.selection_set.node, key, depth + 1, out);
            }
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use serde_json::{Value as Json, json};

    use super::*;

    const SDL: &str = "\
        type Query { node(id: ID!): Node, thing: Thing!, things: [Thing!]!, \
                     maybeThings: [Thing], optThings: [Thing!], a: Int, b: Int! }\n\
        interface Node { id: ID! }\n\
        type Thing implements Node { id: ID!, name: String, count: Int!, child: Thing }\n\
        schema { query: Query }";

    /// Runs [`apply`] on `data` with errors at `paths` (JSON arrays of keys and indices).
    fn repair(query: &str, data: Json, paths: &[Json]) -> Json {
        let schema = SchemaIndex::from_sdl(SDL);
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let errors: Vec<ServerError> = paths
            .iter()
            .map(|path| {
                let mut error = ServerError::new("boom", None);
                error.path = serde_json::from_value(path.clone()).unwrap();
                error
            })
            .collect();
        let mut data = Value::from_json(data).unwrap();
        apply(&mut data, &errors, &doc, None, &schema);
        data.into_json().unwrap()
    }

    #[test]
    fn an_errored_nullable_field_is_null() {
        assert_eq!(
            repair(
                "{ node(id: 1) { id } a }",
                json!({"a": 1}),
                &[json!(["node"])]
            ),
            json!({"node": null, "a": 1})
        );
        // The executor answers an object whose fields all failed with null.
        assert_eq!(
            repair("{ node(id: 1) { id } }", Json::Null, &[json!(["node"])]),
            json!({"node": null})
        );
    }

    #[test]
    fn a_non_null_field_nulls_its_nearest_nullable_parent() {
        let query = "{ thing { name child { name count } } a }";
        assert_eq!(
            repair(
                query,
                json!({"thing": {"name": "x", "child": {"name": "y"}}, "a": 1}),
                &[json!(["thing", "child", "count"])]
            ),
            json!({"thing": {"name": "x", "child": null}, "a": 1})
        );
    }

    #[test]
    fn a_non_null_root_field_nulls_data() {
        assert_eq!(
            repair("{ b a }", json!({"a": 1}), &[json!(["b"])]),
            Json::Null
        );
        assert_eq!(
            repair(
                "{ thing { count } a }",
                json!({"a": 1, "thing": null}),
                &[json!(["thing", "count"])]
            ),
            Json::Null
        );
    }

    #[test]
    fn list_items_null_themselves_or_their_list() {
        // Nullable items: only the failed item is null.
        assert_eq!(
            repair(
                "{ maybeThings { name count } }",
                json!({"maybeThings": [{"name": "x"}, {"name": "y", "count": 2}]}),
                &[json!(["maybeThings", 0, "count"])]
            ),
            json!({"maybeThings": [null, {"name": "y", "count": 2}]})
        );
        // Non-null items in a nullable list: the list is null.
        assert_eq!(
            repair(
                "{ optThings { count } a }",
                json!({"optThings": [null, {"count": 2}], "a": 1}),
                &[json!(["optThings", 0, "count"])]
            ),
            json!({"optThings": null, "a": 1})
        );
        // Non-null items in a non-null list: up to data.
        assert_eq!(
            repair(
                "{ things { count } a }",
                json!({"things": [{"count": 1}, null], "a": 1}),
                &[json!(["things", 1, "count"])]
            ),
            Json::Null
        );
        // An item that failed to resolve took its list with it in the executor.
        assert_eq!(
            repair(
                "{ maybeThings { name } a }",
                json!({"a": 1}),
                &[json!(["maybeThings", 1])]
            ),
            json!({"maybeThings": null, "a": 1})
        );
    }

    #[test]
    fn aliases_and_fragments_are_followed() {
        let query = "{ t: thing { ...F } a } \
                     fragment F on Thing { ... on Node { id } ... { n: count } }";
        assert_eq!(
            repair(
                query,
                json!({"t": {"id": "1"}, "a": 1}),
                &[json!(["t", "n"])]
            ),
            Json::Null,
            "count is non-null, so is thing: data is null"
        );
        let query = "{ node(id: 1) { ... on Thing { c: child { cnt: count } } } a }";
        assert_eq!(
            repair(
                query,
                json!({"node": {"c": {}}, "a": 1}),
                &[json!(["node", "c", "cnt"])]
            ),
            json!({"node": {"c": null}, "a": 1})
        );
    }

    #[test]
    fn several_errors_and_values_already_present() {
        // Two failures under one nullable parent; a later path through a nulled parent is
        // covered by it.
        assert_eq!(
            repair(
                "{ thing { child { count name } } a }",
                json!({"thing": {"child": null}, "a": 1}),
                &[
                    json!(["thing", "child", "count"]),
                    json!(["thing", "child", "name"])
                ]
            ),
            json!({"thing": {"child": null}, "a": 1})
        );
        // An error next to a value the executor kept: the value stays.
        assert_eq!(
            repair("{ a }", json!({"a": 1}), &[json!(["a"])]),
            json!({"a": 1})
        );
        // Unknown fields are treated as nullable: nothing is nulled on a guess.
        assert_eq!(
            repair(
                "{ thing { count } a }",
                json!({"a": 1}),
                &[json!(["mystery", "x"])]
            ),
            json!({"a": 1, "mystery": null})
        );
    }
}
