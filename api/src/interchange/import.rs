//! `ocop import`: reads a whole file, reports every bad record, and writes only a file without
//! errors, in one transaction (with a change-log entry for every record it writes).

use std::{
    collections::{HashMap, HashSet},
    fmt,
    io::BufRead,
};

use indicatif::{ProgressBar, ProgressStyle};
use ocop_entities::{
    StringList, certification,
    ext::change_log::{Change, ChangeKind, ChangeOp},
    listing, outlet, producer, product, verification_code,
};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use serde::de::DeserializeOwned;
use tracing::instrument;

use super::{
    records::{
        FORMAT_NAME, FORMAT_VERSION, HeaderRecord, OutletRecord, ProducerRecord, ProductRecord,
    },
    validate::{self, Checker, RecordError, ValidOutlet, ValidProducer, ValidProduct},
};
use crate::{
    clock,
    error::AppError,
    reference::ReferenceData,
    services::{
        audit,
        write::{UnitOfWork, check::Check},
    },
};

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has bad records; nothing was written.
    #[error("{} invalid record(s); nothing was imported", .0.len())]
    Invalid(Vec<RecordError>),
    /// The file could not be read.
    #[error("cannot read the file")]
    Io(#[from] std::io::Error),
    /// The write failed; its transaction was rolled back.
    #[error("the write failed; nothing was imported")]
    Write(#[from] AppError),
}

impl From<DbErr> for ImportError {
    fn from(err: DbErr) -> Self {
        Self::Write(err.into())
    }
}

/// What an import wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Producers created.
    pub producers_created: usize,
    /// Producers updated.
    pub producers_updated: usize,
    /// Products created.
    pub products_created: usize,
    /// Products updated.
    pub products_updated: usize,
    /// Certificates written.
    pub certifications: usize,
    /// Outlets created.
    pub outlets_created: usize,
    /// Outlets updated.
    pub outlets_updated: usize,
    /// Listings written.
    pub listings: usize,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "producers: {} created, {} updated; products: {} created, {} updated ({} certificates); outlets: {} created, {} updated ({} listings)",
            self.producers_created,
            self.producers_updated,
            self.products_created,
            self.products_updated,
            self.certifications,
            self.outlets_created,
            self.outlets_updated,
            self.listings
        )
    }
}

/// Where an import reports its progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Draw a progress bar on stderr when it is a terminal.
    Terminal,
    /// Stay quiet.
    Hidden,
}

struct Parsed {
    producers: Vec<ValidProducer>,
    products: Vec<ValidProduct>,
    outlets: Vec<ValidOutlet>,
}

/// Slug → id of what the database already holds.
struct Existing {
    producers: HashMap<String, i64>,
    products: HashMap<String, i64>,
    outlets: HashMap<String, i64>,
}

/// Imports a file. On any invalid record nothing is written and every problem is returned.
/// `actor` names who imported in the audit trail (`cli:import`, `demo`).
#[instrument(skip_all)]
pub async fn import(
    db: &DatabaseConnection,
    reference: &ReferenceData,
    input: impl BufRead,
    progress: Progress,
    actor: &str,
) -> Result<ImportReport, ImportError> {
    let existing = Existing {
        producers: slugs::<producer::Entity, _, _>(
            db,
            producer::Column::Slug,
            producer::Column::Id,
        )
        .await?,
        products: slugs::<product::Entity, _, _>(db, product::Column::Slug, product::Column::Id)
            .await?,
        outlets: slugs::<outlet::Entity, _, _>(db, outlet::Column::Slug, outlet::Column::Id)
            .await?,
    };
    let parsed = parse(input, reference, &existing, progress)?;
    let bar = bar(
        progress,
        (parsed.producers.len() + parsed.products.len() + parsed.outlets.len()) as u64,
        "writing",
    );
    if parsed.producers.is_empty() && parsed.products.is_empty() && parsed.outlets.is_empty() {
        return Ok(ImportReport::default());
    }
    let mut work = UnitOfWork::begin_as(db, actor).await?;
    let (report, changes) = write(work.txn(), parsed, &existing, &bar).await?;
    work.audit(audit::Entry {
        entity_type: audit::Subject::Catalogue,
        entity_id: 0,
        operation: audit::Operation::Import,
        province: None,
        before: None,
        after: Some(serde_json::json!({ "report": report.to_string() })),
    })
    .await?;
    work.audit_many(changes.iter().map(record_entry).collect())
        .await?;
    work.commit(&changes).await?;
    bar.finish_and_clear();
    tracing::info!(%report, "import committed");
    if let Err(e) = crate::db::analyze(db, crate::db::CATALOGUE_TABLES).await {
        // The import is committed; only the planner's statistics lag until autovacuum runs.
        tracing::warn!(error = %e, "ANALYZE after the import failed");
    }
    Ok(report)
}

/// The audit entry of one imported record: filed under the record (a listing under its
/// product), saying what the import did to it.
fn record_entry(change: &Change) -> audit::Entry<'static> {
    let op = change.op.as_str();
    let subject = match change.kind {
        ChangeKind::Product => audit::Subject::Product,
        ChangeKind::Producer => audit::Subject::Producer,
        ChangeKind::Certification => audit::Subject::Certification,
        ChangeKind::Outlet => audit::Subject::Outlet,
        ChangeKind::Listing => {
            let product = change.related_id.unwrap_or(change.id);
            let after = serde_json::json!({ "import": op, "outletId": change.id });
            return entry(audit::Subject::Listing, product, after);
        }
    };
    entry(subject, change.id, serde_json::json!({ "import": op }))
}

/// An `IMPORT` entry filed under record `id` of `subject`.
fn entry(subject: audit::Subject, id: i64, after: serde_json::Value) -> audit::Entry<'static> {
    audit::Entry {
        entity_type: subject,
        entity_id: id,
        operation: audit::Operation::Import,
        province: None,
        before: None,
        after: Some(after),
    }
}

fn bar(progress: Progress, len: u64, what: &'static str) -> ProgressBar {
    match progress {
        Progress::Hidden => ProgressBar::hidden(),
        Progress::Terminal => {
            let bar = ProgressBar::new(len);
            bar.set_style(
                ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.set_message(what);
            bar
        }
    }
}

async fn slugs<E, S, I>(
    db: &DatabaseConnection,
    slug: S,
    id: I,
) -> Result<HashMap<String, i64>, DbErr>
where
    E: EntityTrait,
    S: ColumnTrait,
    I: ColumnTrait,
{
    let rows: Vec<(String, i64)> = E::find()
        .select_only()
        .column(slug)
        .column(id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Reads and checks every line; references must point to an earlier record or to the database.
fn parse(
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

async fn write<C: ConnectionTrait>(
    txn: &C,
    parsed: Parsed,
    existing: &Existing,
    bar: &ProgressBar,
) -> Result<(ImportReport, Vec<Change>), DbErr> {
    let now = clock::now();
    let mut report = ImportReport::default();
    let mut changes = Vec::new();
    let mut updated_producers = Vec::new();

    // Producers.
    let mut producer_ids = existing.producers.clone();
    let mut new_producers = Vec::new();
    for p in parsed.producers {
        let id = existing.producers.get(&p.slug).copied();
        let mut model = producer::ActiveModel {
            id: id.map_or(NotSet, Set),
            slug: Set(p.slug),
            name: Set(p.name),
            kind: Set(p.kind),
            ward_code: Set(p.ward_code),
            province_code: Set(p.province_code),
            address: Set(p.address),
            representative: Set(p.representative),
            phone: Set(p.phone),
            email: Set(p.email),
            tax_code: Set(p.tax_code),
            created_at: Set(p.created_at.unwrap_or(now)),
            updated_at: Set(p.updated_at.unwrap_or(now)),
        };
        bar.inc(1);
        if id.is_some() {
            if p.created_at.is_none() {
                model.created_at = NotSet;
            }
            producer::Entity::update(model).exec(txn).await?;
            updated_producers.extend(id);
            report.producers_updated += 1;
        } else {
            new_producers.push(model);
        }
    }
    report.producers_created = new_producers.len();
    for chunk in chunks(new_producers, 200) {
        for m in producer::Entity::insert_many(chunk)
            .exec_with_returning(txn)
            .await?
        {
            changes.push(Change::new(ChangeKind::Producer, m.id, ChangeOp::Created));
            producer_ids.insert(m.slug, m.id);
        }
    }
    // A producer's name and kind are in its products' search documents.
    for chunk in updated_producers.chunks(500) {
        let rows: Vec<(i64, i64)> = product::Entity::find()
            .select_only()
            .column(product::Column::ProducerId)
            .column(product::Column::Id)
            .filter(product::Column::ProducerId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(txn)
            .await?;
        let mut by_producer: HashMap<i64, Vec<i64>> = HashMap::new();
        for (producer, product) in rows {
            by_producer.entry(producer).or_default().push(product);
        }
        for &id in chunk {
            let products = by_producer.remove(&id).unwrap_or_default();
            changes.push(
                Change::new(ChangeKind::Producer, id, ChangeOp::Updated)
                    .touching_products(products),
            );
        }
    }

    // Products and their certificates.
    let mut product_ids = existing.products.clone();
    let mut new_products = Vec::new();
    let mut certs_by_slug = HashMap::new();
    let mut replaced = Vec::new();
    for p in parsed.products {
        let id = existing.products.get(&p.slug).copied();
        let summary = p.summary;
        let mut model = product::ActiveModel {
            id: id.map_or(NotSet, Set),
            sort_name: Set(ocop_search::text::fold(&p.name)),
            slug: Set(p.slug.clone()),
            name: Set(p.name),
            description: Set(p.description),
            story: Set(p.story),
            category_code: Set(p.category_code),
            producer_id: Set(producer_ids[&p.producer]),
            ward_code: Set(p.ward_code),
            province_code: Set(p.province_code),
            images: Set(StringList(p.images)),
            packaging: Set(p.packaging),
            unit: Set(p.unit),
            price_min_vnd: Set(p.price_min_vnd),
            price_max_vnd: Set(p.price_max_vnd),
            status: Set(p.status),
            cert_state: Set(summary.state),
            cert_stars: Set(summary.stars),
            cert_issued_on: Set(summary.issued_on),
            cert_expires_on: Set(summary.expires_on),
            created_at: Set(p.created_at.unwrap_or(now)),
            updated_at: Set(p.updated_at.unwrap_or(now)),
        };
        certs_by_slug.insert(p.slug, p.certifications);
        bar.inc(1);
        if let Some(id) = id {
            if p.created_at.is_none() {
                model.created_at = NotSet;
            }
            product::Entity::update(model).exec(txn).await?;
            changes.push(Change::product(id, ChangeOp::Updated));
            replaced.push(id);
            report.products_updated += 1;
        } else {
            new_products.push(model);
        }
    }
    report.products_created = new_products.len();
    for chunk in chunks(new_products, 200) {
        for m in product::Entity::insert_many(chunk)
            .exec_with_returning(txn)
            .await?
        {
            changes.push(Change::product(m.id, ChangeOp::Created));
            product_ids.insert(m.slug, m.id);
        }
    }
    // A re-imported certificate keeps the verification code printed on its stamps.
    let mut stamped = HashMap::new();
    for chunk in replaced.chunks(500) {
        let old = certification::Entity::find()
            .filter(certification::Column::ProductId.is_in(chunk.to_vec()))
            .all(txn)
            .await?;
        for c in old {
            changes.push(
                Change::new(ChangeKind::Certification, c.id, ChangeOp::Removed)
                    .touching_products([c.product_id]),
            );
            stamped.insert(
                (
                    c.product_id,
                    c.issued_on,
                    c.certificate_number,
                    c.decision_number,
                ),
                c.verification_code,
            );
        }
        certification::Entity::delete_many()
            .filter(certification::Column::ProductId.is_in(chunk.to_vec()))
            .exec(txn)
            .await?;
    }
    let mut cert_rows = Vec::new();
    for (slug, certs) in certs_by_slug {
        let product_id = product_ids[&slug];
        for c in certs {
            let code = stamped
                .remove(&(
                    product_id,
                    c.issued_on,
                    c.certificate_number.clone(),
                    c.decision_number.clone(),
                ))
                .unwrap_or_else(verification_code::generate);
            cert_rows.push(certification::ActiveModel {
                id: NotSet,
                verification_code: Set(code),
                product_id: Set(product_id),
                stars: Set(c.stars),
                score: Set(c.score),
                level: Set(c.level),
                issuing_body: Set(c.issuing_body),
                decision_number: Set(c.decision_number),
                certificate_number: Set(c.certificate_number),
                issued_on: Set(c.issued_on),
                expires_on: Set(c.expires_on),
                revoked_on: Set(c.revoked_on),
                revoked_reason: Set(c.revoked_reason),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }
    report.certifications = cert_rows.len();
    for chunk in chunks(cert_rows, 300) {
        for c in certification::Entity::insert_many(chunk)
            .exec_with_returning(txn)
            .await?
        {
            changes.push(
                Change::new(ChangeKind::Certification, c.id, ChangeOp::Created)
                    .touching_products([c.product_id]),
            );
        }
    }

    // Outlets and their listings.
    let mut new_outlets = Vec::new();
    let mut listings_by_slug = HashMap::new();
    let mut replaced = Vec::new();
    for o in parsed.outlets {
        let id = existing.outlets.get(&o.slug).copied();
        let mut model = outlet::ActiveModel {
            id: id.map_or(NotSet, Set),
            slug: Set(o.slug.clone()),
            name: Set(o.name),
            kind: Set(o.kind),
            ward_code: Set(o.ward_code),
            province_code: Set(o.province_code),
            address: Set(o.address),
            lat: Set(o.location.lat),
            lng: Set(o.location.lng),
            phone: Set(o.phone),
            opening_hours: Set(o.opening_hours),
            operator: Set(o.operator),
            status: Set(o.status),
            created_at: Set(o.created_at.unwrap_or(now)),
            updated_at: Set(o.updated_at.unwrap_or(now)),
        };
        listings_by_slug.insert(o.slug, o.listings);
        bar.inc(1);
        if let Some(id) = id {
            if o.created_at.is_none() {
                model.created_at = NotSet;
            }
            outlet::Entity::update(model).exec(txn).await?;
            changes.push(Change::outlet(id, ChangeOp::Updated));
            replaced.push(id);
            report.outlets_updated += 1;
        } else {
            new_outlets.push(model);
        }
    }
    report.outlets_created = new_outlets.len();
    let mut slug_to_outlet: HashMap<String, i64> = HashMap::new();
    for chunk in chunks(new_outlets, 200) {
        for m in outlet::Entity::insert_many(chunk)
            .exec_with_returning(txn)
            .await?
        {
            changes.push(Change::outlet(m.id, ChangeOp::Created));
            slug_to_outlet.insert(m.slug, m.id);
        }
    }
    let mut old_listings = HashSet::new();
    for chunk in replaced.chunks(500) {
        let old: Vec<(i64, i64)> = listing::Entity::find()
            .select_only()
            .column(listing::Column::OutletId)
            .column(listing::Column::ProductId)
            .filter(listing::Column::OutletId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(txn)
            .await?;
        old_listings.extend(old);
        listing::Entity::delete_many()
            .filter(listing::Column::OutletId.is_in(chunk.to_vec()))
            .exec(txn)
            .await?;
    }
    let mut listing_rows = Vec::new();
    for (slug, listings) in listings_by_slug {
        let outlet_id = slug_to_outlet
            .get(&slug)
            .copied()
            .or_else(|| existing.outlets.get(&slug).copied());
        let Some(outlet_id) = outlet_id else { continue };
        for l in listings {
            let product_id = product_ids[&l.product];
            let op = if old_listings.remove(&(outlet_id, product_id)) {
                ChangeOp::Updated
            } else {
                ChangeOp::Created
            };
            changes.push(Change::listing(outlet_id, product_id, op));
            listing_rows.push(listing::ActiveModel {
                outlet_id: Set(outlet_id),
                product_id: Set(product_ids[&l.product]),
                price_vnd: Set(l.price_vnd),
                in_stock: Set(l.in_stock),
                updated_at: Set(l.updated_at.unwrap_or(now)),
            });
        }
    }
    changes.extend(
        old_listings
            .into_iter()
            .map(|(outlet, product)| Change::listing(outlet, product, ChangeOp::Removed)),
    );
    report.listings = listing_rows.len();
    for chunk in chunks(listing_rows, 400) {
        listing::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok((report, changes))
}

fn chunks<T>(items: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let mut items = items.into_iter().peekable();
    std::iter::from_fn(move || {
        items.peek()?;
        Some(items.by_ref().take(size).collect())
    })
}
