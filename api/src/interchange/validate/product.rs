//! Checking a product record and its certificates.

use chrono::{DateTime, NaiveDate, Utc};
use ocop_entities::{certification::CertificationLevel, product::ProductStatus};

use super::timestamps;
use crate::interchange::records::{CertificationRecord, ProductRecord};
use crate::{
    domain::{
        Slug, Vnd,
        certificate::{self, CertFacts, CertSummary},
        text::limits,
    },
    services::write::check::Check,
};

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

/// Checks a product record with its certificates.
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
