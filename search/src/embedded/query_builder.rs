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

use std::{ops::Bound, sync::Arc};

use tantivy::{
    Term,
    query::{
        AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur,
        PhrasePrefixQuery, PhraseQuery, Query, RangeQuery, TermQuery,
    },
    schema::{Field, IndexRecordOption},
};

use super::{
    lexicon::{self, Lexicon},
    schema::{OutletFields, ProductFields, SYNONYM_WEIGHT},
    validity_cache::{ValidityCache, ValidityFilter},
};
use crate::{
    query::{EXPIRING_SOON_DAYS, OutletSearch, ProductFilters, Validity},
    settings::{COMPLETION_MIN_PREFIX, SEARCH_MIN_PREFIX, typos_allowed},
    text,
};

/// Weight of a prefix match relative to an exact one.
const PREFIX_FACTOR: f32 = 0.6;
/// Weight of a typo match relative to an exact one.
const TYPO_FACTOR: f32 = 0.3;
/// Weight of a word found as the words it joins (`nuocmam` as `nuoc mam`) relative to an exact
/// one.
const SPLIT_FACTOR: f32 = 0.9;
/// Weight of two query words found side by side, relative to an exact word in the strongest
/// field.
const PHRASE_FACTOR: f32 = 1.5;
/// Score of each leading query word beyond the first that a product has (tier 1).
const WORDS_TIER: f32 = 100_000.0;
/// Score of a product with every query word and no typo (tier 2); with the tiers below it, less
/// than one [`WORDS_TIER`].
const EXACT_TIER: f32 = 50_000.0;
/// Score of a name that holds every query word (tier 3); with the tier below it, less than
/// [`EXACT_TIER`].
const NAME_TIER: f32 = 20_000.0;
/// Score of each exact-tone word of the name (tier 4); [`MAX_QUERY_WORDS`] of them stay below
/// [`NAME_TIER`].
const TONE_TIER: f32 = 1_500.0;
/// Longest query handled; longer text is cut (a buyer never types more).
pub const MAX_QUERY_WORDS: usize = 12;

/// Which products a text query matches. Meilisearch's `last` matching strategy matches every
/// product with the first word and ranks those with more of the leading words first; the
/// embedded index finds them in two groups, each ranked on its own, the first listed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matching {
    /// Those with every word (the first group).
    All,
    /// Those with the first word but not every word (the second group): the more of the
    /// leading words, the higher.
    Partial,
    /// Those with the first word, unranked: to count both groups at once.
    FirstOnly,
}

/// Where a text query looks.
pub struct TextTarget<'a> {
    /// Searchable fields with their weights.
    pub fields: &'a [(Field, f32)],
    /// The name field: a name holding every word ranks first.
    pub name: Field,
    /// The tone-preserving tokens of the whole document, if the index has them.
    pub tone: Option<Field>,
    /// The tone-preserving tokens of the name, if the index has them.
    pub name_tone: Option<Field>,
}

/// One typed word and the ways it splits into known words.
struct Word {
    folded: String,
    is_last: bool,
    min_prefix: usize,
    splits: Vec<Vec<String>>,
}

/// The query matching `text` in `target`; `None` when the text has no words.
pub fn text_query(
    text: &str,
    target: &TextTarget<'_>,
    lexicon: &dyn Lexicon,
    matching: Matching,
) -> Option<Box<dyn Query>> {
    let mut folded = text::words(text);
    folded.truncate(MAX_QUERY_WORDS);
    let last = folded.len().checked_sub(1)?;
    let words: Vec<Word> = folded
        .into_iter()
        .enumerate()
        .map(|(i, folded)| Word {
            splits: lexicon::splits(&folded, lexicon, i == last),
            folded,
            is_last: i == last,
            min_prefix: SEARCH_MIN_PREFIX,
        })
        .collect();
    let in_fields: Vec<Box<dyn Query>> = words
        .iter()
        .map(|w| word_query(w, target.fields, true))
        .collect();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, in_fields[0].box_clone())];
    let every_word =
        || BooleanQuery::intersection(in_fields.iter().map(|q| q.box_clone()).collect());
    match matching {
        Matching::FirstOnly => return Some(Box::new(BooleanQuery::new(clauses))),
        // Required words intersect: only the products with all of them are ever scored.
        Matching::All => {
            clauses.extend(in_fields[1..].iter().map(|q| (Occur::Must, q.box_clone())));
            let without_typos = |fields: &[(Field, f32)]| {
                BooleanQuery::intersection(
                    words.iter().map(|w| word_query(w, fields, false)).collect(),
                )
            };
            if words.iter().any(|w| typos(w) > 0) {
                clauses.push((
                    Occur::Should,
                    tier(without_typos(target.fields), EXACT_TIER),
                ));
            }
            clauses.push((
                Occur::Should,
                tier(without_typos(&[(target.name, 1.0)]), NAME_TIER),
            ));
        }
        Matching::Partial => {
            if in_fields.len() > 1 {
                clauses.push((Occur::MustNot, Box::new(every_word())));
            }
            for (i, q) in in_fields.iter().enumerate().skip(1) {
                clauses.push((Occur::Should, q.box_clone()));
                let leading = BooleanQuery::intersection(
                    in_fields[..=i].iter().map(|q| q.box_clone()).collect(),
                );
                clauses.push((Occur::Should, tier(leading, WORDS_TIER)));
            }
        }
    }
    // Words typed next to each other score higher when they stand next to each other, in
    // whichever field (like Meilisearch's proximity rule, which precedes its attribute rule).
    let strongest = target.fields.iter().map(|(_, w)| *w).fold(1.0, f32::max);
    for pair in words.windows(2) {
        for &(field, _) in target.fields {
            let terms = pair
                .iter()
                .map(|w| Term::from_field_text(field, &w.folded))
                .collect();
            clauses.push((
                Occur::Should,
                boost(PhraseQuery::new(terms), strongest * PHRASE_FACTOR),
            ));
        }
    }
    let tokens: Vec<String> = text::telex_of_marked_words(text)
        .into_iter()
        .take(MAX_QUERY_WORDS)
        .collect();
    for token in &tokens {
        if let Some(tone) = target.tone {
            clauses.push((
                Occur::Should,
                boost(
                    exact(tone, token, IndexRecordOption::WithFreqs),
                    tone_weight(),
                ),
            ));
        }
        if let Some(name_tone) = target.name_tone {
            clauses.push((
                Occur::Should,
                tier(exact(name_tone, token, IndexRecordOption::Basic), TONE_TIER),
            ));
        }
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn exact(field: Field, token: &str, record: IndexRecordOption) -> TermQuery {
    TermQuery::new(Term::from_field_text(field, token), record)
}

fn tone_weight() -> f32 {
    crate::settings::PRODUCT_SEARCHABLE
        .iter()
        .find(|(n, _)| *n == "tone")
        .map_or(3.0, |(_, w)| *w)
}

/// How many typos a word tolerates.
fn typos(word: &Word) -> u8 {
    typos_allowed(word.folded.chars().count())
}

/// One word against every field: exact, prefix (last word), typo-tolerant (long words, when
/// `with_typos`), split into the words it joins.
fn word_query(word: &Word, fields: &[(Field, f32)], with_typos: bool) -> Box<dyn Query> {
    let typos = if with_typos { typos(word) } else { 0 };
    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
    for &(field, weight) in fields {
        let term = Term::from_field_text(field, &word.folded);
        alternatives.push(boost(
            TermQuery::new(term.clone(), IndexRecordOption::WithFreqs),
            weight,
        ));
        if word.is_last && word.folded.len() >= word.min_prefix {
            alternatives.push(boost(
                FuzzyTermQuery::new_prefix(term.clone(), 0, true),
                weight * PREFIX_FACTOR,
            ));
        }
        if typos > 0 {
            let fuzzy = if word.is_last {
                FuzzyTermQuery::new_prefix(term, typos, true)
            } else {
                FuzzyTermQuery::new(term, typos, true)
            };
            alternatives.push(boost(fuzzy, weight * TYPO_FACTOR));
        }
        for split in &word.splits {
            let terms: Vec<Term> = split
                .iter()
                .map(|piece| Term::from_field_text(field, piece))
                .collect();
            let phrase: Box<dyn Query> = if word.is_last {
                Box::new(PhrasePrefixQuery::new(terms))
            } else {
                Box::new(PhraseQuery::new(terms))
            };
            alternatives.push(Box::new(BoostQuery::new(phrase, weight * SPLIT_FACTOR)));
        }
    }
    Box::new(BooleanQuery::union(alternatives))
}

/// A ranking tier: a constant score when `q` matches.
fn tier(q: impl Query + 'static, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(q), score))
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

/// The certification-state filter, its products kept per segment in `cache`; `None` for
/// [`Validity::Any`].
fn validity_filter(
    f: &ProductFields,
    cache: &Arc<ValidityCache>,
    state: Validity,
    today: i64,
) -> Option<(Occur, Box<dyn Query>)> {
    if state == Validity::Any {
        return None;
    }
    let clauses = Box::new(BooleanQuery::new(validity(f, state, today)));
    let filter = ValidityFilter::new(cache.clone(), state, today, clauses);
    Some((Occur::Must, Box::new(filter)))
}

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

/// Valid products whose name holds every typed word: name completions. `None` when the text
/// has no words.
///
/// Cheaper than a search, as a dropdown asks at every letter. The words before the last must be
/// in the name: exactly, with a typo when long enough (ranked after those without), or split
/// into the words they join. The last one is one of `completions`, the words of names it begins
/// that the most products have (bounded, so that one letter does not score the whole
/// catalogue), or, when it begins none, a typo or a word typed without its spaces. BM25 over the
/// name ranks them, and exact tones typed rank first.
pub fn name_query(
    f: &ProductFields,
    states: &Arc<ValidityCache>,
    text: &str,
    completions: &[String],
    today: i64,
    lexicon: &dyn Lexicon,
) -> Option<Box<dyn Query>> {
    let mut folded = text::words(text);
    folded.truncate(MAX_QUERY_WORDS);
    let last = folded.len().checked_sub(1)?;
    let fields = [(f.name, 1.0)];
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (i, folded) in folded.into_iter().enumerate() {
        let is_last = i == last;
        let word = Word {
            splits: lexicon::splits(&folded, lexicon, is_last),
            folded,
            is_last,
            min_prefix: COMPLETION_MIN_PREFIX,
        };
        if !is_last && typos(&word) > 0 {
            // Typed right before typed with a typo (`thanh` before `chanh`).
            clauses.push((
                Occur::Should,
                tier(word_query(&word, &fields, false), EXACT_TIER),
            ));
        }
        let q: Box<dyn Query> = if is_last && !completions.is_empty() {
            Box::new(BooleanQuery::union(
                completions
                    .iter()
                    .map(|w| {
                        Box::new(exact(f.name, w, IndexRecordOption::WithFreqs)) as Box<dyn Query>
                    })
                    .collect(),
            ))
        } else {
            word_query(&word, &fields, true)
        };
        clauses.push((Occur::Must, q));
    }
    for token in text::telex_of_marked_words(text)
        .iter()
        .take(MAX_QUERY_WORDS)
    {
        clauses.push((
            Occur::Should,
            tier(
                exact(f.name_tone, token, IndexRecordOption::Basic),
                TONE_TIER,
            ),
        ));
    }
    clauses.extend(validity_filter(f, states, Validity::Valid, today));
    Some(Box::new(BooleanQuery::new(clauses)))
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
