//! The outbox: changes waiting to reach the search index.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_reference::index;

/// Creates the outbox table.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000003_outbox"
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
                .table("outbox")
                .col(big_pk_auto("id"))
                .col(string_len("entity_type", 16))
                .col(big_integer("entity_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("available_at"))
                .col(integer("attempts"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(timestamp_with_time_zone_null("processed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("outbox", &["processed_at", "id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("outbox").to_owned()).await
    }
}
