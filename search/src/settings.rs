//! Index settings, declared once: both backends read them from here.

/// Searchable attributes of products, most important first, with the weight the embedded
/// backend gives a match in each (Meilisearch ranks by this order instead).
pub const PRODUCT_SEARCHABLE: &[(&str, f32)] = &[
    ("name", 6.0),
    ("tone", 3.0),
    ("category_names", 2.0),
    ("producer_name", 2.0),
    ("place_names", 1.5),
    ("ward_name", 1.2),
    ("description", 0.8),
    ("story", 0.5),
];

/// Attributes products can be filtered by.
pub const PRODUCT_FILTERABLE: &[&str] = &[
    "province_code",
    "region_code",
    "category_codes",
    "producer_kind",
    "stars",
    "cert_state",
    "cert_issued_on",
    "cert_expires_on",
    "outlet_ids",
    "updated_at",
];

/// Attributes products can be sorted by.
pub const PRODUCT_SORTABLE: &[&str] = &["stars", "created_at"];

/// Facets, by document attribute.
pub const PRODUCT_FACETS: &[&str] = &[
    "province_code",
    "region_code",
    "category_codes",
    "stars",
    "producer_kind",
];

/// Searchable attributes of outlets, most important first, with their weights.
pub const OUTLET_SEARCHABLE: &[(&str, f32)] = &[
    ("name", 4.0),
    ("place_names", 2.0),
    ("ward_name", 1.5),
    ("address", 1.0),
];

/// Attributes outlets can be filtered by.
pub const OUTLET_FILTERABLE: &[&str] = &["province_code", "kind"];

/// Groups of words that mean the same thing, as written in Vietnamese. A query word in a group
/// also matches every other word of the group, and a document written with one of them counts
/// as an exact-tone match for the others.
pub const SYNONYMS: &[&[&str]] = &[
    &["trà", "chè"],
    &["mè", "vừng"],
    &["heo", "lợn"],
    &["HTX", "hợp tác xã"],
    &["THT", "tổ hợp tác"],
    &["Cty", "công ty"],
    &["TP", "thành phố"],
];

/// The last word, while being typed, matches as a prefix from this many letters in a search
/// (one letter would match most of the catalogue).
pub const SEARCH_MIN_PREFIX: usize = 2;
/// The same for name completions, where a single letter is a fair start.
pub const COMPLETION_MIN_PREFIX: usize = 1;

/// Words of at least this many letters tolerate one typo.
pub const ONE_TYPO_MIN_LEN: usize = 5;
/// Words of at least this many letters tolerate two typos.
pub const TWO_TYPOS_MIN_LEN: usize = 9;

/// How many typos a folded word of `letters` letters tolerates.
pub fn typos_allowed(letters: usize) -> u8 {
    match letters {
        n if n >= TWO_TYPOS_MIN_LEN => 2,
        n if n >= ONE_TYPO_MIN_LEN => 1,
        _ => 0,
    }
}

/// Exact hit counts are guaranteed up to this many results.
pub const MAX_TOTAL_HITS: usize = 1_000_000;

/// The synonym groups in folded form (see [`crate::text::fold`]).
pub fn folded_synonyms() -> Vec<Vec<String>> {
    SYNONYMS
        .iter()
        .map(|g| g.iter().map(|w| crate::text::words(w).join(" ")).collect())
        .collect()
}

/// The synonym groups in tone-preserving form (see [`crate::text::telex`]).
pub fn tone_synonyms() -> Vec<Vec<String>> {
    SYNONYMS
        .iter()
        .map(|g| g.iter().map(|w| crate::text::telex(w).join(" ")).collect())
        .collect()
}

/// The other members of every group one of whose members occurs, as whole words, in the
/// space-separated `words`.
pub fn expand(groups: &[Vec<String>], words: &str) -> Vec<String> {
    let padded = format!(" {words} ");
    let mut out: Vec<String> = Vec::new();
    for group in groups {
        let present: Vec<&String> = group
            .iter()
            .filter(|w| padded.contains(&format!(" {w} ")))
            .collect();
        if present.is_empty() {
            continue;
        }
        for w in group {
            if !present.contains(&w) && !out.contains(w) {
                out.push(w.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_expand_both_ways_on_whole_words() {
        let folded = folded_synonyms();
        assert_eq!(expand(&folded, "che tan cuong"), ["tra"]);
        assert_eq!(expand(&folded, "tra hoa vang"), ["che"]);
        assert_eq!(expand(&folded, "htx che hao dat"), ["tra", "hop tac xa"]);
        assert_eq!(expand(&folded, "hop tac xa nong san"), ["htx"]);
        assert!(expand(&folded, "nuoc mam").is_empty());
        assert!(expand(&folded, "cheo").is_empty(), "whole words only");
    }

    #[test]
    fn tone_synonyms_keep_tones_apart() {
        let tones = tone_synonyms();
        assert_eq!(expand(&tones, "mef ddenz"), ["vuwngf"]);
        assert!(
            expand(&tones, "mez chuaz").is_empty(),
            "me (tamarind) is not mè (sesame)"
        );
        assert_eq!(expand(&tones, "htxz chef"), ["traf", "howpj tacs xax"]);
    }
}
