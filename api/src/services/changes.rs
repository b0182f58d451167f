//! Following the catalogue: pages of the change log for partners, by opaque cursor.

use ocop_entities::{
    change_log,
    ext::change_log::{self as log, LogError},
};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use crate::{
    error::{AppError, AppResult},
    services::cursor,
};

/// A change-log cursor: the position of the last change seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct LogCursor {
    /// Marks the cursor as a change-log one.
    c: u8,
    /// The position.
    p: i64,
}

/// The opaque cursor of `position`.
pub fn cursor_of(position: i64) -> String {
    cursor::encode(&LogCursor { c: 1, p: position })
}

/// The position of a cursor made by [`cursor_of`]; anything else is `BAD_USER_INPUT` on
/// `field`.
pub fn position_of(cursor: &str, field: &str) -> AppResult<i64> {
    match cursor::decode::<LogCursor>(cursor, field)? {
        LogCursor { c: 1, p } if p >= 0 => Ok(p),
        _ => Err(AppError::bad_input(
            field,
            "is not a cursor returned by this query",
        )),
    }
}

/// A page of changes.
#[derive(Clone, Debug)]
pub struct ChangePage {
    /// The changes, in log order.
    pub entries: Vec<change_log::Model>,
    /// Whether more changes follow the page.
    pub has_next_page: bool,
    /// The head of the log when the page was read.
    pub head: i64,
}

/// Up to `first` changes after `after` (from the beginning when `None`). A position older than
/// the retention window is `RESYNC_REQUIRED`; one ahead of the head is `BAD_USER_INPUT`.
#[tracing::instrument(skip_all)]
pub async fn page(
    db: &DatabaseConnection,
    after: Option<i64>,
    first: usize,
) -> AppResult<ChangePage> {
    let after = after.unwrap_or(0);
    let mut entries = match log::after(db, after, first as u64 + 1).await {
        Ok(entries) => entries,
        Err(e @ LogError::ResyncRequired { .. }) => {
            return Err(AppError::ResyncRequired(format!(
                "{e}: take a new export (`GET /export`) and follow from the position it states"
            )));
        }
        Err(LogError::Db(e)) => return Err(e.into()),
    };
    let head = log::state(db).await?.head;
    if after > head {
        return Err(AppError::bad_input(
            "after",
            "is ahead of the change log (a cursor from another catalogue?)",
        ));
    }
    let has_next_page = entries.len() > first;
    entries.truncate(first);
    Ok(ChangePage {
        entries,
        has_next_page,
        head,
    })
}
