//! Appending to the outbox.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::outbox;

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

/// Appends one row per id. Call it inside the transaction that makes the change.
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
    for chunk in rows.chunks(500) {
        outbox::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    Ok(())
}
