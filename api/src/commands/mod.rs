//! Bodies of the `ocop` subcommands; `main.rs` only parses, sets up and dispatches.

pub mod changes;
pub mod config;
pub mod dead_letters;
pub mod export;
pub mod import;
pub mod keys;
pub mod reindex;
pub mod stamp;

use sea_orm::DatabaseConnection;

use crate::{config::Settings, db};

/// The configured database, migrated to this version's schema: what every command that reads
/// or writes the catalogue starts from.
pub async fn database(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let db = db::connect(settings).await?;
    db::migrate(&db).await?;
    Ok(db)
}
