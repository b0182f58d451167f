//! Checking one record of a file, field by field, collecting every problem.

use std::{
    fmt,
    ops::{Deref, DerefMut},
};

mod outlet;
mod product;

use chrono::{DateTime, Utc};
use ocop_entities::producer::{self, ProducerKind};
use sea_orm::ActiveValue::Set;

use super::records::ProducerRecord;
use crate::{
    clock,
    domain::Slug,
    reference::ReferenceData,
    services::write::{
        check::Check,
        producers::{NewProducer, ProducerFields},
    },
};

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

/// A checked producer record: its key, its row, and the creation time it gave.
pub(crate) struct ValidProducer {
    pub slug: String,
    pub row: producer::ActiveModel,
    pub created_at: Option<DateTime<Utc>>,
}

/// Checks a producer record, with the checks of a new producer ([`NewProducer::check`]).
pub(crate) fn producer(r: &ProducerRecord, c: &mut Check<'_>) -> Option<ValidProducer> {
    let slug = c.check("slug", Slug::parse(&r.slug));
    let kind = c.enumeration::<ProducerKind>("kind", &r.kind);
    timestamps(r.created_at, r.updated_at, c);
    let fields = ProducerFields {
        name: Some(r.name.clone()),
        slug: None,
        kind,
        ward_code: Some(r.ward_code.clone()),
        province_code: None,
        address: r.address.clone(),
        representative: r.representative.clone(),
        phone: r.phone.clone(),
        email: r.email.clone(),
        tax_code: r.tax_code.clone(),
    };
    let now = clock::now();
    let NewProducer(mut row) = NewProducer::check(c, &fields, now);
    if c.failed() {
        return None;
    }
    let slug = slug?.into_inner();
    row.slug = Set(slug.clone());
    row.created_at = Set(r.created_at.unwrap_or(now));
    row.updated_at = Set(r.updated_at.unwrap_or(now));
    Some(ValidProducer {
        slug,
        row,
        created_at: r.created_at,
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
