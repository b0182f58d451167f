//! What `searchStatus` and `/ready` report about this server's search index: its change-log
//! position, the head, and the lag between them.

use std::sync::{
    Mutex,
    atomic::{AtomicBool, Ordering},
};

use chrono::{DateTime, Utc};
use ocop_entities::{ext::change_log, search_cursor};
use ocop_search::SearchBackend;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use tokio::sync::Notify;

/// Shared between the follower, the resolvers and the write paths.
#[derive(Debug)]
pub struct SyncStatus {
    /// `embedded` or `meilisearch`.
    pub backend: &'static str,
    /// With a shared index, the name of its row in `search_cursor`.
    pub cursor_name: String,
    last_success: Mutex<Option<DateTime<Utc>>>,
    last_error: Mutex<Option<String>>,
    building: AtomicBool,
    /// Wakes the follower when a change was committed in this process.
    pub wake: Notify,
}

/// A snapshot for reporting.
#[derive(Clone, Debug, PartialEq)]
pub struct SyncReport {
    /// `embedded` or `meilisearch`.
    pub backend: &'static str,
    /// The change-log position this server's index is at; `None` until it is first built.
    pub position: Option<i64>,
    /// The change log's head.
    pub head: i64,
    /// Whether the index is being built from the database.
    pub building: bool,
    /// Changes committed but not yet in the index (head − position).
    pub pending_changes: u64,
    /// Age of the oldest of them, in seconds.
    pub oldest_pending_age_secs: Option<f64>,
    /// When the follower last brought the index up to date (or found nothing to do).
    pub last_success: Option<DateTime<Utc>>,
    /// The last failure, if the last attempt failed.
    pub last_error: Option<String>,
    /// Change-log entries the engine refused, set aside (`ocop dead-letters`).
    pub dead_letters: u64,
}

impl SyncReport {
    /// Whether the index is built and lags by at most `max_lag_secs`.
    pub fn in_step(&self, max_lag_secs: u64) -> bool {
        !self.building
            && self.position.is_some()
            && self
                .oldest_pending_age_secs
                .is_none_or(|age| age <= max_lag_secs as f64)
    }
}

impl SyncStatus {
    /// A status for `backend`; `cursor_name` names a shared index's position row.
    pub fn new(backend: &'static str, cursor_name: impl Into<String>) -> Self {
        Self {
            backend,
            cursor_name: cursor_name.into(),
            last_success: Mutex::new(None),
            last_error: Mutex::new(None),
            building: AtomicBool::new(false),
            wake: Notify::new(),
        }
    }

    /// The consumer's name in metrics: `embedded` for this server's own index, the cursor's
    /// name (`meilisearch:<prefix>`) for a shared one.
    pub fn consumer(&self) -> String {
        if self.backend == "embedded" {
            self.backend.to_owned()
        } else {
            self.cursor_name.clone()
        }
    }

    /// Records a successful pass.
    pub fn succeeded(&self) {
        *self.last_success.lock().expect("status lock") = Some(Utc::now());
        *self.last_error.lock().expect("status lock") = None;
    }

    /// Records a failed attempt.
    pub fn failed(&self, error: String) {
        *self.last_error.lock().expect("status lock") = Some(error);
    }

    /// Marks the index as being built (or not).
    pub fn set_building(&self, building: bool) {
        self.building.store(building, Ordering::SeqCst);
    }

    /// Tells the follower a change was committed.
    pub fn changed(&self) {
        self.wake.notify_one();
    }

    /// This server's position in the change log.
    pub async fn position(
        &self,
        db: &DatabaseConnection,
        search: &dyn SearchBackend,
    ) -> Result<Option<i64>, DbErr> {
        if search.keeps_position() {
            return Ok(search.position());
        }
        Ok(search_cursor::Entity::find_by_id(self.cursor_name.clone())
            .one(db)
            .await?
            .map(|c| c.position)
            .filter(|p| *p >= 0))
    }

    /// The current report (at most four small statements).
    pub async fn report(
        &self,
        db: &DatabaseConnection,
        search: &dyn SearchBackend,
    ) -> Result<SyncReport, DbErr> {
        let position = self.position(db, search).await?;
        let head = change_log::state(db).await?.head;
        let behind_from = position.unwrap_or(0);
        let pending_changes = (head - behind_from).max(0) as u64;
        let oldest = if pending_changes > 0 {
            change_log::first_after(db, behind_from).await?
        } else {
            None
        };
        let dead_letters = super::dead_letter::count(db, &self.consumer()).await?;
        Ok(SyncReport {
            backend: self.backend,
            position,
            head,
            building: self.building.load(Ordering::SeqCst),
            pending_changes,
            oldest_pending_age_secs: oldest
                .map(|t| (Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0),
            last_success: *self.last_success.lock().expect("status lock"),
            last_error: self.last_error.lock().expect("status lock").clone(),
            dead_letters,
        })
    }
}
