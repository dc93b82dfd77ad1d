//! Client input that the executor would otherwise report as a server fault.
//!
//! - A NUL character (U+0000) in any string input: PostgreSQL refuses it in text, so it used to
//!   fail deep in a service as an internal error. [`check_nul`] refuses it at the boundary, in
//!   argument and directive literals (input objects and lists included), variable defaults and
//!   the variables JSON, before anything executes.
//! - An `Int` argument outside 32 bits or a `DateTime` argument that is not RFC 3339:
//!   async-graphql's validation lets both through (it checks only that an `Int` is an integer and
//!   a `DateTime` a string) and refuses them while executing the field. [`check_arguments`]
//!   refuses them before anything runs, in literals and variables, for every argument the schema
//!   declares `Int` or `DateTime` (lists of them included); it also keeps a size like
//!   `tags(limit: 2147483648)` from reaching the cost limit, which would size a list by a value
//!   the executor never uses.
//! - Any other argument value the executor cannot coerce (an input object's field, a
//!   validator's refusal): async-graphql reports it as a field error without `extensions.code`,
//!   located at the argument's value. [`argument_at`] finds the argument at that location, so the
//!   error can be answered as `BAD_USER_INPUT` naming it. A resolver's own error is located at
//!   its field, never at an argument value, so the two cannot be confused.

use std::ops::ControlFlow;

use async_graphql::{
    Name, Pos, Positioned, Value as ConstValue, Variables,
    parser::types::{
        BaseType, Directive, DocumentOperations, ExecutableDocument, Selection, SelectionSet, Type,
    },
};
use async_graphql_value::Value as InputValue;
use serde_json::{Value, json};

use super::schema_index::SchemaIndex;

const NUL: &str = "must not contain a NUL character (U+0000)";
const INT: &str = "must be an integer from -2147483648 to 2147483647";
const DATE_TIME: &str = "must be an RFC 3339 date and time, e.g. 2024-05-01T12:00:00Z";

/// An argument value refused before execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputError {
    /// The argument the value is given to (for an input object: the whole argument).
    pub argument: String,
    /// The variable that carried it, when it came through one.
    pub variable: Option<String>,
    /// Where the value is in the document (a literal, or the variable's use).
    pub location: Option<Pos>,
    /// What the value must be.
    pub problem: &'static str,
}

impl InputError {
    /// The response's error entry (`BAD_USER_INPUT`, naming the argument).
    pub(crate) fn to_error(&self, request_id: &str) -> Value {
        let message = match &self.variable {
            Some(variable) => format!(
                "variable `${variable}` (argument `{}`) {}",
                self.argument, self.problem
            ),
            None => format!("argument `{}` {}", self.argument, self.problem),
        };
        let mut extensions = json!({
            "code": graph::error::codes::BAD_USER_INPUT,
            "argument": self.argument,
            "requestId": request_id,
        });
        if let Some(variable) = &self.variable {
            extensions["variable"] = json!(variable);
        }
        let mut error = json!({ "message": message, "extensions": extensions });
        if let Some(pos) = self.location {
            error["locations"] = json!([{ "line": pos.line, "column": pos.column }]);
        }
        error
    }
}

/// Refuses a NUL character in any string input of `doc` or `variables`.
pub(crate) fn check_nul(doc: &ExecutableDocument, variables: &Variables) -> Result<(), InputError> {
    let literal = visit_arguments(doc, &mut |name, value| {
        if input_has_nul(&value.node) {
            ControlFlow::Break(InputError {
                argument: name.to_string(),
                variable: None,
                location: Some(value.pos),
                problem: NUL,
            })
        } else {
            ControlFlow::Continue(())
        }
    });
    if let ControlFlow::Break(found) = literal {
        return Err(found);
    }
    let defaults = doc.operations.iter().flat_map(|(_, op)| {
        op.node
            .variable_definitions
            .iter()
            .filter_map(|var| Some((&var.node.name.node, var.node.default_value.as_ref()?)))
            .map(|(name, value)| (name, &value.node, Some(value.pos)))
    });
    let given = variables.iter().map(|(name, value)| (name, value, None));
    for (variable, value, location) in defaults.chain(given) {
        if const_has_nul(value) {
            return Err(InputError {
                argument: argument_of_variable(doc, variable)
                    .unwrap_or(variable.as_str())
                    .to_owned(),
                variable: Some(variable.to_string()),
                location,
                problem: NUL,
            });
        }
    }
    Ok(())
}

/// Refuses an `Int` argument outside 32 bits and a `DateTime` argument that is not RFC 3339, in
/// the operation `operation` selects and every fragment, given as a literal or a variable (its
/// value, else its default). Arguments the schema does not know are left to validation.
pub(crate) fn check_arguments(
    doc: &ExecutableDocument,
    operation: Option<&str>,
    variables: &Variables,
    schema: &SchemaIndex,
) -> Result<(), InputError> {
    let op = match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => &op.node,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => &op.node,
            None => return Ok(()),
        },
        (DocumentOperations::Multiple(ops), None) => match ops.values().next() {
            Some(op) if ops.len() == 1 => &op.node,
            _ => return Ok(()),
        },
    };
    let Some(root) = schema.root(op.ty) else {
        return Ok(());
    };
    let variable = |name: &Name| {
        variables.get(name).or_else(|| {
            op.variable_definitions
                .iter()
                .find(|var| var.node.name.node == *name)
                .and_then(|var| var.node.default_value.as_ref())
                .map(|value| &value.node)
        })
    };
    // Each fragment is checked once on its own type condition, not once per spread, so the walk
    // stays linear in the document's size.
    let mut sets: Vec<(&str, &SelectionSet)> = vec![(root, &op.selection_set.node)];
    for fragment in doc.fragments.values() {
        let fragment = &fragment.node;
        sets.push((
            fragment.type_condition.node.on.node.as_str(),
            &fragment.selection_set.node,
        ));
    }
    while let Some((parent, set)) = sets.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    if field.arguments.is_empty() && field.selection_set.node.items.is_empty() {
                        continue;
                    }
                    let Some(info) = schema.field(parent, field.name.node.as_str()) else {
                        continue;
                    };
                    for (name, value) in &field.arguments {
                        let Some(arg) = info.args.get(name.node.as_str()) else {
                            continue;
                        };
                        let refused = |problem, variable: Option<&Name>| InputError {
                            argument: name.node.to_string(),
                            variable: variable.map(Name::to_string),
                            location: Some(value.pos),
                            problem,
                        };
                        match &value.node {
                            InputValue::Variable(var) => {
                                if let Some(problem) =
                                    variable(var).and_then(|v| const_problem(v, &arg.ty))
                                {
                                    return Err(refused(problem, Some(var)));
                                }
                            }
                            literal => {
                                if let Some(problem) = input_problem(literal, &arg.ty, &variable) {
                                    return Err(refused(problem, None));
                                }
                            }
                        }
                    }
                    sets.push((named(&info.ty), &field.selection_set.node));
                }
                Selection::FragmentSpread(_) => {}
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let on = inline
                        .type_condition
                        .as_ref()
                        .map_or(parent, |condition| condition.node.on.node.as_str());
                    sets.push((on, &inline.selection_set.node));
                }
            }
        }
    }
    Ok(())
}

fn named(ty: &Type) -> &str {
    super::schema_index::named_type(ty)
}

/// What is wrong with `value` as a value of `ty` (only the `Int` and `DateTime` rules above).
fn const_problem(value: &ConstValue, ty: &Type) -> Option<&'static str> {
    match (&ty.base, value) {
        (_, ConstValue::Null) => None,
        (BaseType::List(item), ConstValue::List(items)) => {
            items.iter().find_map(|v| const_problem(v, item))
        }
        // A single value where a list is expected is coerced to a list of one.
        (BaseType::List(item), single) => const_problem(single, item),
        (BaseType::Named(name), ConstValue::Number(n)) => number_problem(name, n),
        (BaseType::Named(name), ConstValue::String(s)) => string_problem(name, s),
        (BaseType::Named(_), _) => None,
    }
}

/// [`const_problem`] for a literal, whose list items may be variables.
fn input_problem<'a>(
    value: &InputValue,
    ty: &Type,
    variable: &impl Fn(&Name) -> Option<&'a ConstValue>,
) -> Option<&'static str> {
    match (&ty.base, value) {
        (_, InputValue::Variable(var)) => variable(var).and_then(|v| const_problem(v, ty)),
        (BaseType::List(item), InputValue::List(items)) => {
            items.iter().find_map(|v| input_problem(v, item, variable))
        }
        (BaseType::List(item), single) => input_problem(single, item, variable),
        (BaseType::Named(name), InputValue::Number(n)) => number_problem(name, n),
        (BaseType::Named(name), InputValue::String(s)) => string_problem(name, s),
        (BaseType::Named(_), _) => None,
    }
}

/// An `Int` must fit in 32 bits (the executor's own rule, which its validation skips).
fn number_problem(scalar: &str, n: &async_graphql::Number) -> Option<&'static str> {
    let fits = n.as_i64().is_some_and(|n| i32::try_from(n).is_ok());
    (scalar == "Int" && !fits).then_some(INT)
}

/// A `DateTime` must parse as the executor parses it (chrono's RFC 3339).
fn string_problem(scalar: &str, s: &str) -> Option<&'static str> {
    let parses = || s.parse::<chrono::DateTime<chrono::Utc>>().is_ok();
    (scalar == "DateTime" && !parses()).then_some(DATE_TIME)
}

/// The name of the argument (of a field or directive) whose value is at `pos` in `doc`.
pub(crate) fn argument_at(doc: &ExecutableDocument, pos: Pos) -> Option<&str> {
    match visit_arguments(doc, &mut |name, value| {
        if value.pos == pos {
            ControlFlow::Break(name)
        } else {
            ControlFlow::Continue(())
        }
    }) {
        ControlFlow::Break(name) => Some(name.as_str()),
        ControlFlow::Continue(()) => None,
    }
}

/// The first argument whose value uses `$variable` (anywhere inside it).
fn argument_of_variable<'a>(doc: &'a ExecutableDocument, variable: &Name) -> Option<&'a str> {
    match visit_arguments(doc, &mut |name, value| {
        if uses_variable(&value.node, variable) {
            ControlFlow::Break(name)
        } else {
            ControlFlow::Continue(())
        }
    }) {
        ControlFlow::Break(name) => Some(name.as_str()),
        ControlFlow::Continue(()) => None,
    }
}

/// Calls `f` with every argument of every field and directive in `doc` (all operations and
/// fragments), until it breaks.
fn visit_arguments<'a, B>(
    doc: &'a ExecutableDocument,
    f: &mut impl FnMut(&'a Name, &'a Positioned<InputValue>) -> ControlFlow<B>,
) -> ControlFlow<B> {
    let mut sets: Vec<&'a SelectionSet> = Vec::new();
    for (_, op) in doc.operations.iter() {
        visit_directives(&op.node.directives, f)?;
        for var in &op.node.variable_definitions {
            visit_directives(&var.node.directives, f)?;
        }
        sets.push(&op.node.selection_set.node);
    }
    for fragment in doc.fragments.values() {
        visit_directives(&fragment.node.directives, f)?;
        sets.push(&fragment.node.selection_set.node);
    }
    // Depth-first without recursion: the document's depth is bounded elsewhere, but a stack
    // costs nothing here.
    while let Some(set) = sets.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    for (name, value) in &field.node.arguments {
                        f(&name.node, value)?;
                    }
                    visit_directives(&field.node.directives, f)?;
                    sets.push(&field.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    visit_directives(&spread.node.directives, f)?;
                }
                Selection::InlineFragment(inline) => {
                    visit_directives(&inline.node.directives, f)?;
                    sets.push(&inline.node.selection_set.node);
                }
            }
        }
    }
    ControlFlow::Continue(())
}

fn visit_directives<'a, B>(
    directives: &'a [Positioned<Directive>],
    f: &mut impl FnMut(&'a Name, &'a Positioned<InputValue>) -> ControlFlow<B>,
) -> ControlFlow<B> {
    for directive in directives {
        for (name, value) in &directive.node.arguments {
            f(&name.node, value)?;
        }
    }
    ControlFlow::Continue(())
}

fn input_has_nul(value: &InputValue) -> bool {
    match value {
        InputValue::String(s) => s.contains('\0'),
        InputValue::List(items) => items.iter().any(input_has_nul),
        InputValue::Object(fields) => fields.values().any(input_has_nul),
        _ => false,
    }
}

fn const_has_nul(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(s) => s.contains('\0'),
        ConstValue::List(items) => items.iter().any(const_has_nul),
        ConstValue::Object(fields) => fields.values().any(const_has_nul),
        _ => false,
    }
}

fn uses_variable(value: &InputValue, variable: &Name) -> bool {
    match value {
        InputValue::Variable(name) => name == variable,
        InputValue::List(items) => items.iter().any(|v| uses_variable(v, variable)),
        InputValue::Object(fields) => fields.values().any(|v| uses_variable(v, variable)),
        _ => false,
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn doc(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).unwrap()
    }

    fn vars(json: Value) -> Variables {
        Variables::from_json(json)
    }

    #[test]
    fn nul_literals_are_found_in_arguments_input_objects_lists_and_directives() {
        let none = vars(json!({}));
        let cases = [
            (r#"{ search(query: "a\u0000b") { totalCount } }"#, "query"),
            (
                r#"{ creators(filter: { genres: ["x", "\u0000"] }) { totalCount } }"#,
                "filter",
            ),
            (
                r#"query { ...F } fragment F on Query { tag(name: "\u0000") { name } }"#,
                "name",
            ),
            (r#"{ a @include(if: true) @x(arg: "\u0000") }"#, "arg"),
            (r#"{ b { ... on B { c(d: "q\u0000") } } }"#, "d"),
        ];
        for (query, argument) in cases {
            let found = check_nul(&doc(query), &none).unwrap_err();
            assert_eq!(found.argument, argument, "{query}");
            assert_eq!(found.variable, None);
            assert!(found.location.is_some());
        }
        assert_eq!(
            check_nul(&doc(r#"{ search(query: "fine") { totalCount } }"#), &none),
            Ok(())
        );
    }

    #[test]
    fn nul_in_variables_and_defaults_names_the_argument_they_feed() {
        let query = "query($q: String!, $f: CreatorFilter) { search(query: $q) { totalCount } \
                     creators(filter: { nested: $f }) { totalCount } }";
        let found = check_nul(&doc(query), &vars(json!({"q": "a\u{0}"}))).unwrap_err();
        assert_eq!(found.argument, "query");
        assert_eq!(found.variable.as_deref(), Some("q"));
        let found = check_nul(
            &doc(query),
            &vars(json!({"q": "ok", "f": {"genres": ["\u{0}"]}})),
        )
        .unwrap_err();
        assert_eq!(found.argument, "filter");
        let found = check_nul(
            &doc(r#"query($q: String = "\u0000") { search(query: $q) { totalCount } }"#),
            &vars(json!({})),
        )
        .unwrap_err();
        assert_eq!(
            (found.argument.as_str(), found.variable.as_deref()),
            ("query", Some("q"))
        );
        assert_eq!(check_nul(&doc(query), &vars(json!({"q": "ok"}))), Ok(()));
    }

    #[test]
    fn the_argument_at_a_location_is_found_and_fields_are_not_arguments() {
        let lines = [
            "{ tags(limit: 2147483648) { name } ...F }",
            r#"fragment F on Query { popularSearches(since: "yesterday") { query } }"#,
        ];
        let d = doc(&lines.join("\n"));
        let at = |line: usize, token: &str| Pos {
            line,
            column: lines[line - 1].find(token).unwrap() + 1,
        };
        assert_eq!(argument_at(&d, at(1, "2147483648")), Some("limit"));
        assert_eq!(argument_at(&d, at(2, "\"yesterday")), Some("since"));
        assert_eq!(argument_at(&d, at(1, "tags")), None, "the field");
        assert_eq!(argument_at(&d, at(1, "limit")), None, "the argument's name");
    }

    fn refused(query: &str, variables: Value) -> Option<(String, Option<String>, &'static str)> {
        let schema = SchemaIndex::from_sdl(
            "type Query { tags(limit: Int! = 50): [Int!]!, node(id: ID!): Node, \
                          since(at: DateTime, n: Float): Int, many(ns: [Int!]): Int }\n\
             interface Node { id: ID! }\n\
             type Thing implements Node { id: ID!, sub(k: Int): Int }\n\
             scalar DateTime\n\
             schema { query: Query }",
        );
        check_arguments(&doc(query), None, &vars(variables), &schema)
            .err()
            .map(|e| (e.argument, e.variable, e.problem))
    }

    #[test]
    fn ints_outside_32_bits_and_invalid_date_times_are_refused() {
        let none = json!({});
        let limit = Some(("limit".to_owned(), None, INT));
        assert_eq!(refused("{ tags(limit: 2147483648) }", none.clone()), limit);
        assert_eq!(refused("{ tags(limit: -2147483649) }", none.clone()), limit);
        assert_eq!(refused("{ tags(limit: 1.5) }", none.clone()), limit);
        assert_eq!(refused("{ tags(limit: 2147483647) }", none.clone()), None);
        assert_eq!(refused("{ tags(limit: -2147483648) }", none.clone()), None);
        let at = Some(("at".to_owned(), None, DATE_TIME));
        assert_eq!(refused(r#"{ since(at: "yesterday") }"#, none.clone()), at);
        assert_eq!(
            refused(r#"{ since(at: "2024-05-01T12:00:00Z") }"#, none.clone()),
            None
        );
        // Lists, a single value for a list, and fields under fragments on other types.
        let ns = Some(("ns".to_owned(), None, INT));
        assert_eq!(refused("{ many(ns: [1, 2147483648]) }", none.clone()), ns);
        assert_eq!(refused("{ many(ns: 2147483648) }", none.clone()), ns);
        let k = Some(("k".to_owned(), None, INT));
        assert_eq!(
            refused(
                "{ node(id: 1) { ... on Thing { sub(k: 2147483648) } } }",
                none.clone()
            ),
            k
        );
        assert_eq!(
            refused(
                "{ node(id: 1) { ...T } } fragment T on Thing { sub(k: 4294967296) }",
                none.clone()
            ),
            k
        );
        // Other types take such values: an ID, a Float.
        assert_eq!(
            refused("{ node(id: 2147483648) { id } }", none.clone()),
            None
        );
        assert_eq!(refused("{ since(n: 2147483648) }", none), None);
    }

    #[test]
    fn variables_and_their_defaults_are_checked_where_they_are_used() {
        let query = "query($n: Int!, $s: DateTime, $m: Int = 3000000000) { \
                     tags(limit: $n) since(at: $s) many(ns: [1, $m]) }";
        assert_eq!(
            refused(query, json!({"n": 2_147_483_648_u64, "m": 1})),
            Some(("limit".to_owned(), Some("n".to_owned()), INT))
        );
        assert_eq!(
            refused(query, json!({"n": 1, "s": "yesterday", "m": 1})),
            Some(("at".to_owned(), Some("s".to_owned()), DATE_TIME))
        );
        assert_eq!(
            refused(query, json!({"n": 1})),
            Some(("ns".to_owned(), None, INT)),
            "the default of $m inside a list literal"
        );
        assert_eq!(
            refused(
                query,
                json!({"n": 1, "s": "2024-05-01T12:00:00+02:00", "m": 7})
            ),
            None
        );
    }

    #[test]
    fn the_error_names_argument_and_variable() {
        let error = InputError {
            argument: "query".into(),
            variable: Some("q".into()),
            location: None,
            problem: NUL,
        }
        .to_error("req-1");
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(error["extensions"]["argument"], "query");
        assert_eq!(error["extensions"]["variable"], "q");
        assert!(error.get("locations").is_none());
    }
}
