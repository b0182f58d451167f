//! The reviewed reference-data files, compiled into the binary and parsed on demand.

use serde::{Deserialize, de::DeserializeOwned};

/// `reference/regions.csv`.
pub const REGIONS_CSV: &str = include_str!("../reference/regions.csv");
/// `reference/provinces.csv`.
pub const PROVINCES_CSV: &str = include_str!("../reference/provinces.csv");
/// `reference/wards.csv`.
pub const WARDS_CSV: &str = include_str!("../reference/wards.csv");
/// `reference/former_provinces.csv`.
pub const FORMER_PROVINCES_CSV: &str = include_str!("../reference/former_provinces.csv");
/// `reference/province_aliases.csv`.
pub const PROVINCE_ALIASES_CSV: &str = include_str!("../reference/province_aliases.csv");
/// `reference/categories.csv`.
pub const CATEGORIES_CSV: &str = include_str!("../reference/categories.csv");

/// A row of `regions.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct RegionRow {
    /// Stable short code.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// Display order.
    pub sort_order: i32,
}

/// A row of `provinces.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct ProvinceRow {
    /// Two-digit code.
    pub code: String,
    /// Name without prefix.
    pub name: String,
    /// Name with prefix.
    pub full_name: String,
    /// `PROVINCE` or `CITY`.
    pub kind: String,
    /// Region code.
    pub region_code: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
}

/// A row of `wards.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct WardRow {
    /// Five-digit code.
    pub code: String,
    /// Name without prefix.
    pub name: String,
    /// Name with prefix.
    pub full_name: String,
    /// `WARD`, `COMMUNE` or `SPECIAL_ZONE`.
    pub kind: String,
    /// Province code.
    pub province_code: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
}

/// A row of `former_provinces.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct FormerProvinceRow {
    /// Old two-digit code.
    pub code: String,
    /// Name without prefix.
    pub name: String,
    /// Name with prefix.
    pub full_name: String,
    /// Code of the current province.
    pub province_code: String,
}

/// A row of `province_aliases.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct ProvinceAliasRow {
    /// The alias.
    pub alias: String,
    /// Code of the current province.
    pub province_code: String,
    /// Why it is an alias (documentation only).
    pub note: String,
}

/// A row of `categories.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct CategoryRow {
    /// Hierarchical code.
    pub code: String,
    /// Parent code, empty for roots.
    pub parent_code: Option<String>,
    /// Depth 1–3.
    pub level: i32,
    /// Product-set number on leaves.
    pub set_number: Option<i32>,
    /// Vietnamese name.
    pub name: String,
    /// Managing ministry (leaves).
    pub managing_ministry: Option<String>,
}

/// Parses one of the CSV constants above.
///
/// # Panics
/// Never on the files shipped with the crate: a unit test parses each of them.
pub fn parse<T: DeserializeOwned>(csv_text: &str) -> Vec<T> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .expect("reference data files are valid (checked by tests)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn every_reference_file_parses_with_the_expected_row_counts() {
        assert_eq!(parse::<RegionRow>(REGIONS_CSV).len(), 6);
        assert_eq!(parse::<ProvinceRow>(PROVINCES_CSV).len(), 34);
        assert_eq!(parse::<WardRow>(WARDS_CSV).len(), 3321);
        assert_eq!(parse::<FormerProvinceRow>(FORMER_PROVINCES_CSV).len(), 63);
        assert!(!parse::<ProvinceAliasRow>(PROVINCE_ALIASES_CSV).is_empty());
        assert_eq!(parse::<CategoryRow>(CATEGORIES_CSV).len(), 6 + 17 + 16);
    }

    #[test]
    fn wards_split_into_2621_communes_687_wards_and_13_special_zones() {
        let mut kinds: HashMap<String, usize> = HashMap::new();
        for w in parse::<WardRow>(WARDS_CSV) {
            *kinds.entry(w.kind).or_default() += 1;
        }
        assert_eq!(kinds["COMMUNE"], 2621);
        assert_eq!(kinds["WARD"], 687);
        assert_eq!(kinds["SPECIAL_ZONE"], 13);
    }

    #[test]
    fn every_reference_points_at_an_existing_row() {
        let regions: HashSet<_> = parse::<RegionRow>(REGIONS_CSV)
            .into_iter()
            .map(|r| r.code)
            .collect();
        let provinces = parse::<ProvinceRow>(PROVINCES_CSV);
        let codes: HashSet<_> = provinces.iter().map(|p| p.code.clone()).collect();
        assert!(provinces.iter().all(|p| regions.contains(&p.region_code)));
        assert!(
            parse::<WardRow>(WARDS_CSV)
                .iter()
                .all(|w| codes.contains(&w.province_code))
        );
        assert!(
            parse::<FormerProvinceRow>(FORMER_PROVINCES_CSV)
                .iter()
                .all(|f| codes.contains(&f.province_code))
        );
        assert!(
            parse::<ProvinceAliasRow>(PROVINCE_ALIASES_CSV)
                .iter()
                .all(|a| codes.contains(&a.province_code))
        );
    }

    #[test]
    fn the_category_tree_has_6_roots_17_groups_and_26_product_sets_as_leaves() {
        let rows = parse::<CategoryRow>(CATEGORIES_CSV);
        let parents: HashSet<_> = rows.iter().filter_map(|c| c.parent_code.clone()).collect();
        let leaves: Vec<_> = rows.iter().filter(|c| !parents.contains(&c.code)).collect();
        assert_eq!(rows.iter().filter(|c| c.level == 1).count(), 6);
        assert_eq!(rows.iter().filter(|c| c.level == 2).count(), 17);
        assert_eq!(leaves.len(), 26);
        let mut numbers: Vec<_> = leaves
            .iter()
            .map(|c| c.set_number.expect("leaf has a set number"))
            .collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=26).collect::<Vec<_>>());
        assert!(
            rows.iter()
                .filter(|c| parents.contains(&c.code))
                .all(|c| c.set_number.is_none())
        );
    }
}
