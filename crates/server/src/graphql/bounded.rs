//! A least-recently-used map bounded by its number of entries *and* by the bytes they hold: the
//! shape of both document caches (APQ registrations, parsed documents). A count alone bounds
//! nothing when one entry may be a megabyte.

use std::sync::Mutex;

use lru::LruCache;

/// Bytes charged per entry besides its key and value: the map's node, hash slot and pointers.
const ENTRY_OVERHEAD: usize = 128;

/// How full a cache is (for tests and diagnostics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheUsage {
    /// Entries held.
    pub entries: usize,
    /// Bytes charged for them (keys, values' estimated sizes, per-entry overhead).
    pub bytes: usize,
}

/// An LRU map from text keys to `V`, evicting the least recently used entries while it holds more
/// than `max_entries` entries or more than `max_bytes` bytes.
#[derive(Debug)]
pub struct BoundedLru<V> {
    inner: Mutex<Inner<V>>,
    max_entries: usize,
    max_bytes: usize,
}

#[derive(Debug)]
struct Inner<V> {
    entries: LruCache<String, (V, usize)>,
    bytes: usize,
}

impl<V: Clone> BoundedLru<V> {
    /// An empty map holding at most `max_entries` entries and `max_bytes` bytes.
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
            max_entries,
            max_bytes,
        }
    }

    /// The value of `key` (a copy), marking it recently used.
    pub fn get(&self, key: &str) -> Option<V> {
        let mut inner = self.inner.lock().ok()?;
        inner.entries.get(key).map(|(value, _)| value.clone())
    }

    /// Keeps `value` under `key`, charged `weight` bytes (plus the key and a fixed overhead), and
    /// evicts the least recently used entries until both bounds hold again. An entry that alone
    /// exceeds the byte bound is not kept (and evicts nothing); returns whether it was kept.
    pub fn insert(&self, key: String, value: V, weight: usize) -> bool {
        let charge = key
            .len()
            .saturating_add(weight)
            .saturating_add(ENTRY_OVERHEAD);
        if charge > self.max_bytes || self.max_entries == 0 {
            return false;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return false;
        };
        if let Some((_, (_, old))) = inner.entries.push(key, (value, charge)) {
            inner.bytes -= old;
        }
        inner.bytes += charge;
        while inner.entries.len() > self.max_entries || inner.bytes > self.max_bytes {
            match inner.entries.pop_lru() {
                Some((_, (_, evicted))) => inner.bytes -= evicted,
                None => break,
            }
        }
        true
    }

    /// Entries and bytes held now.
    pub fn usage(&self) -> CacheUsage {
        self.inner.lock().map_or_else(
            |_| CacheUsage::default(),
            |inner| CacheUsage {
                entries: inner.entries.len(),
                bytes: inner.bytes,
            },
        )
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn bounded_by_entries_and_by_bytes() {
        let lru = BoundedLru::new(3, 3 * (ENTRY_OVERHEAD + 101));
        for key in ["a", "b", "c", "d"] {
            assert!(lru.insert(key.to_owned(), key.to_owned(), 100));
        }
        assert_eq!(lru.usage().entries, 3, "the entry bound evicts the oldest");
        assert!(lru.get("a").is_none());
        assert_eq!(lru.get("b").unwrap(), "b");

        // One entry of twice the weight pushes out the two least recently used ("c", then "d").
        assert!(lru.insert("e".into(), "e".into(), 200));
        assert_eq!(lru.get("b").unwrap(), "b");
        assert!(lru.get("c").is_none() && lru.get("d").is_none());
        let usage = lru.usage();
        assert_eq!(usage.entries, 2);
        assert!(usage.bytes <= 3 * (ENTRY_OVERHEAD + 101), "{usage:?}");
    }

    #[test]
    fn an_entry_over_the_byte_bound_is_refused_and_evicts_nothing() {
        let lru = BoundedLru::new(10, 1_000);
        assert!(lru.insert("a".into(), 1, 10));
        assert!(!lru.insert("b".into(), 2, 1_000));
        assert_eq!(lru.get("a"), Some(1));
        assert_eq!(lru.usage().entries, 1);
    }

    #[test]
    fn replacing_a_key_recharges_it() {
        let lru = BoundedLru::new(10, 10_000);
        lru.insert("a".into(), 1, 500);
        lru.insert("a".into(), 2, 10);
        assert_eq!(
            lru.usage(),
            CacheUsage {
                entries: 1,
                bytes: 1 + 10 + ENTRY_OVERHEAD
            }
        );
        assert_eq!(lru.get("a"), Some(2));
    }
}
