//! The text part of a query: each typed word against the searchable fields, in ranking tiers.
//!
//! Just over 300 lines: the ranking tiers and the word queries they are made of belong together.

use std::sync::Arc;

use tantivy::{
    Term,
    query::{
        BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery,
        PhraseQuery, Query, TermQuery,
    },
    schema::{Field, IndexRecordOption},
};

use super::filters::validity_filter;
use crate::embedded::{
    lexicon::{self, Lexicon},
    schema::ProductFields,
    validity_cache::ValidityCache,
};
use crate::{
    query::Validity,
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
