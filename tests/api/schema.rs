//! `schema.graphql` is the schema the code builds, and everything in it is described.

use async_graphql::{EmptyMutation, EmptySubscription};

#[test]
fn schema_graphql_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == graph::sdl(),
        "schema.graphql is out of date: run `just schema` (or `cargo run -p patchbay-server -- export-schema --output schema.graphql`)"
    );
}

const INTROSPECTION: &str = "{ __schema { types { name kind description
    fields { name description args { name description } }
    inputFields { name description } enumValues { name description } } } }";

#[tokio::test]
async fn every_type_field_and_argument_has_a_description() {
    let schema = graph::build_schema(None, graph::AuthConfig::random());
    let response = schema.execute(INTROSPECTION).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap();
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    let mut missing = Vec::new();
    let described = |v: &serde_json::Value| {
        v["description"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty())
    };
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        if !described(ty) {
            missing.push(name.to_owned());
        }
        for (kind, list) in [
            ("field", "fields"),
            ("input field", "inputFields"),
            ("value", "enumValues"),
        ] {
            for item in ty[list].as_array().into_iter().flatten() {
                if !described(item) {
                    missing.push(format!("{kind} {name}.{}", item["name"]));
                }
                for arg in item["args"].as_array().into_iter().flatten() {
                    if !described(arg) {
                        missing.push(format!("argument {name}.{}({})", item["name"], arg["name"]));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
    // The check itself sees descriptions (a schema of nothing would pass vacuously).
    let _ = async_graphql::Schema::new(
        graph::QueryRoot::default(),
        EmptyMutation,
        EmptySubscription,
    );
    assert!(
        data.to_string()
            .contains("A music producer whose videos are mined into technique pages.")
    );
}
