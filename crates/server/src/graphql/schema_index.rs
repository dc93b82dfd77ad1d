//! What the checks around execution need to know about the schema: each type's fields with their
//! types and arguments (with defaults), and the directives with their locations, read once from
//! the schema's own SDL.
//!
//! The abuse limits use it to size lists the way the executor will (argument defaults included),
//! and the response handling uses it to know which fields are non-null. async-graphql keeps its
//! registry private, so the index is built from [`async_graphql::Schema::sdl`], which prints
//! every type, field, argument and default the executor uses.

use std::{collections::HashMap, sync::LazyLock};

use async_graphql::{
    Value,
    parser::types::{
        BaseType, DirectiveDefinition, DirectiveLocation, FieldDefinition, OperationType, Type,
        TypeKind, TypeSystemDefinition,
    },
};

/// One argument of a field.
#[derive(Debug, Clone)]
pub struct ArgInfo {
    /// Its declared type.
    pub ty: Type,
    /// The value the executor uses when the argument is not given.
    pub default: Option<Value>,
}

/// One field of an object or interface type.
#[derive(Debug, Clone)]
pub struct FieldInfo {
    /// Its declared type (nullability and list structure included).
    pub ty: Type,
    /// Its arguments by name.
    pub args: HashMap<String, ArgInfo>,
}

/// One directive the schema defines.
#[derive(Debug, Clone)]
pub struct DirectiveInfo {
    /// Where it may appear.
    pub locations: Vec<DirectiveLocation>,
    /// Whether it may appear more than once at one location.
    pub repeatable: bool,
}

/// The fields of every object and interface type, the directives, and the root types.
#[derive(Debug, Clone, Default)]
pub struct SchemaIndex {
    fields: HashMap<String, HashMap<String, FieldInfo>>,
    directives: HashMap<String, DirectiveInfo>,
    query: String,
    mutation: Option<String>,
    subscription: Option<String>,
}

impl SchemaIndex {
    /// Reads `sdl` (as printed by `Schema::sdl`); an unreadable SDL gives an empty index, which
    /// makes every lookup miss (the checks then fall back to their schema-free rules).
    pub fn from_sdl(sdl: &str) -> Self {
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            tracing::error!("cannot read the schema's own SDL; schema-aware checks are off");
            return Self::default();
        };
        let mut index = Self {
            query: "Query".to_owned(),
            ..Self::default()
        };
        for definition in doc.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    if let Some(query) = schema.query {
                        index.query = query.node.to_string();
                    }
                    index.mutation = schema.mutation.map(|m| m.node.to_string());
                    index.subscription = schema.subscription.map(|s| s.node.to_string());
                }
                TypeSystemDefinition::Type(ty) => {
                    let ty = ty.node;
                    let fields = match ty.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        _ => continue,
                    };
                    let fields = fields
                        .into_iter()
                        .map(|f| field_info(f.node))
                        .collect::<HashMap<_, _>>();
                    index.fields.insert(ty.name.node.to_string(), fields);
                }
                TypeSystemDefinition::Directive(directive) => {
                    let line = directive.node.name.pos.line;
                    let (name, mut info) = directive_info(directive.node);
                    info.repeatable = declares_repeatable(sdl, line, &name);
                    index.directives.insert(name, info);
                }
            }
        }
        index
    }

    /// The root type of operations of `ty`.
    pub fn root(&self, ty: OperationType) -> Option<&str> {
        match ty {
            OperationType::Query => Some(self.query.as_str()),
            OperationType::Mutation => self.mutation.as_deref(),
            OperationType::Subscription => self.subscription.as_deref(),
        }
    }

    /// The field `field` of the object or interface type `ty`.
    pub fn field(&self, ty: &str, field: &str) -> Option<&FieldInfo> {
        self.fields.get(ty)?.get(field)
    }

    /// The directive `name`. An index that read no directives (an unreadable SDL) still knows
    /// the spec's executable directives, `@skip` and `@include`, so they keep working.
    pub fn directive(&self, name: &str) -> Option<&DirectiveInfo> {
        if self.directives.is_empty() {
            return BUILT_IN.get(name);
        }
        self.directives.get(name)
    }
}

/// `@skip` and `@include` as the spec defines them.
static BUILT_IN: LazyLock<HashMap<String, DirectiveInfo>> = LazyLock::new(|| {
    let conditional = DirectiveInfo {
        locations: vec![
            DirectiveLocation::Field,
            DirectiveLocation::FragmentSpread,
            DirectiveLocation::InlineFragment,
        ],
        repeatable: false,
    };
    HashMap::from([
        ("skip".to_owned(), conditional.clone()),
        ("include".to_owned(), conditional),
    ])
});

/// Whether the definition of `@name`, whose name stands on line `line` of `sdl`, says
/// `repeatable`. async-graphql-parser 7.2.1 reads every directive definition as repeatable (its
/// grammar's `repeatable` rule also matches nothing), so the keyword is looked for in the text:
/// after the name and its parenthesized arguments (strings and comments in them skipped).
fn declares_repeatable(sdl: &str, line: usize, name: &str) -> bool {
    let line_start: usize = sdl
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let head = format!("@{name}");
    let Some(at) = sdl.get(line_start..).and_then(|rest| rest.find(&head)) else {
        return false;
    };
    let rest = &sdl.as_bytes()[line_start + at + head.len()..];
    let mut i = 0;
    let mut parens = 0usize;
    while i < rest.len() {
        match rest[i] {
            b'"' if rest[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < rest.len() && !rest[i..].starts_with(b"\"\"\"") {
                    i += if rest[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < rest.len() && rest[i] != b'"' && rest[i] != b'\n' {
                    i += if rest[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'#' => {
                while i < rest.len() && rest[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' => {
                parens += 1;
                i += 1;
            }
            b')' => {
                parens = parens.saturating_sub(1);
                i += 1;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            _ if parens > 0 => i += 1,
            _ => {
                let word = rest[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                return &rest[i..i + word] == b"repeatable";
            }
        }
    }
    false
}

fn directive_info(directive: DirectiveDefinition) -> (String, DirectiveInfo) {
    let info = DirectiveInfo {
        locations: directive.locations.into_iter().map(|l| l.node).collect(),
        repeatable: directive.is_repeatable,
    };
    (directive.name.node.to_string(), info)
}

fn field_info(field: FieldDefinition) -> (String, FieldInfo) {
    let args = field
        .arguments
        .into_iter()
        .map(|arg| {
            let arg = arg.node;
            let info = ArgInfo {
                ty: arg.ty.node,
                default: arg.default_value.map(|d| d.node),
            };
            (arg.name.node.to_string(), info)
        })
        .collect();
    (
        field.name.node.to_string(),
        FieldInfo {
            ty: field.ty.node,
            args,
        },
    )
}

/// The named type inside any list and non-null wrappers (`[Tag!]!` → `Tag`).
pub fn named_type(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named_type(inner),
    }
}

/// Whether `ty` is a list (possibly non-null).
pub fn is_list(ty: &Type) -> bool {
    matches!(ty.base, BaseType::List(_))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_arguments_defaults_and_roots() {
        let index = SchemaIndex::from_sdl(
            "type Q { tags(limit: Int! = 50): [Tag!]! node(id: ID!): Node }\n\
             interface Node { id: ID! }\n\
             type Tag implements Node { id: ID! name: String }\n\
             type M { a: Int }\n\
             schema { query: Q mutation: M }",
        );
        assert_eq!(index.root(OperationType::Query), Some("Q"));
        assert_eq!(index.root(OperationType::Mutation), Some("M"));
        assert_eq!(index.root(OperationType::Subscription), None);
        let tags = index.field("Q", "tags").unwrap();
        assert!(!tags.ty.nullable && is_list(&tags.ty));
        assert_eq!(named_type(&tags.ty), "Tag");
        assert_eq!(tags.args["limit"].default, Some(Value::from(50)));
        assert!(index.field("Q", "node").unwrap().ty.nullable);
        assert!(!index.field("Node", "id").unwrap().ty.nullable);
        assert!(index.field("Tag", "missing").is_none());
    }

    #[test]
    fn reads_directives_with_their_locations_and_repetition() {
        let index = SchemaIndex::from_sdl(
            r#"type Q { a: Int }
"""Tags (repeatable) a field."""
directive @tag(
  """A name, e.g. (repeatable)."""
  name: String = ")"
) repeatable on FIELD | FRAGMENT_SPREAD
directive @once(why: String = "repeatable") on FIELD
directive @plain on QUERY
schema { query: Q }"#,
        );
        let tag = index.directive("tag").unwrap();
        assert!(tag.repeatable);
        assert_eq!(
            tag.locations,
            [DirectiveLocation::Field, DirectiveLocation::FragmentSpread]
        );
        assert!(!index.directive("once").unwrap().repeatable);
        assert!(!index.directive("plain").unwrap().repeatable);
        assert!(
            index.directive("skip").is_none(),
            "this SDL defines no @skip"
        );
    }

    #[test]
    fn reads_patchbays_own_schema() {
        let index = SchemaIndex::from_sdl(&graph::sdl());
        let query = index.root(OperationType::Query).unwrap();
        assert!(index.field(query, "search").is_some());
        assert!(
            index
                .field(query, "nodes")
                .unwrap()
                .args
                .contains_key("ids")
        );
        let skip = index.directive("skip").unwrap();
        assert!(!skip.repeatable);
        assert!(skip.locations.contains(&DirectiveLocation::Field));
        assert!(index.directive("include").is_some());
        assert!(index.directive("aa").is_none());
    }
}
