//! `ocop reindex`: rebuilds the whole index from the database beside the live one, then swaps it
//! in; searches keep answering from the live index meanwhile.

use std::sync::Arc;

use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use ocop_entities::{outlet, product};
use ocop_search::SearchBackend;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{documents, worker};
use crate::reference::ReferenceData;

/// Ids read (and documents written) per batch.
const BATCH: u64 = 2000;

/// What a rebuild did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReindexReport {
    /// Product documents written.
    pub products: usize,
    /// Outlet documents written.
    pub outlets: usize,
    /// Outbox rows put back to pending because they may have been missed by the snapshot.
    pub replayed: u64,
}

/// Rebuilds every document. `progress` draws a bar on stderr (when it is a terminal).
pub async fn reindex(
    db: &DatabaseConnection,
    reference: &ReferenceData,
    search: &Arc<dyn SearchBackend>,
    progress: bool,
) -> anyhow::Result<ReindexReport> {
    let started = Utc::now();
    let total = product::Entity::find().count(db).await? + outlet::Entity::find().count(db).await?;
    let bar = if progress {
        ProgressBar::new(total)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("reindex [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let mut rebuild = search.begin_rebuild().await?;
    let mut report = ReindexReport::default();
    let mut last = 0;
    loop {
        let ids: Vec<i64> = product::Entity::find()
            .select_only()
            .column(product::Column::Id)
            .filter(product::Column::Id.gt(last))
            .order_by_asc(product::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let Some(&tail) = ids.last() else { break };
        last = tail;
        let changes = documents::products(db, reference, &ids).await?;
        report.products += changes.upsert.len();
        rebuild.add_products(changes.upsert).await?;
        bar.inc(ids.len() as u64);
    }
    let mut last = 0;
    loop {
        let ids: Vec<i64> = outlet::Entity::find()
            .select_only()
            .column(outlet::Column::Id)
            .filter(outlet::Column::Id.gt(last))
            .order_by_asc(outlet::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let Some(&tail) = ids.last() else { break };
        last = tail;
        let changes = documents::outlets(db, reference, &ids).await?;
        report.outlets += changes.upsert.len();
        rebuild.add_outlets(changes.upsert).await?;
        bar.inc(ids.len() as u64);
    }
    rebuild.finish().await?;
    // Changes committed while the snapshot was read may be missing from it: replay them. The
    // margin covers transactions that started before the rebuild and committed during it.
    report.replayed = worker::repend_since(db, started - chrono::Duration::seconds(60)).await?;
    bar.finish_and_clear();
    tracing::info!(
        products = report.products,
        outlets = report.outlets,
        replayed = report.replayed,
        "search index rebuilt"
    );
    Ok(report)
}
