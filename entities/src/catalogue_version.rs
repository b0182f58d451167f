//! `catalogue_version`: one row whose number is the head of the change log. Every catalogue
//! change moves it on in its own transaction (taking the row's lock until commit, which is what
//! makes change-log positions follow commit order); caches of derived figures (list counts) are
//! valid for one version.

use sea_orm::entity::prelude::*;

/// The single row (`id = 1`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_version")]
pub struct Model {
    /// Always 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// The head of the change log: the last position handed out.
    pub version: i64,
    /// The highest position deleted by compaction; readers behind it must resynchronise.
    pub compacted_through: i64,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
