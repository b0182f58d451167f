//! `former_provinces`: the 63 provincial units before 1 July 2025 and the one each became part of.

use sea_orm::entity::prelude::*;

/// A pre-2025 province, kept so that former names keep resolving.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "former_provinces")]
pub struct Model {
    /// Its old two-digit code (old codes overlap with new ones: never join them to `provinces`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Name without prefix, e.g. "Quảng Bình".
    pub name: String,
    /// Name with prefix, e.g. "Tỉnh Quảng Bình".
    pub full_name: String,
    /// Code of the current province it became part of.
    pub province_code: String,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
