//! `search_cursor`: the change-log position of a search index that every server shares
//! (Meilisearch), with a lease held by the one server applying changes to it.

use sea_orm::entity::prelude::*;

/// One shared index.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_cursor")]
pub struct Model {
    /// The index's name (engine and index prefix).
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// Every change up to this position is in the index.
    pub position: i64,
    /// The server holding the lease.
    pub owner: Option<String>,
    /// The lease ends at this time.
    pub leased_until: Option<DateTimeUtc>,
    /// When the position last moved.
    pub updated_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
