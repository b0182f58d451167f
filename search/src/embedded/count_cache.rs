//! Counts and facets of the products a first word matches, kept while the index is unchanged.
//!
//! A multi-word search lists the products with every word, but its total and facets count every
//! product with the first word (Meilisearch's `last` matching strategy counts them so). Counting
//! them means visiting thousands of products, and many searches share a first word (`nuoc mam`,
//! `nuoc khoang`, `nuoc mam phu quoc`), so the counts are kept per first word and filters, for as
//! long as the searcher sees the same index: any change reloads it and empties the cache.
//!
//! A one-word search ranks the products it matches but takes its facets from here too, keyed by
//! the word as a prefix: half-typed words (`tra`, `ruou`) match tens of thousands of products,
//! and counting five facets over them cost more than ranking them.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use super::collector::ProductFruit;

/// Most searches kept.
const CAPACITY: usize = 1024;

/// The cache of one index generation.
#[derive(Default)]
pub struct CountCache {
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// The searcher generation the entries were counted on.
    searcher: u64,
    counts: HashMap<String, Arc<ProductFruit>>,
}

impl CountCache {
    /// The counts for `key` on searcher generation `searcher`, computed by `count` when they are
    /// not kept.
    pub fn get_or_count<E>(
        &self,
        searcher: u64,
        key: String,
        count: impl FnOnce() -> Result<ProductFruit, E>,
    ) -> Result<Arc<ProductFruit>, E> {
        {
            let entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if entries.searcher == searcher
                && let Some(found) = entries.counts.get(&key)
            {
                return Ok(found.clone());
            }
        }
        let counted = Arc::new(count()?);
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if entries.searcher != searcher {
            // Only a newer searcher replaces the entries; an answer counted on an older one is
            // returned but not kept.
            if searcher < entries.searcher {
                return Ok(counted);
            }
            entries.searcher = searcher;
            entries.counts.clear();
        }
        if entries.counts.len() >= CAPACITY {
            entries.counts.clear();
        }
        entries.counts.insert(key, counted.clone());
        Ok(counted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fruit(count: u64) -> Result<ProductFruit, ()> {
        Ok(ProductFruit {
            count,
            ..ProductFruit::default()
        })
    }

    #[test]
    fn counts_are_kept_until_the_searcher_changes() {
        let cache = CountCache::default();
        assert_eq!(
            cache
                .get_or_count(1, "a".into(), || fruit(5))
                .unwrap()
                .count,
            5
        );
        let kept = cache.get_or_count(1, "a".into(), || -> Result<ProductFruit, ()> {
            panic!("counted again")
        });
        assert_eq!(kept.unwrap().count, 5);
        assert_eq!(
            cache
                .get_or_count(2, "a".into(), || fruit(6))
                .unwrap()
                .count,
            6
        );
        assert_eq!(
            cache
                .get_or_count(1, "a".into(), || fruit(5))
                .unwrap()
                .count,
            5,
            "an older searcher counts for itself"
        );
        assert_eq!(
            cache
                .get_or_count(2, "a".into(), || fruit(0))
                .unwrap()
                .count,
            6
        );
    }

    #[test]
    fn failures_are_not_kept() {
        let cache = CountCache::default();
        assert!(
            cache
                .get_or_count(1, "a".into(), || Err::<ProductFruit, _>(()))
                .is_err()
        );
        assert_eq!(
            cache
                .get_or_count(1, "a".into(), || fruit(3))
                .unwrap()
                .count,
            3
        );
    }
}
