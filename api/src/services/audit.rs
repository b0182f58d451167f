//! The audit trail: one row per write, in the write's own transaction.

use ocop_entities::audit_log;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::Value;

use crate::{auth::Caller, clock, error::AppResult};

/// What a write changed.
pub struct Entry<'a> {
    /// `producer`, `product`, …
    pub entity_type: &'static str,
    /// Its id.
    pub entity_id: i64,
    /// `CREATE`, `UPDATE`, …
    pub operation: &'static str,
    /// Province of the record.
    pub province: Option<&'a str>,
    /// Values before.
    pub before: Option<Value>,
    /// Values after.
    pub after: Option<Value>,
}

/// A record as JSON for the trail.
pub fn snapshot<T: Serialize>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}

/// Records a write by `caller` (call inside the write's transaction).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    entry: Entry<'_>,
) -> Result<(), DbErr> {
    let key_id = match caller {
        Caller::Key(k) => Some(k.id),
        Caller::Anonymous { .. } => None,
    };
    record_as(db, key_id, &caller.actor(), entry).await
}

/// Records a write by an actor without a key (command-line operations).
pub async fn record_as<C: ConnectionTrait>(
    db: &C,
    key_id: Option<i64>,
    actor: &str,
    entry: Entry<'_>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(clock::now()),
        key_id: Set(key_id),
        actor: Set(actor.to_owned()),
        entity_type: Set(entry.entity_type.to_owned()),
        entity_id: Set(entry.entity_id),
        operation: Set(entry.operation.to_owned()),
        province_code: Set(entry.province.map(str::to_owned)),
        before: Set(entry.before),
        after: Set(entry.after),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The trail of one record, newest first, after the entry with id `before_id` when given.
#[tracing::instrument(skip_all)]
pub async fn trail(
    db: &DatabaseConnection,
    entity_type: &str,
    entity_id: i64,
    first: usize,
    before_id: Option<i64>,
) -> AppResult<Vec<audit_log::Model>> {
    let mut query = audit_log::Entity::find()
        .filter(audit_log::Column::EntityType.eq(entity_type))
        .filter(audit_log::Column::EntityId.eq(entity_id));
    if let Some(id) = before_id {
        query = query.filter(audit_log::Column::Id.lt(id));
    }
    Ok(query
        .order_by_desc(audit_log::Column::Id)
        .limit(first as u64)
        .all(db)
        .await?)
}
