//! `ocop reindex`: rebuilds the configured search index from the database, beside the live one.

use std::io::IsTerminal;

use sea_orm::DatabaseConnection;

use crate::{config::Settings, indexing, reference::ReferenceData};

/// Rebuilds the index and records the change-log position it reflects.
pub async fn run(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<()> {
    let reference = ReferenceData::load(db).await?;
    let search = indexing::backend::from_settings(settings)?;
    let started = std::time::Instant::now();
    let report =
        indexing::reindex::reindex(db, &reference, &search, std::io::stderr().is_terminal())
            .await?;
    if !search.keeps_position() {
        indexing::follower::set_shared_position(
            db,
            &format!("meilisearch:{}", settings.meili_index_prefix),
            report.position,
        )
        .await?;
    }
    eprintln!(
        "reindexed {} products and {} outlets into the {} index in {:.1} s (at change-log position {})",
        report.products,
        report.outlets,
        search.name(),
        started.elapsed().as_secs_f64(),
        report.position
    );
    Ok(())
}
