//! The operations a run sends: the pages, shelves and searches of the scenarios, as GraphQL
//! requests and as the engines get them directly.

use ocop_search::{ProductFilters, ProductSearch, SearchSort, meili::MeiliOptions};
use serde_json::json;

use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::load::Prepared;

pub(super) const PRODUCTS_PAGE: &str = "query($first: Int) { products(first: $first) { totalCount edges { node { id slug name stars certificationStatus category { code name } province { code name region { code } } ward { code name } producer { id name kind } currentCertification { stars expiresOn } updatedAt } } } }";
pub(super) const PRODUCT_DETAIL: &str = "query($slug: String!) { product(slug: $slug) { id slug name description story stars certificationStatus category { code name parent { code name } } province { code name } ward { code name } currentCertification { id stars score level issuingBody decisionNumber issuedOn expiresOn status } certifications { id stars issuedOn expiresOn status } producer { id name kind address ward { code name } province { code name } } listings { outlet { id slug name province { code name } } priceVnd inStock updatedAt } } }";
pub(super) const OUTLET_SHELF: &str = "query($slug: String!, $first: Int) { outlet(slug: $slug) { id slug name kind address openingHours phone location { lat lng } listings(first: $first) { totalCount edges { node { product { id slug name stars category { code } } priceVnd inStock updatedAt } } } } }";
/// Products and producers by province × stars, as a provincial report asks.
pub(super) const STATISTICS: &str = "{ ocopStatistics(groupBy: [PROVINCE, STARS]) { rows { province { code name } stars products threeStars fourStars fiveStars producers } } }";
/// The same with the certificates issued, expired and revoked this year.
pub(super) const STATISTICS_FULL: &str = "{ ocopStatistics(groupBy: [PROVINCE, STARS]) { rows { province { code name } stars products threeStars fourStars fiveStars producers certificatesIssued certificatesExpired certificatesRevoked } } }";
/// A products page of one province and a minimum of stars.
pub(super) const PRODUCTS_PAGE_FILTERED: &str = "query($first: Int, $filter: ProductFilter) { products(first: $first, filter: $filter) { totalCount edges { node { id slug name stars certificationStatus category { code name } province { code name } producer { id name kind } } } } }";
/// A page of search results, as a buyer pages through them.
pub(super) const SEARCH_PAGED: &str = "query($q: String!, $filter: ProductFilter, $page: Int) { searchProducts(query: $q, filter: $filter, page: $page, pageSize: 20) { totalHits hits { product { id slug name stars province { code name } } } facets { field values { value label count } } } }";
pub(super) const SEARCH: &str = "query($q: String!, $filter: ProductFilter) { searchProducts(query: $q, filter: $filter, pageSize: 20) { totalHits hits { product { id slug name stars province { code name } category { code name } producer { name } } } facets { field values { value label count } } } }";

/// Realistic buyer queries: accented, accent-free, half-typed, with filters.
pub const QUERIES: &[(&str, Option<&str>)] = &[
    ("nước mắm", None),
    ("nuoc mam", None),
    ("nuoc ma", None),
    ("mật ong", Some("TDMNPB")),
    ("mat ong bac ha", None),
    ("chè shan tuyết", None),
    ("tra hoa vang", Some("DBSH")),
    ("gạo st25", None),
    ("keo dua", Some("DBSCL")),
    ("cà phê", Some("DHNTB_TN")),
    ("ca phe rang", None),
    ("rượu", None),
    ("ngoc trai", None),
    ("miến dong", None),
    ("bưởi da xanh", None),
    ("nem chua", None),
    ("chả mực", Some("DBSH")),
    ("yen sao", None),
    ("tinh dầu", None),
    ("gốm", None),
    ("", Some("BTB")),
    ("dừa", None),
    ("tra", None),
    ("hat dieu", None),
];

/// What a buyer types, letter by letter, into the search box: each prefix asks for completions.
pub const TYPED: &[&str] = &[
    "nước mắm phú quốc",
    "mat ong rung",
    "tra shan tuyet",
    "ca phe",
    "ngoc trai",
    "gao st25",
    "thanh hoa",
    "keo dua ben tre",
];

/// The completions query of the search box.
pub(super) const SUGGEST: &str =
    "query($p: String!) { suggest(prefix: $p) { kind text code ranges { start length } } }";

/// The `i`-th search of [`QUERIES`], as the engine gets it.
pub(super) fn direct_search(i: usize, today: ocop_search::document::Day) -> ProductSearch {
    let (q, region) = QUERIES[i % QUERIES.len()];
    ProductSearch {
        text: q.to_owned(),
        filters: ProductFilters {
            region_codes: region.map(|r| vec![r.to_owned()]).unwrap_or_default(),
            ..ProductFilters::default()
        },
        sort: SearchSort::Relevance,
        page: 1,
        page_size: 20,
        today,
    }
}

/// An HTTP client, the search URL of the products index and the key, for plain requests to
/// Meilisearch.
pub(super) fn meili_direct(
    options: &MeiliOptions,
) -> anyhow::Result<(reqwest::Client, String, String)> {
    let url = format!(
        "{}/indexes/{}products/search",
        options.url.trim_end_matches('/'),
        options.index_prefix
    );
    let key = options.api_key.clone().unwrap_or_default();
    Ok((reqwest::Client::builder().build()?, url, key))
}

/// The body of the `i`-th search of [`QUERIES`] sent straight to Meilisearch: the query the
/// backend sends for it (its broad query when it sends two), with the same filter and facets.
pub(super) fn meili_body(i: usize, today: ocop_search::document::Day) -> serde_json::Value {
    let search = direct_search(i, today);
    json!({
        "q": ocop_search::meili::query_string(&search.text),
        "filter": ocop_search::meili::filter::products(&search.filters, i64::from(today)),
        "facets": ocop_search::settings::PRODUCT_FACETS,
        "page": 1,
        "hitsPerPage": 20,
        "matchingStrategy": "last",
        "attributesToRetrieve": ["id"],
    })
}

/// `text` percent-encoded for a URL's query string.
pub(super) fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(super) fn post(query: &str, variables: serde_json::Value) -> Prepared {
    Prepared::Post(json!({"query": query, "variables": variables}).to_string())
}

/// The costliest query the default limits allow: many pages of products with their relations.
pub fn costliest_query() -> String {
    let page = "products(first: 100) { edges { node { slug name stars category { code name } province { code name } producer { name kind } } } }";
    format!(
        "{{ {} }}",
        (0..7)
            .map(|i| format!("p{i}: {page}"))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// `draws` requests out of `distinct`, the k-th most popular drawn with weight 1/k (Zipf,
/// exponent 1), in a seeded shuffle of popularity.
pub(super) fn zipf(mut distinct: Vec<Prepared>, draws: usize, seed: u64) -> Vec<Prepared> {
    let mut rng = StdRng::seed_from_u64(seed);
    for i in (1..distinct.len()).rev() {
        distinct.swap(i, rng.random_range(0..=i));
    }
    let mut cumulative = Vec::with_capacity(distinct.len());
    let mut total = 0.0;
    for k in 1..=distinct.len() {
        total += 1.0 / k as f64;
        cumulative.push(total);
    }
    (0..draws)
        .map(|_| {
            let x = rng.random_range(0.0..total);
            distinct[cumulative.partition_point(|c| *c < x)].clone()
        })
        .collect()
}
