//! Reference data (regions, provinces, wards, former names, the category tree) held in memory.
//!
//! It is seeded by migration and never edited at run time, so it is read once at start-up:
//! resolving a product's province, ward or category costs no SQL at all.
//!
//! Over 300 lines with its unit tests (about 100 of them).

use std::collections::HashMap;

use ocop_entities::{category, former_province, province, province_alias, region, ward};
use ocop_search::text::words;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

/// The reference data.
#[derive(Debug)]
pub struct ReferenceData {
    regions: Vec<region::Model>,
    provinces: Vec<province::Model>,
    province_index: HashMap<String, usize>,
    wards: HashMap<String, ward::Model>,
    wards_by_province: HashMap<String, Vec<String>>,
    former_by_province: HashMap<String, Vec<former_province::Model>>,
    categories: Vec<category::Model>,
    category_index: HashMap<String, usize>,
    children: HashMap<String, Vec<String>>,
    /// Folded name → province code, current names first, then former names, then aliases.
    names: HashMap<String, String>,
    aliases: HashMap<String, Vec<String>>,
}

impl ReferenceData {
    /// Reads every reference table (six statements).
    pub async fn load(db: &DatabaseConnection) -> Result<Self, sea_orm::DbErr> {
        let regions = region::Entity::find()
            .order_by_asc(region::Column::SortOrder)
            .all(db)
            .await?;
        let provinces = province::Entity::find()
            .order_by_asc(province::Column::Code)
            .all(db)
            .await?;
        let wards = ward::Entity::find()
            .order_by_asc(ward::Column::Code)
            .all(db)
            .await?;
        let former = former_province::Entity::find()
            .order_by_asc(former_province::Column::Code)
            .all(db)
            .await?;
        let aliases = province_alias::Entity::find().all(db).await?;
        let categories = category::Entity::find()
            .order_by_asc(category::Column::Code)
            .all(db)
            .await?;
        Ok(Self::new(
            regions, provinces, wards, former, aliases, categories,
        ))
    }

    /// Builds the indexes over already-read rows.
    pub fn new(
        regions: Vec<region::Model>,
        provinces: Vec<province::Model>,
        wards: Vec<ward::Model>,
        former: Vec<former_province::Model>,
        aliases: Vec<province_alias::Model>,
        categories: Vec<category::Model>,
    ) -> Self {
        let province_index = provinces
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        let mut wards_by_province: HashMap<String, Vec<String>> = HashMap::new();
        for w in &wards {
            wards_by_province
                .entry(w.province_code.clone())
                .or_default()
                .push(w.code.clone());
        }
        let mut names = HashMap::new();
        let mut alias_lists: HashMap<String, Vec<String>> = HashMap::new();
        // Lowest priority first: later inserts win.
        for a in &aliases {
            names.insert(name_key(&a.alias), a.province_code.clone());
            alias_lists
                .entry(a.province_code.clone())
                .or_default()
                .push(a.alias.clone());
        }
        let mut former_by_province: HashMap<String, Vec<former_province::Model>> = HashMap::new();
        for f in former {
            names.insert(name_key(&f.full_name), f.province_code.clone());
            names.insert(name_key(&f.name), f.province_code.clone());
            former_by_province
                .entry(f.province_code.clone())
                .or_default()
                .push(f);
        }
        for p in &provinces {
            names.insert(name_key(&p.full_name), p.code.clone());
            names.insert(name_key(&p.name), p.code.clone());
        }
        let category_index = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        let mut children: HashMap<String, Vec<String>> = HashMap::new();
        for c in &categories {
            if let Some(parent) = &c.parent_code {
                children
                    .entry(parent.clone())
                    .or_default()
                    .push(c.code.clone());
            }
        }
        Self {
            regions,
            provinces,
            province_index,
            wards: wards.into_iter().map(|w| (w.code.clone(), w)).collect(),
            wards_by_province,
            former_by_province,
            categories,
            category_index,
            children,
            names,
            aliases: alias_lists,
        }
    }

    /// The six regions, north to south.
    pub fn regions(&self) -> &[region::Model] {
        &self.regions
    }

    /// A region by code.
    pub fn region(&self, code: &str) -> Option<&region::Model> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// The 34 provinces, by code.
    pub fn provinces(&self) -> &[province::Model] {
        &self.provinces
    }

    /// A province by code.
    pub fn province(&self, code: &str) -> Option<&province::Model> {
        self.province_index.get(code).map(|&i| &self.provinces[i])
    }

    /// The provinces of a region.
    pub fn provinces_of_region<'a>(
        &'a self,
        region_code: &'a str,
    ) -> impl Iterator<Item = &'a province::Model> {
        self.provinces
            .iter()
            .filter(move |p| p.region_code == region_code)
    }

    /// A ward by code.
    pub fn ward(&self, code: &str) -> Option<&ward::Model> {
        self.wards.get(code)
    }

    /// The wards of a province, by code.
    pub fn wards_of_province(&self, province_code: &str) -> impl Iterator<Item = &ward::Model> {
        self.wards_by_province
            .get(province_code)
            .into_iter()
            .flatten()
            .filter_map(|c| self.wards.get(c))
    }

    /// Number of wards of a province.
    pub fn ward_count(&self, province_code: &str) -> usize {
        self.wards_by_province
            .get(province_code)
            .map_or(0, Vec::len)
    }

    /// Total number of wards.
    pub fn total_wards(&self) -> usize {
        self.wards.len()
    }

    /// The pre-2025 provinces merged into a province.
    pub fn former_provinces_of(&self, province_code: &str) -> &[former_province::Model] {
        self.former_by_province
            .get(province_code)
            .map_or(&[], Vec::as_slice)
    }

    /// Everyday names of a province ("Sài Gòn", "TP.HCM").
    pub fn aliases_of(&self, province_code: &str) -> impl Iterator<Item = &str> {
        self.aliases
            .get(province_code)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Every category, by code.
    pub fn categories(&self) -> &[category::Model] {
        &self.categories
    }

    /// A category by code.
    pub fn category(&self, code: &str) -> Option<&category::Model> {
        self.category_index.get(code).map(|&i| &self.categories[i])
    }

    /// The children of a category.
    pub fn children_of(&self, code: &str) -> impl Iterator<Item = &category::Model> {
        self.children
            .get(code)
            .into_iter()
            .flatten()
            .filter_map(|c| self.category(c))
    }

    /// Whether a category is a product set (a leaf).
    pub fn is_leaf(&self, code: &str) -> bool {
        self.category(code).is_some() && !self.children.contains_key(code)
    }

    /// The product sets under a category (itself if it is one).
    pub fn leaves_under(&self, code: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![code.to_owned()];
        while let Some(c) = stack.pop() {
            match self.children.get(&c) {
                Some(kids) => stack.extend(kids.iter().cloned()),
                None if self.category(&c).is_some() => out.push(c),
                None => {}
            }
        }
        out.sort();
        out
    }

    /// The top-level group of a category.
    pub fn root_of<'a>(&'a self, code: &str) -> Option<&'a category::Model> {
        let mut current = self.category(code)?;
        while let Some(parent) = current.parent_code.as_deref() {
            current = self.category(parent)?;
        }
        Some(current)
    }

    /// Resolves a current or former province name, an everyday alias, with or without
    /// accents and the "Tỉnh"/"Thành phố"/"TP" prefix, in any case.
    pub fn resolve_province(&self, name: &str) -> Option<&province::Model> {
        let key = name_key(name);
        let code = self
            .names
            .get(&key)
            .or_else(|| self.names.get(strip_prefix(&key)))?;
        self.province(code)
    }
}

/// Folded words joined by single spaces.
fn name_key(name: &str) -> String {
    words(name).join(" ")
}

fn strip_prefix(key: &str) -> &str {
    ["tinh ", "thanh pho ", "tp "]
        .iter()
        .find_map(|p| key.strip_prefix(p))
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocop_entities::{province::ProvinceKind, ward::WardKind};

    fn province(code: &str, name: &str, full: &str) -> province::Model {
        province::Model {
            code: code.into(),
            name: name.into(),
            full_name: full.into(),
            kind: ProvinceKind::Province,
            region_code: "BTB".into(),
            lat: 0.0,
            lng: 0.0,
        }
    }

    fn fixture() -> ReferenceData {
        let cat = |code: &str, parent: Option<&str>, level| category::Model {
            code: code.into(),
            parent_code: parent.map(Into::into),
            level,
            set_number: None,
            name: code.into(),
            managing_ministry: None,
        };
        ReferenceData::new(
            vec![region::Model {
                code: "BTB".into(),
                name: "Bắc Trung Bộ".into(),
                sort_order: 3,
            }],
            vec![
                province("44", "Quảng Trị", "Tỉnh Quảng Trị"),
                province("79", "Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
            ],
            vec![ward::Model {
                code: "19000".into(),
                name: "Đồng Hới".into(),
                full_name: "Phường Đồng Hới".into(),
                kind: WardKind::Ward,
                province_code: "44".into(),
                lat: 0.0,
                lng: 0.0,
            }],
            vec![
                former_province::Model {
                    code: "44".into(),
                    name: "Quảng Bình".into(),
                    full_name: "Tỉnh Quảng Bình".into(),
                    province_code: "44".into(),
                },
                former_province::Model {
                    code: "74".into(),
                    name: "Bình Dương".into(),
                    full_name: "Tỉnh Bình Dương".into(),
                    province_code: "79".into(),
                },
            ],
            vec![province_alias::Model {
                alias: "TP.HCM".into(),
                province_code: "79".into(),
            }],
            vec![
                cat("I", None, 1),
                cat("I.4", Some("I"), 2),
                cat("I.4.a", Some("I.4"), 3),
                cat("I.4.b", Some("I.4"), 3),
                cat("I.6", Some("I"), 2),
            ],
        )
    }

    #[test]
    fn former_and_current_names_resolve_with_or_without_accents() {
        let r = fixture();
        let cases = [
            ("quang binh", "44"),
            ("Quảng Bình", "44"),
            ("TỈNH QUẢNG BÌNH", "44"),
            ("Quảng Trị", "44"),
            ("Bình Dương", "79"),
            ("binh duong", "79"),
            ("tp.hcm", "79"),
            ("TP Hồ Chí Minh", "79"),
            ("Thành phố Hồ Chí Minh", "79"),
        ];
        for (name, code) in cases {
            assert_eq!(
                r.resolve_province(name).map(|p| p.code.as_str()),
                Some(code),
                "{name}"
            );
        }
        assert!(r.resolve_province("Atlantis").is_none());
        assert!(r.resolve_province("").is_none());
    }

    #[test]
    fn a_group_covers_every_product_set_beneath_it() {
        let r = fixture();
        assert_eq!(r.leaves_under("I"), ["I.4.a", "I.4.b", "I.6"]);
        assert_eq!(r.leaves_under("I.4.a"), ["I.4.a"]);
        assert!(r.leaves_under("nope").is_empty());
        assert!(r.is_leaf("I.6") && !r.is_leaf("I.4"));
        assert_eq!(r.root_of("I.4.b").map(|c| c.code.as_str()), Some("I"));
    }
}
