//! Meilisearch index settings, derived from [`crate::settings`].

use std::collections::HashMap;

use meilisearch_sdk::settings::{
    FacetingSettings, LocalizedAttributes, MinWordSizeForTypos, PaginationSetting, Settings,
    TypoToleranceSettings,
};

use crate::settings::{
    MAX_TOTAL_HITS, ONE_TYPO_MIN_LEN, OUTLET_FILTERABLE, OUTLET_SEARCHABLE, PRODUCT_FILTERABLE,
    PRODUCT_SEARCHABLE, PRODUCT_SORTABLE, SYNONYMS, TWO_TYPOS_MIN_LEN,
};

/// Ranking: an explicit sort first, then Meilisearch's relevance rules.
const RANKING_RULES: &[&str] = &[
    "sort",
    "words",
    "typo",
    "proximity",
    "attribute",
    "exactness",
];

/// Every word of a synonym group maps to the others (lowercase; Meilisearch folds the rest).
pub fn synonyms() -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for group in SYNONYMS {
        for w in *group {
            map.entry(w.to_lowercase())
                .or_default()
                .extend(group.iter().filter(|o| *o != w).map(|o| o.to_lowercase()));
        }
    }
    map
}

fn common(searchable: &[(&str, f32)]) -> Settings {
    Settings::new()
        .with_searchable_attributes(searchable.iter().map(|(name, _)| *name))
        .with_synonyms(synonyms())
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: Some(vec!["tone".to_owned()]),
            disable_on_words: Some(vec![]),
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(ONE_TYPO_MIN_LEN as u8),
                two_typos: Some(TWO_TYPOS_MIN_LEN as u8),
            }),
            disable_on_numbers: None,
        })
        .with_localized_attributes([LocalizedAttributes {
            locales: vec!["vie".to_owned()],
            attribute_patterns: vec!["*".to_owned()],
        }])
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_TOTAL_HITS,
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: 200,
            sort_facet_values_by: None,
        })
        .with_ranking_rules(RANKING_RULES.iter().copied())
}

/// Settings of the product index.
///
/// Proximity is judged by attribute (are the words in the same field?) rather than by the
/// distance between words: a name is a few words long, so within it the two agree, and the
/// word-pair database that `byWord` would build over descriptions and stories is work that
/// ranking names does not need.
pub fn products() -> Settings {
    common(PRODUCT_SEARCHABLE)
        .with_proximity_precision("byAttribute")
        .with_filterable_attributes(PRODUCT_FILTERABLE.iter().copied())
        .with_sortable_attributes(PRODUCT_SORTABLE.iter().copied())
}

/// Settings of the outlet index.
pub fn outlets() -> Settings {
    common(OUTLET_SEARCHABLE)
        .with_filterable_attributes(OUTLET_FILTERABLE.iter().copied().chain(["_geo"]))
        .with_sortable_attributes(["_geo"])
}
