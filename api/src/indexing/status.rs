//! What `searchStatus` and `/ready` report about index synchronisation.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use ocop_entities::outbox;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tokio::sync::Notify;

/// Shared between the worker, the resolvers and the write paths.
#[derive(Debug)]
pub struct SyncStatus {
    /// `embedded` or `meilisearch`.
    pub backend: &'static str,
    last_success: Mutex<Option<DateTime<Utc>>>,
    last_error: Mutex<Option<String>>,
    /// Wakes the worker when a change was committed in this process.
    pub wake: Notify,
}

/// A snapshot for reporting.
#[derive(Clone, Debug, PartialEq)]
pub struct SyncReport {
    /// `embedded` or `meilisearch`.
    pub backend: &'static str,
    /// Changes committed but not yet in the index.
    pub pending_changes: u64,
    /// Age of the oldest of them, in seconds.
    pub oldest_pending_age_secs: Option<f64>,
    /// When the worker last applied a batch (or found nothing to do) successfully.
    pub last_success: Option<DateTime<Utc>>,
    /// The last failure, if the last attempt failed.
    pub last_error: Option<String>,
}

impl SyncStatus {
    /// A status for `backend`.
    pub fn new(backend: &'static str) -> Self {
        Self {
            backend,
            last_success: Mutex::new(None),
            last_error: Mutex::new(None),
            wake: Notify::new(),
        }
    }

    /// Records a successful sync.
    pub fn succeeded(&self) {
        *self.last_success.lock().expect("status lock") = Some(Utc::now());
        *self.last_error.lock().expect("status lock") = None;
    }

    /// Records a failed attempt.
    pub fn failed(&self, error: String) {
        *self.last_error.lock().expect("status lock") = Some(error);
    }

    /// Tells the worker a change was committed.
    pub fn changed(&self) {
        self.wake.notify_one();
    }

    /// The current report (two statements: a count and the oldest pending row).
    pub async fn report(&self, db: &DatabaseConnection) -> Result<SyncReport, DbErr> {
        let pending = outbox::Entity::find().filter(outbox::Column::ProcessedAt.is_null());
        let pending_changes = pending.clone().count(db).await?;
        let oldest: Option<DateTime<Utc>> = pending
            .select_only()
            .column(outbox::Column::CreatedAt)
            .order_by_asc(outbox::Column::Id)
            .limit(1)
            .into_tuple()
            .one(db)
            .await?;
        Ok(SyncReport {
            backend: self.backend,
            pending_changes,
            oldest_pending_age_secs: oldest
                .map(|t| (Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0),
            last_success: *self.last_success.lock().expect("status lock"),
            last_error: self.last_error.lock().expect("status lock").clone(),
        })
    }
}
