//! Vietnamese enterprise tax codes (mã số thuế).

/// A tax code: 10 digits, or 10 digits, `-` and a 3-digit branch number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxCode(String);

impl TaxCode {
    /// Accepts "5700100256" and "5700100256-001".
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (main, branch) = s.split_once('-').map_or((s, None), |(m, b)| (m, Some(b)));
        let ok = main.len() == 10
            && main.chars().all(|c| c.is_ascii_digit())
            && branch.is_none_or(|b| b.len() == 3 && b.chars().all(|c| c.is_ascii_digit()));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err("must be 10 digits, optionally followed by -NNN".into())
        }
    }

    /// The code, as stored.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_digits_and_an_optional_branch() {
        assert_eq!(
            TaxCode::parse("5700100256 ").unwrap().into_string(),
            "5700100256"
        );
        assert!(TaxCode::parse("5700100256-001").is_ok());
        for bad in [
            "57001",
            "57001002561",
            "5700100256-1",
            "570010025a",
            "5700100256-",
        ] {
            assert!(TaxCode::parse(bad).is_err(), "{bad}");
        }
    }
}
