//! Parsed documents by query text. Clients send the same few documents over and over, and
//! parsing was the largest fixed cost of a small request; a document is parsed once and each
//! request gets a copy of the tree (execution needs its own). Only documents that parsed and
//! passed the token limit are kept, so a hit may skip both; everything after parsing (operation
//! checks, depth/cost limits that depend on variables, validation) still runs per request.

use std::{num::NonZeroUsize, sync::Arc, sync::Mutex};

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

/// Longest query text kept (bytes): bounds the cache's memory with its entry count.
const MAX_TEXT: usize = 16 * 1024;

/// A bounded LRU of parsed documents keyed by their exact text.
#[derive(Debug)]
pub struct DocumentCache(Option<Mutex<LruCache<String, Arc<ExecutableDocument>>>>);

impl DocumentCache {
    /// A cache of `capacity` documents; 0 turns it off.
    pub fn new(capacity: usize) -> Self {
        Self(NonZeroUsize::new(capacity).map(|c| Mutex::new(LruCache::new(c))))
    }

    /// The parsed document of `query`, if it was parsed before.
    pub fn get(&self, query: &str) -> Option<ExecutableDocument> {
        let cache = self.0.as_ref()?;
        let doc = cache.lock().ok()?.get(query).cloned()?;
        Some(ExecutableDocument::clone(&doc))
    }

    /// Keeps `doc` as the parsed form of `query` (unless the text is too long to keep).
    pub fn insert(&self, query: &str, doc: &ExecutableDocument) {
        let Some(cache) = self.0.as_ref() else { return };
        if query.len() > MAX_TEXT {
            return;
        }
        let doc = Arc::new(doc.clone());
        if let Ok(mut cache) = cache.lock() {
            cache.put(query.to_owned(), doc);
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn a_parsed_document_comes_back_until_evicted() {
        let cache = DocumentCache::new(1);
        let doc = async_graphql::parser::parse_query("{ a }").unwrap();
        assert!(cache.get("{ a }").is_none());
        cache.insert("{ a }", &doc);
        let hit = cache.get("{ a }").unwrap();
        assert_eq!(format!("{hit:?}"), format!("{doc:?}"));
        let other = async_graphql::parser::parse_query("{ b }").unwrap();
        cache.insert("{ b }", &other);
        assert!(
            cache.get("{ a }").is_none(),
            "capacity 1 evicts the older document"
        );
        assert!(cache.get("{ b }").is_some());
    }

    #[test]
    fn long_texts_and_a_zero_capacity_keep_nothing() {
        let long = format!("{{ a {} }}", " ".repeat(MAX_TEXT));
        let doc = async_graphql::parser::parse_query(&long).unwrap();
        let cache = DocumentCache::new(8);
        cache.insert(&long, &doc);
        assert!(cache.get(&long).is_none());
        let off = DocumentCache::new(0);
        off.insert("{ a }", &doc);
        assert!(off.get("{ a }").is_none());
    }
}
