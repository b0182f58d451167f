//! The lease on a shared (Meilisearch) index's cursor row: one server at a time applies the
//! log to the shared index; another takes over when the lease lapses.

use chrono::Utc;
use ocop_entities::search_cursor;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};

use super::IndexFollower;

impl IndexFollower {
    /// The name of the shared index's cursor row.
    pub(super) fn cursor_name(&self) -> String {
        self.status.cursor_name.clone()
    }

    /// Takes (or renews) the lease on the shared index's cursor.
    pub(super) async fn claim(&self) -> Result<Claim, DbErr> {
        let now = Utc::now();
        let until = now + chrono::Duration::from_std(self.config.lease).unwrap_or_default();
        // The row exists from the first claim on; -1 means "no position: rebuild".
        search_cursor::Entity::insert(search_cursor::ActiveModel {
            name: Set(self.cursor_name()),
            position: Set(-1),
            owner: Set(None),
            leased_until: Set(None),
            updated_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(search_cursor::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        let taken = search_cursor::Entity::update_many()
            .col_expr(
                search_cursor::Column::Owner,
                Expr::value(self.owner.clone()),
            )
            .col_expr(search_cursor::Column::LeasedUntil, Expr::value(until))
            .filter(search_cursor::Column::Name.eq(self.cursor_name()))
            .filter(
                Condition::any()
                    .add(search_cursor::Column::Owner.eq(self.owner.clone()))
                    .add(search_cursor::Column::LeasedUntil.is_null())
                    .add(search_cursor::Column::LeasedUntil.lt(now)),
            )
            .exec(&self.db)
            .await?
            .rows_affected;
        if taken == 0 {
            return Ok(Claim::NotOurs);
        }
        let row = search_cursor::Entity::find_by_id(self.cursor_name())
            .one(&self.db)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("search_cursor".into()))?;
        Ok(Claim::Ours(Some(row.position).filter(|p| *p >= 0)))
    }

    /// Moves the shared index's position on, if this server still holds the lease.
    pub(super) async fn store(&self, position: i64) -> anyhow::Result<()> {
        let moved = search_cursor::Entity::update_many()
            .col_expr(search_cursor::Column::Position, Expr::value(position))
            .col_expr(search_cursor::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(search_cursor::Column::Name.eq(self.cursor_name()))
            .filter(search_cursor::Column::Owner.eq(self.owner.clone()))
            .exec(&self.db)
            .await?
            .rows_affected;
        anyhow::ensure!(
            moved == 1,
            "lost the lease on the shared search index; another server applies the changes"
        );
        Ok(())
    }

    /// Gives the lease up (at shutdown), so another server takes over at once.
    pub(super) async fn release(&self) -> Result<(), DbErr> {
        if self.search.keeps_position() {
            return Ok(());
        }
        search_cursor::Entity::update_many()
            .col_expr(
                search_cursor::Column::Owner,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                search_cursor::Column::LeasedUntil,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .filter(search_cursor::Column::Name.eq(self.cursor_name()))
            .filter(search_cursor::Column::Owner.eq(self.owner.clone()))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// Sets the position of the shared index `name` (after `ocop reindex` rebuilt it).
pub async fn set_shared_position(
    db: &DatabaseConnection,
    name: &str,
    position: i64,
) -> Result<(), DbErr> {
    search_cursor::Entity::insert(search_cursor::ActiveModel {
        name: Set(name.to_owned()),
        position: Set(position),
        owner: Set(None),
        leased_until: Set(None),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(search_cursor::Column::Name)
            .update_columns([
                search_cursor::Column::Position,
                search_cursor::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Whether this server holds the lease, with the index's position when it does.
pub(super) enum Claim {
    Ours(Option<i64>),
    NotOurs,
}
