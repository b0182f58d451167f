//! Money: whole Vietnamese đồng.

/// Highest price accepted (one trillion đồng): anything above is a typing error.
pub const MAX_VND: i64 = 1_000_000_000_000;

/// A non-negative amount of VND.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Vnd(i64);

impl Vnd {
    /// Accepts 0 ≤ n ≤ [`MAX_VND`].
    pub fn parse(n: i64) -> Result<Self, String> {
        if n < 0 {
            return Err(format!("must not be negative (got {n})"));
        }
        if n > MAX_VND {
            return Err(format!("must be at most {MAX_VND} VND"));
        }
        Ok(Self(n))
    }

    /// The amount.
    pub fn get(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_whole_non_negative_dong() {
        assert_eq!(Vnd::parse(0).unwrap().get(), 0);
        assert_eq!(Vnd::parse(125_000).unwrap().get(), 125_000);
        assert!(Vnd::parse(-1).is_err());
        assert!(Vnd::parse(MAX_VND + 1).is_err());
    }
}
