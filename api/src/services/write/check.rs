//! The one place for each rule of a record's fields: checks that collect every problem with the
//! path of its field, used by the mutations (paths under `input.`) and by the importer (paths
//! inside a record, reported with its line).

use chrono::NaiveDate;
use sea_orm::{ActiveEnum, ActiveValue};

use crate::{
    domain::{BoundedText, Images, PriceRange, Score, Stars, Vnd},
    error::{AppError, AppResult, FieldError},
    reference::ReferenceData,
};

/// Collects the problems of one input.
pub struct Check<'r> {
    prefix: &'static str,
    reference: &'r ReferenceData,
    errors: Vec<FieldError>,
}

impl<'r> Check<'r> {
    /// Checks a mutation's `input` argument.
    pub fn input(reference: &'r ReferenceData) -> Self {
        Self::under("input.", reference)
    }

    /// Checks fields whose paths start with `prefix` (empty for an import record).
    pub fn under(prefix: &'static str, reference: &'r ReferenceData) -> Self {
        Self {
            prefix,
            reference,
            errors: Vec::new(),
        }
    }

    /// Records a problem with `field` (the first one found for a field is kept: a value that
    /// did not parse is not also reported missing).
    pub fn fail(&mut self, field: impl AsRef<str>, message: impl Into<String>) {
        let field = format!("{}{}", self.prefix, field.as_ref());
        if self.errors.iter().all(|e| e.field != field) {
            self.errors.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    /// Keeps the value of a successful parse, records the reason of a failed one.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        result.map_err(|reason| self.fail(field, reason)).ok()
    }

    /// Whether any problem was recorded.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Takes the problems found so far, in the order found.
    pub fn take_errors(&mut self) -> Vec<FieldError> {
        std::mem::take(&mut self.errors)
    }

    /// Ends a mutation's check: every problem found, or none.
    pub fn finish(self) -> AppResult<()> {
        let mut errors = self.errors;
        match errors.len() {
            0 => Ok(()),
            1 => {
                let e = errors.remove(0);
                Err(AppError::bad_input(e.field, e.message))
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }

    /// A value the input must give.
    pub fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.fail(field, "is required");
        }
        value
    }

    /// Ends a mutation's check with the values it gathered: every problem found, or `value`
    /// (which a check without problems has in full).
    pub fn finish_with<T>(self, value: Option<T>) -> AppResult<T> {
        self.finish()?;
        value.ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("a check passed without its checked values"))
        })
    }

    /// Required text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        self.check(field, BoundedText::parse(value, max))
            .map(BoundedText::into_inner)
    }

    /// Optional text of at most `max` characters; blank is none. `None` when it is too long.
    pub fn optional(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<Option<String>> {
        self.check(field, BoundedText::parse_optional(value, max))
            .map(|v| v.map(BoundedText::into_inner))
    }

    /// Sets an optional text column from an update's value: `None` leaves it, blank clears it,
    /// a text of over `max` characters is a problem and leaves it.
    pub fn set_optional(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
        column: &mut ActiveValue<Option<String>>,
    ) {
        if let Some(v) = value.and_then(|v| self.optional(field, Some(v), max)) {
            *column = ActiveValue::Set(v);
        }
    }

    /// An optional value that `parse` checks (a phone number, an email address, a tax code);
    /// blank is none. `None` when it does not parse.
    pub fn parsed<T>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match value.filter(|s| !s.trim().is_empty()) {
            None => Some(None),
            Some(s) => self.check(field, parse(s)).map(Some),
        }
    }

    /// One of the values of a database enumeration, spelled as stored.
    pub fn enumeration<E>(&mut self, field: &str, value: &str) -> Option<E>
    where
        E: ActiveEnum<Value = String> + sea_orm::Iterable,
    {
        if let Ok(v) = E::try_from_value(&value.to_owned()) {
            return Some(v);
        }
        let allowed: Vec<String> = E::iter().map(|v| v.to_value()).collect();
        self.fail(
            field,
            format!("\"{}\" is not one of {}", shown(value), allowed.join(", ")),
        );
        None
    }

    /// A current ward, and its province; with `province`, the ward must be in it.
    pub fn ward(
        &mut self,
        field: &str,
        code: &str,
        province: Option<&str>,
    ) -> Option<(String, String)> {
        let Some(w) = self.reference.ward(code) else {
            self.fail(
                field,
                format!(
                    "unknown ward code \"{}\" (use a current, post-2025 code)",
                    shown(code)
                ),
            );
            return None;
        };
        if let Some(p) = province
            && p != w.province_code
        {
            self.fail(
                field,
                format!(
                    "ward {} ({}) is in province {}, not {p}",
                    w.code, w.full_name, w.province_code
                ),
            );
            return None;
        }
        Some((w.code.clone(), w.province_code.clone()))
    }

    /// A product set: a leaf of the product taxonomy.
    pub fn category(&mut self, field: &str, code: &str) -> Option<String> {
        if self.reference.is_leaf(code) {
            return Some(code.to_owned());
        }
        let reason = if self.reference.category(code).is_some() {
            format!("\"{code}\" is a group, not a product set; choose one of its product sets")
        } else {
            format!("unknown category \"{}\"", shown(code))
        };
        self.fail(field, reason);
        None
    }

    /// A product's images, each problem on its link (`images[2]`).
    pub fn images(&mut self, field: &str, urls: &[String]) -> Option<Images> {
        Images::parse(urls)
            .map_err(|problems| {
                for (index, reason) in problems {
                    match index {
                        Some(i) => self.fail(format!("{field}[{i}]"), reason),
                        None => self.fail(field, reason),
                    }
                }
            })
            .ok()
    }

    /// A price in đồng.
    pub fn price(&mut self, field: &str, value: Option<i64>) -> Option<Option<Vnd>> {
        match value {
            None => Some(None),
            Some(p) => self.check(field, Vnd::parse(p)).map(Some),
        }
    }

    /// A price range (`priceMinVnd`, `priceMaxVnd`) whose lowest price is not above its
    /// highest.
    pub fn price_range(&mut self, min: Option<Vnd>, max: Option<Vnd>) -> Option<PriceRange> {
        self.check("priceMaxVnd", PriceRange::new(min, max))
    }

    /// A certificate's stars and council score, which must fall in the stars' band; `at` is the
    /// path of the certificate (`certifications[0].`, or empty).
    pub fn stars_and_score(
        &mut self,
        at: &str,
        stars: i64,
        score: Option<i64>,
    ) -> Option<(Stars, Option<Score>)> {
        let stars = self.check(&format!("{at}stars"), Stars::parse(stars))?;
        match score {
            None => Some((stars, None)),
            Some(score) => self
                .check(&format!("{at}score"), Score::parse(score, stars))
                .map(|score| (stars, Some(score))),
        }
    }

    /// A certificate's validity: issued by `today`, expiring after its issue.
    pub fn validity(
        &mut self,
        at: &str,
        issued_on: NaiveDate,
        expires_on: NaiveDate,
        today: NaiveDate,
    ) {
        if issued_on > today {
            self.fail(
                format!("{at}issuedOn"),
                format!("{issued_on} is in the future"),
            );
        }
        if expires_on <= issued_on {
            self.fail(format!("{at}expiresOn"), "must be after issuedOn");
        }
    }
}

/// The start of a value echoed in a message.
fn shown(value: &str) -> String {
    value.chars().take(40).collect()
}
