//! Typed views of a technique page's JSONB: `bodySections` (stored v1 or v2) and `signalChains`.
//! The mapping is recorded in `docs/decisions/0020-body-sections.md`.

use async_graphql::SimpleObject;
use serde_json::Value;

/// A section of a technique page's body; sections nest.
#[derive(SimpleObject, Clone, Debug, PartialEq)]
pub(crate) struct BodySection {
    /// The section heading (empty when the stored section has none).
    pub heading: String,
    /// The section's text (empty when the stored section has none).
    pub content: String,
    /// Sub-sections, in order.
    pub children: Vec<BodySection>,
}

/// A named chain of processing steps (plugins or devices) in signal order.
#[derive(SimpleObject, Clone, Debug, PartialEq)]
pub(crate) struct SignalChain {
    /// The chain's name, e.g. `Bus processing`.
    pub name: String,
    /// The steps in signal order, e.g. plugin names.
    pub steps: Vec<String>,
}

/// The typed tree of a stored body: `v1` is an object of heading → content, `v2` a list of
/// `{heading, content, children}`. Anything else in the JSON becomes text rather than being lost.
pub(crate) fn body_sections(format: &str, raw: &Value) -> Vec<BodySection> {
    match (format, raw) {
        ("v1", Value::Object(map)) => map
            .iter()
            .map(|(heading, value)| v1_section(heading, value))
            .collect(),
        (_, Value::Array(items)) => items.iter().map(v2_section).collect(),
        (_, Value::Object(map)) => map
            .iter()
            .map(|(heading, value)| v1_section(heading, value))
            .collect(),
        (_, Value::Null) => Vec::new(),
        (_, other) => vec![BodySection {
            heading: String::new(),
            content: text(other),
            children: Vec::new(),
        }],
    }
}

/// A stored body of any format as v2 JSON (`[{heading, content, children}]`) of the tree
/// [`body_sections`] reads from it: converting a v1 page to v2 loses nothing the API showed.
pub(crate) fn body_v2_json(format: &str, raw: &Value) -> Value {
    fn convert(sections: &[BodySection]) -> Value {
        Value::Array(
            sections
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "heading": s.heading,
                        "content": s.content,
                        "children": convert(&s.children),
                    })
                })
                .collect(),
        )
    }
    convert(&body_sections(format, raw))
}

/// A v1 entry: text content, or an object of sub-headings (nested the same way).
fn v1_section(heading: &str, value: &Value) -> BodySection {
    match value {
        Value::Object(map) => BodySection {
            heading: heading.to_owned(),
            content: String::new(),
            children: map.iter().map(|(h, v)| v1_section(h, v)).collect(),
        },
        other => BodySection {
            heading: heading.to_owned(),
            content: text(other),
            children: Vec::new(),
        },
    }
}

/// A v2 entry: `{heading, content, children}`; a bare string is a section without heading.
fn v2_section(value: &Value) -> BodySection {
    match value {
        Value::Object(map) => BodySection {
            heading: map
                .get("heading")
                .or_else(|| map.get("title"))
                .map(text)
                .unwrap_or_default(),
            content: map
                .get("content")
                .or_else(|| map.get("body"))
                .map(text)
                .unwrap_or_default(),
            children: match map.get("children") {
                Some(Value::Array(children)) => children.iter().map(v2_section).collect(),
                _ => Vec::new(),
            },
        },
        other => BodySection {
            heading: String::new(),
            content: text(other),
            children: Vec::new(),
        },
    }
}

/// Text of a JSON value: strings as they are, lists of strings as paragraphs, else JSON text.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n\n"),
        other => other.to_string(),
    }
}

/// The typed signal chains: a list of `{name, steps}` where a step is a string or an object with
/// a `plugin` or `name`. A single object is one chain; `null` is none.
pub(crate) fn signal_chains(raw: Option<&Value>) -> Option<Vec<SignalChain>> {
    let chain = |value: &Value| match value {
        Value::Object(map) => SignalChain {
            name: map.get("name").map(text).unwrap_or_default(),
            steps: match map.get("steps") {
                Some(Value::Array(steps)) => steps.iter().map(step).collect(),
                Some(other) => vec![text(other)],
                None => Vec::new(),
            },
        },
        other => SignalChain {
            name: text(other),
            steps: Vec::new(),
        },
    };
    match raw? {
        Value::Null => None,
        Value::Array(items) => Some(items.iter().map(chain).collect()),
        other => Some(vec![chain(other)]),
    }
}

fn step(value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .get("plugin")
            .or_else(|| map.get("name"))
            .map_or_else(|| value.to_string(), text),
        other => text(other),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn v1_and_v2_give_the_same_tree_shape() {
        let v1 = body_sections("v1", &json!({"Overview": "Text", "Steps": ["a", "b"]}));
        assert_eq!(v1.len(), 2);
        assert_eq!(v1[0].heading, "Overview");
        assert_eq!(v1[0].content, "Text");
        assert_eq!(v1[1].content, "a\n\nb");
        let v2 = body_sections(
            "v2",
            &json!([{"heading": "Overview", "content": "Text",
                     "children": [{"heading": "Detail", "content": "More", "children": []}]}]),
        );
        assert_eq!(v2[0].heading, "Overview");
        assert_eq!(v2[0].children[0].heading, "Detail");
        assert_eq!(v2[0].children[0].content, "More");
    }

    #[test]
    fn signal_chains_accept_strings_and_objects() {
        let chains = signal_chains(Some(
            &json!([{"name": "Main", "steps": ["Serum", {"plugin": "OTT"}]}]),
        ))
        .unwrap_or_default();
        assert_eq!(chains[0].steps, vec!["Serum", "OTT"]);
        assert_eq!(signal_chains(None), None);
    }
}
