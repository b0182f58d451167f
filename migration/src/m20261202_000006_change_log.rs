//! The change log: one ordered record of every catalogue change, replacing the outbox.
//!
//! `change_log.position` is handed out from `catalogue_version.version` inside the writing
//! transaction, under that row's lock, so positions follow commit order (see
//! `ocop_entities::ext::change_log`). `catalogue_version.compacted_through` is the highest
//! position that compaction has deleted: a reader behind it must resynchronise.
//! `search_cursor` keeps the position of an index shared by every server (Meilisearch), with a
//! lease so that one server at a time applies changes to it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_reference::index;

/// Creates `change_log` and `search_cursor`, adds `catalogue_version.compacted_through`, and
/// drops `outbox`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000006_change_log"
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
                .table("change_log")
                .col(big_integer("position").primary_key())
                .col(string_len("kind", 16))
                .col(big_integer("record_id"))
                .col(big_integer_null("related_id"))
                .col(string_len("operation", 16))
                .col(timestamp_with_time_zone("changed_at"))
                .col(text("products"))
                .col(text("outlets"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("change_log", &["changed_at"])).await?;
        m.alter_table(
            Table::alter()
                .table("catalogue_version")
                .add_column(big_integer("compacted_through").default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("search_cursor")
                .col(string_len("name", 200).primary_key())
                .col(big_integer("position"))
                .col(string_len_null("owner", 64))
                .col(timestamp_with_time_zone_null("leased_until"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("outbox").to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("search_cursor").to_owned())
            .await?;
        m.drop_table(Table::drop().table("change_log").to_owned())
            .await
    }
}
