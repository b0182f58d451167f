//! `province_aliases`: everyday names of a province that are neither current nor former names.

use sea_orm::entity::prelude::*;

/// An everyday name, e.g. "Sài Gòn" for Thành phố Hồ Chí Minh.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "province_aliases")]
pub struct Model {
    /// The alias as written.
    #[sea_orm(primary_key, auto_increment = false)]
    pub alias: String,
    /// The current province it names.
    pub province_code: String,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
