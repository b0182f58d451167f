//! Certificates.

use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use ocop_entities::{api_key::Role, certification};

use super::{
    enums,
    scalars::{Date, DateTimeUtc},
};
use crate::{
    domain::certificate::{self, CertFacts},
    error::AppError,
    graphql::{caller, shared, types::verification::CertificateStamp},
};

/// An OCOP certificate: the recognition decision for a product's star rating.
pub struct Certification {
    /// The row.
    pub model: certification::Model,
    /// Whether it is the product's current certificate.
    pub is_current: bool,
    status: certificate::CertificateStatus,
}

impl Certification {
    /// Builds the certificates of one product's history, newest first, each with its status.
    pub fn history(mut rows: Vec<certification::Model>, today: NaiveDate) -> Vec<Self> {
        rows.sort_by_key(|c| std::cmp::Reverse((c.issued_on, c.id)));
        let current_id = certificate::current(rows.iter().map(CertFacts::from)).map(|c| c.id);
        rows.into_iter()
            .map(|model| {
                let status =
                    certificate::certificate_status(CertFacts::from(&model), current_id, today);
                Self {
                    is_current: current_id == Some(model.id),
                    status,
                    model,
                }
            })
            .collect()
    }
}

#[Object]
impl Certification {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }

    /// 3, 4 or 5 stars.
    async fn stars(&self) -> i32 {
        self.model.stars
    }

    /// Council score out of 100, inside the star's band (3★ 50–69, 4★ 70–89, 5★ 90–100).
    async fn score(&self) -> Option<i32> {
        self.model.score
    }

    /// Provincial or central recognition.
    async fn level(&self) -> enums::CertificationLevel {
        self.model.level.into()
    }

    /// The body that issued the decision, e.g. "UBND tỉnh Quảng Ninh".
    async fn issuing_body(&self) -> &str {
        &self.model.issuing_body
    }

    /// Decision number, e.g. "2361/QĐ-BNNMT".
    async fn decision_number(&self) -> Option<&str> {
        self.model.decision_number.as_deref()
    }

    /// Certificate number.
    async fn certificate_number(&self) -> Option<&str> {
        self.model.certificate_number.as_deref()
    }

    /// First day of validity.
    async fn issued_on(&self) -> Date {
        Date(self.model.issued_on)
    }

    /// First day the certificate is no longer valid (36 months after issue unless the decision
    /// says otherwise).
    async fn expires_on(&self) -> Date {
        Date(self.model.expires_on)
    }

    /// Status today.
    async fn status(&self) -> enums::CertificateStatus {
        self.status.into()
    }

    /// Day it was revoked, if it was.
    async fn revoked_on(&self) -> Option<Date> {
        self.model.revoked_on.map(Date)
    }

    /// Why it was revoked.
    async fn revoked_reason(&self) -> Option<&str> {
        self.model.revoked_reason.as_deref()
    }

    /// What its QR stamp carries: the verification code and page. For EDITOR and ADMIN keys,
    /// who print stamps.
    async fn stamp(&self, ctx: &Context<'_>) -> Result<CertificateStamp> {
        let key = caller(ctx)?.key()?;
        if !matches!(key.role, Role::Admin | Role::Editor) {
            return Err(AppError::Forbidden("stamps are for EDITOR and ADMIN keys".into()).into());
        }
        let code = &self.model.verification_code;
        Ok(CertificateStamp {
            code: ocop_entities::verification_code::grouped(code),
            url: shared(ctx).settings.verification_url(code),
        })
    }

    /// When the record last changed.
    async fn updated_at(&self) -> DateTimeUtc {
        DateTimeUtc(self.model.updated_at)
    }
}
