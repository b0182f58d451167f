//! `outbox`: changes waiting to reach the search index, written in the same transaction as the
//! change itself.

use sea_orm::entity::prelude::*;

/// One changed entity to re-index.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    /// Monotonic key; also the processing order.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `"product"` or `"outlet"`.
    pub entity_type: String,
    /// Id of the changed entity.
    pub entity_id: i64,
    /// When the change was committed.
    pub created_at: DateTimeUtc,
    /// Not to be tried before this time (retry backoff).
    pub available_at: DateTimeUtc,
    /// How many times processing has failed.
    pub attempts: i32,
    /// The last failure, for operators.
    pub last_error: Option<String>,
    /// A worker's claim on the row expires at this time.
    pub claimed_until: Option<DateTimeUtc>,
    /// When the row was processed; `None` while pending.
    pub processed_at: Option<DateTimeUtc>,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
