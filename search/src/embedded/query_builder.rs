//! Turning typed searches into tantivy queries.
//!
//! Every query word must match some searchable field (exactly, as a prefix when it is the last
//! word being typed, or with a typo when it is long enough); exact matches score highest. The
//! tone-preserving tokens of the words typed with marks are optional clauses on the `tone`
//! field: they only raise exact-tone matches. Filters never score.

use std::ops::Bound;

use tantivy::{
    Term,
    query::{
        AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery,
        Query, RangeQuery, TermQuery,
    },
    schema::{Field, IndexRecordOption},
};

use super::schema::{OutletFields, ProductFields, SYNONYM_WEIGHT};
use crate::{
    query::{EXPIRING_SOON_DAYS, OutletSearch, ProductFilters, Validity},
    settings::{ONE_TYPO_MIN_LEN, TWO_TYPOS_MIN_LEN},
    text,
};

/// Weight of a prefix match relative to an exact one.
const PREFIX_FACTOR: f32 = 0.6;
/// Weight of a typo match relative to an exact one.
const TYPO_FACTOR: f32 = 0.3;
/// Weight of two query words found side by side, relative to an exact word in the strongest
/// field.
const PHRASE_FACTOR: f32 = 1.5;
/// Longest query handled; longer text is cut (a buyer never types more).
pub const MAX_QUERY_WORDS: usize = 12;

/// The query matching `text` in `fields`; `None` when the text has no words.
pub fn text_query(
    text: &str,
    fields: &[(Field, f32)],
    tone: Option<Field>,
) -> Option<Box<dyn Query>> {
    let mut words = text::words(text);
    words.truncate(MAX_QUERY_WORDS);
    let last = words.len().checked_sub(1)?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .enumerate()
        .map(|(i, w)| (Occur::Must, word_query(w, fields, i == last)))
        .collect();
    // Words typed next to each other score higher when they stand next to each other, in
    // whichever field (like Meilisearch's proximity rule, which precedes its attribute rule).
    let strongest = fields.iter().map(|(_, w)| *w).fold(1.0, f32::max);
    for pair in words.windows(2) {
        for &(field, _) in fields {
            let terms = pair
                .iter()
                .map(|w| Term::from_field_text(field, w))
                .collect();
            clauses.push((
                Occur::Should,
                boost(PhraseQuery::new(terms), strongest * PHRASE_FACTOR),
            ));
        }
    }
    if let Some(tone) = tone {
        for token in text::telex_of_marked_words(text)
            .into_iter()
            .take(MAX_QUERY_WORDS)
        {
            let q = TermQuery::new(
                Term::from_field_text(tone, &token),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), tone_weight())),
            ));
        }
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn tone_weight() -> f32 {
    crate::settings::PRODUCT_SEARCHABLE
        .iter()
        .find(|(n, _)| *n == "tone")
        .map_or(3.0, |(_, w)| *w)
}

/// One word against every field: exact, prefix (last word), typo-tolerant (long words).
fn word_query(word: &str, fields: &[(Field, f32)], is_last: bool) -> Box<dyn Query> {
    let typos = match word.chars().count() {
        n if n >= TWO_TYPOS_MIN_LEN => 2,
        n if n >= ONE_TYPO_MIN_LEN => 1,
        _ => 0,
    };
    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
    for &(field, weight) in fields {
        let term = Term::from_field_text(field, word);
        alternatives.push(boost(
            TermQuery::new(term.clone(), IndexRecordOption::WithFreqs),
            weight,
        ));
        if is_last && word.len() >= 2 {
            alternatives.push(boost(
                FuzzyTermQuery::new_prefix(term.clone(), 0, true),
                weight * PREFIX_FACTOR,
            ));
        }
        if typos > 0 {
            let fuzzy = if is_last {
                FuzzyTermQuery::new_prefix(term, typos, true)
            } else {
                FuzzyTermQuery::new(term, typos, true)
            };
            alternatives.push(boost(fuzzy, weight * TYPO_FACTOR));
        }
    }
    Box::new(BooleanQuery::union(alternatives))
}

fn boost(q: impl Query, weight: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(q), weight))
}

fn filter(q: impl Query) -> (Occur, Box<dyn Query>) {
    (
        Occur::Must,
        Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
    )
}

fn any_of_text(field: Field, values: &[String]) -> BooleanQuery {
    BooleanQuery::union(
        values
            .iter()
            .map(|v| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, v),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect(),
    )
}

fn range_i64(field: Field, lower: Bound<i64>, upper: Bound<i64>) -> RangeQuery {
    let term = |v: i64| Term::from_field_i64(field, v);
    RangeQuery::new(lower.map(term), upper.map(term))
}

fn state_is(f: &ProductFields, state: &str) -> TermQuery {
    TermQuery::new(
        Term::from_field_text(f.cert_state, state),
        IndexRecordOption::Basic,
    )
}

/// The clauses of the certification state, judged against `today`.
fn validity(f: &ProductFields, validity: Validity, today: i64) -> Vec<(Occur, Box<dyn Query>)> {
    let in_force = || {
        vec![
            filter(state_is(f, "CURRENT")),
            filter(range_i64(
                f.cert_issued_on,
                Bound::Unbounded,
                Bound::Included(today),
            )),
            filter(range_i64(
                f.cert_expires_on,
                Bound::Excluded(today),
                Bound::Unbounded,
            )),
        ]
    };
    match validity {
        Validity::Any => vec![],
        Validity::Valid => in_force(),
        Validity::ExpiringSoon => {
            let mut clauses = in_force();
            let limit = today + i64::from(EXPIRING_SOON_DAYS);
            clauses.push(filter(range_i64(
                f.cert_expires_on,
                Bound::Unbounded,
                Bound::Included(limit),
            )));
            clauses
        }
        Validity::Expired => vec![
            filter(state_is(f, "CURRENT")),
            filter(range_i64(
                f.cert_expires_on,
                Bound::Unbounded,
                Bound::Included(today),
            )),
        ],
        Validity::Revoked => vec![filter(state_is(f, "REVOKED"))],
        Validity::None => {
            let not_yet = BooleanQuery::new(vec![
                (Occur::Must, Box::new(state_is(f, "CURRENT"))),
                (
                    Occur::Must,
                    Box::new(range_i64(
                        f.cert_issued_on,
                        Bound::Excluded(today),
                        Bound::Unbounded,
                    )),
                ),
            ]);
            vec![filter(BooleanQuery::union(vec![
                Box::new(state_is(f, "NONE")),
                Box::new(not_yet),
            ]))]
        }
    }
}

/// The whole product query: text (or everything) and every filter.
pub fn product_query(
    f: &ProductFields,
    text: &str,
    filters: &ProductFilters,
    today: i64,
) -> (Box<dyn Query>, bool) {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut fields: Vec<(Field, f32)> = f.text.clone();
    fields.push((f.synonyms, SYNONYM_WEIGHT));
    let scoring = match text_query(text, &fields, Some(f.tone)) {
        Some(q) => {
            clauses.push((Occur::Must, q));
            true
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
    clauses.extend(validity(f, filters.validity, today));
    (Box::new(BooleanQuery::new(clauses)), scoring)
}

/// The outlet query: text (or everything) and the filters.
pub fn outlet_query(f: &OutletFields, search: &OutletSearch) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    match text_query(&search.text, &f.text, None) {
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
