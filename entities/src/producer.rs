//! `producers`: the "chủ thể OCOP" that make certified products.

use sea_orm::entity::prelude::*;

/// The legal form of a producer.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum ProducerKind {
    /// Doanh nghiệp (company).
    #[sea_orm(string_value = "ENTERPRISE")]
    Enterprise,
    /// Hợp tác xã (cooperative).
    #[sea_orm(string_value = "COOPERATIVE")]
    Cooperative,
    /// Tổ hợp tác (cooperative group).
    #[sea_orm(string_value = "COOPERATIVE_GROUP")]
    CooperativeGroup,
    /// Hộ kinh doanh / cơ sở sản xuất (household business).
    #[sea_orm(string_value = "HOUSEHOLD")]
    Household,
}

/// A producer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "producers")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique URL-safe key, also the producer's key in the interchange format.
    #[sea_orm(unique)]
    pub slug: String,
    /// Registered name.
    pub name: String,
    /// Legal form.
    pub kind: ProducerKind,
    /// Current ward code.
    pub ward_code: String,
    /// Province of `ward_code` (kept for filtering).
    pub province_code: String,
    /// Address as printed (may use pre-2025 names).
    pub address: Option<String>,
    /// Legal representative.
    pub representative: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Tax code ("mã số thuế").
    pub tax_code: Option<String>,
    /// When the record was created.
    pub created_at: DateTimeUtc,
    /// When the record was last changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
