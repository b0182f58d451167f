//! One write, start to end: its transaction, the audit entry of everything it did, and the
//! change-log entries that tell the search index and the partners following the catalogue what
//! changed, committed together, or dropped together (a unit of work that is not committed is
//! rolled back). Every catalogue write goes through it, so none can forget its audit entry or
//! its change.

use ocop_entities::ext::change_log::{self, Change};
use sea_orm::DatabaseTransaction;

use super::Writer;
use crate::{
    error::{AppError, AppResult},
    services::audit::{self, Entry},
};

/// A write in progress.
pub struct UnitOfWork<'a> {
    writer: Writer<'a>,
    txn: DatabaseTransaction,
    audited: bool,
}

impl<'a> UnitOfWork<'a> {
    /// Begins the write's transaction (on SQLite, holding the write lock from the start, so that
    /// its reads and its writes see one state).
    pub async fn begin(writer: Writer<'a>) -> AppResult<Self> {
        Ok(Self {
            txn: crate::db::begin_write(writer.db).await?,
            writer,
            audited: false,
        })
    }

    /// The transaction, for the write's reads and row changes.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Records `entry` in the audit trail, as the writer's caller.
    pub async fn audit(&mut self, entry: Entry<'_>) -> AppResult<()> {
        audit::record(&self.txn, self.writer.caller, entry).await?;
        self.audited = true;
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
        self.writer.status.changed();
        tracing::info!(
            actor = %self.writer.caller.actor(),
            position = last,
            "write committed"
        );
        Ok(())
    }
}
