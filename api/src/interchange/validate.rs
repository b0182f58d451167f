//! Checking one record of a file, field by field, collecting every problem.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use ocop_entities::{
    certification::CertificationLevel,
    outlet::{OutletKind, OutletStatus},
    producer::ProducerKind,
    product::ProductStatus,
};
use sea_orm::ActiveEnum;

use super::records::{
    CertificationRecord, ListingRecord, OutletRecord, ProducerRecord, ProductRecord,
};
use crate::{
    domain::{
        BoundedText, Email, GeoPoint, Phone, Score, Slug, Stars, TaxCode, Vnd, WebUrl,
        certificate::{self, CertFacts, CertSummary},
        text::limits,
    },
    reference::ReferenceData,
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

/// Collects the problems of one record.
pub(crate) struct Checker<'a> {
    line: usize,
    errors: &'a mut Vec<RecordError>,
    failed: bool,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(line: usize, errors: &'a mut Vec<RecordError>) -> Self {
        Self {
            line,
            errors,
            failed: false,
        }
    }

    /// Records a problem with `field`.
    pub(crate) fn fail(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.failed = true;
        self.errors.push(RecordError {
            line: self.line,
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// Keeps the value of a successful parse, records the reason of a failed one.
    pub(crate) fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(reason) => {
                self.fail(field, reason);
                None
            }
        }
    }

    fn text(&mut self, field: &str, s: &str, max: usize) -> Option<String> {
        self.check(field, BoundedText::parse(s, max))
            .map(BoundedText::into_inner)
    }

    fn optional(&mut self, field: &str, s: Option<&str>, max: usize) -> Option<String> {
        self.check(field, BoundedText::parse_optional(s, max))
            .flatten()
            .map(BoundedText::into_inner)
    }

    fn enumeration<E>(&mut self, field: &str, value: &str) -> Option<E>
    where
        E: ActiveEnum<Value = String> + sea_orm::Iterable,
    {
        match E::try_from_value(&value.to_owned()) {
            Ok(v) => Some(v),
            Err(_) => {
                let allowed: Vec<String> = E::iter().map(|v| v.to_value()).collect();
                let shown: String = value.chars().take(40).collect();
                self.fail(
                    field,
                    format!("\"{shown}\" is not one of {}", allowed.join(", ")),
                );
                None
            }
        }
    }

    fn ward(
        &mut self,
        field: &str,
        code: &str,
        reference: &ReferenceData,
    ) -> Option<(String, String)> {
        match reference.ward(code) {
            Some(w) => Some((w.code.clone(), w.province_code.clone())),
            None => {
                let shown: String = code.chars().take(40).collect();
                self.fail(
                    field,
                    format!("unknown ward code \"{shown}\" (use a current, post-2025 code)"),
                );
                None
            }
        }
    }

    /// Whether any problem was recorded.
    pub(crate) fn failed(&self) -> bool {
        self.failed
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

pub(crate) fn producer(
    r: &ProducerRecord,
    reference: &ReferenceData,
    c: &mut Checker<'_>,
) -> Option<ValidProducer> {
    let slug = c.check("slug", Slug::parse(&r.slug));
    let name = c.text("name", &r.name, limits::NAME);
    let kind = c.enumeration::<ProducerKind>("kind", &r.kind);
    let ward = c.ward("wardCode", &r.ward_code, reference);
    let address = c.optional("address", r.address.as_deref(), limits::MEDIUM);
    let representative = c.optional("representative", r.representative.as_deref(), limits::NAME);
    let phone = r
        .phone
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| c.check("phone", Phone::parse(s).map(Phone::into_string)));
    let email = r
        .email
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| c.check("email", Email::parse(s).map(Email::into_string)));
    let tax_code = r
        .tax_code
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| c.check("taxCode", TaxCode::parse(s).map(TaxCode::into_string)));
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
        address,
        representative,
        phone,
        email,
        tax_code,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

fn timestamps(created: Option<DateTime<Utc>>, updated: Option<DateTime<Utc>>, c: &mut Checker<'_>) {
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
    c: &mut Checker<'_>,
) -> Option<ValidCert> {
    let field = |name: &str| format!("{at}.{name}");
    let stars = c.check(&field("stars"), Stars::parse(r.stars));
    let score = match (r.score, stars) {
        (Some(score), Some(stars)) => c
            .check(&field("score"), Score::parse(score, stars))
            .map(|s| i32::from(s.get())),
        _ => None,
    };
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
    if r.issued_on > today {
        c.fail(
            field("issuedOn"),
            format!("{} is in the future", r.issued_on),
        );
    }
    let expires_on = r
        .expires_on
        .unwrap_or_else(|| certificate::default_expiry(r.issued_on));
    if expires_on <= r.issued_on {
        c.fail(field("expiresOn"), "must be after issuedOn");
    }
    let revoked_reason = c.optional(
        &field("revokedReason"),
        r.revoked_reason.as_deref(),
        limits::MEDIUM,
    );
    match (r.revoked_on, &revoked_reason) {
        (Some(on), Some(_)) => {
            if on < r.issued_on {
                c.fail(field("revokedOn"), "is before issuedOn");
            }
            if on > today {
                c.fail(field("revokedOn"), "is in the future");
            }
        }
        (Some(_), None) => c.fail(
            field("revokedReason"),
            "is required when revokedOn is given",
        ),
        (None, Some(_)) => c.fail(
            field("revokedOn"),
            "is required when revokedReason is given",
        ),
        (None, None) => {}
    }
    Some(ValidCert {
        stars: i32::from(stars?.get()),
        score,
        level: level?,
        issuing_body: issuing_body?,
        decision_number,
        certificate_number,
        issued_on: r.issued_on,
        expires_on,
        revoked_on: r.revoked_on,
        revoked_reason,
    })
}

pub(crate) fn product(
    r: &ProductRecord,
    reference: &ReferenceData,
    today: NaiveDate,
    c: &mut Checker<'_>,
) -> Option<ValidProduct> {
    let slug = c.check("slug", Slug::parse(&r.slug));
    let name = c.text("name", &r.name, limits::NAME);
    let category_code = if reference.is_leaf(&r.category_code) {
        Some(r.category_code.clone())
    } else if reference.category(&r.category_code).is_some() {
        c.fail(
            "categoryCode",
            format!("\"{}\" is a group, not a product set", r.category_code),
        );
        None
    } else {
        let shown: String = r.category_code.chars().take(40).collect();
        c.fail("categoryCode", format!("unknown category \"{shown}\""));
        None
    };
    let producer = c.check("producer", Slug::parse(&r.producer));
    let ward = c.ward("wardCode", &r.ward_code, reference);
    let description = c.optional("description", r.description.as_deref(), limits::LONG);
    let story = c.optional("story", r.story.as_deref(), limits::LONG);
    if r.images.len() > 20 {
        c.fail("images", "at most 20 images");
    }
    let images: Vec<String> = r
        .images
        .iter()
        .enumerate()
        .filter_map(|(i, u)| {
            c.check(
                &format!("images[{i}]"),
                WebUrl::parse(u).map(WebUrl::into_string),
            )
        })
        .collect();
    let packaging = c.optional("packaging", r.packaging.as_deref(), limits::MEDIUM);
    let unit = c.optional("unit", r.unit.as_deref(), limits::SHORT);
    let price_min = r
        .price_min_vnd
        .and_then(|p| c.check("priceMinVnd", Vnd::parse(p)));
    let price_max = r
        .price_max_vnd
        .and_then(|p| c.check("priceMaxVnd", Vnd::parse(p)));
    if let (Some(min), Some(max)) = (price_min, price_max)
        && min > max
    {
        c.fail("priceMaxVnd", "must not be below priceMinVnd");
    }
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
        description,
        story,
        images,
        packaging,
        unit,
        price_min_vnd: price_min.map(Vnd::get),
        price_max_vnd: price_max.map(Vnd::get),
        status: status?,
        created_at: r.created_at,
        updated_at: r.updated_at,
        certifications,
        summary,
    })
}

fn listing(r: &ListingRecord, at: &str, c: &mut Checker<'_>) -> Option<ValidListing> {
    let product = c.check(&format!("{at}.product"), Slug::parse(&r.product));
    let price = r
        .price_vnd
        .and_then(|p| c.check(&format!("{at}.priceVnd"), Vnd::parse(p)));
    if r.updated_at
        .is_some_and(|t| t > Utc::now() + chrono::Duration::minutes(5))
    {
        c.fail(format!("{at}.updatedAt"), "is in the future");
    }
    Some(ValidListing {
        product: product?.into_inner(),
        price_vnd: price.map(Vnd::get),
        in_stock: r.in_stock,
        updated_at: r.updated_at,
    })
}

pub(crate) fn outlet(
    r: &OutletRecord,
    reference: &ReferenceData,
    c: &mut Checker<'_>,
) -> Option<ValidOutlet> {
    let slug = c.check("slug", Slug::parse(&r.slug));
    let name = c.text("name", &r.name, limits::NAME);
    let kind = c.enumeration::<OutletKind>("kind", &r.kind);
    let ward = c.ward("wardCode", &r.ward_code, reference);
    let address = c.optional("address", r.address.as_deref(), limits::MEDIUM);
    let location = c.check(
        "location",
        GeoPoint::parse_in_vietnam(r.location.lat, r.location.lng),
    );
    let phone = r
        .phone
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| c.check("phone", Phone::parse(s).map(Phone::into_string)));
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
        address,
        location: location?,
        phone,
        opening_hours,
        operator,
        status: status?,
        created_at: r.created_at,
        updated_at: r.updated_at,
        listings,
    })
}
