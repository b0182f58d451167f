//! Dead letters: change-log entries a search engine refuses (a document it will not take, as
//! opposed to an engine that is down). Retrying such an entry forever would stop the index at
//! it, so after [`REFUSALS`] refusals in a row of the same documents the follower sets the entry
//! aside here (and, at once, the next entries that touch those documents), steps over it and
//! follows the rest of the log. `searchStatus` and `/ready` count what is set aside;
//! `ocop dead-letters list|retry|skip` deals with it.

use chrono::Utc;
use ocop_entities::{
    change_log,
    ext::change_log::{self as log, Change, ChangeKind, ChangeOp, parse_ids},
    search_dead_letter,
};
use ocop_search::SearchError;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

/// Refusals of one entry in a row after which it is set aside.
pub const REFUSALS: u32 = 3;

/// Whether a failed pass failed because the engine refused what it was given (rather than
/// being unreachable or slow, which retrying cures).
pub fn refused(error: &anyhow::Error) -> bool {
    matches!(
        error.downcast_ref::<SearchError>(),
        Some(SearchError::Rejected(_) | SearchError::TaskFailed(_))
    )
}

/// Sets `entry` aside for `consumer`.
pub async fn set_aside<C: ConnectionTrait>(
    db: &C,
    consumer: &str,
    entry: &change_log::Model,
    error: &str,
) -> Result<(), DbErr> {
    search_dead_letter::Entity::insert(search_dead_letter::ActiveModel {
        consumer: Set(consumer.to_owned()),
        position: Set(entry.position),
        kind: Set(entry.kind.clone()),
        record_id: Set(entry.record_id),
        related_id: Set(entry.related_id),
        operation: Set(entry.operation.clone()),
        products: Set(entry.products.clone()),
        outlets: Set(entry.outlets.clone()),
        error: Set(error.to_owned()),
        failed_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Entries set aside by `consumer`.
pub async fn count<C: ConnectionTrait>(db: &C, consumer: &str) -> Result<u64, DbErr> {
    search_dead_letter::Entity::find()
        .filter(search_dead_letter::Column::Consumer.eq(consumer))
        .count(db)
        .await
}

/// Every entry set aside, oldest first.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<search_dead_letter::Model>, DbErr> {
    search_dead_letter::Entity::find()
        .order_by_asc(search_dead_letter::Column::Position)
        .all(db)
        .await
}

/// Which dead letters a command acts on: one change-log position, or all.
fn selected(position: Option<i64>) -> sea_orm::Condition {
    let mut c = sea_orm::Condition::all();
    if let Some(p) = position {
        c = c.add(search_dead_letter::Column::Position.eq(p));
    }
    c
}

/// Retries the dead letters at `position` (all when `None`): records a new change-log entry
/// for the same records, which every index applies again, and clears them. Returns the
/// entries recorded.
pub async fn retry(db: &DatabaseConnection, position: Option<i64>) -> anyhow::Result<usize> {
    let txn = crate::db::begin_write(db).await?;
    let letters = search_dead_letter::Entity::find()
        .filter(selected(position))
        .order_by_asc(search_dead_letter::Column::Position)
        .all(&txn)
        .await?;
    let mut changes: Vec<Change> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for l in &letters {
        // Several servers may have set the same entry aside: it is retried once.
        if !seen.insert(l.position) {
            continue;
        }
        let kind = ChangeKind::parse(&l.kind)
            .ok_or_else(|| anyhow::anyhow!("unknown kind {:?} in a dead letter", l.kind))?;
        let mut change = Change::new(kind, l.record_id, ChangeOp::Updated)
            .touching_products(parse_ids(&l.products))
            .touching_outlets(parse_ids(&l.outlets));
        change.related_id = l.related_id;
        changes.push(change);
    }
    search_dead_letter::Entity::delete_many()
        .filter(selected(position))
        .exec(&txn)
        .await?;
    log::record(&txn, &changes).await?;
    txn.commit().await?;
    Ok(changes.len())
}

/// Clears the dead letters at `position` (all when `None`) without applying them again: the
/// index keeps missing those changes until the records change again or `ocop reindex` runs.
pub async fn skip<C: ConnectionTrait>(db: &C, position: Option<i64>) -> Result<u64, DbErr> {
    Ok(search_dead_letter::Entity::delete_many()
        .filter(selected(position))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_refusals_are_set_aside() {
        let refusal = anyhow::Error::new(SearchError::Rejected("invalid document".into()));
        assert!(refused(&refusal));
        let failed_task = anyhow::Error::new(SearchError::TaskFailed("bad field".into()));
        assert!(refused(&failed_task));
        let down = anyhow::Error::new(SearchError::Unavailable("refused".into()));
        assert!(!refused(&down), "an engine that is down is waited for");
        let slow = anyhow::Error::new(SearchError::Timeout(std::time::Duration::from_secs(1)));
        assert!(!refused(&slow));
    }
}
