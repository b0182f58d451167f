//! Reading an interchange file: every line checked, every problem kept with its line.

use std::{collections::HashSet, io::BufRead};

use serde::de::DeserializeOwned;

use super::{Existing, ImportError, Parsed, Progress, bar};
use crate::interchange::{
    records::{
        FORMAT_NAME, FORMAT_VERSION, HeaderRecord, OutletRecord, ProducerRecord, ProductRecord,
    },
    validate::{self, Checker, RecordError},
};
use crate::{clock, reference::ReferenceData, services::write::check::Check};

/// Reads and checks every line; references must point to an earlier record or to the database.
pub(super) fn parse(
    input: impl BufRead,
    reference: &ReferenceData,
    existing: &Existing,
    progress: Progress,
) -> Result<Parsed, ImportError> {
    let today = clock::today();
    let mut errors = Vec::new();
    let mut parsed = Parsed {
        producers: Vec::new(),
        products: Vec::new(),
        outlets: Vec::new(),
    };
    let mut producers_in_file = HashSet::new();
    let mut products_in_file = HashSet::new();
    let mut outlets_in_file = HashSet::new();
    let spinner = bar(progress, 0, "reading");
    for (index, line) in input.lines().enumerate() {
        let line_no = index + 1;
        spinner.inc(1);
        let text = match line {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                errors.push(RecordError {
                    line: line_no,
                    field: "-".into(),
                    reason: "is not valid UTF-8".into(),
                });
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(trimmed) {
            Ok(v) => v,
            Err(e) => {
                errors.push(RecordError {
                    line: line_no,
                    field: "-".into(),
                    reason: format!("not JSON: {e}"),
                });
                continue;
            }
        };
        let kind = value
            .get("type")
            .and_then(|t| t.as_str())
            .map(str::to_owned);
        let mut c = Checker::new(line_no, &mut errors, reference);
        match kind.as_deref() {
            Some("header") => {
                if let Some(h) = typed::<HeaderRecord>(value, &mut c) {
                    if h.format != FORMAT_NAME {
                        c.fail("format", format!("must be \"{FORMAT_NAME}\""));
                    }
                    if h.version != FORMAT_VERSION {
                        c.fail(
                            "version",
                            format!(
                                "version {} is not supported (this build reads {FORMAT_VERSION})",
                                h.version
                            ),
                        );
                    }
                }
            }
            Some("producer") => {
                let Some(r) = typed::<ProducerRecord>(value, &mut c) else {
                    continue;
                };
                if !producers_in_file.insert(r.slug.clone()) {
                    c.fail(
                        "slug",
                        format!("producer \"{}\" appears twice in the file", r.slug),
                    );
                }
                if let Some(p) = validate::producer(&r, &mut c) {
                    parsed.producers.push(p);
                }
            }
            Some("product") => {
                let Some(r) = typed::<ProductRecord>(value, &mut c) else {
                    continue;
                };
                if !products_in_file.insert(r.slug.clone()) {
                    c.fail(
                        "slug",
                        format!("product \"{}\" appears twice in the file", r.slug),
                    );
                }
                if !producers_in_file.contains(&r.producer)
                    && !existing.producers.contains_key(&r.producer)
                {
                    c.fail(
                        "producer",
                        format!(
                            "no producer \"{}\" earlier in the file or in the database",
                            r.producer
                        ),
                    );
                }
                if let Some(p) = validate::product(&r, today, &mut c) {
                    parsed.products.push(p);
                }
            }
            Some("outlet") => {
                let Some(r) = typed::<OutletRecord>(value, &mut c) else {
                    continue;
                };
                if !outlets_in_file.insert(r.slug.clone()) {
                    c.fail(
                        "slug",
                        format!("outlet \"{}\" appears twice in the file", r.slug),
                    );
                }
                for (i, l) in r.listings.iter().enumerate() {
                    if !products_in_file.contains(&l.product)
                        && !existing.products.contains_key(&l.product)
                    {
                        c.fail(
                            format!("listings[{i}].product"),
                            format!(
                                "no product \"{}\" earlier in the file or in the database",
                                l.product
                            ),
                        );
                    }
                }
                if let Some(o) = validate::outlet(&r, &mut c) {
                    parsed.outlets.push(o);
                }
            }
            Some(other) => {
                let shown: String = other.chars().take(40).collect();
                c.fail("type", format!("unknown record type \"{shown}\" (expected header, producer, product or outlet)"));
            }
            None => c.fail("type", "is missing"),
        }
    }
    spinner.finish_and_clear();
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(ImportError::Invalid(errors))
    }
}

/// Deserialises a record, reporting the path of the first offending field.
fn typed<T: DeserializeOwned>(value: serde_json::Value, c: &mut Check<'_>) -> Option<T> {
    let mut value = value;
    if let Some(map) = value.as_object_mut() {
        map.remove("type");
    }
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => Some(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            // serde names unknown and missing fields in its message; point at them.
            let field =
                field_in_message(&inner).unwrap_or(if path == "." { "-".to_owned() } else { path });
            c.fail(field, inner);
            None
        }
    }
}

fn field_in_message(message: &str) -> Option<String> {
    for prefix in ["unknown field `", "missing field `"] {
        if let Some(rest) = message.split(prefix).nth(1) {
            return rest.split('`').next().map(str::to_owned);
        }
    }
    None
}
