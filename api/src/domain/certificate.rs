//! Certificate validity: a function of today's date, never stored.
//!
//! A certificate is valid while `issued_on ≤ today < expires_on` and it is not revoked. A
//! product's *current* certificate is its latest unrevoked one (by issue date, then by id); the
//! product's status follows from it.

use chrono::{Months, NaiveDate};
use ocop_entities::product::CertState;

/// Certificates last 36 months unless the decision says otherwise.
pub const VALIDITY_MONTHS: u32 = 36;
/// A valid certificate "expires soon" when it has at most this many days left: the search
/// crate's rule, which its engines filter by, in the database's day arithmetic.
pub const EXPIRING_SOON_DAYS: i64 = ocop_search::query::EXPIRING_SOON_DAYS as i64;

/// The status of a product's certification, as shown to buyers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProductCertStatus {
    /// The current certificate is valid for more than 90 days.
    Valid,
    /// The current certificate is valid but expires within 90 days.
    ExpiringSoon,
    /// The current certificate has expired.
    Expired,
    /// Every certificate was revoked.
    Revoked,
    /// No certificate (or the current one is not yet in force).
    None,
}

/// The status of one certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertificateStatus {
    /// In force for more than 90 days.
    Valid,
    /// In force, expiring within 90 days.
    ExpiringSoon,
    /// Past its expiry date.
    Expired,
    /// Revoked.
    Revoked,
    /// Still within its dates, but a later certificate replaced it.
    Superseded,
    /// Its issue date is in the future.
    NotYetValid,
}

/// The expiry date when the decision gives none: `issued_on` + 36 months.
pub fn default_expiry(issued_on: NaiveDate) -> NaiveDate {
    issued_on
        .checked_add_months(Months::new(VALIDITY_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// Where `today` falls in the date range of an unrevoked certificate.
pub fn date_status(
    issued_on: NaiveDate,
    expires_on: NaiveDate,
    today: NaiveDate,
) -> CertificateStatus {
    if today < issued_on {
        CertificateStatus::NotYetValid
    } else if today >= expires_on {
        CertificateStatus::Expired
    } else if (expires_on - today).num_days() <= EXPIRING_SOON_DAYS {
        CertificateStatus::ExpiringSoon
    } else {
        CertificateStatus::Valid
    }
}

/// The facts about one certificate that decide which is current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertFacts {
    /// Its id (breaks ties between certificates issued the same day).
    pub id: i64,
    /// Stars.
    pub stars: i32,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Expiry date.
    pub expires_on: NaiveDate,
    /// Whether it was revoked.
    pub revoked: bool,
}

impl From<&ocop_entities::certification::Model> for CertFacts {
    fn from(c: &ocop_entities::certification::Model) -> Self {
        Self {
            id: c.id,
            stars: c.stars,
            issued_on: c.issued_on,
            expires_on: c.expires_on,
            revoked: c.revoked_on.is_some(),
        }
    }
}

/// The current certificate: the latest unrevoked one.
pub fn current(certs: impl IntoIterator<Item = CertFacts>) -> Option<CertFacts> {
    certs
        .into_iter()
        .filter(|c| !c.revoked)
        .max_by_key(|c| (c.issued_on, c.id))
}

/// The status of each certificate of one product's history.
pub fn certificate_status(
    cert: CertFacts,
    current_id: Option<i64>,
    today: NaiveDate,
) -> CertificateStatus {
    if cert.revoked {
        return CertificateStatus::Revoked;
    }
    match date_status(cert.issued_on, cert.expires_on, today) {
        CertificateStatus::Valid | CertificateStatus::ExpiringSoon
            if current_id != Some(cert.id) =>
        {
            CertificateStatus::Superseded
        }
        status => status,
    }
}

/// What a product row keeps about its certificates, so that lists can filter and sort without
/// reading them: maintained in the transaction that changes a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertSummary {
    /// None, all revoked, or has a current certificate.
    pub state: CertState,
    /// Stars of the current certificate.
    pub stars: Option<i32>,
    /// Its issue date.
    pub issued_on: Option<NaiveDate>,
    /// Its expiry date.
    pub expires_on: Option<NaiveDate>,
}

impl CertSummary {
    /// Summarises a product's whole history.
    pub fn of(certs: impl IntoIterator<Item = CertFacts>) -> Self {
        let certs: Vec<_> = certs.into_iter().collect();
        match current(certs.iter().copied()) {
            Some(c) => Self {
                state: CertState::Current,
                stars: Some(c.stars),
                issued_on: Some(c.issued_on),
                expires_on: Some(c.expires_on),
            },
            None => Self {
                state: if certs.is_empty() {
                    CertState::None
                } else {
                    CertState::Revoked
                },
                stars: None,
                issued_on: None,
                expires_on: None,
            },
        }
    }

    /// The product's status today.
    pub fn status(&self, today: NaiveDate) -> ProductCertStatus {
        match (self.state, self.issued_on, self.expires_on) {
            (CertState::None, ..) => ProductCertStatus::None,
            (CertState::Revoked, ..) => ProductCertStatus::Revoked,
            (CertState::Current, Some(issued), Some(expires)) => {
                match date_status(issued, expires, today) {
                    CertificateStatus::Valid => ProductCertStatus::Valid,
                    CertificateStatus::ExpiringSoon => ProductCertStatus::ExpiringSoon,
                    CertificateStatus::Expired => ProductCertStatus::Expired,
                    _ => ProductCertStatus::None,
                }
            }
            (CertState::Current, ..) => ProductCertStatus::None,
        }
    }

    /// Stars shown to buyers: those of a currently valid certificate, otherwise none.
    pub fn valid_stars(&self, today: NaiveDate) -> Option<i32> {
        matches!(
            self.status(today),
            ProductCertStatus::Valid | ProductCertStatus::ExpiringSoon
        )
        .then_some(self.stars)
        .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cert(id: i64, stars: i32, issued: &str, revoked: bool) -> CertFacts {
        let issued_on = d(issued);
        CertFacts {
            id,
            stars,
            issued_on,
            expires_on: default_expiry(issued_on),
            revoked,
        }
    }

    #[test]
    fn certificates_last_36_months_by_default() {
        assert_eq!(default_expiry(d("2023-11-22")), d("2026-11-22"));
        assert_eq!(default_expiry(d("2024-02-29")), d("2027-02-28"));
    }

    #[test]
    fn status_boundaries_follow_the_calendar() {
        let issued = d("2024-01-10");
        let expires = d("2027-01-10");
        let cases = [
            ("2024-01-09", CertificateStatus::NotYetValid),
            ("2024-01-10", CertificateStatus::Valid),
            ("2026-10-11", CertificateStatus::Valid),
            ("2026-10-12", CertificateStatus::ExpiringSoon), // 90 days left
            ("2027-01-09", CertificateStatus::ExpiringSoon),
            ("2027-01-10", CertificateStatus::Expired), // the expiry day itself
            ("2030-01-01", CertificateStatus::Expired),
        ];
        for (today, expected) in cases {
            assert_eq!(
                date_status(issued, expires, d(today)),
                expected,
                "on {today}"
            );
        }
    }

    #[test]
    fn the_current_certificate_is_the_latest_unrevoked_one() {
        let history = [
            cert(1, 4, "2019-05-01", false),
            cert(2, 4, "2022-05-01", false),
            cert(3, 5, "2025-01-16", true),
        ];
        assert_eq!(current(history).map(|c| c.id), Some(2));
        let same_day = [
            cert(7, 3, "2024-01-01", false),
            cert(8, 4, "2024-01-01", false),
        ];
        assert_eq!(current(same_day).map(|c| c.id), Some(8));
    }

    #[test]
    fn a_product_status_is_none_revoked_or_that_of_its_current_certificate() {
        let today = d("2026-11-22");
        assert_eq!(CertSummary::of([]).status(today), ProductCertStatus::None);
        let revoked = CertSummary::of([cert(1, 4, "2025-01-01", true)]);
        assert_eq!(revoked.state, CertState::Revoked);
        assert_eq!(revoked.status(today), ProductCertStatus::Revoked);
        assert_eq!(revoked.valid_stars(today), None);
        let expired = CertSummary::of([cert(1, 5, "2020-01-01", false)]);
        assert_eq!(expired.status(today), ProductCertStatus::Expired);
        assert_eq!(expired.valid_stars(today), None);
        let valid = CertSummary::of([
            cert(1, 3, "2020-01-01", false),
            cert(2, 4, "2025-06-01", false),
        ]);
        assert_eq!(valid.status(today), ProductCertStatus::Valid);
        assert_eq!(valid.valid_stars(today), Some(4));
    }

    #[test]
    fn older_certificates_within_their_dates_are_superseded() {
        let today = d("2026-11-22");
        let older = cert(1, 4, "2024-06-01", false);
        let newer = cert(2, 5, "2025-06-01", false);
        let current_id = current([older, newer]).map(|c| c.id);
        assert_eq!(
            certificate_status(older, current_id, today),
            CertificateStatus::Superseded
        );
        assert_eq!(
            certificate_status(newer, current_id, today),
            CertificateStatus::Valid
        );
        let expired = cert(0, 4, "2019-01-01", false);
        assert_eq!(
            certificate_status(expired, current_id, today),
            CertificateStatus::Expired
        );
    }
}
