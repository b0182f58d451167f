//! Writing and reading the change log.
//!
//! **Order.** A writing transaction calls [`record`] as its last statement before commit. It
//! moves `catalogue_version.version` on by the number of entries and takes the new block of
//! positions. On PostgreSQL that `UPDATE` holds the row's lock until the transaction ends, so the
//! next writer gets its block only after this one has committed (or rolled back, giving the
//! numbers back): positions follow commit order, and a reader that has seen position `p` has
//! seen every position below it. SQLite has one writer at a time, which gives the same.
//!
//! **Retention.** [`compact`] deletes the entries older than the retention window and records
//! the highest deleted position in `catalogue_version.compacted_through`; [`after`] refuses a
//! position behind it with [`LogError::ResyncRequired`] instead of leaving a silent gap.
//!
//! Over 300 lines: the log's write, read and compaction, which share its ordering rules.

use std::fmt;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};

use crate::{catalogue_version, change_log};

/// What kind of record changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A product.
    Product,
    /// A producer.
    Producer,
    /// A certificate.
    Certification,
    /// An outlet.
    Outlet,
    /// A product listed at an outlet.
    Listing,
}

/// What happened to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeOp {
    /// It was created.
    Created,
    /// It was changed.
    Updated,
    /// It was archived (or revoked): it still exists but is no longer shown.
    Archived,
    /// It was deleted.
    Removed,
}

macro_rules! stored_names {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// The value stored in the log.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }

            /// Parses a stored value.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)* _ => None }
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_names!(ChangeKind {
    Product => "product",
    Producer => "producer",
    Certification => "certification",
    Outlet => "outlet",
    Listing => "listing",
});

stored_names!(ChangeOp {
    Created => "created",
    Updated => "updated",
    Archived => "archived",
    Removed => "removed",
});

/// One change to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The kind of record.
    pub kind: ChangeKind,
    /// Its id (the outlet's for a listing).
    pub id: i64,
    /// The product's id for a listing.
    pub related_id: Option<i64>,
    /// What happened.
    pub op: ChangeOp,
    /// Products whose search documents change.
    pub products: Vec<i64>,
    /// Outlets whose search documents change.
    pub outlets: Vec<i64>,
}

impl Change {
    /// A change of record `id` of `kind`, touching no search document yet.
    pub fn new(kind: ChangeKind, id: i64, op: ChangeOp) -> Self {
        Self {
            kind,
            id,
            related_id: None,
            op,
            products: Vec::new(),
            outlets: Vec::new(),
        }
    }

    /// A change of product `id`, which touches its own document.
    pub fn product(id: i64, op: ChangeOp) -> Self {
        Self::new(ChangeKind::Product, id, op).touching_products([id])
    }

    /// A change of outlet `id`, which touches its own document.
    pub fn outlet(id: i64, op: ChangeOp) -> Self {
        Self::new(ChangeKind::Outlet, id, op).touching_outlets([id])
    }

    /// A change of the listing of `product` at `outlet`, which touches the product's document.
    pub fn listing(outlet: i64, product: i64, op: ChangeOp) -> Self {
        Self {
            related_id: Some(product),
            ..Self::new(ChangeKind::Listing, outlet, op).touching_products([product])
        }
    }

    /// Adds products whose documents change.
    pub fn touching_products(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        self.products.extend(ids);
        self
    }

    /// Adds outlets whose documents change.
    pub fn touching_outlets(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        self.outlets.extend(ids);
        self
    }
}

/// Why the log cannot be read from a position.
#[derive(Debug)]
pub enum LogError {
    /// The entries after the position were compacted away: start again from a snapshot.
    ResyncRequired {
        /// The position asked for.
        position: i64,
        /// The highest compacted position.
        compacted_through: i64,
    },
    /// The database failed.
    Db(DbErr),
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ResyncRequired {
                position,
                compacted_through,
            } => write!(
                f,
                "position {position} is older than the change log's retention window (it starts \
                 after {compacted_through}); start again from a snapshot"
            ),
            Self::Db(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LogError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Db(e) => Some(e),
            Self::ResyncRequired { .. } => None,
        }
    }
}

impl From<DbErr> for LogError {
    fn from(e: DbErr) -> Self {
        Self::Db(e)
    }
}

/// Records `changes` at the next positions and returns the last one (the new head), or `None`
/// when there is nothing to record. Call it as the last statement of the writing transaction.
pub async fn record<C: ConnectionTrait>(db: &C, changes: &[Change]) -> Result<Option<i64>, DbErr> {
    if changes.is_empty() {
        return Ok(None);
    }
    let backend = db.get_database_backend();
    let placeholder = if backend == sea_orm::DatabaseBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE catalogue_version SET version = version + {placeholder} WHERE id = 1 \
                 RETURNING version"
            ),
            [(changes.len() as i64).into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("catalogue_version row 1".into()))?;
    let head: i64 = row.try_get("", "version")?;
    let first = head - changes.len() as i64 + 1;
    let now = Utc::now();
    let rows: Vec<change_log::ActiveModel> = changes
        .iter()
        .zip(first..)
        .map(|(c, position)| {
            use sea_orm::ActiveValue::Set;
            change_log::ActiveModel {
                position: Set(position),
                kind: Set(c.kind.as_str().to_owned()),
                record_id: Set(c.id),
                related_id: Set(c.related_id),
                operation: Set(c.op.as_str().to_owned()),
                changed_at: Set(now),
                products: Set(join_ids(&c.products)),
                outlets: Set(join_ids(&c.outlets)),
            }
        })
        .collect();
    for chunk in rows.chunks(400) {
        change_log::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(Some(head))
}

/// Up to `limit` entries after `position`, in order.
pub async fn after<C: ConnectionTrait>(
    db: &C,
    position: i64,
    limit: u64,
) -> Result<Vec<change_log::Model>, LogError> {
    // Entries first, the compaction mark second: a compaction that commits in between is seen
    // by the second read, so a gap is always reported.
    let entries = change_log::Entity::find()
        .filter(change_log::Column::Position.gt(position))
        .order_by_asc(change_log::Column::Position)
        .limit(limit)
        .all(db)
        .await?;
    let state = state(db).await?;
    if position < state.compacted_through {
        return Err(LogError::ResyncRequired {
            position,
            compacted_through: state.compacted_through,
        });
    }
    Ok(entries)
}

/// The head and the compaction mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogState {
    /// The last position handed out (0 before the first change).
    pub head: i64,
    /// The highest position deleted by compaction.
    pub compacted_through: i64,
}

/// Reads the head and the compaction mark.
pub async fn state<C: ConnectionTrait>(db: &C) -> Result<LogState, DbErr> {
    let row = catalogue_version::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("catalogue_version row 1".into()))?;
    Ok(LogState {
        head: row.version,
        compacted_through: row.compacted_through,
    })
}

/// When the first entry after `position` still in the log was written.
pub async fn first_after<C: ConnectionTrait>(
    db: &C,
    position: i64,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    change_log::Entity::find()
        .select_only()
        .column(change_log::Column::ChangedAt)
        .filter(change_log::Column::Position.gt(position))
        .order_by_asc(change_log::Column::Position)
        .limit(1)
        .into_tuple()
        .one(db)
        .await
}

/// Deletes the entries written before `before` and returns the new compaction mark.
pub async fn compact<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<i64, DbErr> {
    let through: Option<i64> = change_log::Entity::find()
        .select_only()
        .column_as(change_log::Column::Position.max(), "through")
        .filter(change_log::Column::ChangedAt.lt(before))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    let current = state(db).await?.compacted_through;
    let Some(through) = through.filter(|t| *t > current) else {
        return Ok(current);
    };
    change_log::Entity::delete_many()
        .filter(change_log::Column::Position.lte(through))
        .exec(db)
        .await?;
    catalogue_version::Entity::update_many()
        .col_expr(
            catalogue_version::Column::CompactedThrough,
            sea_orm::sea_query::Expr::value(through),
        )
        .filter(catalogue_version::Column::Id.eq(1))
        .filter(catalogue_version::Column::CompactedThrough.lt(through))
        .exec(db)
        .await?;
    Ok(through)
}

/// Parses a stored id list.
pub fn parse_ids(s: &str) -> impl Iterator<Item = i64> + '_ {
    s.split(',').filter_map(|id| id.parse().ok())
}

fn join_ids(ids: &[i64]) -> String {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}
