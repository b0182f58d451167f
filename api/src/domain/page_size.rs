//! Page sizes of connections and search results.

/// Default number of items per page.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// Largest page served; larger requests are capped to it. Defined by the search crate, whose
/// engines cap their pages to it too.
pub use ocop_search::query::MAX_PAGE_SIZE;

/// A page size in `0..=100`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSize(usize);

impl PageSize {
    /// `None` gives the default; a negative size is an error; sizes above 100 are capped.
    pub fn parse(n: Option<i32>) -> Result<Self, String> {
        match n {
            None => Ok(Self(DEFAULT_PAGE_SIZE)),
            Some(n) if n < 0 => Err(format!("must not be negative (got {n})")),
            Some(n) => Ok(Self((n as usize).min(MAX_PAGE_SIZE))),
        }
    }

    /// The size.
    pub fn get(self) -> usize {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_default_to_20_and_are_capped_at_100() {
        assert_eq!(PageSize::parse(None).unwrap().get(), 20);
        assert_eq!(PageSize::parse(Some(0)).unwrap().get(), 0);
        assert_eq!(PageSize::parse(Some(55)).unwrap().get(), 55);
        assert_eq!(PageSize::parse(Some(100_000)).unwrap().get(), 100);
        assert!(PageSize::parse(Some(-1)).is_err());
    }
}
