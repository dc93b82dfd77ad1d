//! Abuse limits checked before anything executes: tokens (on the raw text, before parsing), then
//! aliases, directives (their number, and that each is one the schema defines for its place, once
//! unless repeatable), depth and cost on the parsed, normalized document (see [`super::normalize`]:
//! identical fields are merged before these checks, so what is counted is what executes).
//!
//! Cost (decision 0034): every field costs 1 each time it resolves, a root field of a query or
//! mutation (other than `__typename`) [`ROOT_FIELD_COST`], since each one runs its own entry-point
//! statements that no loader batches with its siblings. A list repeats what is below it: by its
//! sizing argument (`first`, `last`, `limit`; a list argument `ids` by its length), whose value is
//! the one the executor will use: the variable, else the variable definition's default, else the
//! schema argument's default, else [`DEFAULT_PAGE_SIZE`] when the field declares the argument
//! without a default. A connection's size applies to its list fields (`edges`, `nodes`), not to
//! `totalCount` or `pageInfo`. The walk follows the type of each field and fragment through the
//! [`SchemaIndex`]; where the index does not know a field, the schema-free rule applies: a field's
//! `first`/`last`/`limit`/`ids` (or, selecting `edges`/`nodes` without them, the default page
//! size) multiplies all its children. Fields in different fragments are counted once per spread.
//!
//! Introspection (`__schema`, `__type`) is not counted toward depth or cost so GraphiQL and
//! GraphQL Code Generator work; it has its own bound instead: at most
//! [`MAX_INTROSPECTION_DEPTH`] levels and [`MAX_INTROSPECTION_LISTS`] nested introspection lists,
//! which the standard introspection queries stay within and cyclic `fields { type { fields …`
//! queries do not.

use std::collections::{HashMap, HashSet};

use async_graphql::{
    Value, Variables,
    parser::{
        Positioned,
        types::{
            Directive, DirectiveLocation, ExecutableDocument, Field, OperationType, Selection,
            SelectionSet,
        },
    },
};

use super::schema_index::{FieldInfo, SchemaIndex, is_list, named_type};

/// The connection page size when a query gives neither `first` nor `last` (as in `graph`), and
/// the size of any list whose sizing argument is absent and has no default in the schema.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// What one root field of a query or mutation costs (`__typename` costs 1): the default
/// `max_cost` of 10,000 holds at most 200 of them (decision 0034).
pub const ROOT_FIELD_COST: u64 = 50;
/// Deepest nesting allowed inside `__schema` / `__type`.
pub const MAX_INTROSPECTION_DEPTH: usize = 20;
/// Most introspection list fields (`types`, `fields`, ...) nested inside each other.
pub const MAX_INTROSPECTION_LISTS: usize = 3;
/// Walk budget: fragment fan-out cannot make the analysis itself expensive.
const MAX_VISITS: u64 = 100_000;
/// Integer arguments that say how many items a list holds.
const SIZE_ARGUMENTS: &[&str] = &["first", "last", "limit"];
/// List arguments whose length is the number of items (`nodes(ids:)`).
const LIST_ARGUMENTS: &[&str] = &["ids"];

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
    #[error(
        "the query's cost exceeds {0} (a root field costs {root}, every other field 1, times \
         the sizes of the lists around it)",
        root = ROOT_FIELD_COST
    )]
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
    /// A directive the schema does not define for that place, or a non-repeatable one twice.
    #[error("{0}")]
    InvalidDirective(String),
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
            Self::InvalidDirective(_) => "GRAPHQL_VALIDATION_FAILED",
        }
    }
}

/// Counts GraphQL lexical tokens as the spec's lexer reads them, stopping past `max`:
/// punctuators (`...` is one), names (`[_A-Za-z][_0-9A-Za-z]*`), numbers (`-`? digits, an
/// optional fraction and exponent), strings and block strings. Whitespace, line terminators,
/// commas, the byte order mark and comments are ignored. Anything else counts one token per
/// character (the parser refuses it anyway).
pub fn count_tokens(text: &str, max: usize) -> usize {
    let bytes = text.as_bytes();
    let digits_from = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = 0;
    let mut count = 0;
    while i < bytes.len() && count <= max {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            0xEF if bytes[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => {
                i += 3;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
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
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' && bytes[i] != b'\r'
                {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => i += 3,
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                i += 1;
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
            }
            b'-' | b'0'..=b'9'
                if bytes
                    .get(i + usize::from(b == b'-'))
                    .is_some_and(u8::is_ascii_digit) =>
            {
                i = digits_from(i + 1);
                if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i = digits_from(i + 1);
                }
                if matches!(bytes.get(i), Some(b'e' | b'E')) {
                    let sign = usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
                    if bytes.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
                        i = digits_from(i + 1 + sign);
                    }
                }
            }
            // A punctuator, or a character no token starts with (one token each, whatever its
            // length in UTF-8).
            _ => {
                i += 1;
                while i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
                    i += 1;
                }
            }
        }
        count += 1;
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
/// would run, with the schema's types, arguments and directives from `index`.
pub fn check_document(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    index: &SchemaIndex,
    limits: &Limits,
) -> Result<(), LimitError> {
    let mut census = Census {
        index,
        aliases: 0,
        directives: 0,
        invalid: None,
    };
    for (_, op) in doc.operations.iter() {
        let location = match op.node.ty {
            OperationType::Query => DirectiveLocation::Query,
            OperationType::Mutation => DirectiveLocation::Mutation,
            OperationType::Subscription => DirectiveLocation::Subscription,
        };
        census.directives(&op.node.directives, location);
        for var in &op.node.variable_definitions {
            census.directives(&var.node.directives, DirectiveLocation::VariableDefinition);
        }
        census.set(&op.node.selection_set.node);
    }
    for fragment in doc.fragments.values() {
        census.directives(
            &fragment.node.directives,
            DirectiveLocation::FragmentDefinition,
        );
        census.set(&fragment.node.selection_set.node);
    }
    if census.aliases > limits.max_aliases {
        return Err(LimitError::Aliases(limits.max_aliases));
    }
    if census.directives > limits.max_directives {
        return Err(LimitError::Directives(limits.max_directives));
    }
    if let Some(invalid) = census.invalid {
        return Err(LimitError::InvalidDirective(invalid));
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
        let defaults = op
            .node
            .variable_definitions
            .iter()
            .filter_map(|var| {
                let default = var.node.default_value.as_ref()?;
                Some((var.node.name.node.as_str(), &default.node))
            })
            .collect();
        let mut walk = Walk {
            doc,
            variables,
            defaults,
            index,
            limits,
            cost: 0,
            visits: 0,
            stack: HashSet::new(),
        };
        let at = At {
            depth: 1,
            multiplier: 1,
            ty: index.root(op.node.ty),
            pending: None,
            intro: None,
        };
        walk.set(&op.node.selection_set.node, at)?;
    }
    Ok(())
}

/// Counts aliases and directives over the whole document and finds the first directive the
/// schema does not allow where it stands.
struct Census<'a> {
    index: &'a SchemaIndex,
    aliases: usize,
    directives: usize,
    invalid: Option<String>,
}

impl Census<'_> {
    fn set(&mut self, set: &SelectionSet) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    self.aliases += usize::from(field.node.alias.is_some());
                    self.directives(&field.node.directives, DirectiveLocation::Field);
                    self.set(&field.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    self.directives(&spread.node.directives, DirectiveLocation::FragmentSpread);
                }
                Selection::InlineFragment(inline) => {
                    self.directives(&inline.node.directives, DirectiveLocation::InlineFragment);
                    self.set(&inline.node.selection_set.node);
                }
            }
        }
    }

    /// The directives at one place: each must be defined for `location`, and a non-repeatable
    /// one may stand there once.
    fn directives(&mut self, directives: &[Positioned<Directive>], location: DirectiveLocation) {
        self.directives += directives.len();
        if self.invalid.is_some() {
            return;
        }
        for (i, directive) in directives.iter().enumerate() {
            let name = directive.node.name.node.as_str();
            let pos = directive.pos;
            let problem = match self.index.directive(name) {
                None => Some(format!("Unknown directive \"@{name}\"")),
                Some(info) if !info.locations.contains(&location) => Some(format!(
                    "Directive \"@{name}\" may not be used on {}",
                    location_name(location)
                )),
                Some(info)
                    if !info.repeatable
                        && directives[..i].iter().any(|d| d.node.name.node == name) =>
                {
                    Some(format!("Directive \"@{name}\" may be used only once here"))
                }
                Some(_) => None,
            };
            if let Some(problem) = problem {
                self.invalid = Some(format!(
                    "{problem} (line {}, column {})",
                    pos.line, pos.column
                ));
                return;
            }
        }
    }
}

fn location_name(location: DirectiveLocation) -> &'static str {
    match location {
        DirectiveLocation::Query => "QUERY",
        DirectiveLocation::Mutation => "MUTATION",
        DirectiveLocation::Subscription => "SUBSCRIPTION",
        DirectiveLocation::Field => "FIELD",
        DirectiveLocation::FragmentDefinition => "FRAGMENT_DEFINITION",
        DirectiveLocation::FragmentSpread => "FRAGMENT_SPREAD",
        DirectiveLocation::InlineFragment => "INLINE_FRAGMENT",
        DirectiveLocation::VariableDefinition => "VARIABLE_DEFINITION",
        _ => "a type system location",
    }
}

/// Where the walk is inside an introspection subtree: its depth and nested list count.
#[derive(Clone, Copy)]
struct Introspection {
    depth: usize,
    lists: usize,
}

/// Where the walk stands: the field depth, how many times the selection resolves, the type it
/// selects on (when the index knows it), the size a connection hands to its list fields, and
/// the introspection bound.
#[derive(Clone, Copy)]
struct At<'a> {
    depth: usize,
    multiplier: u64,
    ty: Option<&'a str>,
    pending: Option<u64>,
    intro: Option<Introspection>,
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    /// The operation's variable defaults, for variables the request leaves out.
    defaults: HashMap<&'a str, &'a Value>,
    index: &'a SchemaIndex,
    limits: &'a Limits,
    cost: u64,
    visits: u64,
    stack: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    fn set(&mut self, set: &'a SelectionSet, at: At<'a>) -> Result<(), LimitError> {
        for item in &set.items {
            self.visits += 1;
            if self.visits > MAX_VISITS {
                return Err(LimitError::Cost(self.limits.max_cost));
            }
            match &item.node {
                Selection::Field(field) => self.field(&field.node, at)?,
                Selection::InlineFragment(inline) => {
                    let ty = match &inline.node.type_condition {
                        Some(condition) => Some(condition.node.on.node.as_str()),
                        None => at.ty,
                    };
                    self.set(&inline.node.selection_set.node, At { ty, ..at })?;
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
                    let ty = Some(fragment.node.type_condition.node.on.node.as_str());
                    self.set(&fragment.node.selection_set.node, At { ty, ..at })?;
                    self.stack.remove(name);
                }
            }
        }
        Ok(())
    }

    fn field(&mut self, field: &'a Field, at: At<'a>) -> Result<(), LimitError> {
        let name = field.name.node.as_str();
        let intro = match at.intro {
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
            let at = At {
                intro: Some(i),
                ..at
            };
            return self.set(&field.selection_set.node, at);
        }
        if at.depth > self.limits.max_depth {
            return Err(LimitError::Depth(self.limits.max_depth));
        }
        let weight = if at.depth == 1 && name != "__typename" {
            ROOT_FIELD_COST
        } else {
            1
        };
        self.cost = self
            .cost
            .saturating_add(at.multiplier.saturating_mul(weight));
        if self.cost > self.limits.max_cost {
            return Err(LimitError::Cost(self.limits.max_cost));
        }
        let info = at.ty.and_then(|ty| self.index.field(ty, name));
        let (multiplier, pending, ty) = match info {
            Some(info) => {
                let size = self.size(field, Some(info));
                let ty = Some(named_type(&info.ty));
                if is_list(&info.ty) {
                    let repeat = size.or(at.pending).unwrap_or(1);
                    (at.multiplier.saturating_mul(repeat), None, ty)
                } else {
                    (at.multiplier, size, ty)
                }
            }
            None => {
                let size = self.size(field, None).unwrap_or(1);
                (at.multiplier.saturating_mul(size), None, None)
            }
        };
        let at = At {
            depth: at.depth + 1,
            multiplier,
            ty,
            pending,
            intro: None,
        };
        self.set(&field.selection_set.node, at)
    }

    /// How many items the list a field returns (or, for a connection, its list fields) holds,
    /// as the executor will size it; `None` when nothing sizes it. At least 1, so the fields
    /// below a list always count.
    fn size(&self, field: &Field, info: Option<&FieldInfo>) -> Option<u64> {
        let declared = |name: &str| info.and_then(|info| info.args.get(name));
        let mut size: Option<u64> = None;
        let mut unsized_argument = false;
        for &name in SIZE_ARGUMENTS {
            let value = self
                .argument(field, name)
                .or_else(|| declared(name).and_then(|arg| arg.default.clone()));
            match value {
                Some(Value::Number(n)) => {
                    let n = n.as_u64().unwrap_or(0);
                    size = Some(size.map_or(n, |s| s.max(n)));
                }
                _ => unsized_argument |= declared(name).is_some(),
            }
        }
        for &name in LIST_ARGUMENTS {
            let value = self
                .argument(field, name)
                .or_else(|| declared(name).and_then(|arg| arg.default.clone()));
            let n = match value {
                Some(Value::List(items)) => items.len() as u64,
                // A single value where a list is expected is coerced to a list of one.
                Some(Value::Null) | None => continue,
                Some(_) => 1,
            };
            size = Some(size.map_or(n, |s| s.max(n)));
        }
        if size.is_none() {
            // A connection or list without an explicit size: the resolver's own default. Without
            // the schema, a field selecting `edges`/`nodes` is taken for a connection.
            let connection = info.is_none()
                && field.selection_set.node.items.iter().any(|item| {
                    matches!(&item.node, Selection::Field(f)
                        if matches!(f.node.name.node.as_str(), "edges" | "nodes"))
                });
            if unsized_argument || connection {
                size = Some(DEFAULT_PAGE_SIZE);
            }
        }
        size.map(|s| s.max(1))
    }

    /// The value of argument `name` with variables resolved as the executor resolves them (the
    /// request's value, else the variable's default); `None` when absent or null.
    fn argument(&self, field: &Field, name: &str) -> Option<Value> {
        let (_, value) = field.arguments.iter().find(|(n, _)| n.node == name)?;
        let value = value
            .node
            .clone()
            .into_const_with(|var| {
                let value = self
                    .variables
                    .get(&var)
                    .or_else(|| self.defaults.get(var.as_str()).copied());
                Ok::<_, ()>(value.cloned().unwrap_or_default())
            })
            .ok()?;
        (value != Value::Null).then_some(value)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use serde_json::json;

    use super::*;

    /// Patchbay's own schema, as the server reads it.
    fn index() -> &'static SchemaIndex {
        static INDEX: std::sync::LazyLock<SchemaIndex> =
            std::sync::LazyLock::new(|| SchemaIndex::from_sdl(&graph::sdl()));
        &INDEX
    }

    fn check(query: &str, limits: &Limits) -> Result<(), LimitError> {
        check_tokens(query, limits)?;
        let doc = async_graphql::parser::parse_query(query).unwrap();
        check_document(&doc, None, &Variables::default(), index(), limits)
    }

    /// The cost of `query`: the lowest `max_cost` that lets it through.
    fn cost(query: &str, variables: serde_json::Value) -> u64 {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let variables = Variables::from_json(variables);
        let (mut low, mut high) = (0, 1_000_000);
        while low < high {
            let mid = (low + high) / 2;
            let limits = Limits {
                max_cost: mid,
                ..Limits::default()
            };
            match check_document(&doc, None, &variables, index(), &limits) {
                Ok(()) => high = mid,
                Err(LimitError::Cost(_)) => low = mid + 1,
                Err(other) => panic!("{query}: {other}"),
            }
        }
        low
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
    fn counts_tokens_like_the_lexer() {
        // `...` is one punctuator and `.` is never part of a name.
        assert_eq!(count_tokens("{ __typename...F...F }", 100), 7);
        assert_eq!(count_tokens("{__typename...F}", 100), 5);
        let spreads = format!("{{ __typename{} }}", "...F".repeat(4000));
        assert_eq!(count_tokens(&spreads, 100_000), 8003);
        // Names are `[_A-Za-z][_0-9A-Za-z]*`: `-`, `+` and `.` end them.
        assert_eq!(count_tokens("a.b a-b a+b _x9", 100), 10);
        // Numbers: an optional minus, digits, a fraction and an exponent, each only when digits
        // follow; a name right after a number is a token of its own.
        assert_eq!(count_tokens("-1.5e3 1e+2 0.25E-1 12", 100), 4);
        assert_eq!(count_tokens("1.x 1e 3abc - -x", 100), 10);
        // Punctuators one by one; strings with escapes and commas inside are one token each.
        assert_eq!(count_tokens("!$&():=@[]{|}", 100), 13);
        assert_eq!(count_tokens(r#""a \" b, c" """x \""" y""""#, 100), 2);
        assert_eq!(count_tokens("\u{feff}{ a } é", 100), 4);
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
            check_document(&doc, None, &vars, index(), &limits),
            Err(LimitError::Cost(100))
        );
        let vars = Variables::from_json(serde_json::json!({ "n": 5 }));
        check_document(&doc, None, &vars, index(), &limits).unwrap();
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

    #[test]
    fn a_root_field_weighs_more_than_a_scalar() {
        assert_eq!(cost(r#"{ creator(slug: "x") { name } }"#, json!({})), 51);
        assert_eq!(cost("{ __typename }", json!({})), 1);
        // Through a fragment a root field is still a root field; unknown fields too.
        assert_eq!(
            cost("{ ...F } fragment F on Query { me { id } a }", json!({})),
            2 * ROOT_FIELD_COST + 1
        );
        // The same field in two fragments runs twice and costs twice.
        assert_eq!(
            cost(
                r#"{ ...F ...G } fragment F on Query { search(query: "b") { totalCount } }
                   fragment G on Query { search(query: "b") { totalCount } }"#,
                json!({})
            ),
            2 * (ROOT_FIELD_COST + 1)
        );
    }

    #[test]
    fn page_sizes_come_from_variables_then_their_defaults_then_the_schema() {
        let query = "query($n: Int = 100) { creators(first: $n) { nodes { name } } }";
        assert_eq!(cost(query, json!({})), 50 + 1 + 100);
        assert_eq!(cost(query, json!({ "n": 5 })), 50 + 1 + 5);
        // An explicit null is no page size: the resolver's default applies.
        assert_eq!(cost(query, json!({ "n": null })), 50 + 1 + 20);
        // `tags(limit: Int! = 50)`: the schema's default.
        assert_eq!(cost("{ tags { name tag { name } } }", json!({})), 50 + 150);
        assert_eq!(cost("{ tags(limit: 2) { name } }", json!({})), 50 + 2);
        assert_eq!(
            cost(
                "query($l: Int! = 7) { featuredCreators(limit: $l) { name } }",
                json!({})
            ),
            50 + 7
        );
        // `popularSearches(limit: Int)` has no default in the schema: the default page size.
        assert_eq!(cost("{ popularSearches { query } }", json!({})), 50 + 20);
    }

    #[test]
    fn nodes_count_by_their_ids() {
        let ids: Vec<String> = (0..100).map(|i| format!("id{i}")).collect();
        let literal = format!(
            "{{ nodes(ids: {}) {{ id }} }}",
            serde_json::to_string(&ids).unwrap()
        );
        assert_eq!(cost(&literal, json!({})), 50 + 100);
        let query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Creator { name } } }";
        assert_eq!(cost(query, json!({ "ids": ids })), 50 + 200);
        assert_eq!(cost(r#"{ nodes(ids: "one") { id } }"#, json!({})), 50 + 1);
    }

    #[test]
    fn a_connection_sizes_its_lists_and_types_follow_fragments() {
        // totalCount and pageInfo resolve once, edges and what is below them once per item.
        assert_eq!(
            cost(
                "{ creators(first: 100) { totalCount pageInfo { hasNextPage } edges { cursor } } }",
                json!({})
            ),
            50 + 1 + 1 + 1 + 1 + 100
        );
        // A connection reached through fragments counts at its default size (the schema-free
        // rule saw no `nodes` directly below `creators` and counted every level once).
        let query = "{ creators { ...C } }
                     fragment C on CreatorConnection { nodes { techniquePages { ...P } } }
                     fragment P on TechniquePageConnection { nodes { title } }";
        assert_eq!(cost(query, json!({})), 50 + 1 + 20 + 20 + 400);
    }

    #[test]
    fn directives_must_be_known_in_place_and_unique() {
        let limits = Limits::default();
        for query in [
            "{ creators @aa { totalCount } }",
            "{ creators @skip(if: false) @skip(if: false) { totalCount } }",
            "query @skip(if: true) { me { id } }",
            "query($n: Int @aa) { creators(first: $n) { totalCount } }",
            "{ ...F } fragment F on Query @include(if: true) { me { id } }",
            "{ ...F @include(if: true) @include(if: false) } fragment F on Query { me { id } }",
            "{ ... @aa { me { id } } }",
            "{ me @deprecated { id } }",
        ] {
            let Err(error) = check(query, &limits) else {
                panic!("{query} passed");
            };
            assert!(
                matches!(error, LimitError::InvalidDirective(_)),
                "{query}: {error}"
            );
            assert_eq!(error.code(), "GRAPHQL_VALIDATION_FAILED");
        }
        let error = check("{ creators @aa { totalCount } }", &limits).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"Unknown directive "@aa" (line 1, column 12)"#
        );
        check(
            "query($v: Boolean!) { me @skip(if: $v) @include(if: true) { id }
             ...F @include(if: $v) ... @skip(if: $v) { __typename } }
             fragment F on Query { me { id } }",
            &limits,
        )
        .unwrap();
    }

    #[test]
    fn repeatable_directives_and_an_index_without_directives() {
        let index = SchemaIndex::from_sdl(
            "type Query { a: Int }
             directive @tag(name: String) repeatable on FIELD
             directive @skip(if: Boolean!) on FIELD",
        );
        let limits = Limits::default();
        let none = Variables::default();
        let doc = async_graphql::parser::parse_query(r#"{ a @tag(name: "x") @tag }"#).unwrap();
        check_document(&doc, None, &none, &index, &limits).unwrap();
        let doc = async_graphql::parser::parse_query("{ a @include(if: true) }").unwrap();
        assert!(check_document(&doc, None, &none, &index, &limits).is_err());
        // An empty index (unreadable SDL) still knows @skip and @include.
        let empty = SchemaIndex::default();
        check_document(&doc, None, &none, &empty, &limits).unwrap();
        let doc = async_graphql::parser::parse_query("{ a @tag }").unwrap();
        assert!(check_document(&doc, None, &none, &empty, &limits).is_err());
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
