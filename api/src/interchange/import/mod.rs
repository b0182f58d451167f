//! `ocop import`: reads a whole file, reports every bad record, and writes only a file without
//! errors, in one transaction (with a change-log entry for every record it writes).

mod read;
mod write;

use std::{collections::HashMap, fmt, io::BufRead};

use indicatif::{ProgressBar, ProgressStyle};
use ocop_entities::{
    ext::change_log::{Change, ChangeKind},
    outlet, producer, product,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QuerySelect};
use tracing::instrument;

use super::validate::{RecordError, ValidOutlet, ValidProducer, ValidProduct};
use crate::{
    error::AppError,
    reference::ReferenceData,
    services::{audit, write::UnitOfWork},
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
    let parsed = read::parse(input, reference, &existing, progress)?;
    let bar = bar(
        progress,
        (parsed.producers.len() + parsed.products.len() + parsed.outlets.len()) as u64,
        "writing",
    );
    if parsed.producers.is_empty() && parsed.products.is_empty() && parsed.outlets.is_empty() {
        return Ok(ImportReport::default());
    }
    let mut work = UnitOfWork::begin_as(db, actor).await?;
    let (report, changes) = write::write(work.txn(), parsed, &existing, &bar).await?;
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
