//! The domain core: business rules, permissions, visibility, transactions, history rows and the
//! sea-orm queries behind root fields. Batched relation loads live in `loaders/`; everything else
//! that touches the database lives here.
//!
//! Nothing here knows GraphQL (`docs/decisions/0042-domain-core.md`): services take domain values
//! (validated inputs, [`ids`] newtypes, `Uuid`s) and any `db: &impl ConnectionTrait` (the pool or a
//! transaction from [`tx::transaction`]), and return [`crate::services::error::ServiceError`]. The GraphQL
//! layer (`query/`, `roots/`, `inputs/`, `types/`) maps arguments to them and errors back. A unit
//! test below fails if a file under `src/services/` mentions the GraphQL crate.

pub mod auth;
pub(crate) mod browse;
pub mod consent_export;
pub(crate) mod consents;
pub(crate) mod creator_profile;
pub(crate) mod creators;
pub(crate) mod error;
pub(crate) mod facets;
pub(crate) mod follows;
pub mod history;
pub(crate) mod ids;
pub mod invites;
pub(crate) mod moments;
pub(crate) mod page_edit;
pub(crate) mod page_relations;
pub(crate) mod page_versions;
pub(crate) mod page_views;
pub(crate) mod permissions;
pub mod rate_limit;
pub(crate) mod reports;
pub(crate) mod search;
pub mod search_log;
pub(crate) mod shorts;
pub(crate) mod tags;
pub(crate) mod technique_pages;
pub(crate) mod text;
pub mod tx;
pub mod users;
pub(crate) mod visibility;
pub mod window;

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    /// Collects the `.rs` files under `dir`, recursively.
    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).expect("services/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn no_service_mentions_graphql() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/services");
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        assert!(files.len() > 10, "found only {files:?}");
        // Spelled in two halves so that this file does not match itself.
        let needle = ["async", "_graphql"].concat();
        let offenders: Vec<_> = files
            .iter()
            .filter(|path| {
                fs::read_to_string(path)
                    .expect("a source file is readable")
                    .contains(&needle)
            })
            .collect();
        assert!(
            offenders.is_empty(),
            "the domain core must not use GraphQL types: {offenders:?}"
        );
    }
}
