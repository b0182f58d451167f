//! Appending to the outbox.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use crate::{catalogue_version, outbox};

/// What kind of entity an outbox row points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutboxEntity {
    /// A product (its search document).
    Product,
    /// An outlet (its search document).
    Outlet,
}

impl OutboxEntity {
    /// The value stored in `outbox.entity_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::Outlet => "outlet",
        }
    }

    /// Parses a stored `entity_type`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "product" => Some(Self::Product),
            "outlet" => Some(Self::Outlet),
            _ => None,
        }
    }
}

/// Appends one row per id and moves the catalogue version on. Call it inside the transaction
/// that makes the change.
pub async fn append<C: ConnectionTrait>(
    db: &C,
    entity: OutboxEntity,
    ids: impl IntoIterator<Item = i64>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let rows: Vec<outbox::ActiveModel> = ids
        .into_iter()
        .map(|id| outbox::ActiveModel {
            entity_type: Set(entity.as_str().to_owned()),
            entity_id: Set(id),
            created_at: Set(now),
            available_at: Set(now),
            attempts: Set(0),
            last_error: Set(None),
            claimed_until: Set(None),
            processed_at: Set(None),
            ..Default::default()
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    for chunk in rows.chunks(500) {
        outbox::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    catalogue_version::Entity::update_many()
        .col_expr(
            catalogue_version::Column::Version,
            Expr::col(catalogue_version::Column::Version).add(1),
        )
        .filter(catalogue_version::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(())
}
