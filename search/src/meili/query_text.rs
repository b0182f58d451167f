//! The query strings sent to Meilisearch for what a buyer typed, and the merge that puts the
//! products matching its tones exactly first.

use crate::text;

/// The query string sent for what the buyer typed: the tone-preserving tokens of the complete
/// words typed with marks are added so that exact-tone matches match one more word. They go
/// before the last word when it may still be being typed (so it keeps its prefix matching and
/// the tokens are never prefix-matched), after everything when the query ends with a space;
/// never first, since the `last` matching strategy never drops the first word.
pub fn query_string(typed: &str) -> String {
    let words: Vec<&str> = typed.split_whitespace().collect();
    let complete = typed.ends_with(char::is_whitespace);
    let (complete_words, partial) = match (complete, words.split_last()) {
        (true, _) | (false, None) => (&words[..], None),
        (false, Some((last, rest))) => (rest, Some(*last)),
    };
    let tokens: Vec<String> = complete_words
        .iter()
        .flat_map(|w| text::telex_of_marked_words(w))
        .collect();
    if tokens.is_empty() || complete_words.is_empty() {
        return typed.trim().to_owned();
    }
    match partial {
        Some(last) => format!("{} {} {}", complete_words.join(" "), tokens.join(" "), last),
        None => format!("{} {} ", complete_words.join(" "), tokens.join(" ")),
    }
}

/// The query string that finds only products with every typed word in the tones it was typed
/// with: the typed words and the tone-preserving token of every word typed with marks, the last
/// word itself last so that it stays a prefix. `None` when no word carries marks.
///
/// Meilisearch's `last` matching strategy can rank a product higher only by more matched words
/// dropped from the end, so a token for the word still being typed would cost that word its
/// prefix matching (`mè` would no longer find `mèo`). A second query in the same request, with
/// every word required, finds the exact-tone products instead; [`exact_first`] puts them first.
pub fn exact_tone_query_string(typed: &str) -> Option<String> {
    let tokens = text::telex_of_marked_words(typed);
    if tokens.is_empty() {
        return None;
    }
    let words: Vec<&str> = typed.split_whitespace().collect();
    let (last, rest) = words.split_last()?;
    let tail = if typed.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let mut q: Vec<&str> = rest.to_vec();
    q.extend(tokens.iter().map(String::as_str));
    q.push(last);
    Some(format!("{}{tail}", q.join(" ")))
}

/// Page `page` of `size` of the exact-tone products (`first`, from the top) followed by the
/// others (`rest`, from the top, which holds the exact-tone products too).
///
/// `first` must hold the top `page × size` exact-tone products and `rest` the top
/// `2 × page × size` of all: then the page is complete whatever the two lists hold.
pub fn exact_first(first: Vec<i64>, rest: Vec<i64>, page: usize, size: usize) -> Vec<i64> {
    let seen: std::collections::HashSet<i64> = first.iter().copied().collect();
    first
        .into_iter()
        .chain(rest.into_iter().filter(|id| !seen.contains(id)))
        .skip(page.saturating_sub(1).saturating_mul(size))
        .take(size)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_tokens_go_before_a_word_still_being_typed() {
        assert_eq!(query_string("mè đen"), "mè mef đen");
        assert_eq!(query_string("nước mắ"), "nước nuwowcs mắ");
    }

    #[test]
    fn tone_tokens_go_last_when_every_word_is_complete() {
        assert_eq!(query_string("dừa "), "dừa duwaf ");
        assert_eq!(query_string("mè đen "), "mè đen mef ddenz ");
    }

    #[test]
    fn the_exact_tone_query_has_every_token_and_keeps_the_last_word_a_prefix() {
        assert_eq!(exact_tone_query_string("mè").as_deref(), Some("mef mè"));
        assert_eq!(
            exact_tone_query_string("mè đen").as_deref(),
            Some("mè mef ddenz đen")
        );
        assert_eq!(
            exact_tone_query_string("kẹo dừa ").as_deref(),
            Some("kẹo keoj duwaf dừa ")
        );
        assert_eq!(exact_tone_query_string("nuoc mam"), None);
        assert_eq!(exact_tone_query_string(" "), None);
    }

    #[test]
    fn exact_tone_products_come_first_and_pages_stay_whole() {
        let first = vec![7, 3];
        let rest = vec![1, 3, 2, 7, 4, 5];
        assert_eq!(exact_first(first.clone(), rest.clone(), 1, 3), [7, 3, 1]);
        assert_eq!(exact_first(first.clone(), rest.clone(), 2, 3), [2, 4, 5]);
        assert_eq!(exact_first(vec![], rest, 1, 2), [1, 3]);
    }

    #[test]
    fn queries_without_marks_or_with_one_word_being_typed_are_sent_as_typed() {
        assert_eq!(query_string("nuoc mam"), "nuoc mam");
        assert_eq!(query_string("dừa"), "dừa");
        assert_eq!(query_string("  "), "");
    }
}
