//! `wards`: the 3,321 commune-level units in force since 1 July 2025.

use sea_orm::entity::prelude::*;

/// The kind of a commune-level unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum WardKind {
    /// Phường (urban ward).
    #[sea_orm(string_value = "WARD")]
    Ward,
    /// Xã (rural commune).
    #[sea_orm(string_value = "COMMUNE")]
    Commune,
    /// Đặc khu (special zone).
    #[sea_orm(string_value = "SPECIAL_ZONE")]
    SpecialZone,
}

/// A commune-level unit.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "wards")]
pub struct Model {
    /// Five-digit NSO code, e.g. `"06733"`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Name without the type prefix, e.g. "Bãi Cháy".
    pub name: String,
    /// Name with its prefix, e.g. "Phường Bãi Cháy".
    pub full_name: String,
    /// Ward, commune or special zone.
    pub kind: WardKind,
    /// The province it belongs to.
    pub province_code: String,
    /// Latitude of its centre.
    pub lat: f64,
    /// Longitude of its centre.
    pub lng: f64,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
