//! URL slugs: `a-z`, `0-9` and single hyphens.

use std::fmt;

/// Longest slug accepted.
pub const MAX_SLUG_LEN: usize = 160;

/// A URL-safe key such as `nuoc-mam-phu-quoc`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// Accepts an existing slug as it is written.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("must not be empty".into());
        }
        if s.len() > MAX_SLUG_LEN {
            return Err(format!("must be at most {MAX_SLUG_LEN} characters"));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("may only contain a-z, 0-9 and '-'".into());
        }
        if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err("must not start or end with '-' or contain '--'".into());
        }
        Ok(Self(s.to_owned()))
    }

    /// Derives a slug from a Vietnamese name (`Chè Tân Cương` → `che-tan-cuong`).
    pub fn from_name(name: &str) -> Result<Self, String> {
        let mut slug = ocop_search::text::slugify(name);
        if slug.len() > MAX_SLUG_LEN {
            slug.truncate(MAX_SLUG_LEN);
            while slug.ends_with('-') {
                slug.pop();
            }
        }
        if slug.is_empty() {
            return Err("has no letters or digits to make a slug from".into());
        }
        Self::parse(&slug)
    }

    /// The same slug with a numeric suffix, to resolve a clash (`che-tan-cuong-2`).
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(MAX_SLUG_LEN - suffix.len());
        while base.ends_with('-') {
            base.pop();
        }
        Self(base + &suffix)
    }

    /// The slug as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Takes the inner string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_slugs_are_accepted() {
        for s in ["nuoc-mam-phu-quoc", "st25", "a", "che-dinh-tan-cuong-2"] {
            assert!(Slug::parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn malformed_slugs_are_rejected_with_a_reason() {
        for s in [
            "",
            "Nuoc-mam",
            "nước-mắm",
            "-a",
            "a-",
            "a--b",
            "a b",
            "a_b",
            &"a".repeat(161),
        ] {
            assert!(Slug::parse(s).is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn slugs_are_made_from_vietnamese_names() {
        assert_eq!(
            Slug::from_name("Chè Đinh Tân Cương").unwrap().as_str(),
            "che-dinh-tan-cuong"
        );
        assert_eq!(
            Slug::from_name("  Nước màu dừa!! ").unwrap().as_str(),
            "nuoc-mau-dua"
        );
        assert!(Slug::from_name("!!!").is_err());
    }

    #[test]
    fn long_names_make_slugs_within_the_limit_and_suffixes_fit() {
        let slug = Slug::from_name(&"Đặc sản ".repeat(40)).unwrap();
        assert!(slug.as_str().len() <= MAX_SLUG_LEN);
        let suffixed = slug.with_suffix(12);
        assert!(suffixed.as_str().len() <= MAX_SLUG_LEN);
        assert!(suffixed.as_str().ends_with("-12"));
        assert!(Slug::parse(suffixed.as_str()).is_ok());
    }
}
