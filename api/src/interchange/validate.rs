//! Checking one record of a file, field by field, collecting every problem.

use std::{
    fmt,
    ops::{Deref, DerefMut},
};

use super::records::{
    CertificationRecord, ListingRecord, OutletRecord, ProducerRecord, ProductRecord,
};
use crate::{
    domain::{
        Email, GeoPoint, Phone, Slug, TaxCode, Vnd,
        certificate::{self, CertFacts, CertSummary},
        text::limits,
    },
    reference::ReferenceData,
    services::write::check::Check,
};
use chrono::{DateTime, NaiveDate, Utc};
use ocop_entities::{
    certification::CertificationLevel,
    outlet::{OutletKind, OutletStatus},
    producer::ProducerKind,
    product::ProductStatus,
};

/// One problem with one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    /// 1-based line number.
    pub line: usize,
    /// The offending field (`certifications[0].score`), or `-` for the whole line.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.reason)
    }
}

/// Collects the problems of one record with the shared field checks ([`Check`]); when the
/// record's check ends, its problems join the file's list with the record's line.
pub(crate) struct Checker<'a, 'r> {
    line: usize,
    errors: &'a mut Vec<RecordError>,
    check: Check<'r>,
}

impl<'a, 'r> Checker<'a, 'r> {
    pub(crate) fn new(
        line: usize,
        errors: &'a mut Vec<RecordError>,
        reference: &'r ReferenceData,
    ) -> Self {
        Self {
            line,
            errors,
            check: Check::under("", reference),
        }
    }
}

impl<'r> Deref for Checker<'_, 'r> {
    type Target = Check<'r>;
    fn deref(&self) -> &Check<'r> {
        &self.check
    }
}

impl<'r> DerefMut for Checker<'_, 'r> {
    fn deref_mut(&mut self) -> &mut Check<'r> {
        &mut self.check
    }
}

impl Drop for Checker<'_, '_> {
    fn drop(&mut self) {
        let line = self.line;
        self.errors
            .extend(self.check.take_errors().into_iter().map(|e| RecordError {
                line,
                field: e.field,
                reason: e.message,
            }));
    }
}

/// A checked producer.
pub(crate) struct ValidProducer {
    pub slug: String,
    pub name: String,
    pub kind: ProducerKind,
    pub ward_code: String,
    pub province_code: String,
    pub address: Option<String>,
    pub representative: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub tax_code: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A checked certificate.
pub(crate) struct ValidCert {
    pub stars: i32,
    pub score: Option<i32>,
    pub level: CertificationLevel,
    pub issuing_body: String,
    pub decision_number: Option<String>,
    pub certificate_number: Option<String>,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub revoked_on: Option<NaiveDate>,
    pub revoked_reason: Option<String>,
}

/// A checked product.
pub(crate) struct ValidProduct {
    pub slug: String,
    pub name: String,
    pub category_code: String,
    pub producer: String,
    pub ward_code: String,
    pub province_code: String,
    pub description: Option<String>,
    pub story: Option<String>,
    pub images: Vec<String>,
    pub packaging: Option<String>,
    pub unit: Option<String>,
    pub price_min_vnd: Option<i64>,
    pub price_max_vnd: Option<i64>,
    pub status: ProductStatus,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub certifications: Vec<ValidCert>,
    pub summary: CertSummary,
}

/// A checked listing.
pub(crate) struct ValidListing {
    pub product: String,
    pub price_vnd: Option<i64>,
    pub in_stock: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A checked outlet.
pub(crate) struct ValidOutlet {
    pub slug: String,
    pub name: String,
    pub kind: OutletKind,
    pub ward_code: String,
    pub province_code: String,
    pub address: Option<String>,
    pub location: GeoPoint,
    pub phone: Option<String>,
    pub opening_hours: Option<String>,
    pub operator: Option<String>,
    pub status: OutletStatus,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub listings: Vec<ValidListing>,
}

pub(crate) fn producer(r: &ProducerRecord, c: &mut Check<'_>) -> Option<ValidProducer> {
    let slug = c.check("slug", Slug::parse(&r.slug));
    let name = c.text("name", &r.name, limits::NAME);
    let kind = c.enumeration::<ProducerKind>("kind", &r.kind);
    let ward = c.ward("wardCode", &r.ward_code, None);
    let address = c.optional("address", r.address.as_deref(), limits::MEDIUM);
    let representative = c.optional("representative", r.representative.as_deref(), limits::NAME);
    let phone = c.parsed("phone", r.phone.as_deref(), Phone::parse);
    let email = c.parsed("email", r.email.as_deref(), Email::parse);
    let tax_code = c.parsed("taxCode", r.tax_code.as_deref(), TaxCode::parse);
    timestamps(r.created_at, r.updated_at, c);
    let (ward_code, province_code) = ward?;
    if c.failed() {
        return None;
    }
    Some(ValidProducer {
        slug: slug?.into_inner(),
        name: name?,
        kind: kind?,
        ward_code,
        province_code,
        address: address?,
        representative: representative?,
        phone: phone?.map(Phone::into_string),
        email: email?.map(Email::into_string),
        tax_code: tax_code?.map(TaxCode::into_string),
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

fn timestamps(created: Option<DateTime<Utc>>, updated: Option<DateTime<Utc>>, c: &mut Check<'_>) {
    let now = Utc::now();
    for (field, t) in [("createdAt", created), ("updatedAt", updated)] {
        if t.is_some_and(|t| t > now + chrono::Duration::minutes(5)) {
            c.fail(field, "is in the future");
        }
    }
    if let (Some(created), Some(updated)) = (created, updated)
        && updated < created
    {
        c.fail("updatedAt", "is before createdAt");
    }
}

fn certification(
    r: &CertificationRecord,
    at: &str,
    today: NaiveDate,
    c: &mut Check<'_>,
) -> Option<ValidCert> {
    let field = |name: &str| format!("{at}.{name}");
    let stars = c.stars_and_score(&format!("{at}."), r.stars, r.score);
    let level = c.enumeration::<CertificationLevel>(&field("level"), &r.level);
    let issuing_body = c.text(&field("issuingBody"), &r.issuing_body, limits::MEDIUM);
    let decision_number = c.optional(
        &field("decisionNumber"),
        r.decision_number.as_deref(),
        limits::SHORT,
    );
    let certificate_number = c.optional(
        &field("certificateNumber"),
        r.certificate_number.as_deref(),
        limits::SHORT,
    );
    let expires_on = r
        .expires_on
        .unwrap_or_else(|| certificate::default_expiry(r.issued_on));
    c.validity(&format!("{at}."), r.issued_on, expires_on, today);
    let revoked_reason = c.optional(
        &field("revokedReason"),
        r.revoked_reason.as_deref(),
        limits::MEDIUM,
    );
    let reason_given = r
        .revoked_reason
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    match (r.revoked_on, reason_given) {
        (Some(on), true) => {
            if on < r.issued_on {
                c.fail(field("revokedOn"), "is before issuedOn");
            }
            if on > today {
                c.fail(field("revokedOn"), "is in the future");
            }
        }
        (Some(_), false) => c.fail(
            field("revokedReason"),
            "is required when revokedOn is given",
        ),
        (None, true) => c.fail(
            field("revokedOn"),
            "is required when revokedReason is given",
        ),
        (None, false) => {}
    }
    let (stars, score) = stars?;
    Some(ValidCert {
        stars: i32::from(stars.get()),
        score: score.map(|s| i32::from(s.get())),
        level: level?,
        issuing_body: issuing_body?,
        decision_number: decision_number?,
        certificate_number: certificate_number?,
        issued_on: r.issued_on,
        expires_on,
        revoked_on: r.revoked_on,
        revoked_reason: revoked_reason?,
    })
}

pub(crate) fn product(
    r: &ProductRecord,
    today: NaiveDate,
    c: &mut Check<'_>,
) -> Option<ValidProduct> {
    let slug = c.check("slug", Slug::parse(&r.slug));
    let name = c.text("name", &r.name, limits::NAME);
    let category_code = c.category("categoryCode", &r.category_code);
    let producer = c.check("producer", Slug::parse(&r.producer));
    let ward = c.ward("wardCode", &r.ward_code, None);
    let description = c.optional("description", r.description.as_deref(), limits::LONG);
    let story = c.optional("story", r.story.as_deref(), limits::LONG);
    let images = c.images("images", &r.images);
    let packaging = c.optional("packaging", r.packaging.as_deref(), limits::MEDIUM);
    let unit = c.optional("unit", r.unit.as_deref(), limits::SHORT);
    let price_min = c.price("priceMinVnd", r.price_min_vnd);
    let price_max = c.price("priceMaxVnd", r.price_max_vnd);
    let prices = match (price_min, price_max) {
        (Some(min), Some(max)) => c.price_range(min, max),
        _ => None,
    };
    let status = match &r.status {
        Some(s) => c.enumeration::<ProductStatus>("status", s),
        None => Some(ProductStatus::Published),
    };
    timestamps(r.created_at, r.updated_at, c);
    let certifications: Vec<ValidCert> = r
        .certifications
        .iter()
        .enumerate()
        .filter_map(|(i, cert)| certification(cert, &format!("certifications[{i}]"), today, c))
        .collect();
    let (ward_code, province_code) = ward?;
    if c.failed() {
        return None;
    }
    // Certificates have no ids yet: their position stands in for the id as the tie-breaker.
    let summary = CertSummary::of(certifications.iter().enumerate().map(|(i, v)| CertFacts {
        id: i as i64,
        stars: v.stars,
        issued_on: v.issued_on,
        expires_on: v.expires_on,
        revoked: v.revoked_on.is_some(),
    }));
    Some(ValidProduct {
        slug: slug?.into_inner(),
        name: name?,
        category_code: category_code?,
        producer: producer?.into_inner(),
        ward_code,
        province_code,
        description: description?,
        story: story?,
        images: images?.into_vec(),
        packaging: packaging?,
        unit: unit?,
        price_min_vnd: prices?.min.map(Vnd::get),
        price_max_vnd: prices?.max.map(Vnd::get),
        status: status?,
        created_at: r.created_at,
        updated_at: r.updated_at,
        certifications,
        summary,
    })
}

fn listing(r: &ListingRecord, at: &str, c: &mut Check<'_>) -> Option<ValidListing> {
    let product = c.check(&format!("{at}.product"), Slug::parse(&r.product));
    let price = c.price(&format!("{at}.priceVnd"), r.price_vnd);
    if r.updated_at
        .is_some_and(|t| t > Utc::now() + chrono::Duration::minutes(5))
    {
        c.fail(format!("{at}.updatedAt"), "is in the future");
    }
    Some(ValidListing {
        product: product?.into_inner(),
        price_vnd: price?.map(Vnd::get),
        in_stock: r.in_stock,
        updated_at: r.updated_at,
    })
}

pub(crate) fn outlet(r: &OutletRecord, c: &mut Check<'_>) -> Option<ValidOutlet> {
    let slug = c.check("slug", Slug::parse(&r.slug));
    let name = c.text("name", &r.name, limits::NAME);
    let kind = c.enumeration::<OutletKind>("kind", &r.kind);
    let ward = c.ward("wardCode", &r.ward_code, None);
    let address = c.optional("address", r.address.as_deref(), limits::MEDIUM);
    let location = c.check(
        "location",
        GeoPoint::parse_in_vietnam(r.location.lat, r.location.lng),
    );
    let phone = c.parsed("phone", r.phone.as_deref(), Phone::parse);
    let opening_hours = c.optional("openingHours", r.opening_hours.as_deref(), limits::MEDIUM);
    let operator = c.optional("operator", r.operator.as_deref(), limits::NAME);
    let status = match &r.status {
        Some(s) => c.enumeration::<OutletStatus>("status", s),
        None => Some(OutletStatus::Active),
    };
    timestamps(r.created_at, r.updated_at, c);
    if r.listings.len() > 10_000 {
        c.fail("listings", "at most 10000 listings per outlet");
    }
    let mut seen = std::collections::HashSet::new();
    let mut listings = Vec::with_capacity(r.listings.len());
    for (i, l) in r.listings.iter().enumerate() {
        let at = format!("listings[{i}]");
        if !seen.insert(l.product.as_str()) {
            c.fail(
                format!("{at}.product"),
                format!("\"{}\" is listed twice", l.product),
            );
            continue;
        }
        if let Some(l) = listing(l, &at, c) {
            listings.push(l);
        }
    }
    let (ward_code, province_code) = ward?;
    if c.failed() {
        return None;
    }
    Some(ValidOutlet {
        slug: slug?.into_inner(),
        name: name?,
        kind: kind?,
        ward_code,
        province_code,
        address: address?,
        location: location?,
        phone: phone?.map(Phone::into_string),
        opening_hours: opening_hours?,
        operator: operator?,
        status: status?,
        created_at: r.created_at,
        updated_at: r.updated_at,
        listings,
    })
}
