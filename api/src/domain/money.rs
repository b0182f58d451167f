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

/// A product's price range: either end may be unknown, and the lowest is not above the
/// highest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PriceRange {
    /// Lowest price.
    pub min: Option<Vnd>,
    /// Highest price.
    pub max: Option<Vnd>,
}

impl PriceRange {
    /// Accepts the two ends when both are known and `min ≤ max`, or when one is unknown; the
    /// reason is the highest price's.
    pub fn new(min: Option<Vnd>, max: Option<Vnd>) -> Result<Self, String> {
        match (min, max) {
            (Some(min), Some(max)) if min > max => Err("must not be below priceMinVnd".into()),
            _ => Ok(Self { min, max }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_price_range_does_not_run_backwards() {
        let vnd = |n| Some(Vnd::parse(n).unwrap());
        assert!(PriceRange::new(vnd(10_000), vnd(20_000)).is_ok());
        assert!(PriceRange::new(vnd(20_000), vnd(20_000)).is_ok());
        assert!(PriceRange::new(vnd(20_000), None).is_ok());
        assert!(PriceRange::new(None, vnd(1)).is_ok());
        assert_eq!(
            PriceRange::new(vnd(20_000), vnd(10_000)),
            Err("must not be below priceMinVnd".into())
        );
    }

    #[test]
    fn prices_are_whole_non_negative_dong() {
        assert_eq!(Vnd::parse(0).unwrap().get(), 0);
        assert_eq!(Vnd::parse(125_000).unwrap().get(), 125_000);
        assert!(Vnd::parse(-1).is_err());
        assert!(Vnd::parse(MAX_VND + 1).is_err());
    }
}
