//! API keys and the audit trail.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_reference::index;

/// Creates `api_keys` and `audit_log`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000004_keys_and_audit"
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
                .table("api_keys")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("prefix", 16))
                .col(string_len("secret_hash", 64))
                .col(string("name"))
                .col(string_len("role", 16))
                .col(json("provinces"))
                .col(big_integer_null("outlet_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer_null("key_id"))
                .col(string("actor"))
                .col(string_len("entity_type", 32))
                .col(big_integer("entity_id"))
                .col(string_len("operation", 32))
                .col(string_len_null("province_code", 2))
                .col(json_null("before"))
                .col(json_null("after"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["entity_type", "entity_id", "id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("audit_log").to_owned())
            .await?;
        m.drop_table(Table::drop().table("api_keys").to_owned())
            .await
    }
}
