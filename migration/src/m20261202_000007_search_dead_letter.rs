//! `search_dead_letter`: change-log entries a search engine refused, set aside so that the
//! index can follow the rest of the log. `ocop dead-letters` lists them, retries them (a new
//! change-log entry for the same records) or skips them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_reference::index;

/// Creates `search_dead_letter`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000007_search_dead_letter"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("search_dead_letter")
                .col(big_pk_auto("id"))
                .col(string_len("consumer", 200))
                .col(big_integer("position"))
                .col(string_len("kind", 16))
                .col(big_integer("record_id"))
                .col(big_integer_null("related_id"))
                .col(string_len("operation", 16))
                .col(text("products"))
                .col(text("outlets"))
                .col(text("error"))
                .col(timestamp_with_time_zone("failed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("search_dead_letter", &["consumer", "position"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("search_dead_letter").to_owned())
            .await
    }
}
