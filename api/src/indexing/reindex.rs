//! `ocop reindex`: rebuilds the whole index from the database beside the live one, then swaps it
//! in; searches keep answering from the live index meanwhile.
//!
//! The change log's head is read before the first row: every change up to it is in the rows read
//! afterwards, so the new index is at that position, and the follower goes on from there
//! (changes committed during the rebuild are applied again, which rewrites the same documents).

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use ocop_entities::{ext::change_log, outlet, product};
use ocop_search::SearchBackend;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::documents;
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
    /// The change-log position the new index is at.
    pub position: i64,
}

/// Rebuilds every document. `progress` draws a bar on stderr (when it is a terminal).
pub async fn reindex(
    db: &DatabaseConnection,
    reference: &ReferenceData,
    search: &Arc<dyn SearchBackend>,
    progress: bool,
) -> anyhow::Result<ReindexReport> {
    let position = change_log::state(db).await?.head;
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
    let mut report = ReindexReport {
        position,
        ..ReindexReport::default()
    };
    // Reading a batch overlaps with indexing the one before it.
    let (mut last, mut pending) = (0, Vec::new());
    loop {
        let (read, added) = tokio::join!(
            async {
                let ids = next_ids::<product::Entity, _>(db, product::Column::Id, last).await?;
                let docs = documents::products(db, reference, &ids).await?;
                anyhow::Ok((ids, docs.upsert))
            },
            rebuild.add_products(std::mem::take(&mut pending))
        );
        added?;
        let (ids, docs) = read?;
        let Some(&tail) = ids.last() else { break };
        last = tail;
        report.products += docs.len();
        pending = docs;
        bar.inc(ids.len() as u64);
    }
    let (mut last, mut pending_outlets) = (0, Vec::new());
    loop {
        let (read, added) = tokio::join!(
            async {
                let ids = next_ids::<outlet::Entity, _>(db, outlet::Column::Id, last).await?;
                let docs = documents::outlets(db, reference, &ids).await?;
                anyhow::Ok((ids, docs.upsert))
            },
            rebuild.add_outlets(std::mem::take(&mut pending_outlets))
        );
        added?;
        let (ids, docs) = read?;
        let Some(&tail) = ids.last() else { break };
        last = tail;
        report.outlets += docs.len();
        pending_outlets = docs;
        bar.inc(ids.len() as u64);
    }
    rebuild.finish(position).await?;
    report.position = position;
    bar.finish_and_clear();
    tracing::info!(
        products = report.products,
        outlets = report.outlets,
        position = report.position,
        "search index rebuilt"
    );
    Ok(report)
}

/// The next `BATCH` ids of `E` after `after`, in order.
async fn next_ids<E, C>(db: &DatabaseConnection, id: C, after: i64) -> Result<Vec<i64>, DbErr>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    E::find()
        .select_only()
        .column(id)
        .filter(id.gt(after))
        .order_by_asc(id)
        .limit(BATCH)
        .into_tuple()
        .all(db)
        .await
}
