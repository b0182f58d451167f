//! `audit_log`: who changed what, when, with the values before and after.

use sea_orm::entity::prelude::*;

/// One write.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Monotonic key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When.
    pub at: DateTimeUtc,
    /// The key used, if any (none for command-line operations).
    pub key_id: Option<i64>,
    /// The key's name, or the command (`cli:import`).
    pub actor: String,
    /// `producer`, `product`, `certification`, `outlet`, `listing`, `catalogue`.
    pub entity_type: String,
    /// Id of the entity (the product for a listing).
    pub entity_id: i64,
    /// `CREATE`, `UPDATE`, `ARCHIVE`, `CERTIFY`, `REVOKE`, `SET_LISTING`, `REMOVE_LISTING`, `IMPORT`.
    pub operation: String,
    /// Province of the record, for editors' access to the trail.
    pub province_code: Option<String>,
    /// Values before the write.
    pub before: Option<Json>,
    /// Values after the write.
    pub after: Option<Json>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
