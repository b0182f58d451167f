//! `catalogue_version`: one row whose number goes up with every committed catalogue change, in
//! the change's own transaction; caches of derived figures (list counts) are valid for one
//! version.

use sea_orm::entity::prelude::*;

/// The single row (`id = 1`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_version")]
pub struct Model {
    /// Always 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// Incremented by every transaction that changes the catalogue.
    pub version: i64,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
