//! `search_dead_letter`: a change-log entry a search engine refused, set aside so that the
//! index follows the rest of the log.

use sea_orm::entity::prelude::*;

/// One refused entry, as one consumer saw it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_dead_letter")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The index that refused it (`embedded`, or `meilisearch:<prefix>`).
    pub consumer: String,
    /// The entry's change-log position.
    pub position: i64,
    /// The entry's kind (`product`, `outlet`…).
    pub kind: String,
    /// The entry's record id.
    pub record_id: i64,
    /// The product's id for a listing.
    pub related_id: Option<i64>,
    /// The entry's operation.
    pub operation: String,
    /// Products whose documents the entry touches, comma-separated.
    pub products: String,
    /// Outlets whose documents the entry touches, comma-separated.
    pub outlets: String,
    /// What the engine said.
    pub error: String,
    /// When it was set aside.
    pub failed_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
