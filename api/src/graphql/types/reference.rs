//! Regions, provinces and wards.

use async_graphql::{Context, Object};
use ocop_entities::{province, region, ward};

use super::{enums, geo::GeoPoint, nodes::missing};
use crate::{error::AppError, graphql::shared};

/// A socio-economic region (post-2025 grouping of the 34 provinces).
pub struct Region(pub region::Model);

#[Object]
impl Region {
    /// Stable code, e.g. `DBSH`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Vietnamese name, e.g. "Đồng bằng sông Hồng".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The provinces of the region, by code.
    async fn provinces(&self, ctx: &Context<'_>) -> Vec<Province> {
        shared(ctx)
            .reference
            .provinces_of_region(&self.0.code)
            .cloned()
            .map(Province)
            .collect()
    }
}

/// One of the 34 provincial-level units in force since 1 July 2025.
pub struct Province(pub province::Model);

#[Object]
impl Province {
    /// Two-digit NSO code, e.g. `"22"`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name without the "Tỉnh"/"Thành phố" prefix, e.g. "Quảng Ninh".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Official name, e.g. "Tỉnh Quảng Ninh".
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }

    /// Province or centrally-run city.
    async fn kind(&self) -> enums::ProvinceKind {
        self.0.kind.into()
    }

    /// The region it belongs to.
    async fn region(&self, ctx: &Context<'_>) -> Option<Region> {
        shared(ctx)
            .reference
            .region(&self.0.region_code)
            .cloned()
            .map(Region)
    }

    /// Names of the pre-2025 provinces merged into it, e.g. Quảng Trị: ["Quảng Bình", "Quảng Trị"].
    async fn former_names(&self, ctx: &Context<'_>) -> Vec<String> {
        shared(ctx)
            .reference
            .former_provinces_of(&self.0.code)
            .iter()
            .map(|f| f.name.clone())
            .collect()
    }

    /// Number of commune-level units (wards, communes, special zones).
    async fn ward_count(&self, ctx: &Context<'_>) -> usize {
        shared(ctx).reference.ward_count(&self.0.code)
    }

    /// Its commune-level units, by code.
    async fn wards(&self, ctx: &Context<'_>) -> Vec<Ward> {
        shared(ctx)
            .reference
            .wards_of_province(&self.0.code)
            .cloned()
            .map(Ward)
            .collect()
    }

    /// Approximate centre.
    async fn location(&self) -> GeoPoint {
        GeoPoint {
            lat: self.0.lat,
            lng: self.0.lng,
        }
    }
}

/// A commune-level unit: phường, xã or đặc khu.
pub struct Ward(pub ward::Model);

impl Province {
    /// The province a record is in (reference rows are guaranteed by foreign keys: a missing
    /// one is a bug).
    pub fn of(ctx: &Context<'_>, code: &str) -> Result<Self, AppError> {
        shared(ctx)
            .reference
            .province(code)
            .cloned()
            .map(Province)
            .ok_or_else(|| missing("province", code))
    }
}

impl Ward {
    /// The ward a record is in (see [`Province::of`]).
    pub fn of(ctx: &Context<'_>, code: &str) -> Result<Self, AppError> {
        shared(ctx)
            .reference
            .ward(code)
            .cloned()
            .map(Ward)
            .ok_or_else(|| missing("ward", code))
    }
}

#[Object]
impl Ward {
    /// Five-digit NSO code, e.g. `"06733"`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name without its prefix, e.g. "Bãi Cháy".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Official name, e.g. "Phường Bãi Cháy".
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }

    /// Ward, commune or special zone.
    async fn kind(&self) -> enums::WardKind {
        self.0.kind.into()
    }

    /// The province it belongs to.
    async fn province(&self, ctx: &Context<'_>) -> Option<Province> {
        shared(ctx)
            .reference
            .province(&self.0.province_code)
            .cloned()
            .map(Province)
    }

    /// Approximate centre.
    async fn location(&self) -> GeoPoint {
        GeoPoint {
            lat: self.0.lat,
            lng: self.0.lng,
        }
    }
}
