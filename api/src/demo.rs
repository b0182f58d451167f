//! The demo catalogue: real OCOP products and outlets (see `api/demo/README.md`), compiled into
//! the binary and loaded into an empty database at start-up unless `OCOP_DEMO=false`.

use ocop_entities::{outlet, producer, product};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::{
    interchange::{self, import::Progress},
    reference::ReferenceData,
};

/// The demo catalogue in the interchange format.
pub const CATALOGUE: &str = include_str!("../demo/catalogue.jsonl");

/// Whether the database holds no producer, product or outlet.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, sea_orm::DbErr> {
    Ok(producer::Entity::find().count(db).await? == 0
        && product::Entity::find().count(db).await? == 0
        && outlet::Entity::find().count(db).await? == 0)
}

/// Imports the demo catalogue if the database is empty.
pub async fn load_if_empty(
    db: &DatabaseConnection,
    reference: &ReferenceData,
) -> anyhow::Result<()> {
    if !is_empty(db).await? {
        return Ok(());
    }
    let report = interchange::import(
        db,
        reference,
        CATALOGUE.as_bytes(),
        Progress::Hidden,
        "demo",
    )
    .await
    .map_err(|e| match e {
        interchange::ImportError::Invalid(errors) => {
            let shown: Vec<String> = errors.iter().take(10).map(ToString::to_string).collect();
            anyhow::anyhow!(
                "the built-in demo catalogue is invalid: {}",
                shown.join("; ")
            )
        }
        other => anyhow::Error::new(other),
    })?;
    tracing::info!(%report, "loaded the demo catalogue into the empty database (OCOP_DEMO=false turns this off)");
    Ok(())
}
