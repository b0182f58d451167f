//! Which products are in a certification state on a day, kept per segment.
//!
//! Every product search filters by certification state (valid today, unless asked otherwise).
//! As query clauses, the state costs a term and two date-range checks on columns for every
//! candidate product, the largest part of a completion's cost and a large one of a broad
//! search's. Kept as a bitset per segment, state and day, it costs one bit test. A segment never
//! changes (a changed product is deleted there and written to a new one, and deletions are
//! applied by the collectors), so its sets stay right for as long as the segment lives; the day
//! is part of the key, so the sets change at midnight.

use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, Mutex},
};

use tantivy::{
    BitSet, DocId, DocSet, Score, SegmentReader, TERMINATED,
    index::SegmentId,
    query::{BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight},
};

use crate::query::Validity;

/// Sets kept before the oldest are dropped (segments merged away, past days).
const CAPACITY: usize = 1024;

type Key = (SegmentId, Validity, i64);

/// The kept sets of one index.
#[derive(Default)]
pub struct ValidityCache {
    sets: Mutex<HashMap<Key, Arc<BitSet>>>,
}

impl ValidityCache {
    fn get_or_compute(
        &self,
        key: Key,
        compute: impl FnOnce() -> tantivy::Result<BitSet>,
    ) -> tantivy::Result<Arc<BitSet>> {
        if let Some(found) = self.lock().get(&key) {
            return Ok(found.clone());
        }
        let set = Arc::new(compute()?);
        let mut sets = self.lock();
        if sets.len() >= CAPACITY {
            sets.clear();
        }
        sets.insert(key, set.clone());
        Ok(set)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<BitSet>>> {
        self.sets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A filter on the certification state `validity` on day `today`: the products `clauses`
/// match, taken from the cache (and computed with `clauses` the first time on a segment).
#[derive(Clone)]
pub struct ValidityFilter {
    cache: Arc<ValidityCache>,
    validity: Validity,
    today: i64,
    clauses: Arc<dyn Query>,
}

impl ValidityFilter {
    /// The filter; `clauses` must match exactly the products in `validity` on `today`.
    pub fn new(
        cache: Arc<ValidityCache>,
        validity: Validity,
        today: i64,
        clauses: Box<dyn Query>,
    ) -> Self {
        Self {
            cache,
            validity,
            today,
            clauses: Arc::from(clauses),
        }
    }
}

impl fmt::Debug for ValidityFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ValidityFilter({:?}, {})", self.validity, self.today)
    }
}

impl Query for ValidityFilter {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ValidityWeight {
            filter: self.clone(),
            clauses: self.clauses.weight(enable_scoring)?,
        }))
    }
}

struct ValidityWeight {
    filter: ValidityFilter,
    clauses: Box<dyn Weight>,
}

impl ValidityWeight {
    fn set(&self, reader: &SegmentReader) -> tantivy::Result<Arc<BitSet>> {
        let key = (reader.segment_id(), self.filter.validity, self.filter.today);
        self.filter.cache.get_or_compute(key, || {
            let mut set = BitSet::with_max_value(reader.max_doc());
            let mut scorer = self.clauses.scorer(reader, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                set.insert(doc);
                doc = scorer.advance();
            }
            Ok(set)
        })
    }
}

impl Weight for ValidityWeight {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let set = BitSet::clone(&*self.set(reader)?);
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(set), 0.0)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.set(reader)?.contains(doc) {
            Ok(Explanation::new("certification state", 0.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is not in {:?}",
                self.filter.validity
            )))
        }
    }
}
