//! Persisted queries: Apollo's Automatic Persisted Queries (a cache keyed by
//! `extensions.persistedQuery.sha256Hash`, bounded by entries and bytes) and trusted documents
//! (only operations in a manifest generated from the client's operations run).
//!
//! A request names its document by hash in one of three shapes, all meaning the same sha256 of
//! the document's text: Apollo's `extensions.persistedQuery.sha256Hash`, the GraphQL-over-HTTP
//! persisted-documents `documentId` (`sha256:<hex>`, or bare hex) and Relay's `doc_id` (see
//! `docs/decisions/0032-persisted-documents.md`).
//!
//! Finding a document ([`PersistedQueries::lookup`]) never stores one: an APQ registration is
//! kept only when the endpoint calls [`PersistedQueries::register`] after the document passed the
//! token limit, parsed, passed every document limit and the schema's validation, so nothing a
//! client merely sent (an unparsable megabyte, a query over the cost limit) is pinned in memory.

use std::{collections::HashMap, path::Path};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::bounded::{BoundedLru, CacheUsage};

/// Default byte budget of the APQ cache: a thousand documents of 8 KiB.
pub const DEFAULT_APQ_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// How a request's document is found.
#[derive(Debug)]
pub enum PersistedQueries {
    /// Any document runs; clients may register documents by hash (APQ) in this cache.
    Automatic(BoundedLru<String>),
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
    /// A `documentId` this server cannot resolve: only sha256 identifiers are kept.
    #[error("documentId must be `sha256:` followed by 64 hex digits (or the 64 hex digits alone)")]
    UnsupportedDocumentId,
    /// `documentId` and `extensions.persistedQuery` name different documents.
    #[error("documentId and extensions.persistedQuery.sha256Hash name different documents")]
    ConflictingIds,
}

impl PersistedError {
    /// The stable `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::HashMismatch
            | Self::Malformed
            | Self::Missing
            | Self::UnsupportedDocumentId
            | Self::ConflictingIds => "BAD_REQUEST",
            Self::NotAllowed => "PERSISTED_QUERY_NOT_ALLOWED",
            Self::NotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
        }
    }
}

/// The lowercase hex SHA-256 of a document.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The document a request named or sent, before any check ran on it.
#[derive(Debug)]
pub struct Lookup {
    /// The document text to check and run.
    pub query: String,
    /// Present when the request registers its document (APQ, a hash with the text): pass it to
    /// [`PersistedQueries::register`] once the document passed every check.
    pub registration: Option<Registration>,
}

/// A pending APQ registration; only [`PersistedQueries::lookup`] makes one, after checking that
/// the text hashes to the hash.
#[derive(Debug)]
pub struct Registration {
    hash: String,
}

/// The sha256 hex a `documentId` / `doc_id` names: `sha256:<64 hex>` (the GraphQL-over-HTTP
/// appendix's form) or the 64 hex digits alone (what Relay's and other compilers write).
fn document_id_hash(id: &str) -> Result<String, PersistedError> {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hex.to_ascii_lowercase())
    } else {
        Err(PersistedError::UnsupportedDocumentId)
    }
}

/// The hash a request names, from `extensions.persistedQuery` or `documentId`.
fn requested_hash(
    extensions: &Map<String, Value>,
    document_id: Option<&str>,
) -> Result<Option<String>, PersistedError> {
    let apq = match extensions.get("persistedQuery") {
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
    let document_id = document_id.map(document_id_hash).transpose()?;
    match (apq, document_id) {
        (Some(a), Some(b)) if a != b => Err(PersistedError::ConflictingIds),
        (a, b) => Ok(a.or(b)),
    }
}

impl PersistedQueries {
    /// APQ with a cache of `capacity` documents and [`DEFAULT_APQ_CACHE_BYTES`] (0: APQ off).
    pub fn automatic(capacity: usize) -> Self {
        Self::automatic_bounded(capacity, DEFAULT_APQ_CACHE_BYTES)
    }

    /// APQ with a cache of at most `capacity` documents and `max_bytes` bytes (either 0: APQ
    /// off).
    pub fn automatic_bounded(capacity: usize, max_bytes: usize) -> Self {
        if capacity == 0 || max_bytes == 0 {
            Self::Off
        } else {
            Self::Automatic(BoundedLru::new(capacity, max_bytes))
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

    /// The document to run for `query` and the hash named by `extensions.persistedQuery` or
    /// `document_id` (the request's `documentId` / `doc_id`). Stores nothing: a registration
    /// comes back in [`Lookup::registration`].
    pub fn lookup(
        &self,
        query: Option<String>,
        extensions: &Map<String, Value>,
        document_id: Option<&str>,
    ) -> Result<Lookup, PersistedError> {
        let hash = requested_hash(extensions, document_id)?;
        let found = |query| Lookup {
            query,
            registration: None,
        };
        match (self, hash, query) {
            (_, Some(hash), Some(query)) => {
                if sha256_hex(&query) != hash {
                    return Err(PersistedError::HashMismatch);
                }
                match self {
                    Self::Automatic(_) => Ok(Lookup {
                        query,
                        registration: Some(Registration { hash }),
                    }),
                    Self::Trusted(manifest) if manifest.contains_key(&hash) => Ok(found(query)),
                    Self::Trusted(_) => Err(PersistedError::NotAllowed),
                    Self::Off => Ok(found(query)),
                }
            }
            (Self::Automatic(cache), Some(hash), None) => {
                cache.get(&hash).map(found).ok_or(PersistedError::NotFound)
            }
            (Self::Trusted(manifest), Some(hash), None) => manifest
                .get(&hash)
                .cloned()
                .map(found)
                .ok_or(PersistedError::NotFound),
            (Self::Off, Some(_), None) => Err(PersistedError::NotSupported),
            (Self::Trusted(manifest), None, Some(query)) => {
                if manifest.contains_key(&sha256_hex(&query)) {
                    Ok(found(query))
                } else {
                    Err(PersistedError::NotAllowed)
                }
            }
            (_, None, Some(query)) => Ok(found(query)),
            (_, None, None) => Err(PersistedError::Missing),
        }
    }

    /// Keeps a registered document in the APQ cache. Call only once `document` (the text
    /// [`lookup`](Self::lookup) returned with `registration`) passed the token limit, parsed and
    /// passed every limit and validation: the cache must never hold what would be refused.
    pub fn register(&self, registration: Registration, document: String) {
        debug_assert_eq!(sha256_hex(&document), registration.hash);
        if let Self::Automatic(cache) = self {
            let weight = document.len();
            cache.insert(registration.hash, document, weight);
        }
    }

    /// Entries and bytes the APQ cache holds (`None` without APQ).
    pub fn apq_usage(&self) -> Option<CacheUsage> {
        match self {
            Self::Automatic(cache) => Some(cache.usage()),
            Self::Trusted(_) | Self::Off => None,
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

    /// A lookup as the endpoint does it, registering what it found (as if every check passed).
    fn resolve(
        pq: &PersistedQueries,
        query: Option<&str>,
        extensions: &Map<String, Value>,
    ) -> Result<String, PersistedError> {
        let lookup = pq.lookup(query.map(str::to_owned), extensions, None)?;
        if let Some(registration) = lookup.registration {
            pq.register(registration, lookup.query.clone());
        }
        Ok(lookup.query)
    }

    #[test]
    fn apq_miss_register_hit_and_eviction() {
        let apq = PersistedQueries::automatic(1);
        let (a, b) = ("{ a }", "{ b }");
        assert_eq!(
            resolve(&apq, None, &ext(&sha256_hex(a))),
            Err(PersistedError::NotFound)
        );
        assert_eq!(
            resolve(&apq, Some(b), &ext(&sha256_hex(a))),
            Err(PersistedError::HashMismatch)
        );
        resolve(&apq, Some(a), &ext(&sha256_hex(a))).unwrap();
        assert_eq!(resolve(&apq, None, &ext(&sha256_hex(a))).unwrap(), a);
        resolve(&apq, Some(b), &ext(&sha256_hex(b))).unwrap();
        assert_eq!(
            resolve(&apq, None, &ext(&sha256_hex(a))),
            Err(PersistedError::NotFound),
            "bounded: the older entry was evicted"
        );
    }

    #[test]
    fn a_lookup_alone_stores_nothing() {
        let apq = PersistedQueries::automatic(10);
        let doc = "{ a }";
        let lookup = apq
            .lookup(Some(doc.into()), &ext(&sha256_hex(doc)), None)
            .unwrap();
        assert!(lookup.registration.is_some());
        assert_eq!(apq.apq_usage().unwrap().entries, 0);
        assert_eq!(
            apq.lookup(None, &ext(&sha256_hex(doc)), None).unwrap_err(),
            PersistedError::NotFound
        );
        apq.register(lookup.registration.unwrap(), lookup.query);
        assert_eq!(apq.apq_usage().unwrap().entries, 1);
        assert_eq!(
            apq.lookup(
                None,
                &Map::new(),
                Some(&format!("sha256:{}", sha256_hex(doc)))
            )
            .unwrap()
            .query,
            doc
        );
    }

    #[test]
    fn the_apq_cache_is_bounded_by_bytes() {
        let budget = 64 * 1024;
        let apq = PersistedQueries::automatic_bounded(1_000, budget);
        for i in 0..100 {
            let doc = format!("{{ a{i} }} # {}", "x".repeat(4 * 1024));
            let lookup = apq
                .lookup(Some(doc.clone()), &ext(&sha256_hex(&doc)), None)
                .unwrap();
            apq.register(lookup.registration.unwrap(), lookup.query);
        }
        let usage = apq.apq_usage().unwrap();
        assert!(usage.bytes <= budget, "{usage:?}");
        assert!(usage.entries > 0 && usage.entries < 100, "{usage:?}");
    }

    #[test]
    fn document_ids() {
        let hash = sha256_hex("{ a }");
        assert_eq!(document_id_hash(&format!("sha256:{hash}")).unwrap(), hash);
        assert_eq!(document_id_hash(&hash).unwrap(), hash);
        assert_eq!(
            document_id_hash(&hash.to_ascii_uppercase()).unwrap(),
            hash,
            "hex case does not matter"
        );
        for bad in [
            "",
            "sha256:",
            "sha256:abc",
            "md5:0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef",
            &format!("x-custom:{hash}"),
            &format!("sha256:{}", &hash.replace('a', "g")),
        ] {
            assert_eq!(
                document_id_hash(bad),
                Err(PersistedError::UnsupportedDocumentId),
                "{bad}"
            );
        }
        assert_eq!(
            requested_hash(
                &ext(&hash),
                Some(&format!("sha256:{}", sha256_hex("{ b }")))
            ),
            Err(PersistedError::ConflictingIds)
        );
        assert_eq!(
            requested_hash(&ext(&hash), Some(&hash)).unwrap(),
            Some(hash.clone())
        );
    }

    #[test]
    fn trusted_documents_only() {
        let doc = "query Q { a }";
        let trusted = PersistedQueries::Trusted(HashMap::from([(sha256_hex(doc), doc.to_owned())]));
        assert_eq!(
            resolve(&trusted, None, &ext(&sha256_hex(doc))).unwrap(),
            doc
        );
        assert_eq!(resolve(&trusted, Some(doc), &Map::new()).unwrap(), doc);
        assert_eq!(
            resolve(&trusted, Some("{ b }"), &Map::new()),
            Err(PersistedError::NotAllowed)
        );
        assert_eq!(
            resolve(&trusted, None, &ext(&sha256_hex("{ b }"))),
            Err(PersistedError::NotFound)
        );
        let by_id = trusted
            .lookup(None, &Map::new(), Some(&sha256_hex(doc)))
            .unwrap();
        assert_eq!(by_id.query, doc);
        assert!(by_id.registration.is_none());
        assert_eq!(
            PersistedQueries::Off
                .lookup(None, &Map::new(), Some(&sha256_hex(doc)))
                .unwrap_err(),
            PersistedError::NotSupported
        );
    }
}
