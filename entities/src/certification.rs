//! `certifications`: OCOP certificates, with history.

use sea_orm::entity::prelude::*;

/// Who recognised the product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CertificationLevel {
    /// The provincial People's Committee (3★ and 4★).
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    /// The central council / ministry (5★).
    #[sea_orm(string_value = "CENTRAL")]
    Central,
}

/// One certificate.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "certifications")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The certified product.
    pub product_id: i64,
    /// 3, 4 or 5.
    pub stars: i32,
    /// Council score out of 100, inside the band of `stars`.
    pub score: Option<i32>,
    /// Provincial or central recognition.
    pub level: CertificationLevel,
    /// The body that issued the decision, e.g. "UBND tỉnh Quảng Ninh".
    pub issuing_body: String,
    /// Decision number, e.g. "2361/QĐ-BNNMT".
    pub decision_number: Option<String>,
    /// Certificate number.
    pub certificate_number: Option<String>,
    /// First day of validity.
    pub issued_on: Date,
    /// First day the certificate is no longer valid.
    pub expires_on: Date,
    /// Day it was revoked, if it was.
    pub revoked_on: Option<Date>,
    /// Why it was revoked.
    pub revoked_reason: Option<String>,
    /// The code on the certificate's stamp (see [`crate::verification_code`]); unique.
    #[sea_orm(unique)]
    pub verification_code: String,
    /// When the record was created.
    pub created_at: DateTimeUtc,
    /// When the record was last changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
