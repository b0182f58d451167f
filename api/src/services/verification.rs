//! Certificate verification: what a buyer holding a stamped product learns from the QR's page
//! (`/v/{code}`) or from `verifyCertificate`.
//!
//! A lookup is one SQL statement whether the code is known or not, so an unknown code answers
//! in the same time and the same shape as a known one, without the data. A certificate of a
//! product that was never published (a draft) is not disclosed: it reads as unknown.

use chrono::NaiveDate;
use ocop_entities::{
    StringList, certification::CertificationLevel, product::ProductStatus, verification_code,
};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, FromQueryResult, Statement, prelude::Date};

use crate::domain::certificate::{self, CertFacts, CertificateStatus};

/// How the certificate is looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// By the code on its QR stamp (any case, dashes allowed).
    Code(String),
    /// By its printed certificate number (older stamps carry only that).
    Number(String),
}

/// What the buyer is told first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// In force for more than 90 days.
    Valid,
    /// In force, expiring within 90 days.
    ExpiringSoon,
    /// Past its expiry date.
    Expired,
    /// Revoked.
    Revoked,
    /// Within its dates, but a later certificate of the product replaced it.
    Superseded,
    /// Its issue date is in the future.
    NotYetValid,
    /// No certificate has this code or number.
    Unknown,
}

impl From<CertificateStatus> for Verdict {
    fn from(s: CertificateStatus) -> Self {
        match s {
            CertificateStatus::Valid => Self::Valid,
            CertificateStatus::ExpiringSoon => Self::ExpiringSoon,
            CertificateStatus::Expired => Self::Expired,
            CertificateStatus::Revoked => Self::Revoked,
            CertificateStatus::Superseded => Self::Superseded,
            CertificateStatus::NotYetValid => Self::NotYetValid,
        }
    }
}

/// A found certificate with what the page shows beside it.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct Verified {
    /// Certificate id.
    pub id: i64,
    /// The certified product's id.
    pub product_id: i64,
    /// 3, 4 or 5.
    pub stars: i32,
    /// Provincial or central recognition.
    pub level: CertificationLevel,
    /// The body that issued the decision.
    pub issuing_body: String,
    /// Decision number.
    pub decision_number: Option<String>,
    /// Certificate number.
    pub certificate_number: Option<String>,
    /// First day of validity.
    pub issued_on: Date,
    /// First day it is no longer valid.
    pub expires_on: Date,
    /// Day it was revoked.
    pub revoked_on: Option<Date>,
    /// Why it was revoked.
    pub revoked_reason: Option<String>,
    /// The code on its stamp.
    pub verification_code: String,
    /// The product's name.
    pub product_name: String,
    /// The product's slug.
    pub product_slug: String,
    /// The product's images.
    pub product_images: StringList,
    /// Whether the product is public.
    pub product_status: ProductStatus,
    /// The producer's name.
    pub producer_name: String,
    /// The product's province.
    pub province_name: String,
    /// The product's current certificate (its latest unrevoked one), if any.
    pub current_id: Option<i64>,
}

/// The answer to a lookup.
#[derive(Clone, Debug, PartialEq)]
pub struct Verification {
    /// The verdict.
    pub verdict: Verdict,
    /// The certificate, unless the verdict is `Unknown`.
    pub certificate: Option<Verified>,
}

impl Verification {
    fn unknown() -> Self {
        Self {
            verdict: Verdict::Unknown,
            certificate: None,
        }
    }
}

/// The one statement of a lookup; `{where}` selects the certificate, `{p}` is the placeholder.
const SQL: &str = "SELECT c.id, c.product_id, c.stars, c.level, c.issuing_body, \
    c.decision_number, c.certificate_number, c.issued_on, c.expires_on, c.revoked_on, \
    c.revoked_reason, c.verification_code, p.name AS product_name, p.slug AS product_slug, \
    p.images AS product_images, p.status AS product_status, pr.name AS producer_name, \
    pv.name AS province_name, \
    (SELECT c2.id FROM certifications c2 WHERE c2.product_id = c.product_id \
       AND c2.revoked_on IS NULL ORDER BY c2.issued_on DESC, c2.id DESC LIMIT 1) AS current_id \
    FROM certifications c \
    JOIN products p ON p.id = c.product_id \
    JOIN producers pr ON pr.id = p.producer_id \
    JOIN provinces pv ON pv.code = p.province_code \
    WHERE {where} ORDER BY c.issued_on DESC, c.id DESC LIMIT 1";

/// Looks a certificate up and judges it on `today`.
#[tracing::instrument(skip(db))]
pub async fn verify<C: ConnectionTrait>(
    db: &C,
    lookup: &Lookup,
    today: NaiveDate,
) -> Result<Verification, DbErr> {
    let (condition, value) = match lookup {
        // What cannot be a code is still looked up (as no code), so that it takes as long.
        Lookup::Code(code) => (
            "c.verification_code = {p}",
            verification_code::normalize(code).unwrap_or_default(),
        ),
        Lookup::Number(number) => ("c.certificate_number = {p}", number.trim().to_owned()),
    };
    let backend = db.get_database_backend();
    let placeholder = if backend == DatabaseBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let sql = SQL.replace("{where}", &condition.replace("{p}", placeholder));
    let found =
        Verified::find_by_statement(Statement::from_sql_and_values(backend, sql, [value.into()]))
            .one(db)
            .await?;
    let Some(cert) = found.filter(|c| c.product_status != ProductStatus::Draft) else {
        return Ok(Verification::unknown());
    };
    let facts = CertFacts {
        id: cert.id,
        stars: cert.stars,
        issued_on: cert.issued_on,
        expires_on: cert.expires_on,
        revoked: cert.revoked_on.is_some(),
    };
    Ok(Verification {
        verdict: certificate::certificate_status(facts, cert.current_id, today).into(),
        certificate: Some(cert),
    })
}
