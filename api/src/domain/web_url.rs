//! Links the catalogue shows (product images): http or https only, so that no
//! `javascript:` or `data:` URL reaches a page.

use super::text::limits;

/// An absolute http(s) URL without spaces, of at most [`limits::URL`] characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebUrl(String);

impl WebUrl {
    /// Trims `s` and checks its scheme, length and characters.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if !(s.starts_with("https://") || s.starts_with("http://")) {
            return Err("must be an http:// or https:// URL".into());
        }
        if s.len() > limits::URL || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "must be a URL of at most {} characters without spaces",
                limits::URL
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The URL, as stored.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_without_spaces() {
        assert_eq!(
            WebUrl::parse(" https://example.vn/a.jpg")
                .unwrap()
                .into_string(),
            "https://example.vn/a.jpg"
        );
        assert!(WebUrl::parse("http://example.vn/a.jpg").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "ftp://example.vn/a.jpg",
            "https://example.vn/a b.jpg",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.vn/{}", "a".repeat(limits::URL));
        assert!(WebUrl::parse(&long).is_err());
    }
}
