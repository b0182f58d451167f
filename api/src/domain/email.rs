//! E-mail addresses, checked loosely: enough to catch a typing error, not a full RFC 5322 parse.

/// Longest address accepted (the SMTP limit).
const MAX_LEN: usize = 254;

/// An e-mail address, trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// One `@`, a user part, a dot inside the domain, no spaces, at most 254 characters.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let ok = s.len() <= MAX_LEN
            && !s.chars().any(char::is_whitespace)
            && s.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "\"{}\" is not an e-mail address",
                s.chars().take(60).collect::<String>()
            ))
        }
    }

    /// The address, as stored.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_loosely_but_usefully() {
        assert_eq!(
            Email::parse(" info@ocop.vn ").unwrap().into_string(),
            "info@ocop.vn"
        );
        for bad in [
            "info", "a@b", "a b@c.vn", "@c.vn", "a@.vn", "a@c.vn.", "a@b@c.vn",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        let long = format!("{}@ocop.vn", "a".repeat(MAX_LEN));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn the_reason_quotes_at_most_sixty_characters() {
        let reason = Email::parse(&"x".repeat(500)).unwrap_err();
        assert!(reason.len() < 100, "{reason}");
    }
}
