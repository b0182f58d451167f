//! Checking one record of a file, field by field, collecting every problem.

use std::{
    fmt,
    ops::{Deref, DerefMut},
};

use chrono::{DateTime, Utc};
use ocop_entities::producer::ProducerKind;

use super::records::ProducerRecord;
use crate::{
    domain::{Email, Phone, Slug, TaxCode, text::limits},
    reference::ReferenceData,
    services::write::check::Check,
};

mod outlet;
mod product;

pub(crate) use outlet::{ValidOutlet, outlet};
pub(crate) use product::{ValidProduct, product};

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

/// Checks a producer record.
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

pub(super) fn timestamps(
    created: Option<DateTime<Utc>>,
    updated: Option<DateTime<Utc>>,
    c: &mut Check<'_>,
) {
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
