//! What `verifyCertificate` answers, and the stamp data editors print.

use async_graphql::{Enum, Object, SimpleObject};
use ocop_entities::verification_code;

use super::{enums, scalars::Date};
use crate::services::verification::{self, Verified};

/// The verdict on a certificate, as a buyer reads it from the stamp's QR.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "verification::Verdict")]
pub enum VerificationVerdict {
    /// In force for more than 90 days.
    Valid,
    /// In force, expiring within 90 days.
    ExpiringSoon,
    /// Past its expiry date: the product is no longer certified by it.
    Expired,
    /// Revoked by the issuing body.
    Revoked,
    /// Within its dates, but a later certificate of the product replaced it.
    Superseded,
    /// Its issue date is in the future.
    NotYetValid,
    /// No certificate has this code or number.
    Unknown,
}

/// The answer to a verification: the verdict first, then the certificate unless it is unknown.
pub struct CertificateVerification(pub verification::Verification);

#[Object]
impl CertificateVerification {
    /// The verdict.
    async fn verdict(&self) -> VerificationVerdict {
        self.0.verdict.into()
    }

    /// The certificate, with its product; null when the verdict is UNKNOWN.
    async fn certificate(&self) -> Option<VerifiedCertificate<'_>> {
        self.0.certificate.as_ref().map(VerifiedCertificate)
    }
}

/// A verified certificate and what the buyer checks it against.
pub struct VerifiedCertificate<'a>(&'a Verified);

#[Object]
impl VerifiedCertificate<'_> {
    /// 3, 4 or 5 stars.
    async fn stars(&self) -> i32 {
        self.0.stars
    }

    /// Provincial or central recognition.
    async fn level(&self) -> enums::CertificationLevel {
        self.0.level.into()
    }

    /// The body that issued the decision.
    async fn issuing_body(&self) -> &str {
        &self.0.issuing_body
    }

    /// Decision number.
    async fn decision_number(&self) -> Option<&str> {
        self.0.decision_number.as_deref()
    }

    /// Certificate number.
    async fn certificate_number(&self) -> Option<&str> {
        self.0.certificate_number.as_deref()
    }

    /// First day of validity.
    async fn issued_on(&self) -> Date {
        Date(self.0.issued_on)
    }

    /// First day it is no longer valid.
    async fn expires_on(&self) -> Date {
        Date(self.0.expires_on)
    }

    /// Day it was revoked, if it was.
    async fn revoked_on(&self) -> Option<Date> {
        self.0.revoked_on.map(Date)
    }

    /// Why it was revoked.
    async fn revoked_reason(&self) -> Option<&str> {
        self.0.revoked_reason.as_deref()
    }

    /// The code on its stamp, grouped as printed (`XXXX-XXXX-XXXX-XXXX`).
    async fn code(&self) -> String {
        verification_code::grouped(&self.0.verification_code)
    }

    /// The certified product's name.
    async fn product_name(&self) -> &str {
        &self.0.product_name
    }

    /// The certified product's slug (its page in the catalogue).
    async fn product_slug(&self) -> &str {
        &self.0.product_slug
    }

    /// The product's first image, if any.
    async fn product_image(&self) -> Option<&str> {
        self.0.product_images.0.first().map(String::as_str)
    }

    /// The producer's name.
    async fn producer_name(&self) -> &str {
        &self.0.producer_name
    }

    /// The product's province.
    async fn province_name(&self) -> &str {
        &self.0.province_name
    }
}

/// What a certificate's stamp carries: for editors, who print it.
#[derive(SimpleObject)]
pub struct CertificateStamp {
    /// The verification code, grouped as printed (`XXXX-XXXX-XXXX-XXXX`).
    pub code: String,
    /// The verification page the QR points to (`…/v/{code}`).
    pub url: String,
}
