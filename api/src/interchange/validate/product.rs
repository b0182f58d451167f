//! Checking a product record and its certificates, with the checks of a new product and a new
//! certificate ([`NewProduct::check`], [`NewCertificate::check`]).

use chrono::{DateTime, NaiveDate, Utc};
use ocop_entities::{
    certification::CertificationLevel,
    product::{self, ProductStatus},
};
use sea_orm::ActiveValue::Set;

use super::timestamps;
use crate::{
    clock,
    domain::{
        Slug,
        certificate::{CertFacts, CertSummary},
        text::limits,
    },
    interchange::records::{CertificationRecord, ProductRecord},
    services::write::{
        certifications::{CertificationFields, NewCertificate},
        check::Check,
        products::{NewProduct, ProductFields},
    },
};

/// A checked certificate record: the certificate, and its revocation if it was revoked.
pub(crate) struct ValidCert {
    pub new: NewCertificate,
    pub revoked_on: Option<NaiveDate>,
    pub revoked_reason: Option<String>,
}

/// A checked product record: its key, its row (with its certificate summary), the creation
/// time it gave, its producer's key and its certificates.
pub(crate) struct ValidProduct {
    pub slug: String,
    pub row: product::ActiveModel,
    pub created_at: Option<DateTime<Utc>>,
    pub producer: String,
    pub certifications: Vec<ValidCert>,
}

fn certification(
    r: &CertificationRecord,
    at: &str,
    today: NaiveDate,
    c: &mut Check<'_>,
) -> Option<ValidCert> {
    let field = |name: &str| format!("{at}{name}");
    let level = c.enumeration::<CertificationLevel>(&field("level"), &r.level);
    let fields = CertificationFields {
        stars: Some(i32::try_from(r.stars).unwrap_or(i32::MAX)),
        score: r.score.map(|s| i32::try_from(s).unwrap_or(i32::MAX)),
        level,
        issuing_body: Some(r.issuing_body.clone()),
        decision_number: r.decision_number.clone(),
        certificate_number: r.certificate_number.clone(),
        issued_on: Some(r.issued_on),
        expires_on: r.expires_on,
    };
    let new = NewCertificate::check(c, at, &fields, today);
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
    Some(ValidCert {
        new: new?,
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
    let producer = c.check("producer", Slug::parse(&r.producer));
    let status = match &r.status {
        Some(s) => c.enumeration::<ProductStatus>("status", s),
        None => Some(ProductStatus::Published),
    };
    timestamps(r.created_at, r.updated_at, c);
    let fields = ProductFields {
        name: Some(r.name.clone()),
        slug: None,
        category_code: Some(r.category_code.clone()),
        producer_id: None,
        ward_code: Some(r.ward_code.clone()),
        province_code: None,
        description: r.description.clone(),
        story: r.story.clone(),
        images: Some(r.images.clone()),
        packaging: r.packaging.clone(),
        unit: r.unit.clone(),
        price_min_vnd: r.price_min_vnd,
        price_max_vnd: r.price_max_vnd,
        status,
    };
    let now = clock::now();
    let NewProduct(mut row) = NewProduct::check(c, &fields, now);
    let certifications: Vec<ValidCert> = r
        .certifications
        .iter()
        .enumerate()
        .filter_map(|(i, cert)| certification(cert, &format!("certifications[{i}]."), today, c))
        .collect();
    if c.failed() {
        return None;
    }
    // Certificates have no ids yet: their position stands in for the id as the tie-breaker.
    let summary = CertSummary::of(certifications.iter().enumerate().map(|(i, v)| CertFacts {
        id: i as i64,
        stars: v.new.stars,
        issued_on: v.new.issued_on,
        expires_on: v.new.expires_on,
        revoked: v.revoked_on.is_some(),
    }));
    let slug = slug?.into_inner();
    row.slug = Set(slug.clone());
    row.cert_state = Set(summary.state);
    row.cert_stars = Set(summary.stars);
    row.cert_issued_on = Set(summary.issued_on);
    row.cert_expires_on = Set(summary.expires_on);
    row.created_at = Set(r.created_at.unwrap_or(now));
    row.updated_at = Set(r.updated_at.unwrap_or(now));
    Some(ValidProduct {
        slug,
        row,
        created_at: r.created_at,
        producer: producer?.into_inner(),
        certifications,
    })
}
