//! Catalogue tables: producers, products, certifications, outlets and listings.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_reference::{fk, index};

/// Creates the catalogue tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000002_catalogue"
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
                .table("producers")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("slug", 160))
                .col(string("name"))
                .col(string_len("kind", 24))
                .col(string_len("ward_code", 5))
                .col(string_len("province_code", 2))
                .col(string_null("address"))
                .col(string_null("representative"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(string_null("tax_code"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("producers", "ward_code", "wards", "code"))
                .foreign_key(&mut fk("producers", "province_code", "provinces", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("products")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("slug", 160))
                .col(string("name"))
                .col(string("sort_name"))
                .col(text_null("description"))
                .col(text_null("story"))
                .col(string_len("category_code", 16))
                .col(big_integer("producer_id"))
                .col(string_len("ward_code", 5))
                .col(string_len("province_code", 2))
                .col(json("images"))
                .col(string_null("packaging"))
                .col(string_null("unit"))
                .col(big_integer_null("price_min_vnd"))
                .col(big_integer_null("price_max_vnd"))
                .col(string_len("status", 16))
                .col(string_len("cert_state", 16))
                .col(integer_null("cert_stars"))
                .col(date_null("cert_issued_on"))
                .col(date_null("cert_expires_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("products", "category_code", "categories", "code"))
                .foreign_key(&mut fk("products", "producer_id", "producers", "id"))
                .foreign_key(&mut fk("products", "ward_code", "wards", "code"))
                .foreign_key(&mut fk("products", "province_code", "provinces", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("certifications")
                .col(big_pk_auto("id"))
                .col(big_integer("product_id"))
                .col(integer("stars"))
                .col(integer_null("score"))
                .col(string_len("level", 16))
                .col(string("issuing_body"))
                .col(string_null("decision_number"))
                .col(string_null("certificate_number"))
                .col(date("issued_on"))
                .col(date("expires_on"))
                .col(date_null("revoked_on"))
                .col(string_null("revoked_reason"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    fk("certifications", "product_id", "products", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .check(Expr::col("stars").between(3, 5))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("outlets")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("slug", 160))
                .col(string("name"))
                .col(string_len("kind", 48))
                .col(string_len("ward_code", 5))
                .col(string_len("province_code", 2))
                .col(string_null("address"))
                .col(double("lat"))
                .col(double("lng"))
                .col(string_null("phone"))
                .col(string_null("opening_hours"))
                .col(string_null("operator"))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("outlets", "ward_code", "wards", "code"))
                .foreign_key(&mut fk("outlets", "province_code", "provinces", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("listings")
                .col(big_integer("outlet_id"))
                .col(big_integer("product_id"))
                .col(big_integer_null("price_vnd"))
                .col(boolean("in_stock"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("outlet_id").col("product_id"))
                .foreign_key(
                    fk("listings", "outlet_id", "outlets", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("listings", "product_id", "products", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        let indexes: &[(&'static str, &[&'static str])] = &[
            ("producers", &["province_code"]),
            ("producers", &["ward_code"]),
            ("products", &["producer_id"]),
            ("products", &["province_code"]),
            ("products", &["category_code"]),
            ("products", &["ward_code"]),
            ("products", &["updated_at"]),
            ("products", &["status", "created_at", "id"]),
            ("products", &["status", "sort_name", "id"]),
            ("products", &["status", "cert_stars", "id"]),
            ("products", &["cert_expires_on"]),
            ("certifications", &["product_id", "issued_on"]),
            ("outlets", &["province_code"]),
            ("outlets", &["ward_code"]),
            ("outlets", &["kind"]),
            ("listings", &["product_id"]),
        ];
        for (table, columns) in indexes {
            m.create_index(index(table, columns)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "listings",
            "outlets",
            "certifications",
            "products",
            "producers",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
