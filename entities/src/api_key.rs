//! `api_keys`: keys of editors, partners, kiosks and admins. Only a hash of the secret is kept.

use sea_orm::entity::prelude::*;

use crate::StringList;

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    /// Everything.
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    /// Writes in its provinces.
    #[sea_orm(string_value = "EDITOR")]
    Editor,
    /// Reads everything, with a higher rate limit.
    #[sea_orm(string_value = "PARTNER")]
    Partner,
    /// Reads, and keeps one outlet's shelf.
    #[sea_orm(string_value = "KIOSK")]
    Kiosk,
}

/// An API key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Public part of the key, used to find it (`ocop_<prefix>_<secret>`).
    #[sea_orm(unique)]
    pub prefix: String,
    /// SHA-256 of the secret part, hex.
    pub secret_hash: String,
    /// Who or what holds it.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Province codes an editor may write in.
    pub provinces: StringList,
    /// The outlet a kiosk keeps.
    pub outlet_id: Option<i64>,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTimeUtc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
