//! Mutation inputs. Fields left out are not changed; an empty string clears an optional text.
//!
//! Just over 300 lines: the input objects of every catalogue mutation, declarations only.

use async_graphql::{ID, InputObject};

use crate::graphql::types::{
    enums::{CertificationLevel, OutletKind, ProducerKind, ProductStatus},
    geo::GeoPointInput,
    scalars::{Date, DateTimeUtc},
};
use crate::services::write::{
    certifications::CertificationFields, outlets::OutletFields, producers::ProducerFields,
};

/// A new producer.
#[derive(InputObject, Clone, Debug)]
pub struct CreateProducerInput {
    /// Registered name.
    pub name: String,
    /// URL key; default: made from the name.
    pub slug: Option<String>,
    /// Legal form.
    pub kind: ProducerKind,
    /// Current (post-2025) ward code.
    pub ward_code: String,
    /// If given, the ward must be in this province.
    pub province_code: Option<String>,
    /// Address as printed.
    pub address: Option<String>,
    /// Legal representative.
    pub representative: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Tax code (10 digits, optionally -NNN).
    pub tax_code: Option<String>,
}

impl From<CreateProducerInput> for ProducerFields {
    fn from(i: CreateProducerInput) -> Self {
        Self {
            name: Some(i.name),
            slug: i.slug,
            kind: Some(i.kind.into()),
            ward_code: Some(i.ward_code),
            province_code: i.province_code,
            address: i.address,
            representative: i.representative,
            phone: i.phone,
            email: i.email,
            tax_code: i.tax_code,
        }
    }
}

/// Changes to a producer.
#[derive(InputObject, Clone, Debug)]
pub struct UpdateProducerInput {
    /// The `updatedAt` you last saw; if the producer changed since, the update is refused.
    pub expected_updated_at: DateTimeUtc,
    /// Registered name.
    pub name: Option<String>,
    /// URL key.
    pub slug: Option<String>,
    /// Legal form.
    pub kind: Option<ProducerKind>,
    /// Current ward code.
    pub ward_code: Option<String>,
    /// If given, the ward must be in this province.
    pub province_code: Option<String>,
    /// Address as printed.
    pub address: Option<String>,
    /// Legal representative.
    pub representative: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Tax code.
    pub tax_code: Option<String>,
}

impl From<UpdateProducerInput> for ProducerFields {
    fn from(i: UpdateProducerInput) -> Self {
        Self {
            name: i.name,
            slug: i.slug,
            kind: i.kind.map(Into::into),
            ward_code: i.ward_code,
            province_code: i.province_code,
            address: i.address,
            representative: i.representative,
            phone: i.phone,
            email: i.email,
            tax_code: i.tax_code,
        }
    }
}

/// A new product.
#[derive(InputObject, Clone, Debug)]
pub struct CreateProductInput {
    /// Name.
    pub name: String,
    /// URL key; default: made from the name.
    pub slug: Option<String>,
    /// The product set (a leaf of the category tree, e.g. `"I.4.a"`).
    pub category_code: String,
    /// The producer.
    pub producer_id: ID,
    /// Ward of origin.
    pub ward_code: String,
    /// If given, the ward must be in this province.
    pub province_code: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Product story.
    pub story: Option<String>,
    /// Image URLs.
    pub images: Option<Vec<String>>,
    /// Packaging.
    pub packaging: Option<String>,
    /// Selling unit.
    pub unit: Option<String>,
    /// Lowest price, whole VND.
    pub price_min_vnd: Option<i64>,
    /// Highest price, whole VND.
    pub price_max_vnd: Option<i64>,
    /// Publication state (default PUBLISHED).
    pub status: Option<ProductStatus>,
}

/// Changes to a product.
#[derive(InputObject, Clone, Debug)]
pub struct UpdateProductInput {
    /// The `updatedAt` you last saw; if the product changed since, the update is refused.
    pub expected_updated_at: DateTimeUtc,
    /// Name.
    pub name: Option<String>,
    /// URL key.
    pub slug: Option<String>,
    /// Product set.
    pub category_code: Option<String>,
    /// The producer.
    pub producer_id: Option<ID>,
    /// Ward of origin.
    pub ward_code: Option<String>,
    /// If given, the ward must be in this province.
    pub province_code: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Product story.
    pub story: Option<String>,
    /// Image URLs (replaces the list).
    pub images: Option<Vec<String>>,
    /// Packaging.
    pub packaging: Option<String>,
    /// Selling unit.
    pub unit: Option<String>,
    /// Lowest price, whole VND.
    pub price_min_vnd: Option<i64>,
    /// Highest price, whole VND.
    pub price_max_vnd: Option<i64>,
    /// Publication state.
    pub status: Option<ProductStatus>,
}

/// A recognition decision.
#[derive(InputObject, Clone, Debug)]
pub struct CertifyInput {
    /// 3, 4 or 5.
    pub stars: i32,
    /// Council score out of 100, inside the star's band.
    pub score: Option<i32>,
    /// PROVINCE (3★, 4★) or CENTRAL (5★).
    pub level: CertificationLevel,
    /// The body that issued the decision.
    pub issuing_body: String,
    /// Decision number.
    pub decision_number: Option<String>,
    /// Certificate number.
    pub certificate_number: Option<String>,
    /// First day of validity (not in the future).
    pub issued_on: Date,
    /// Default: 36 months after `issuedOn`.
    pub expires_on: Option<Date>,
}

impl From<CertifyInput> for CertificationFields {
    fn from(i: CertifyInput) -> Self {
        Self {
            stars: Some(i.stars),
            score: i.score,
            level: Some(i.level.into()),
            issuing_body: Some(i.issuing_body),
            decision_number: i.decision_number,
            certificate_number: i.certificate_number,
            issued_on: Some(i.issued_on.0),
            expires_on: i.expires_on.map(|d| d.0),
        }
    }
}

/// Corrections to a certificate.
#[derive(InputObject, Clone, Debug)]
pub struct UpdateCertificationInput {
    /// The `updatedAt` you last saw; if the certificate changed since, the update is refused.
    pub expected_updated_at: DateTimeUtc,
    /// 3, 4 or 5.
    pub stars: Option<i32>,
    /// Council score.
    pub score: Option<i32>,
    /// Level.
    pub level: Option<CertificationLevel>,
    /// Issuing body.
    pub issuing_body: Option<String>,
    /// Decision number.
    pub decision_number: Option<String>,
    /// Certificate number.
    pub certificate_number: Option<String>,
    /// Issue date.
    pub issued_on: Option<Date>,
    /// Expiry date (default when `issuedOn` changes: 36 months after it).
    pub expires_on: Option<Date>,
}

impl From<UpdateCertificationInput> for CertificationFields {
    fn from(i: UpdateCertificationInput) -> Self {
        Self {
            stars: i.stars,
            score: i.score,
            level: i.level.map(Into::into),
            issuing_body: i.issuing_body,
            decision_number: i.decision_number,
            certificate_number: i.certificate_number,
            issued_on: i.issued_on.map(|d| d.0),
            expires_on: i.expires_on.map(|d| d.0),
        }
    }
}

/// A new outlet.
#[derive(InputObject, Clone, Debug)]
pub struct CreateOutletInput {
    /// Name.
    pub name: String,
    /// URL key; default: made from the name.
    pub slug: Option<String>,
    /// Location type (950/QĐ-BCT).
    pub kind: OutletKind,
    /// Ward.
    pub ward_code: String,
    /// If given, the ward must be in this province.
    pub province_code: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Where it is (inside Vietnam).
    pub location: GeoPointInput,
    /// Phone.
    pub phone: Option<String>,
    /// Opening hours, e.g. "07:30–21:00".
    pub opening_hours: Option<String>,
    /// Who runs it.
    pub operator: Option<String>,
}

impl From<CreateOutletInput> for OutletFields {
    fn from(i: CreateOutletInput) -> Self {
        Self {
            name: Some(i.name),
            slug: i.slug,
            kind: Some(i.kind.into()),
            ward_code: Some(i.ward_code),
            province_code: i.province_code,
            address: i.address,
            location: Some((i.location.lat, i.location.lng)),
            phone: i.phone,
            opening_hours: i.opening_hours,
            operator: i.operator,
        }
    }
}

/// Changes to an outlet.
#[derive(InputObject, Clone, Debug)]
pub struct UpdateOutletInput {
    /// The `updatedAt` you last saw; if the outlet changed since, the update is refused.
    pub expected_updated_at: DateTimeUtc,
    /// Name.
    pub name: Option<String>,
    /// URL key.
    pub slug: Option<String>,
    /// Location type.
    pub kind: Option<OutletKind>,
    /// Ward.
    pub ward_code: Option<String>,
    /// If given, the ward must be in this province.
    pub province_code: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Where it is.
    pub location: Option<GeoPointInput>,
    /// Phone.
    pub phone: Option<String>,
    /// Opening hours.
    pub opening_hours: Option<String>,
    /// Who runs it.
    pub operator: Option<String>,
}

impl From<UpdateOutletInput> for OutletFields {
    fn from(i: UpdateOutletInput) -> Self {
        Self {
            name: i.name,
            slug: i.slug,
            kind: i.kind.map(Into::into),
            ward_code: i.ward_code,
            province_code: i.province_code,
            address: i.address,
            location: i.location.map(|l| (l.lat, l.lng)),
            phone: i.phone,
            opening_hours: i.opening_hours,
            operator: i.operator,
        }
    }
}
