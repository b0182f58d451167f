//! Telephone numbers as people write them.

/// A phone number, trimmed: 8–15 digits with optional `+`, spaces, dots, dashes and
/// parentheses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts "0203 3 825 123" and "+84 912 345 678"; refuses words and other signs.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let digits = s.chars().filter(char::is_ascii_digit).count();
        let ok = (8..=15).contains(&digits)
            && s.len() <= 30
            && s.chars()
                .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err("must be a phone number of 8–15 digits".into())
        }
    }

    /// The number, as written.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_writing() {
        assert_eq!(
            Phone::parse(" 0203 3 825 123").unwrap().into_string(),
            "0203 3 825 123"
        );
        assert!(Phone::parse("+84 (912) 345-678").is_ok());
        for bad in ["call me", "1234567", "1234567890123456", "0203#825123"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }
}
