//! The records of the interchange format, exactly as they appear on a line.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The value of `format` in a header.
pub const FORMAT_NAME: &str = "ocop-catalog";
/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// One line of a file (the `type` field selects the variant).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Record {
    /// Optional first line.
    Header(HeaderRecord),
    /// A producer.
    Producer(ProducerRecord),
    /// A product with its certificates.
    Product(ProductRecord),
    /// An outlet with its listings.
    Outlet(OutletRecord),
}

/// `{"type":"header",…}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HeaderRecord {
    /// Always `ocop-catalog`.
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// When the file was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<DateTime<Utc>>,
    /// The change-log position the file is consistent with: it holds every change up to it
    /// and none after it (ignored by import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_log_position: Option<i64>,
    /// The same position as a `catalogueChanges(after:)` cursor: follow from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_log_cursor: Option<String>,
}

/// `{"type":"producer",…}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProducerRecord {
    /// The record's id in the exporting catalogue, to match `catalogueChanges` against
    /// (written by export, ignored by import: the slug is the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Unique key.
    pub slug: String,
    /// Registered name.
    pub name: String,
    /// `ENTERPRISE`, `COOPERATIVE`, `COOPERATIVE_GROUP` or `HOUSEHOLD`.
    pub kind: String,
    /// Current ward code.
    pub ward_code: String,
    /// Address as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Legal representative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Tax code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code: Option<String>,
    /// Created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// Last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// `{"type":"product",…}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductRecord {
    /// The record's id in the exporting catalogue, to match `catalogueChanges` against
    /// (written by export, ignored by import: the slug is the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Unique key.
    pub slug: String,
    /// Name.
    pub name: String,
    /// A product-set code (a leaf).
    pub category_code: String,
    /// The producer's slug.
    pub producer: String,
    /// Ward of origin.
    pub ward_code: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Product story.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<String>,
    /// Image URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    /// Packaging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packaging: Option<String>,
    /// Selling unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Lowest price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_min_vnd: Option<i64>,
    /// Highest price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_max_vnd: Option<i64>,
    /// `DRAFT`, `PUBLISHED` (default) or `ARCHIVED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// Last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Certificate history.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<CertificationRecord>,
}

/// A certificate inside a product record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CertificationRecord {
    /// The record's id in the exporting catalogue, to match `catalogueChanges` against
    /// (written by export, ignored by import: the slug is the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// 3, 4 or 5.
    pub stars: i64,
    /// Council score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    /// `PROVINCE` or `CENTRAL`.
    pub level: String,
    /// Issuing body.
    pub issuing_body: String,
    /// Decision number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_number: Option<String>,
    /// Certificate number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_number: Option<String>,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Expiry date (default: 36 months after issue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
    /// Revocation date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_on: Option<NaiveDate>,
    /// Revocation reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<String>,
}

/// A point.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationRecord {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
}

/// `{"type":"outlet",…}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutletRecord {
    /// The record's id in the exporting catalogue, to match `catalogueChanges` against
    /// (written by export, ignored by import: the slug is the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Unique key.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Location type.
    pub kind: String,
    /// Ward.
    pub ward_code: String,
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Coordinates.
    pub location: LocationRecord,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Opening hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<String>,
    /// Operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// `ACTIVE` (default) or `ARCHIVED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// Last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// The shelf.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listings: Vec<ListingRecord>,
}

/// A listing inside an outlet record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListingRecord {
    /// The product's slug.
    pub product: String,
    /// Shelf price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_vnd: Option<i64>,
    /// In stock.
    pub in_stock: bool,
    /// Last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
}
