//! `ocop changes`: the change log's head, what compaction has removed, and the retention window.

use chrono::Utc;
use ocop_entities::{change_log, ext::change_log as log};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use crate::{config::Settings, services::changes::cursor_of};

/// What the command prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogSummary {
    /// The last position handed out.
    pub head: i64,
    /// The highest position compaction removed.
    pub compacted_through: i64,
    /// When the oldest entry still kept was written.
    pub oldest: Option<chrono::DateTime<Utc>>,
    /// The retention window, in days.
    pub retention_days: u32,
}

impl std::fmt::Display for LogSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "head position:      {}", self.head)?;
        writeln!(f, "head cursor:        {}", cursor_of(self.head))?;
        writeln!(
            f,
            "kept positions:     {}..={} ({} entries)",
            self.compacted_through + 1,
            self.head,
            self.head - self.compacted_through
        )?;
        match self.oldest {
            Some(t) => writeln!(f, "oldest entry kept:  {}", t.to_rfc3339())?,
            None => writeln!(f, "oldest entry kept:  none")?,
        }
        write!(f, "retention window:   {} days; ", self.retention_days)?;
        if self.compacted_through == 0 {
            write!(f, "nothing compacted yet")
        } else {
            write!(
                f,
                "a cursor before position {} gets RESYNC_REQUIRED",
                self.compacted_through
            )
        }
    }
}

/// Reads the summary.
pub async fn summary(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<LogSummary> {
    let state = log::state(db).await?;
    let oldest = change_log::Entity::find()
        .order_by_asc(change_log::Column::Position)
        .one(db)
        .await?
        .map(|e| e.changed_at);
    Ok(LogSummary {
        head: state.head,
        compacted_through: state.compacted_through,
        oldest,
        retention_days: settings.change_log_retention_days,
    })
}
