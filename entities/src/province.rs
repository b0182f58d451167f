//! `provinces`: the 34 provincial-level units in force since 1 July 2025.

use sea_orm::entity::prelude::*;

/// Whether a provincial unit is a province or a centrally-run city.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProvinceKind {
    /// Tỉnh.
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    /// Thành phố trực thuộc trung ương.
    #[sea_orm(string_value = "CITY")]
    City,
}

/// A province or centrally-run city.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "provinces")]
pub struct Model {
    /// Two-digit NSO code, e.g. `"22"`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Name without the "Tỉnh"/"Thành phố" prefix, e.g. "Quảng Ninh".
    pub name: String,
    /// Official name with its prefix, e.g. "Tỉnh Quảng Ninh".
    pub full_name: String,
    /// Province or centrally-run city.
    pub kind: ProvinceKind,
    /// The region it belongs to.
    pub region_code: String,
    /// Latitude of its centre.
    pub lat: f64,
    /// Longitude of its centre.
    pub lng: f64,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
