//! Bounded free text.

use unicode_normalization::UnicodeNormalization;

/// Text that is trimmed, in Unicode NFC, free of control characters and at most `MAX`
/// characters long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundedText(String);

/// Limits used across the catalogue.
pub mod limits {
    /// Names of products, producers, outlets.
    pub const NAME: usize = 200;
    /// Short fields: phone, tax code, unit, decision numbers…
    pub const SHORT: usize = 100;
    /// Addresses, issuing bodies, packaging, opening hours.
    pub const MEDIUM: usize = 500;
    /// Descriptions and stories.
    pub const LONG: usize = 10_000;
    /// Image URLs.
    pub const URL: usize = 2_000;
}

impl BoundedText {
    /// Parses required text of at most `max` characters.
    pub fn parse(s: &str, max: usize) -> Result<Self, String> {
        let text: String = s.trim().nfc().collect();
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && *c != '\n' && *c != '\t')
        {
            return Err(format!(
                "must not contain control characters (found U+{:04X})",
                c as u32
            ));
        }
        let len = text.chars().count();
        if len > max {
            return Err(format!("must be at most {max} characters (got {len})"));
        }
        Ok(Self(text))
    }

    /// Parses optional text: `None` and blank strings become `None`.
    pub fn parse_optional(s: Option<&str>, max: usize) -> Result<Option<Self>, String> {
        match s {
            Some(s) if !s.trim().is_empty() => Self::parse(s, max).map(Some),
            _ => Ok(None),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Takes the inner string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_composed() {
        let decomposed: String = "Nước mắm".nfd().collect();
        let text = BoundedText::parse(&format!("  {decomposed} "), 50).unwrap();
        assert_eq!(text.as_str(), "Nước mắm");
    }

    #[test]
    fn empty_long_or_control_text_is_rejected() {
        assert!(BoundedText::parse("   ", 10).is_err());
        assert!(BoundedText::parse(&"ê".repeat(11), 10).is_err());
        assert!(
            BoundedText::parse(&"ê".repeat(10), 10).is_ok(),
            "limits count characters, not bytes"
        );
        assert!(BoundedText::parse("a\u{0}b", 10).is_err());
        assert!(BoundedText::parse("a\u{1b}[31m", 10).is_err());
        assert!(BoundedText::parse("dòng 1\ndòng 2", 20).is_ok());
    }

    #[test]
    fn blank_optional_text_is_none() {
        assert_eq!(BoundedText::parse_optional(None, 5).unwrap(), None);
        assert_eq!(BoundedText::parse_optional(Some("  "), 5).unwrap(), None);
        assert!(BoundedText::parse_optional(Some("abcdef"), 5).is_err());
    }
}
