//! Typed search queries and their results. Filters are values, never strings: a backend turns
//! them into its own filter language, escaping as it must.

use crate::document::Day;

/// Largest page a search returns.
pub const MAX_PAGE_SIZE: usize = 100;

/// Which certification states a search includes, judged against [`ProductSearch::today`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Validity {
    /// `issued_on ≤ today < expires_on`, not revoked (the default).
    #[default]
    Valid,
    /// Valid and expiring within 90 days.
    ExpiringSoon,
    /// The current certificate has expired.
    Expired,
    /// Every certificate was revoked.
    Revoked,
    /// Never certified, or the current certificate is not yet in force.
    None,
    /// Everything.
    Any,
}

/// Days a valid certificate has left when it counts as "expiring soon".
pub const EXPIRING_SOON_DAYS: Day = 90;

/// Filters of a product search. Within a field values are alternatives; fields combine.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProductFilters {
    /// Province codes.
    pub province_codes: Vec<String>,
    /// Region codes.
    pub region_codes: Vec<String>,
    /// Category codes at any level.
    pub category_codes: Vec<String>,
    /// Minimum stars of the current certificate.
    pub min_stars: Option<u8>,
    /// Certification state.
    pub validity: Validity,
    /// Producer legal forms.
    pub producer_kinds: Vec<String>,
    /// Outlet that lists the product.
    pub outlet_id: Option<i64>,
    /// Changed at or after (seconds since the epoch).
    pub updated_since: Option<i64>,
}

/// Order of search results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SearchSort {
    /// Best match first (the default); for an empty query, newest first.
    #[default]
    Relevance,
    /// Most stars first, then best match.
    StarsDesc,
    /// Newest first.
    Newest,
}

/// A facet computed over the filtered results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacetField {
    /// Province code.
    Province,
    /// Region code.
    Region,
    /// Category code (every level).
    Category,
    /// Stars of the current certificate.
    Stars,
    /// Producer legal form.
    ProducerKind,
}

impl FacetField {
    /// Every facet.
    pub const ALL: [FacetField; 5] = [
        FacetField::Province,
        FacetField::Region,
        FacetField::Category,
        FacetField::Stars,
        FacetField::ProducerKind,
    ];
}

/// A product search.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductSearch {
    /// What the buyer typed (may be empty: then everything matching the filters).
    pub text: String,
    /// Filters.
    pub filters: ProductFilters,
    /// Order.
    pub sort: SearchSort,
    /// 1-based page.
    pub page: usize,
    /// Hits per page (≤ [`MAX_PAGE_SIZE`]).
    pub page_size: usize,
    /// Today, in days since the epoch: validity is judged against it at query time.
    pub today: Day,
}

/// Counts of one facet's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCounts {
    /// The facet.
    pub field: FacetField,
    /// `(value, count)`, most frequent first, then by value.
    pub values: Vec<(String, u64)>,
}

/// What a product search found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProductHits {
    /// Product ids of the requested page, in order.
    pub ids: Vec<i64>,
    /// Number of matching products (exact).
    pub total_hits: u64,
    /// Facets over every matching product.
    pub facets: Vec<FacetCounts>,
}

/// Name completions for a search box: valid products whose name holds every typed word, the
/// last one as a prefix.
#[derive(Clone, Debug, PartialEq)]
pub struct NameSuggest {
    /// What the buyer has typed so far.
    pub text: String,
    /// Most product ids returned.
    pub limit: usize,
    /// Today, in days since the epoch: only products whose certificate is valid today.
    pub today: Day,
}

/// An outlet search.
#[derive(Clone, Debug, PartialEq)]
pub struct OutletSearch {
    /// What the user typed (may be empty).
    pub text: String,
    /// Province codes.
    pub province_codes: Vec<String>,
    /// Location types.
    pub kinds: Vec<String>,
    /// Order by distance from this point (`(lat, lng)`).
    pub near: Option<(f64, f64)>,
    /// Only outlets within this distance of `near`.
    pub radius_km: Option<f64>,
    /// Most hits returned.
    pub limit: usize,
}

/// One outlet found.
#[derive(Clone, Debug, PartialEq)]
pub struct OutletHit {
    /// Outlet id.
    pub id: i64,
    /// Kilometres from `near`, when given.
    pub distance_km: Option<f64>,
}

/// What an outlet search found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutletHits {
    /// Hits in order.
    pub hits: Vec<OutletHit>,
    /// Number of matching outlets.
    pub total_hits: u64,
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = la2 - la1;
    let dlng = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}
