//! The catalogue version: a counter every catalogue change moves on, for caches of list counts.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `catalogue_version` with its single row.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000005_catalogue_version"
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
                .table("catalogue_version")
                .col(integer("id").primary_key())
                .col(big_integer("version"))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("catalogue_version")
                .columns(["id", "version"])
                .values_panic([1.into(), 0.into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("catalogue_version").to_owned())
            .await
    }
}
