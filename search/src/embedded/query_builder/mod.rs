//! Turning typed searches into tantivy queries.
//!
//! The first query word must match some searchable field (exactly, as a prefix when it is the
//! last word being typed, with a typo when it is long enough, or split into words the index
//! knows when it was typed without its spaces). The order mirrors Meilisearch's rules, so that
//! both engines return the same products in the same order:
//!
//! 1. **words**: products with every word come first ([`Matching::All`]); then those with the
//!    first word only, the more of the leading words the higher ([`Matching::Partial`]), as
//!    Meilisearch's `last` matching strategy drops words from the end;
//! 2. **typos**: a product that has every typed word without a typo comes before one that needs
//!    a typo for some (Meilisearch's `typo` rule);
//! 3. **name**: a product whose name holds every typed word (without typos) comes before one
//!    that has some of them elsewhere;
//! 4. **tone**: each word typed with its marks that the name has with the same marks (`mè`, not
//!    `me`) raises it;
//! 5. then the weighted text score (tantivy's BM25 over the fields, with phrase and tone bonuses).
//!
//! Within a group, tiers are constant scores far larger than any text score, so a lower tier
//! never outweighs a higher one. Filters never score.

mod filters;
mod text_query;

use std::{ops::Bound, sync::Arc};

use tantivy::{
    Term,
    query::{AllQuery, BooleanQuery, Occur, Query, RangeQuery, TermQuery},
    schema::{Field, IndexRecordOption},
};

use super::{
    lexicon::Lexicon,
    schema::{OutletFields, ProductFields, SYNONYM_WEIGHT},
    validity_cache::ValidityCache,
};
use crate::query::{OutletSearch, ProductFilters};

use filters::{any_of_text, filter, range_i64, state_is, validity_filter};
pub use text_query::{Matching, TextTarget, name_query, text_query};

/// The whole product query: text (or everything) and every filter.
pub fn product_query(
    f: &ProductFields,
    states: &Arc<ValidityCache>,
    text: &str,
    filters: &ProductFilters,
    today: i64,
    lexicon: &dyn Lexicon,
    matching: Matching,
) -> (Box<dyn Query>, bool) {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut fields: Vec<(Field, f32)> = f.text.clone();
    fields.push((f.synonyms, SYNONYM_WEIGHT));
    let target = TextTarget {
        fields: &fields,
        name: f.name,
        tone: Some(f.tone),
        name_tone: Some(f.name_tone),
    };
    let scoring = match text_query(text, &target, lexicon, matching) {
        Some(q) => {
            clauses.push((Occur::Must, q));
            matching != Matching::FirstOnly
        }
        None => {
            clauses.push((Occur::Must, Box::new(AllQuery)));
            false
        }
    };
    if !filters.province_codes.is_empty() {
        clauses.push(filter(any_of_text(
            f.province_code,
            &filters.province_codes,
        )));
    }
    if !filters.region_codes.is_empty() {
        clauses.push(filter(any_of_text(f.region_code, &filters.region_codes)));
    }
    if !filters.category_codes.is_empty() {
        clauses.push(filter(any_of_text(
            f.category_codes,
            &filters.category_codes,
        )));
    }
    if !filters.producer_kinds.is_empty() {
        clauses.push(filter(any_of_text(
            f.producer_kind,
            &filters.producer_kinds,
        )));
    }
    if let Some(min) = filters.min_stars {
        let term = |v: u64| Term::from_field_u64(f.stars, v);
        clauses.push(filter(RangeQuery::new(
            Bound::Included(term(u64::from(min.max(1)))),
            Bound::Unbounded,
        )));
        clauses.push(filter(state_is(f, "CURRENT")));
    }
    if let Some(outlet) = filters.outlet_id {
        let term = Term::from_field_u64(f.outlet_ids, outlet.max(0) as u64);
        clauses.push(filter(TermQuery::new(term, IndexRecordOption::Basic)));
    }
    if let Some(since) = filters.updated_since {
        clauses.push(filter(range_i64(
            f.updated_at,
            Bound::Included(since),
            Bound::Unbounded,
        )));
    }
    clauses.extend(validity_filter(f, states, filters.validity, today));
    (Box::new(BooleanQuery::new(clauses)), scoring)
}

/// The outlet query: text (or everything) and the filters.
pub fn outlet_query(
    f: &OutletFields,
    search: &OutletSearch,
    lexicon: &dyn Lexicon,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let target = TextTarget {
        fields: &f.text,
        name: f.text[0].0,
        tone: None,
        name_tone: None,
    };
    match text_query(&search.text, &target, lexicon, Matching::All) {
        Some(q) => clauses.push((Occur::Must, q)),
        None => clauses.push((Occur::Must, Box::new(AllQuery))),
    }
    if !search.province_codes.is_empty() {
        clauses.push(filter(any_of_text(f.province_code, &search.province_codes)));
    }
    if !search.kinds.is_empty() {
        clauses.push(filter(any_of_text(f.kind, &search.kinds)));
    }
    Box::new(BooleanQuery::new(clauses))
}
