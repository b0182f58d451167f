//! The audit trail: one row per write, in the write's own transaction.

pub mod vocabulary;

use ocop_entities::{audit_log, certification, outlet, producer, product};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::Value;

pub use self::vocabulary::{Operation, Subject};
use crate::{auth::Caller, clock, error::AppResult};

/// What a write changed.
pub struct Entry<'a> {
    /// The kind of record.
    pub entity_type: Subject,
    /// Its id.
    pub entity_id: i64,
    /// What the write did.
    pub operation: Operation,
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

/// Who a write is recorded as: a caller's key, or a named operation without one
/// (`cli:import`, `cli:keys`, `demo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    /// The key, when the write came with one.
    pub key_id: Option<i64>,
    /// The name shown in the trail.
    pub actor: String,
}

impl Author {
    /// The author of a caller's write.
    pub fn of(caller: &Caller) -> Self {
        let key_id = match caller {
            Caller::Key(k) => Some(k.id),
            Caller::Anonymous { .. } => None,
        };
        Self {
            key_id,
            actor: caller.actor(),
        }
    }

    /// An operation without a key, by name.
    pub fn named(actor: &str) -> Self {
        Self {
            key_id: None,
            actor: actor.to_owned(),
        }
    }
}

/// Records a write by `author` (call inside the write's transaction).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    author: &Author,
    entry: Entry<'_>,
) -> Result<(), DbErr> {
    row(clock::now(), author, entry).insert(db).await?;
    Ok(())
}

/// The row of `entry`.
fn row(
    at: chrono::DateTime<chrono::Utc>,
    author: &Author,
    entry: Entry<'_>,
) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        at: Set(at),
        key_id: Set(author.key_id),
        actor: Set(author.actor.clone()),
        entity_type: Set(entry.entity_type.as_str().to_owned()),
        entity_id: Set(entry.entity_id),
        operation: Set(entry.operation.as_str().to_owned()),
        province_code: Set(entry.province.map(str::to_owned)),
        before: Set(entry.before),
        after: Set(entry.after),
        ..Default::default()
    }
}

/// Rows inserted per statement when recording many entries (9 values each, well under
/// SQLite's limit on bound variables).
const BATCH: usize = 500;

/// Records many writes by `author` (an import: one entry per record), in batches.
pub async fn record_many<C: ConnectionTrait>(
    db: &C,
    author: &Author,
    entries: Vec<Entry<'_>>,
) -> Result<(), DbErr> {
    let at = clock::now();
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let rows: Vec<audit_log::ActiveModel> = entries
            .by_ref()
            .take(BATCH)
            .map(|entry| row(at, author, entry))
            .collect();
        audit_log::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// The province a record belongs to now, which decides which editors may read its trail;
/// `None` for a record without one (an import, a key) or one that no longer exists.
pub async fn province_of(
    db: &DatabaseConnection,
    subject: Subject,
    id: i64,
) -> AppResult<Option<String>> {
    Ok(match subject {
        Subject::Producer => producer::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| p.province_code),
        Subject::Product | Subject::Listing => product::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| p.province_code),
        Subject::Outlet => outlet::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|o| o.province_code),
        Subject::Certification => match certification::Entity::find_by_id(id).one(db).await? {
            Some(c) => product::Entity::find_by_id(c.product_id)
                .one(db)
                .await?
                .map(|p| p.province_code),
            None => None,
        },
        Subject::Catalogue | Subject::ApiKey => None,
    })
}

/// The trail of one record, newest first, after the entry with id `before_id` when given.
#[tracing::instrument(skip_all)]
pub async fn trail(
    db: &DatabaseConnection,
    entity_type: Subject,
    entity_id: i64,
    first: usize,
    before_id: Option<i64>,
) -> AppResult<Vec<audit_log::Model>> {
    let mut query = audit_log::Entity::find()
        .filter(audit_log::Column::EntityType.eq(entity_type.as_str()))
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
