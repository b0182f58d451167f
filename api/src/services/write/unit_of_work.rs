//! One write, start to end: its transaction, the audit entry of everything it did, and the
//! change-log entries that tell the search index and the partners following the catalogue what
//! changed, committed together, or dropped together (a unit of work that is not committed is
//! rolled back). Every catalogue write goes through it, so none can forget its audit entry or
//! its change.

use ocop_entities::ext::change_log::{self, Change};
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use super::Writer;
use crate::{
    error::{AppError, AppResult},
    indexing::SyncStatus,
    services::audit::{self, Author, Entry},
};

/// A write in progress.
pub struct UnitOfWork<'a> {
    author: Author,
    /// This server's index follower, woken after the commit (none for a command-line write:
    /// the servers find it in the log).
    status: Option<&'a SyncStatus>,
    txn: DatabaseTransaction,
    audited: bool,
}

impl<'a> UnitOfWork<'a> {
    /// Begins a caller's write in its transaction (on SQLite, holding the write lock from the
    /// start, so that its reads and its writes see one state).
    pub async fn begin(writer: Writer<'a>) -> AppResult<Self> {
        Ok(Self {
            author: Author::of(writer.caller),
            status: Some(writer.status),
            txn: crate::db::begin_write(writer.db).await?,
            audited: false,
        })
    }

    /// Begins a write made by an operation without a key (`cli:import`, `demo`).
    pub async fn begin_as(db: &DatabaseConnection, actor: &str) -> AppResult<Self> {
        Ok(Self {
            author: Author::named(actor),
            status: None,
            txn: crate::db::begin_write(db).await?,
            audited: false,
        })
    }

    /// The transaction, for the write's reads and row changes.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Records `entry` in the audit trail, as the write's author.
    pub async fn audit(&mut self, entry: Entry<'_>) -> AppResult<()> {
        audit::record(&self.txn, &self.author, entry).await?;
        self.audited = true;
        Ok(())
    }

    /// Records many entries (an import's, one per record), as the write's author.
    pub async fn audit_many(&mut self, entries: Vec<Entry<'_>>) -> AppResult<()> {
        let any = !entries.is_empty();
        audit::record_many(&self.txn, &self.author, entries).await?;
        self.audited |= any;
        Ok(())
    }

    /// Ends the write: records `changes` in the change log as the transaction's last statement
    /// (which is what orders it among concurrent writers), commits, and wakes this server's
    /// index follower. A write that recorded no audit entry or no change is refused and rolled
    /// back: it would be invisible to the trail or to the index.
    #[tracing::instrument(skip_all, fields(changes = changes.len()))]
    pub async fn commit(self, changes: &[Change]) -> AppResult<()> {
        if !self.audited || changes.is_empty() {
            self.txn.rollback().await?;
            return Err(AppError::Internal(anyhow::anyhow!(
                "a write must record an audit entry and a change before it commits"
            )));
        }
        let last = change_log::record(&self.txn, changes).await?;
        self.txn.commit().await?;
        if let Some(status) = self.status {
            status.changed();
        }
        tracing::info!(
            actor = %self.author.actor,
            position = last,
            "write committed"
        );
        Ok(())
    }
}
