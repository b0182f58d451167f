//! `change_log`: one row per changed catalogue record, at a position that follows commit order.

use sea_orm::entity::prelude::*;

/// One change of one record.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    /// Position in the log: grows with commit order, never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i64,
    /// `product`, `producer`, `certification`, `outlet` or `listing`.
    pub kind: String,
    /// Id of the record (the outlet's id for a listing).
    pub record_id: i64,
    /// The product's id for a listing; `None` otherwise.
    pub related_id: Option<i64>,
    /// `created`, `updated`, `archived` or `removed`.
    pub operation: String,
    /// When the change was written (its transaction's time).
    pub changed_at: DateTimeUtc,
    /// Ids of the products whose search documents the change touches, comma-separated.
    pub products: String,
    /// Ids of the outlets whose search documents the change touches, comma-separated.
    pub outlets: String,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
