//! Small catalogues written in the interchange format, with dates relative to today.

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

/// Today's date as the server sees it.
pub fn today() -> NaiveDate {
    ocop_api::clock::today()
}

/// `today + days` as `YYYY-MM-DD`.
pub fn day(days: i64) -> String {
    (today() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A certificate issued `issued_days_ago` days ago, expiring `expires_in_days` from today.
pub fn cert(stars: u8, issued_days_ago: i64, expires_in_days: i64) -> Value {
    json!({
        "stars": stars,
        "level": if stars == 5 { "CENTRAL" } else { "PROVINCE" },
        "issuingBody": "UBND tỉnh Kiểm Thử",
        "decisionNumber": format!("{}/QĐ-UBND", 100 + issued_days_ago),
        "issuedOn": day(-issued_days_ago),
        "expiresOn": day(expires_in_days),
    })
}

/// A certificate valid for a long time.
pub fn valid_cert(stars: u8) -> Value {
    cert(stars, 100, 900)
}

/// The same certificate, revoked yesterday.
pub fn revoked(mut cert: Value) -> Value {
    cert["revokedOn"] = json!(day(-1));
    cert["revokedReason"] = json!("Vi phạm an toàn thực phẩm khi hậu kiểm");
    cert
}

/// A word of twelve pseudo-random letters for `n`: one word to every search engine, and so far
/// from every other such word that neither prefix nor typo tolerance can confuse two of them.
/// Tests keep ranges apart by use (names below 10,000, descriptions from 10,000, …).
pub fn word(n: usize) -> String {
    let mut x = (n as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (0..12)
        .map(|i| char::from(b'a' + ((x >> (5 * i)) % 26) as u8))
        .collect()
}

/// A catalogue under construction.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    lines: Vec<Value>,
}

/// A product to add to a catalogue.
#[derive(Clone, Debug)]
pub struct ProductSpec {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Product set.
    pub category: String,
    /// Producer slug.
    pub producer: String,
    /// Ward code.
    pub ward: String,
    /// Certificates.
    pub certs: Vec<Value>,
    /// `PUBLISHED`, `DRAFT` or `ARCHIVED`.
    pub status: String,
    /// Description.
    pub description: Option<String>,
    /// Creation time (RFC 3339).
    pub created_at: Option<String>,
    /// Last change (RFC 3339).
    pub updated_at: Option<String>,
}

impl ProductSpec {
    /// A published product with one valid 4-star certificate.
    pub fn new(slug: &str, name: &str, producer: &str, ward: &str, category: &str) -> Self {
        Self {
            slug: slug.into(),
            name: name.into(),
            category: category.into(),
            producer: producer.into(),
            ward: ward.into(),
            certs: vec![valid_cert(4)],
            status: "PUBLISHED".into(),
            description: None,
            created_at: None,
            updated_at: None,
        }
    }

    /// Replaces the certificates.
    pub fn certs(mut self, certs: Vec<Value>) -> Self {
        self.certs = certs;
        self
    }

    /// Sets the status.
    pub fn status(mut self, status: &str) -> Self {
        self.status = status.into();
        self
    }

    /// Sets the creation time.
    pub fn created_at(mut self, t: &str) -> Self {
        self.created_at = Some(t.into());
        self
    }

    /// Sets the time of the last change.
    pub fn updated_at(mut self, t: &str) -> Self {
        self.updated_at = Some(t.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.into());
        self
    }
}

impl Catalogue {
    /// An empty catalogue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a producer.
    pub fn producer(mut self, slug: &str, name: &str, kind: &str, ward: &str) -> Self {
        self.lines.push(
            json!({"type": "producer", "slug": slug, "name": name, "kind": kind, "wardCode": ward}),
        );
        self
    }

    /// Adds a product.
    pub fn product(mut self, p: ProductSpec) -> Self {
        let mut v = json!({
            "type": "product",
            "slug": p.slug,
            "name": p.name,
            "categoryCode": p.category,
            "producer": p.producer,
            "wardCode": p.ward,
            "status": p.status,
            "certifications": p.certs,
        });
        if let Some(d) = p.description {
            v["description"] = json!(d);
        }
        if let Some(t) = p.created_at {
            v["createdAt"] = json!(t);
        }
        if let Some(t) = p.updated_at {
            v["updatedAt"] = json!(t);
        }
        self.lines.push(v);
        self
    }

    /// Adds an outlet listing the given product slugs (in stock, 100,000 VND).
    pub fn outlet(
        mut self,
        slug: &str,
        name: &str,
        kind: &str,
        ward: &str,
        (lat, lng): (f64, f64),
        products: &[&str],
    ) -> Self {
        let listings: Vec<Value> = products
            .iter()
            .map(|p| json!({"product": p, "priceVnd": 100_000, "inStock": true}))
            .collect();
        self.lines.push(json!({
            "type": "outlet", "slug": slug, "name": name, "kind": kind, "wardCode": ward,
            "location": {"lat": lat, "lng": lng}, "listings": listings,
        }));
        self
    }

    /// Adds a raw line (for malformed-input tests).
    pub fn raw(mut self, line: Value) -> Self {
        self.lines.push(line);
        self
    }

    /// The JSON Lines text.
    pub fn jsonl(&self) -> String {
        self.lines.iter().map(|l| format!("{l}\n")).collect()
    }
}

/// Real ward codes used by the fixtures.
pub mod wards {
    /// Phường Bãi Cháy, Quảng Ninh (22).
    pub const BAI_CHAY: &str = "06673";
    /// Phường Thành Sen, Hà Tĩnh (42).
    pub const HA_TINH: &str = "18073";
    /// Phường Ba Đình, Hà Nội (01).
    pub const BA_DINH: &str = "00004";
    /// Đặc khu Phú Quốc, An Giang (91).
    pub const PHU_QUOC: &str = "31078";
}
