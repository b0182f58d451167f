//! The words the index knows, and the ways a word typed without its spaces (`nuocmam`,
//! `hatdieu`) splits into them.
//!
//! Vietnamese is written one syllable per word, so a buyer who leaves the spaces out types a
//! word that no document has. Meilisearch tries splitting such a word in two; the embedded index
//! does the same here, with up to [`MAX_PIECES`] pieces, and the query then asks for the pieces
//! side by side (a phrase), so that a split into unrelated syllables rarely matches anything.

use tantivy::{Searcher, schema::Field};

/// Most pieces a word is split into.
pub const MAX_PIECES: usize = 4;
/// Most splits of one word that a query tries.
pub const MAX_SPLITS: usize = 6;
/// Shortest word worth splitting.
const MIN_SPLIT_LEN: usize = 4;
/// Shortest piece (Vietnamese syllables of one letter are rare in product names and would make
/// nonsense splits).
const MIN_PIECE_LEN: usize = 2;
/// Longest piece: the longest Vietnamese syllable folded (`nghieng`), with room for codes such
/// as `st25`.
const MAX_PIECE_LEN: usize = 8;

/// Which words the index holds.
pub trait Lexicon {
    /// Whether some document has `word`.
    fn has_word(&self, word: &str) -> bool;
    /// Whether some document has a word starting with `prefix`.
    fn has_prefix(&self, prefix: &str) -> bool;
}

/// The words of some text fields of an index, as a searcher sees them.
pub struct IndexLexicon<'a> {
    searcher: &'a Searcher,
    fields: Vec<Field>,
}

impl<'a> IndexLexicon<'a> {
    /// The words of `fields` in `searcher`'s segments.
    pub fn new(searcher: &'a Searcher, fields: Vec<Field>) -> Self {
        Self { searcher, fields }
    }

    /// The words of `field` that start with `prefix`, the `max` found in the most documents
    /// first.
    pub fn completions(&self, field: Field, prefix: &str, max: usize) -> Vec<String> {
        let mut found: std::collections::HashMap<Vec<u8>, u32> = std::collections::HashMap::new();
        for segment in self.searcher.segment_readers() {
            let Ok(index) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = index.terms().range().ge(prefix.as_bytes()).into_stream() else {
                continue;
            };
            while stream.advance() && stream.key().starts_with(prefix.as_bytes()) {
                *found.entry(stream.key().to_vec()).or_default() += stream.value().doc_freq;
            }
        }
        let mut found: Vec<(Vec<u8>, u32)> = found.into_iter().collect();
        found.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        found
            .into_iter()
            .take(max)
            .filter_map(|(term, _)| String::from_utf8(term).ok())
            .collect()
    }

    fn any_dictionary(&self, found: impl Fn(&tantivy::termdict::TermDictionary) -> bool) -> bool {
        self.searcher.segment_readers().iter().any(|segment| {
            self.fields.iter().any(|field| {
                segment
                    .inverted_index(*field)
                    .is_ok_and(|index| found(index.terms()))
            })
        })
    }
}

impl Lexicon for IndexLexicon<'_> {
    fn has_word(&self, word: &str) -> bool {
        self.any_dictionary(|terms| terms.get(word.as_bytes()).is_ok_and(|t| t.is_some()))
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        self.any_dictionary(|terms| {
            terms
                .range()
                .ge(prefix.as_bytes())
                .into_stream()
                .is_ok_and(|mut stream| {
                    stream.advance() && stream.key().starts_with(prefix.as_bytes())
                })
        })
    }
}

/// The ways `word` (folded) splits into 2 to [`MAX_PIECES`] words `lexicon` knows, fewest pieces
/// first, at most [`MAX_SPLITS`]. With `prefix`, the last piece only has to begin a known word
/// (the buyer is still typing it). A word the index already knows is not split.
pub fn splits(word: &str, lexicon: &dyn Lexicon, prefix: bool) -> Vec<Vec<String>> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let known = if prefix {
        lexicon.has_prefix(word)
    } else {
        lexicon.has_word(word)
    };
    if chars.len() < MIN_SPLIT_LEN || known {
        return Vec::new();
    }
    let mut found = Vec::new();
    for pieces in 2..=MAX_PIECES {
        let mut path = Vec::new();
        split_into(
            word, &chars, 0, pieces, prefix, lexicon, &mut path, &mut found,
        );
        if found.len() >= MAX_SPLITS {
            found.truncate(MAX_SPLITS);
            break;
        }
    }
    found
}

/// Depth-first: every way `chars[start..]` is `left` known pieces.
#[allow(clippy::too_many_arguments)]
fn split_into(
    word: &str,
    chars: &[(usize, char)],
    start: usize,
    left: usize,
    prefix: bool,
    lexicon: &dyn Lexicon,
    path: &mut Vec<String>,
    found: &mut Vec<Vec<String>>,
) {
    let remaining = chars.len() - start;
    if found.len() >= MAX_SPLITS || remaining < left * MIN_PIECE_LEN {
        return;
    }
    let byte = |i: usize| chars.get(i).map_or(word.len(), |(b, _)| *b);
    if left == 1 {
        let piece = &word[byte(start)..];
        let known = if prefix {
            lexicon.has_prefix(piece)
        } else {
            remaining <= MAX_PIECE_LEN && lexicon.has_word(piece)
        };
        if known {
            let mut split = path.clone();
            split.push(piece.to_owned());
            found.push(split);
        }
        return;
    }
    let longest = MAX_PIECE_LEN.min(remaining - (left - 1) * MIN_PIECE_LEN);
    for len in MIN_PIECE_LEN..=longest {
        let piece = &word[byte(start)..byte(start + len)];
        if lexicon.has_word(piece) {
            path.push(piece.to_owned());
            split_into(
                word,
                chars,
                start + len,
                left - 1,
                prefix,
                lexicon,
                path,
                found,
            );
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Words(&'static [&'static str]);

    impl Lexicon for Words {
        fn has_word(&self, word: &str) -> bool {
            self.0.contains(&word)
        }

        fn has_prefix(&self, prefix: &str) -> bool {
            self.0.iter().any(|w| w.starts_with(prefix))
        }
    }

    const WORDS: Words = Words(&[
        "nuoc", "mam", "hat", "dieu", "mat", "ong", "ma", "tong", "phu", "quoc", "ngoc", "trai",
    ]);

    #[test]
    fn joined_words_split_into_known_words() {
        assert_eq!(splits("nuocmam", &WORDS, false), [["nuoc", "mam"]]);
        assert_eq!(splits("hatdieu", &WORDS, false), [["hat", "dieu"]]);
        assert_eq!(
            splits("nuocmamphuquoc", &WORDS, false),
            [["nuoc", "mam", "phu", "quoc"]]
        );
    }

    #[test]
    fn every_reading_of_an_ambiguous_word_is_kept() {
        assert_eq!(
            splits("matong", &WORDS, false),
            [["ma", "tong"], ["mat", "ong"]]
        );
    }

    #[test]
    fn the_last_piece_of_a_word_being_typed_may_be_a_prefix() {
        assert!(splits("ngoctra", &WORDS, false).is_empty());
        assert_eq!(splits("ngoctra", &WORDS, true), [["ngoc", "tra"]]);
    }

    #[test]
    fn known_short_and_unsplittable_words_are_left_alone() {
        assert!(splits("nuoc", &WORDS, false).is_empty());
        assert!(splits("mam", &WORDS, false).is_empty());
        assert!(splits("xyzxyz", &WORDS, false).is_empty());
        assert!(splits("nuoc", &WORDS, true).is_empty(), "a known prefix");
    }
}
