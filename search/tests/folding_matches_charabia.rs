//! Meilisearch folds text with charabia; the embedded index folds it with `text::fold`. This
//! holds the two in agreement over every name of the reference data and demo catalogue.

use charabia::Tokenize;
use ocop_search::text;

const WARDS: &str = include_str!("../../migration/reference/wards.csv");
const PROVINCES: &str = include_str!("../../migration/reference/former_provinces.csv");
const CATEGORIES: &str = include_str!("../../migration/reference/categories.csv");
const DEMO: &str = include_str!("../../api/demo/catalogue.jsonl");

fn charabia_words(s: &str) -> Vec<String> {
    s.tokenize()
        .filter(|t| t.is_word())
        .map(|t| t.lemma().to_owned())
        .collect()
}

#[test]
fn every_reference_and_demo_word_folds_as_meilisearch_folds_it() {
    let mut checked = 0;
    let mut differences = Vec::new();
    for line in WARDS
        .lines()
        .chain(PROVINCES.lines())
        .chain(CATEGORIES.lines())
        .chain(DEMO.lines())
    {
        for word in line
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            checked += 1;
            let ours = text::words(word);
            let theirs = charabia_words(word);
            if ours != theirs {
                differences.push(format!("{word:?}: ours {ours:?}, charabia {theirs:?}"));
            }
        }
    }
    assert!(checked > 50_000, "checked {checked} words");
    assert!(
        differences.is_empty(),
        "{} differences, e.g. {:?}",
        differences.len(),
        &differences[..differences.len().min(10)]
    );
}

#[test]
fn tone_placement_variants_fold_alike_in_both() {
    for (a, b) in [
        ("Thanh Hoá", "Thanh Hóa"),
        ("thuỷ", "thủy"),
        ("Khoá", "Khóa"),
        ("uỷ", "ủy"),
    ] {
        assert_eq!(text::words(a), text::words(b));
        assert_eq!(charabia_words(a), charabia_words(b));
        assert_eq!(text::words(a), charabia_words(a));
    }
}
