//! Reference tables (regions, provinces, wards, former provinces, aliases, categories) and their
//! seed rows.

use sea_orm_migration::{prelude::*, schema::*};

use crate::reference_data::{self as data, parse};

/// Creates and seeds the reference tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000001_reference"
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
                .table("regions")
                .col(string_len("code", 16).primary_key())
                .col(string("name"))
                .col(integer("sort_order"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("provinces")
                .col(string_len("code", 2).primary_key())
                .col(string("name"))
                .col(string("full_name"))
                .col(string_len("kind", 16))
                .col(string_len("region_code", 16))
                .col(double("lat"))
                .col(double("lng"))
                .foreign_key(&mut fk("provinces", "region_code", "regions", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("wards")
                .col(string_len("code", 5).primary_key())
                .col(string("name"))
                .col(string("full_name"))
                .col(string_len("kind", 16))
                .col(string_len("province_code", 2))
                .col(double("lat"))
                .col(double("lng"))
                .foreign_key(&mut fk("wards", "province_code", "provinces", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("former_provinces")
                .col(string_len("code", 2).primary_key())
                .col(string("name"))
                .col(string("full_name"))
                .col(string_len("province_code", 2))
                .foreign_key(&mut fk(
                    "former_provinces",
                    "province_code",
                    "provinces",
                    "code",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("province_aliases")
                .col(string("alias").primary_key())
                .col(string_len("province_code", 2))
                .foreign_key(&mut fk(
                    "province_aliases",
                    "province_code",
                    "provinces",
                    "code",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("categories")
                .col(string_len("code", 16).primary_key())
                .col(string_len_null("parent_code", 16))
                .col(integer("level"))
                .col(integer_null("set_number"))
                .col(string("name"))
                .col(string_null("managing_ministry"))
                .foreign_key(&mut fk("categories", "parent_code", "categories", "code"))
                .to_owned(),
        )
        .await?;
        for (table, column) in [
            ("provinces", "region_code"),
            ("wards", "province_code"),
            ("former_provinces", "province_code"),
            ("categories", "parent_code"),
        ] {
            m.create_index(index(table, &[column])).await?;
        }
        seed(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "categories",
            "province_aliases",
            "former_provinces",
            "wards",
            "provinces",
            "regions",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// Inserts every reference row, in batches small enough for any backend's parameter limit.
async fn seed(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let regions = parse::<data::RegionRow>(data::REGIONS_CSV)
        .into_iter()
        .map(|r| vec![r.code.into(), r.name.into(), r.sort_order.into()]);
    insert(m, "regions", &["code", "name", "sort_order"], regions).await?;

    let provinces = parse::<data::ProvinceRow>(data::PROVINCES_CSV)
        .into_iter()
        .map(|p| {
            vec![
                p.code.into(),
                p.name.into(),
                p.full_name.into(),
                p.kind.into(),
                p.region_code.into(),
                p.lat.into(),
                p.lng.into(),
            ]
        });
    let cols = [
        "code",
        "name",
        "full_name",
        "kind",
        "region_code",
        "lat",
        "lng",
    ];
    insert(m, "provinces", &cols, provinces).await?;

    let wards = parse::<data::WardRow>(data::WARDS_CSV)
        .into_iter()
        .map(|w| {
            vec![
                w.code.into(),
                w.name.into(),
                w.full_name.into(),
                w.kind.into(),
                w.province_code.into(),
                w.lat.into(),
                w.lng.into(),
            ]
        });
    let cols = [
        "code",
        "name",
        "full_name",
        "kind",
        "province_code",
        "lat",
        "lng",
    ];
    insert(m, "wards", &cols, wards).await?;

    let former = parse::<data::FormerProvinceRow>(data::FORMER_PROVINCES_CSV)
        .into_iter()
        .map(|f| {
            vec![
                f.code.into(),
                f.name.into(),
                f.full_name.into(),
                f.province_code.into(),
            ]
        });
    let cols = ["code", "name", "full_name", "province_code"];
    insert(m, "former_provinces", &cols, former).await?;

    let aliases = parse::<data::ProvinceAliasRow>(data::PROVINCE_ALIASES_CSV)
        .into_iter()
        .map(|a| vec![a.alias.into(), a.province_code.into()]);
    insert(m, "province_aliases", &["alias", "province_code"], aliases).await?;

    // Parents precede children in the file, so foreign keys hold row by row.
    let categories = parse::<data::CategoryRow>(data::CATEGORIES_CSV)
        .into_iter()
        .map(|c| {
            vec![
                c.code.into(),
                c.parent_code.into(),
                c.level.into(),
                c.set_number.into(),
                c.name.into(),
                c.managing_ministry.into(),
            ]
        });
    let cols = [
        "code",
        "parent_code",
        "level",
        "set_number",
        "name",
        "managing_ministry",
    ];
    insert(m, "categories", &cols, categories).await
}

async fn insert(
    m: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
    rows: impl Iterator<Item = Vec<Expr>>,
) -> Result<(), DbErr> {
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(200) {
        let mut stmt = Query::insert();
        stmt.into_table(table).columns(columns.iter().copied());
        for row in chunk {
            stmt.values_panic(row.iter().cloned());
        }
        m.exec_stmt(stmt).await?;
    }
    Ok(())
}

/// A foreign key named after its table and column.
pub(crate) fn fk(
    table: &'static str,
    column: &'static str,
    to_table: &'static str,
    to_column: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(to_table, to_column)
        .to_owned()
}

/// A non-unique index named after its table and columns.
pub(crate) fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for c in columns {
        stmt.col(*c);
    }
    stmt.to_owned()
}
