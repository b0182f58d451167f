//! What a buyer types into a search box.

use unicode_normalization::UnicodeNormalization;

/// Longest search text accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// Search text: NFC, control characters turned into spaces, at most [`MAX_SEARCH_CHARS`]
/// characters; may be empty (then search lists by the filters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    /// Parses typed text.
    pub fn parse(s: &str) -> Result<Self, String> {
        let len = s.chars().count();
        if len > MAX_SEARCH_CHARS {
            return Err(format!(
                "must be at most {MAX_SEARCH_CHARS} characters (got {len})"
            ));
        }
        let text: String = s
            .nfc()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        // Keep a trailing space: it tells that the last word is complete.
        let trailing = text.ends_with(' ') && !text.trim().is_empty();
        let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if trailing {
            text.push(' ');
        }
        Ok(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_composed_and_cleaned() {
        assert_eq!(
            SearchText::parse("  nước\tmắm\u{0} ").unwrap().as_str(),
            "nước mắm "
        );
        assert_eq!(SearchText::parse("dừa").unwrap().as_str(), "dừa");
        assert_eq!(SearchText::parse("   ").unwrap().as_str(), "");
        assert!(SearchText::parse(&"ê".repeat(201)).is_err());
        assert!(SearchText::parse(&"ê".repeat(200)).is_ok());
    }
}
