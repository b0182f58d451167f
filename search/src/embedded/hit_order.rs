//! The order of product hits, and keeping only the best of them while they are collected.
//!
//! A broad query (`tra`: a third of the catalogue) matches tens of thousands of products, of
//! which a page shows twenty. Keeping every match and choosing the page afterwards costs a
//! large vector and a partition over it; [`Best`] keeps at most twice the page and drops what
//! can no longer reach it, so a weak match is dropped on its score alone.

use std::cmp::Ordering;

use tantivy::Score;

use super::collector::ProductHit;
use crate::query::SearchSort;

/// How hits are ordered, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitOrder {
    /// Relevance group, then score, then newest.
    Relevance,
    /// Newest first (and an empty query's relevance).
    Newest,
    /// Most stars first, then as [`HitOrder::Relevance`].
    Stars,
}

impl HitOrder {
    /// The order of `sort`, for a query with or without text.
    pub fn new(sort: SearchSort, has_text: bool) -> HitOrder {
        match sort {
            SearchSort::Relevance if has_text => HitOrder::Relevance,
            SearchSort::Relevance | SearchSort::Newest => HitOrder::Newest,
            SearchSort::StarsDesc => HitOrder::Stars,
        }
    }

    /// `Less` when `a` comes before `b`.
    pub fn cmp(self, a: &ProductHit, b: &ProductHit) -> Ordering {
        let newest = || b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id));
        let by_score = || {
            a.group
                .cmp(&b.group)
                .then_with(|| b.score.partial_cmp(&a.score).unwrap_or(Ordering::Equal))
        };
        match self {
            HitOrder::Relevance => by_score().then_with(newest),
            HitOrder::Newest => newest(),
            HitOrder::Stars => b.stars.cmp(&a.stars).then_with(by_score).then_with(newest),
        }
    }
}

/// The best `limit` hits of one relevance group, in [`HitOrder`], and perhaps a few more.
pub struct Best {
    order: HitOrder,
    limit: usize,
    hits: Vec<ProductHit>,
    /// The worst hit kept at the last cut: a hit that does not come before it is not needed.
    bar: Option<ProductHit>,
}

impl Best {
    /// Keeps the best `limit` hits in `order` (none when `limit` is 0).
    pub fn new(order: HitOrder, limit: usize) -> Best {
        Best {
            order,
            limit,
            hits: Vec::new(),
            bar: None,
        }
    }

    /// Whether a hit with this score (of the collector's one group) may be among the best. When
    /// it may, the caller reads the rest of the hit and offers it.
    pub fn may_keep(&self, score: Score) -> bool {
        if self.limit == 0 {
            return false;
        }
        match (&self.bar, self.order) {
            (Some(bar), HitOrder::Relevance) => score >= bar.score,
            _ => true,
        }
    }

    /// Keeps `hit` if it may be among the best.
    pub fn offer(&mut self, hit: ProductHit) {
        if self.limit == 0 {
            return;
        }
        if let Some(bar) = &self.bar
            && self.order.cmp(&hit, bar) != Ordering::Less
        {
            return;
        }
        self.hits.push(hit);
        if self.hits.len() >= self.limit.saturating_mul(2).max(64) {
            let order = self.order;
            self.hits
                .select_nth_unstable_by(self.limit - 1, |a, b| order.cmp(a, b));
            self.hits.truncate(self.limit);
            self.bar = self.hits.last().copied();
        }
    }

    /// The hits kept: the best `limit`, and perhaps some after them, unordered.
    pub fn into_hits(self) -> Vec<ProductHit> {
        self.hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: u64, score: f32, created_at: i64) -> ProductHit {
        ProductHit {
            id,
            group: 0,
            score,
            stars: 3,
            created_at,
        }
    }

    fn best_ids(order: HitOrder, limit: usize, hits: &[ProductHit]) -> Vec<u64> {
        let mut best = Best::new(order, limit);
        for h in hits {
            if best.may_keep(h.score) {
                best.offer(*h);
            }
        }
        let mut kept = best.into_hits();
        kept.sort_by(|a, b| order.cmp(a, b));
        kept.truncate(limit);
        kept.into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn keeps_the_same_best_hits_as_sorting_them_all() {
        // Scores with many ties, so that the newest-first tie-break decides too.
        let hits: Vec<ProductHit> = (0..5000u64)
            .map(|i| hit(i, ((i * 7919) % 13) as f32, ((i * 104_729) % 997) as i64))
            .collect();
        for order in [HitOrder::Relevance, HitOrder::Newest, HitOrder::Stars] {
            for limit in [1, 20, 60, 300] {
                let mut all = hits.clone();
                all.sort_by(|a, b| order.cmp(a, b));
                let expected: Vec<u64> = all.iter().take(limit).map(|h| h.id).collect();
                assert_eq!(best_ids(order, limit, &hits), expected, "{order:?} {limit}");
            }
        }
    }

    #[test]
    fn a_weaker_score_is_dropped_once_the_page_is_full() {
        let mut best = Best::new(HitOrder::Relevance, 1);
        for i in 0..64 {
            best.offer(hit(i, 5.0, 0));
        }
        assert!(!best.may_keep(4.0));
        assert!(best.may_keep(5.0), "an equal score may still win on newest");
        assert!(!Best::new(HitOrder::Relevance, 0).may_keep(9.0));
    }
}
