//! One pass over the matching documents: the best of them with their sort keys, and the facet
//! counts.
//!
//! Facets are counted over every match, so every match is visited anyway; the page is then
//! chosen in memory among the best hits kept (see [`super::hit_order::Best`]).

use std::collections::HashMap;

use tantivy::{
    DocId, Score, SegmentOrdinal, SegmentReader,
    collector::{Collector, SegmentCollector},
    columnar::{Column, StrColumn},
};

use super::hit_order::{Best, HitOrder};
use crate::query::FacetField;

/// What the sort needs of one matching product.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProductHit {
    /// Product id.
    pub id: u64,
    /// Relevance group: 0 for the products with every word, 1 for the others (see
    /// [`super::query_builder::Matching`]); ranks before the score.
    pub group: u8,
    /// Relevance score within the group.
    pub score: Score,
    /// Stars (0: none).
    pub stars: u64,
    /// Creation time.
    pub created_at: i64,
}

/// The count of matches, the best of them and the facet counts (either may be left out, see
/// [`ProductCollector`]).
#[derive(Debug, Default)]
pub struct ProductFruit {
    /// Number of matching products.
    pub count: u64,
    /// The best matching products, unordered: at least the best `keep` of them in the
    /// collector's order, perhaps a few more.
    pub hits: Vec<ProductHit>,
    /// Counts per facet value.
    pub facets: HashMap<FacetField, HashMap<String, u64>>,
}

/// Collects [`ProductFruit`].
pub struct ProductCollector {
    /// Whether the query has text (otherwise scores are not computed).
    pub scoring: bool,
    /// How many of the best hits to keep (0: none, only the count and facets).
    pub keep: usize,
    /// The order that decides which hits are the best.
    pub order: HitOrder,
    /// Whether to count facets (otherwise only hits are kept).
    pub facets: bool,
    /// The relevance group of the hits.
    pub group: u8,
}

const STRING_FACETS: [(FacetField, &str); 4] = [
    (FacetField::Province, "province_code"),
    (FacetField::Region, "region_code"),
    (FacetField::Category, "category_codes"),
    (FacetField::ProducerKind, "producer_kind"),
];

/// The per-segment part of [`ProductCollector`].
pub struct ProductSegmentCollector {
    group: u8,
    best: Best,
    count_facets: bool,
    id: Column<u64>,
    stars: Column<u64>,
    created_at: Column<i64>,
    strings: Vec<(FacetField, StrColumn, Vec<u64>)>,
    star_counts: [u64; 6],
    count: u64,
}

impl Collector for ProductCollector {
    type Fruit = ProductFruit;
    type Child = ProductSegmentCollector;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let ff = segment.fast_fields();
        let mut strings = Vec::new();
        for (facet, name) in STRING_FACETS.iter().copied().filter(|_| self.facets) {
            if let Some(column) = ff.str(name)? {
                let terms = column.num_terms();
                strings.push((facet, column, vec![0; terms]));
            }
        }
        Ok(ProductSegmentCollector {
            group: self.group,
            best: Best::new(self.order, self.keep),
            count_facets: self.facets,
            id: ff.u64("id")?,
            stars: ff.u64("stars")?,
            created_at: ff.i64("created_at")?,
            strings,
            star_counts: [0; 6],
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<ProductFruit>) -> tantivy::Result<ProductFruit> {
        let mut merged = ProductFruit::default();
        for fruit in fruits {
            merged.count += fruit.count;
            merged.hits.extend(fruit.hits);
            for (facet, counts) in fruit.facets {
                let target = merged.facets.entry(facet).or_default();
                for (value, n) in counts {
                    *target.entry(value).or_default() += n;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for ProductSegmentCollector {
    type Fruit = ProductFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        if self.best.may_keep(score) {
            self.best.offer(ProductHit {
                id: self.id.first(doc).unwrap_or(0),
                group: self.group,
                score,
                stars: self.stars.first(doc).unwrap_or(0),
                created_at: self.created_at.first(doc).unwrap_or(0),
            });
        }
        if self.count_facets
            && let Some(n) = self
                .star_counts
                .get_mut(self.stars.first(doc).unwrap_or(0) as usize)
        {
            *n += 1;
        }
        for (_, column, counts) in &mut self.strings {
            for ord in column.term_ords(doc) {
                counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> ProductFruit {
        let mut facets: HashMap<FacetField, HashMap<String, u64>> = HashMap::new();
        for (facet, column, counts) in self.strings {
            let target = facets.entry(facet).or_default();
            let mut value = String::new();
            for (ord, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                value.clear();
                if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                    target.insert(value.clone(), n);
                }
            }
        }
        let stars = facets.entry(FacetField::Stars).or_default();
        for (s, n) in self
            .star_counts
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, n)| **n > 0)
        {
            stars.insert(s.to_string(), *n);
        }
        if !self.count_facets {
            facets.clear();
        }
        ProductFruit {
            count: self.count,
            hits: self.best.into_hits(),
            facets,
        }
    }
}

/// What the sort needs of one matching outlet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutletRow {
    /// Outlet id.
    pub id: u64,
    /// Relevance score.
    pub score: Score,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
}

/// Collects every matching outlet.
pub struct OutletCollector;

/// The per-segment part of [`OutletCollector`].
pub struct OutletSegmentCollector {
    id: Column<u64>,
    lat: Column<f64>,
    lng: Column<f64>,
    rows: Vec<OutletRow>,
}

impl Collector for OutletCollector {
    type Fruit = Vec<OutletRow>;
    type Child = OutletSegmentCollector;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let ff = segment.fast_fields();
        Ok(OutletSegmentCollector {
            id: ff.u64("id")?,
            lat: ff.f64("lat")?,
            lng: ff.f64("lng")?,
            rows: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<OutletRow>>) -> tantivy::Result<Vec<OutletRow>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for OutletSegmentCollector {
    type Fruit = Vec<OutletRow>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.rows.push(OutletRow {
            id: self.id.first(doc).unwrap_or(0),
            score,
            lat: self.lat.first(doc).unwrap_or(0.0),
            lng: self.lng.first(doc).unwrap_or(0.0),
        });
    }

    fn harvest(self) -> Vec<OutletRow> {
        self.rows
    }
}
