//! Spellings that would find something: what a search that found nothing offers instead.
//!
//! The vocabulary is the words of the catalogue's short texts (product names, product sets,
//! places), each with how often it occurs and how it is most often written. A query word the
//! vocabulary does not know is replaced by the known word or words closest to it:
//!
//! 1. two known words it joins (`banhtrang` → `bánh tráng`), or one known word it makes with
//!    the next word (`la ng` → `lang`);
//! 2. a known word one edit away, two for words of [`TWO_EDITS_MIN_LEN`] letters or more: the
//!    typo a short word gets no tolerance for in the engines (`mwt` → `mật`);
//!
//! the most frequent first. The caller checks that an alternative finds something before it
//! offers it.

use std::collections::HashMap;

use crate::text;

/// Words of this many letters or more may be two edits from what was meant.
pub const TWO_EDITS_MIN_LEN: usize = 7;
/// Weight of one edit fewer; a join or a split outweighs any edit.
const EDIT_WEIGHT: u32 = 100_000;
/// Weight of a join or a split (plus the rarer word's count).
const STRUCTURE_WEIGHT: u32 = 1_000_000;
/// Shortest piece a joined word splits into.
const MIN_PIECE_LEN: usize = 2;

/// The words of the catalogue.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Folded word → (occurrences, most frequent written form and its count).
    words: HashMap<String, Entry>,
}

#[derive(Debug, Default)]
struct Entry {
    count: u32,
    forms: HashMap<String, u32>,
    best: String,
}

impl Vocabulary {
    /// The words of `texts`.
    pub fn from_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut words: HashMap<String, Entry> = HashMap::new();
        for t in texts {
            for written in text::normalize(t)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                let entry = words.entry(text::fold(written)).or_default();
                entry.count += 1;
                *entry.forms.entry(written.to_owned()).or_default() += 1;
            }
        }
        for entry in words.values_mut() {
            entry.best = entry
                .forms
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(form, _)| form.clone())
                .unwrap_or_default();
            entry.forms = HashMap::new();
        }
        Self { words }
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn count(&self, folded: &str) -> u32 {
        self.words.get(folded).map_or(0, |e| e.count)
    }

    fn written<'a>(&'a self, folded: &'a str) -> &'a str {
        self.words.get(folded).map_or(folded, |e| e.best.as_str())
    }

    /// Other spellings of `query`, most likely first, at most `max`. Known words are kept as
    /// typed; unknown ones are replaced. Empty when every word is known or nothing is close.
    pub fn alternatives(&self, query: &str, max: usize) -> Vec<String> {
        let typed: Vec<&str> = query
            .split(|c: char| {
                !c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c)
            })
            .filter(|w| !w.is_empty())
            .collect();
        let folded: Vec<String> = typed.iter().map(|w| text::fold(w)).collect();
        // For each position, the replacements of the word there (text, words consumed, weight).
        let mut options: Vec<Vec<(String, usize, u32)>> = vec![Vec::new(); typed.len()];
        for (i, word) in folded.iter().enumerate() {
            if self.count(word) > 0 {
                continue;
            }
            if let Some(next) = folded.get(i + 1) {
                let joined = format!("{word}{next}");
                if self.count(&joined) > 0 {
                    let weight = STRUCTURE_WEIGHT + self.count(&joined);
                    options[i].push((self.written(&joined).to_owned(), 2, weight));
                }
            }
            options[i].extend(self.splits(word));
            options[i].extend(self.close_words(word));
            options[i].sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        }
        let mut out: Vec<String> = Vec::new();
        // The best replacement everywhere, then each next-best one on its own.
        let mut variants: Vec<Vec<usize>> = vec![vec![0; typed.len()]];
        for (i, o) in options.iter().enumerate() {
            for k in 1..o.len() {
                let mut v = vec![0; typed.len()];
                v[i] = k;
                variants.push(v);
            }
        }
        for choice in variants {
            let mut words: Vec<String> = Vec::new();
            let mut i = 0;
            let mut changed = false;
            while i < typed.len() {
                match options[i].get(choice[i]) {
                    Some((replacement, consumed, _)) => {
                        words.push(replacement.clone());
                        i += consumed;
                        changed = true;
                    }
                    None => {
                        words.push(typed[i].to_owned());
                        i += 1;
                    }
                }
            }
            let candidate = words.join(" ");
            if changed && !out.contains(&candidate) {
                out.push(candidate);
            }
            if out.len() >= max {
                break;
            }
        }
        out
    }

    /// Two known words that `word` joins, the likeliest split first.
    fn splits(&self, word: &str) -> Vec<(String, usize, u32)> {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        let mut out = Vec::new();
        for (at, _) in chars.iter().skip(MIN_PIECE_LEN) {
            let (a, b) = word.split_at(*at);
            if b.chars().count() < MIN_PIECE_LEN {
                break;
            }
            let weight = self.count(a).min(self.count(b));
            if weight > 0 {
                let weight = STRUCTURE_WEIGHT + weight;
                let text = format!("{} {}", self.written(a), self.written(b));
                out.push((text, 1, weight));
            }
        }
        out
    }

    /// Known words within the edits `word` may have: fewer edits first, then the most frequent.
    fn close_words(&self, word: &str) -> Vec<(String, usize, u32)> {
        let n = word.chars().count();
        let max_edits = if n >= TWO_EDITS_MIN_LEN { 2 } else { 1 };
        let mut found: Vec<(String, usize, u32)> = self
            .words
            .iter()
            .filter(|(w, _)| w.chars().count().abs_diff(n) <= max_edits)
            .filter_map(|(w, e)| {
                let d = text::edit_distance(word, w);
                let weight = (max_edits + 1 - d.min(max_edits)) as u32 * EDIT_WEIGHT
                    + e.count.min(EDIT_WEIGHT - 1);
                (d <= max_edits).then(|| (e.best.clone(), 1, weight))
            })
            .collect();
        found.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        found.truncate(3);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        Vocabulary::from_texts([
            "Mật ong hoa nhãn",
            "Mật ong rừng U Minh",
            "Bánh tráng Trảng Bàng",
            "Nước mắm Phú Quốc",
            "Nước mắm Cửa Sót",
            "Cà phê bột",
            "Mè đen rang",
            "Kẹo dừa",
        ])
    }

    #[test]
    fn a_short_word_with_a_typo_is_corrected_with_its_tones() {
        let v = vocabulary();
        assert_eq!(v.alternatives("mwt ong", 3)[0], "mật ong");
        assert_eq!(v.alternatives("nuoc mma", 3)[0], "nuoc mắm");
        assert_eq!(v.alternatives("nuoc mams", 3)[0], "nuoc mắm");
    }

    #[test]
    fn joined_and_split_words_are_separated_and_joined() {
        let v = vocabulary();
        assert_eq!(v.alternatives("banhtrang", 3)[0], "bánh tráng");
        assert_eq!(v.alternatives("keo duaa", 3)[0], "keo dừa");
        let w = Vocabulary::from_texts(["Sữa chua Ba Vì", "Khoai lang"]);
        assert_eq!(
            w.alternatives("sua chua khoai la ng", 3)[0],
            "sua chua khoai lang"
        );
    }

    #[test]
    fn known_words_and_hopeless_ones_offer_nothing() {
        let v = vocabulary();
        assert!(v.alternatives("mat ong", 3).is_empty());
        assert!(v.alternatives("xyzxyzxyz", 3).is_empty());
        assert!(v.alternatives("", 3).is_empty());
    }

    #[test]
    fn the_most_frequent_close_word_comes_first() {
        let v = Vocabulary::from_texts(["mắm", "mắm", "mắm", "mám"]);
        assert_eq!(v.len(), 1);
        let v = Vocabulary::from_texts(["mắm mắm mắm", "mẫm"]);
        assert_eq!(
            v.alternatives("mamm", 3).first().map(String::as_str),
            Some("mắm")
        );
    }
}
