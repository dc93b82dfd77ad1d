//! Persisted queries: Apollo's Automatic Persisted Queries (a bounded in-memory cache keyed by
//! `extensions.persistedQuery.sha256Hash`) and trusted documents (only operations in a manifest
//! generated from the client's operations run).

use std::{collections::HashMap, num::NonZeroUsize, path::Path, sync::Mutex};

use lru::LruCache;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// How a request's document is found.
#[derive(Debug)]
pub enum PersistedQueries {
    /// Any document runs; clients may register documents by hash (APQ) in a cache of this size.
    Automatic(Mutex<LruCache<String, String>>),
    /// Only documents of the manifest run (`{ "<sha256 hex>": "<document>" }`).
    Trusted(HashMap<String, String>),
    /// Any document runs; hashes are not understood.
    Off,
}

/// Why no document could be found; `code()` is its `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersistedError {
    /// The hash is not known (APQ: send the query with the hash to register it).
    #[error("PersistedQueryNotFound")]
    NotFound,
    /// The query text does not hash to the given hash.
    #[error("provided sha does not match query")]
    HashMismatch,
    /// Trusted-documents mode and the document is not in the manifest.
    #[error("only registered operations may run on this server")]
    NotAllowed,
    /// Hashes sent to a server without persisted queries.
    #[error("PersistedQueryNotSupported")]
    NotSupported,
    /// Neither a query nor a hash.
    #[error("the request has no `query`")]
    Missing,
    /// `extensions.persistedQuery` is malformed.
    #[error("extensions.persistedQuery must be {{ version: 1, sha256Hash: <hex> }}")]
    Malformed,
}

impl PersistedError {
    /// The stable `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::HashMismatch | Self::Malformed | Self::Missing => "BAD_REQUEST",
            Self::NotAllowed => "PERSISTED_QUERY_NOT_ALLOWED",
            Self::NotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
        }
    }
}

/// The lowercase hex SHA-256 of a document.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl PersistedQueries {
    /// APQ with a cache of `capacity` documents (0: APQ off).
    pub fn automatic(capacity: usize) -> Self {
        match NonZeroUsize::new(capacity) {
            Some(capacity) => Self::Automatic(Mutex::new(LruCache::new(capacity))),
            None => Self::Off,
        }
    }

    /// Trusted documents from a manifest file.
    pub fn trusted_from_file(path: &Path) -> anyhow::Result<Self> {
        use anyhow::Context;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("read trusted-documents manifest {}", path.display()))?;
        let manifest: HashMap<String, String> = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} must be a JSON object of sha256 hash → document",
                path.display()
            )
        })?;
        for (hash, document) in &manifest {
            anyhow::ensure!(
                &sha256_hex(document) == hash,
                "manifest entry {hash} does not hash to its key"
            );
        }
        Ok(Self::Trusted(manifest))
    }

    /// The document to run for `query` and `extensions`.
    pub fn resolve(
        &self,
        query: Option<String>,
        extensions: &Map<String, Value>,
    ) -> Result<String, PersistedError> {
        let hash = match extensions.get("persistedQuery") {
            None | Some(Value::Null) => None,
            Some(Value::Object(pq)) => {
                let version = pq.get("version").and_then(Value::as_i64);
                match (version, pq.get("sha256Hash").and_then(Value::as_str)) {
                    (Some(1), Some(hash)) => Some(hash.to_ascii_lowercase()),
                    _ => return Err(PersistedError::Malformed),
                }
            }
            Some(_) => return Err(PersistedError::Malformed),
        };
        match (self, hash, query) {
            (_, Some(hash), Some(query)) => {
                if sha256_hex(&query) != hash {
                    return Err(PersistedError::HashMismatch);
                }
                match self {
                    Self::Automatic(cache) => {
                        if let Ok(mut cache) = cache.lock() {
                            cache.put(hash, query.clone());
                        }
                        Ok(query)
                    }
                    Self::Trusted(manifest) if manifest.contains_key(&hash) => Ok(query),
                    Self::Trusted(_) => Err(PersistedError::NotAllowed),
                    Self::Off => Ok(query),
                }
            }
            (Self::Automatic(cache), Some(hash), None) => cache
                .lock()
                .ok()
                .and_then(|mut cache| cache.get(&hash).cloned())
                .ok_or(PersistedError::NotFound),
            (Self::Trusted(manifest), Some(hash), None) => {
                manifest.get(&hash).cloned().ok_or(PersistedError::NotFound)
            }
            (Self::Off, Some(_), None) => Err(PersistedError::NotSupported),
            (Self::Trusted(manifest), None, Some(query)) => {
                if manifest.contains_key(&sha256_hex(&query)) {
                    Ok(query)
                } else {
                    Err(PersistedError::NotAllowed)
                }
            }
            (_, None, Some(query)) => Ok(query),
            (_, None, None) => Err(PersistedError::Missing),
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use serde_json::json;

    use super::*;

    fn ext(hash: &str) -> Map<String, Value> {
        json!({"persistedQuery": {"version": 1, "sha256Hash": hash}})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn apq_miss_register_hit_and_eviction() {
        let apq = PersistedQueries::automatic(1);
        let (a, b) = ("{ a }", "{ b }");
        assert_eq!(
            apq.resolve(None, &ext(&sha256_hex(a))),
            Err(PersistedError::NotFound)
        );
        assert_eq!(
            apq.resolve(Some(b.into()), &ext(&sha256_hex(a))),
            Err(PersistedError::HashMismatch)
        );
        apq.resolve(Some(a.into()), &ext(&sha256_hex(a))).unwrap();
        assert_eq!(apq.resolve(None, &ext(&sha256_hex(a))).unwrap(), a);
        apq.resolve(Some(b.into()), &ext(&sha256_hex(b))).unwrap();
        assert_eq!(
            apq.resolve(None, &ext(&sha256_hex(a))),
            Err(PersistedError::NotFound),
            "bounded: the older entry was evicted"
        );
    }

    #[test]
    fn trusted_documents_only() {
        let doc = "query Q { a }";
        let trusted = PersistedQueries::Trusted(HashMap::from([(sha256_hex(doc), doc.to_owned())]));
        assert_eq!(trusted.resolve(None, &ext(&sha256_hex(doc))).unwrap(), doc);
        assert_eq!(trusted.resolve(Some(doc.into()), &Map::new()).unwrap(), doc);
        assert_eq!(
            trusted.resolve(Some("{ b }".into()), &Map::new()),
            Err(PersistedError::NotAllowed)
        );
        assert_eq!(
            trusted.resolve(None, &ext(&sha256_hex("{ b }"))),
            Err(PersistedError::NotFound)
        );
    }
}
