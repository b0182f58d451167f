//! `certifications.verification_code`: the code a certificate's QR stamp carries (`/v/{code}`),
//! random and unique. Existing certificates get theirs here.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

/// Adds and fills `certifications.verification_code`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000008_certificate_verification"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("certifications")
                .add_column(string_len_null("verification_code", 16))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let select = Query::select()
            .column("id")
            .from("certifications")
            .and_where(Expr::col("verification_code").is_null())
            .to_owned();
        for row in db.query_all(&select).await? {
            let id: i64 = row.try_get("", "id")?;
            let update = Query::update()
                .table("certifications")
                .value(
                    "verification_code",
                    ocop_entities::verification_code::generate(),
                )
                .and_where(Expr::col("id").eq(id))
                .to_owned();
            db.execute(&update).await?;
        }
        m.create_index(
            Index::create()
                .name("ux_certifications_verification_code")
                .table("certifications")
                .col("verification_code")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ux_certifications_verification_code")
                .table("certifications")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("certifications")
                .drop_column("verification_code")
                .to_owned(),
        )
        .await
    }
}
