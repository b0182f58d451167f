//! Where the typed words are in a text: highlights for search hits and suggestions.
//!
//! A word matches a word of the text by the engines' rules ([`crate::text::fold`]ed, the last
//! typed word as a prefix, typos in long words as [`crate::settings`] allows, synonyms, and a
//! word typed without its spaces against the words it joins). Both engines share this code, so
//! a hit is highlighted the same way whichever engine found it.
//!
//! Ranges are counted in UTF-16 code units, as JavaScript indexes strings: a frontend renders
//! `snippet.slice(start, start + length)` as bold, and never parses markup. (Every Vietnamese
//! letter is one code unit.)
//!
//! Over 300 lines: one matcher, whose word rules (prefix, typos, synonyms, joined words) must
//! agree with each other and are tested together below.

use unicode_normalization::char::is_combining_mark;

use crate::{
    settings::{COMPLETION_MIN_PREFIX, SEARCH_MIN_PREFIX, folded_synonyms, typos_allowed},
    text,
};

/// Most words of a query that are looked for.
const MAX_WORDS: usize = 12;
/// Most words a word typed without its spaces joins.
const MAX_JOINED: usize = 4;

/// A run of a text, in UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRange {
    /// Where it starts.
    pub start: usize,
    /// How long it is.
    pub length: usize,
}

/// A text (or a snippet of it) with the runs that matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlighted {
    /// The text, or a window of it with `…` where it was cut.
    pub snippet: String,
    /// The matched runs of `snippet`, in order, never overlapping.
    pub ranges: Vec<TextRange>,
    /// The typed words found, as typed, in the order typed.
    pub words: Vec<String>,
}

/// One typed word and the word sequences it stands for.
struct QueryWord {
    typed: String,
    folded: String,
    is_last: bool,
    min_prefix: usize,
    typos: usize,
    /// The word's synonyms, each as folded words (`htx` → `hop tac xa`).
    synonyms: Vec<Vec<String>>,
}

/// A word of a text: byte offsets and folded form.
struct Token {
    start: usize,
    end: usize,
    folded: String,
}

/// The typed words of one query, ready to be found in any number of texts.
pub struct Matcher {
    words: Vec<QueryWord>,
}

/// Where a text holds the typed words.
pub struct Found {
    /// Matched byte ranges of the text, sorted and merged.
    spans: Vec<(usize, usize)>,
    /// Which typed words were found.
    found: Vec<bool>,
}

impl Matcher {
    /// The words of `query`, as a search reads them.
    pub fn new(query: &str) -> Self {
        Self::with_min_prefix(query, SEARCH_MIN_PREFIX)
    }

    /// The words of `query`, as name completions read them (the last word a prefix from its
    /// first letter).
    pub fn completing(query: &str) -> Self {
        Self::with_min_prefix(query, COMPLETION_MIN_PREFIX)
    }

    fn with_min_prefix(query: &str, min_prefix: usize) -> Self {
        let typed: Vec<&str> = query
            .split(|c: char| !c.is_alphanumeric() && !is_combining_mark(c))
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .collect();
        let groups = folded_synonyms();
        let last = typed.len().saturating_sub(1);
        let words = typed
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let folded = text::fold(w);
                let synonyms = groups
                    .iter()
                    .filter(|g| g.contains(&folded))
                    .flat_map(|g| g.iter().filter(|s| **s != folded))
                    .map(|s| s.split(' ').map(str::to_owned).collect())
                    .collect();
                let typos = usize::from(typos_allowed(folded.chars().count()));
                QueryWord {
                    typed: (*w).to_owned(),
                    folded,
                    is_last: i == last,
                    min_prefix,
                    typos,
                    synonyms,
                }
            })
            .collect();
        Self { words }
    }

    /// Whether the query has no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Finds the typed words in `text`.
    pub fn find(&self, text: &str) -> Found {
        let tokens = tokens(text);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut found = vec![false; self.words.len()];
        for (w, word) in self.words.iter().enumerate() {
            for i in 0..tokens.len() {
                if let Some(span) = word.match_at(text, &tokens[i..]) {
                    spans.push(span);
                    found[w] = true;
                }
            }
        }
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (s, e) in spans {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Found {
            spans: merged,
            found,
        }
    }

    /// `text` whole, with its matches.
    pub fn highlight(&self, text: &str) -> Highlighted {
        let found = self.find(text);
        self.cut(text, &found, (0, text.len()))
    }

    /// A window of `text` of about `max_chars` characters around its best matches: the one
    /// holding the most distinct typed words, the earliest of equals. `None` when nothing
    /// matched.
    pub fn snippet(&self, text: &str, max_chars: usize) -> Option<Highlighted> {
        let found = self.find(text);
        if found.spans.is_empty() {
            return None;
        }
        if text.chars().count() <= max_chars {
            return Some(self.cut(text, &found, (0, text.len())));
        }
        let tokens = tokens(text);
        // Start a few words before a match, so that the reader sees what leads to it.
        let lead = max_chars / 6;
        let mut best: Option<((usize, usize), usize)> = None;
        for &(s, _) in &found.spans {
            let from = tokens
                .iter()
                .map(|t| t.start)
                .filter(|&t| t <= s && text[t..s].chars().count() <= lead)
                .min()
                .unwrap_or(s);
            let window = window(text, &tokens, from, max_chars);
            let words = self
                .words
                .iter()
                .filter(|w| {
                    tokens.iter().enumerate().any(|(i, t)| {
                        t.start >= window.0
                            && w.match_at(text, &tokens[i..])
                                .is_some_and(|(_, e)| e <= window.1)
                    })
                })
                .count();
            if best.is_none_or(|(_, n)| words > n) {
                best = Some((window, words));
            }
        }
        best.map(|(window, _)| self.cut(text, &found, window))
    }

    /// The window `(start, end)` of `text` (byte offsets at word boundaries) as a snippet.
    fn cut(&self, text: &str, found: &Found, (start, end): (usize, usize)) -> Highlighted {
        let mut snippet = String::new();
        if start > 0 {
            snippet.push('…');
        }
        let base = utf16_len(&snippet);
        snippet.push_str(text[start..end].trim());
        let trimmed = text[start..end].len() - text[start..end].trim_start().len();
        let start = start + trimmed;
        if end < text.len() {
            snippet.push('…');
        }
        let ranges = found
            .spans
            .iter()
            .filter(|(s, e)| *s >= start && *e <= end)
            .map(|&(s, e)| TextRange {
                start: base + utf16_len(&text[start..s]),
                length: utf16_len(&text[s..e]),
            })
            .collect();
        Highlighted {
            snippet,
            ranges,
            words: self.found_words(found),
        }
    }

    fn found_words(&self, found: &Found) -> Vec<String> {
        self.words
            .iter()
            .zip(&found.found)
            .filter(|(_, f)| **f)
            .map(|(w, _)| w.typed.clone())
            .collect()
    }
}

impl Found {
    /// Whether every typed word was found.
    pub fn has_every_word(&self) -> bool {
        self.found.iter().all(|f| *f)
    }

    /// Whether the first match starts at the text's first word.
    pub fn starts_at(&self, byte: usize) -> bool {
        self.spans.first().is_some_and(|(s, _)| *s == byte)
    }
}

impl QueryWord {
    /// The byte range of `text` this word matches at the start of `tokens`, if any.
    fn match_at(&self, text: &str, tokens: &[Token]) -> Option<(usize, usize)> {
        let first = tokens.first()?;
        let t = &first.folded;
        if *t == self.folded {
            return Some((first.start, first.end));
        }
        if self.is_last && self.folded.len() >= self.min_prefix && t.starts_with(&self.folded) {
            return Some((
                first.start,
                prefix_end(text, first, self.folded.chars().count()),
            ));
        }
        if self.typos > 0 {
            if text::edit_distance(t, &self.folded) <= self.typos {
                return Some((first.start, first.end));
            }
            if self.is_last {
                let n = self.folded.chars().count();
                for len in n.saturating_sub(self.typos)..n + self.typos {
                    let prefix: String = t.chars().take(len).collect();
                    if prefix.chars().count() == len
                        && text::edit_distance(&prefix, &self.folded) <= self.typos
                    {
                        return Some((first.start, prefix_end(text, first, len)));
                    }
                }
            }
        }
        for synonym in &self.synonyms {
            let n = synonym.len();
            if tokens.len() >= n && tokens[..n].iter().zip(synonym).all(|(t, s)| t.folded == *s) {
                return Some((first.start, tokens[n - 1].end));
            }
        }
        // Typed without its spaces: the words it joins, side by side.
        let mut joined = String::new();
        for (k, token) in tokens.iter().take(MAX_JOINED).enumerate() {
            let before = joined.len();
            joined.push_str(&token.folded);
            if k == 0 || joined.len() < self.folded.len() {
                continue;
            }
            if joined == self.folded {
                return Some((first.start, token.end));
            }
            if self.is_last && joined.starts_with(&self.folded) && before < self.folded.len() {
                let end = prefix_end(text, token, self.folded.len() - before);
                return Some((first.start, end));
            }
            break;
        }
        None
    }
}

/// The words of `text` with their byte offsets.
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let in_word = c.is_alphanumeric() || (start.is_some() && is_combining_mark(c));
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Token {
                    start: s,
                    end: i,
                    folded: text::fold(&text[s..i]),
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The byte offset where the first `folded_chars` folded characters of `token` end.
fn prefix_end(text: &str, token: &Token, folded_chars: usize) -> usize {
    let mut count = 0;
    for (i, c) in text[token.start..token.end].char_indices() {
        if count >= folded_chars && !is_combining_mark(c) {
            return token.start + i;
        }
        count += text::fold(c.encode_utf8(&mut [0; 4])).chars().count();
    }
    token.end
}

/// A window of about `max_chars` characters from byte `from`, ending at a word's end.
fn window(text: &str, tokens: &[Token], from: usize, max_chars: usize) -> (usize, usize) {
    let end = tokens
        .iter()
        .filter(|t| t.start >= from && text[from..t.end].chars().count() <= max_chars)
        .map(|t| t.end)
        .max()
        .unwrap_or(text.len());
    (from, end)
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(h: &Highlighted) -> Vec<String> {
        let units: Vec<u16> = h.snippet.encode_utf16().collect();
        h.ranges
            .iter()
            .map(|r| String::from_utf16(&units[r.start..r.start + r.length]).unwrap())
            .collect()
    }

    #[test]
    fn words_typed_without_tones_mark_the_toned_words() {
        let h = Matcher::new("nuoc mam").highlight("Nước mắm cá cơm Phú Quốc");
        assert_eq!(marked(&h), ["Nước", "mắm"]);
        assert_eq!(h.words, ["nuoc", "mam"]);
        assert_eq!(
            h.ranges,
            [
                TextRange {
                    start: 0,
                    length: 4
                },
                TextRange {
                    start: 5,
                    length: 3
                }
            ]
        );
    }

    #[test]
    fn the_last_word_marks_only_its_typed_prefix() {
        let h = Matcher::new("mật on").highlight("Mật ong hoa cà phê");
        assert_eq!(marked(&h), ["Mật", "on"], "{h:?}");
        let h = Matcher::new("tra").highlight("Trà xanh và trân châu");
        assert_eq!(marked(&h), ["Trà", "trâ"]);
        assert!(Matcher::new("mật o").highlight("Mật ong").ranges.len() == 1);
        let h = Matcher::completing("mật o").highlight("Mật ong");
        assert_eq!(marked(&h), ["Mật", "o"]);
    }

    #[test]
    fn long_words_match_with_a_typo_and_short_ones_do_not() {
        let h = Matcher::new("nguyen mam").highlight("Nước mắm Thái Nguyên");
        assert_eq!(marked(&h), ["mắm", "Nguyên"]);
        let h = Matcher::new("thai nguyeen").highlight("Chè Thái Nguyên");
        assert_eq!(marked(&h), ["Thái", "Nguyên"]);
        let h = Matcher::new("mum").highlight("Nước mắm");
        assert!(h.ranges.is_empty());
        assert!(h.words.is_empty());
    }

    #[test]
    fn joined_words_and_synonyms_mark_what_they_stand_for() {
        let h = Matcher::new("nuocmam").highlight("Nước mắm Phan Thiết");
        assert_eq!(marked(&h), ["Nước mắm"]);
        let h = Matcher::new("matong").highlight("Mật ong bạc hà");
        assert_eq!(marked(&h), ["Mật ong"]);
        let h = Matcher::new("ngoctr").highlight("Ngọc trai Akoya");
        assert_eq!(marked(&h), ["Ngọc tr"]);
        let h = Matcher::new("chè htx").highlight("Trà xanh, Hợp tác xã Tân Cương");
        assert_eq!(marked(&h), ["Trà", "Hợp tác xã"]);
    }

    #[test]
    fn ranges_count_utf16_units_and_survive_decomposed_text() {
        let h = Matcher::new("mat").highlight("🍯 Mật ong");
        assert_eq!(
            h.ranges,
            [TextRange {
                start: 3,
                length: 3
            }]
        );
        let decomposed: String =
            unicode_normalization::UnicodeNormalization::nfd("Mật ong").collect();
        let h = Matcher::new("mat ong").highlight(&decomposed);
        let folded: Vec<String> = marked(&h).iter().map(|m| text::fold(m)).collect();
        assert_eq!(folded, ["mat", "ong"]);
    }

    #[test]
    fn a_long_text_is_cut_around_the_most_typed_words() {
        let filler = "Sản phẩm được làm thủ công theo cách truyền thống của làng nghề. ";
        let text = format!(
            "{}Có vị mặn nhẹ. {}Mật ong rừng nguyên chất, thu hoạch mùa xuân. {}",
            filler.repeat(3),
            filler.repeat(2),
            filler.repeat(3)
        );
        let h = Matcher::new("mat ong rung").snippet(&text, 120).unwrap();
        assert!(
            h.snippet.starts_with('…') && h.snippet.ends_with('…'),
            "{h:?}"
        );
        assert!(h.snippet.chars().count() <= 122, "{}", h.snippet);
        assert_eq!(marked(&h), ["Mật", "ong", "rừng"]);
        assert_eq!(h.words, ["mat", "ong", "rung"]);
        assert!(Matcher::new("nuoc mam").snippet(&text, 120).is_none());
        let short = Matcher::new("mat").snippet("Mật ong", 120).unwrap();
        assert_eq!(short.snippet, "Mật ong");
    }

    #[test]
    fn every_word_found_or_not() {
        let m = Matcher::new("tra thai");
        assert!(m.find("Chè Thái Nguyên").has_every_word());
        assert!(!m.find("Chè Tân Cương").has_every_word());
        assert!(m.find("Trà Thái").starts_at(0));
        assert!(Matcher::new("").is_empty());
    }
}
