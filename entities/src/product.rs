//! `products`: certified (or to-be-certified) OCOP products.

use sea_orm::entity::prelude::*;

use crate::StringList;

/// Publication state of a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProductStatus {
    /// Being prepared; not public.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Public.
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    /// Withdrawn; kept for history, not public.
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

/// Summary of a product's certificates, maintained with them in the same transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CertState {
    /// No certificate at all.
    #[sea_orm(string_value = "NONE")]
    None,
    /// Every certificate is revoked.
    #[sea_orm(string_value = "REVOKED")]
    Revoked,
    /// There is an unrevoked certificate (it may still be expired: that depends on the date).
    #[sea_orm(string_value = "CURRENT")]
    Current,
}

/// A product.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "products")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique URL-safe key.
    #[sea_orm(unique)]
    pub slug: String,
    /// Product name.
    pub name: String,
    /// The name folded to lowercase ASCII (marks stripped, đ→d), for the same alphabetical order
    /// on every database.
    pub sort_name: String,
    /// Short description.
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    /// Product story (criterion part B).
    #[sea_orm(column_type = "Text", nullable)]
    pub story: Option<String>,
    /// Product set (a leaf of the category tree).
    pub category_code: String,
    /// The producer.
    pub producer_id: i64,
    /// Ward of origin.
    pub ward_code: String,
    /// Province of `ward_code` (kept for filtering).
    pub province_code: String,
    /// Image URLs.
    pub images: StringList,
    /// Packaging, e.g. "Chai thủy tinh 500 ml".
    pub packaging: Option<String>,
    /// Selling unit, e.g. "chai".
    pub unit: Option<String>,
    /// Lowest retail price in VND.
    pub price_min_vnd: Option<i64>,
    /// Highest retail price in VND.
    pub price_max_vnd: Option<i64>,
    /// Publication state.
    pub status: ProductStatus,
    /// Summary of the certificate history.
    pub cert_state: CertState,
    /// Stars of the current certificate (the latest unrevoked one).
    pub cert_stars: Option<i32>,
    /// Issue date of the current certificate.
    pub cert_issued_on: Option<Date>,
    /// Expiry date of the current certificate.
    pub cert_expires_on: Option<Date>,
    /// When the record was created.
    pub created_at: DateTimeUtc,
    /// When the record or its certificates were last changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
