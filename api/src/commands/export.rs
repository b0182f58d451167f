//! `ocop export [FILE]`: writes the catalogue as an interchange file (JSON Lines).

use std::{fs::File, io::BufWriter, path::PathBuf};

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::interchange;

/// Exports to `file`, or to standard output; reports on standard error.
pub async fn run(db: &DatabaseConnection, file: Option<PathBuf>) -> anyhow::Result<()> {
    let report = match file {
        Some(path) => {
            let f =
                File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            interchange::export(db, &mut BufWriter::new(f)).await?
        }
        None => interchange::export(db, &mut BufWriter::new(std::io::stdout().lock())).await?,
    };
    eprintln!(
        "exported {} producers, {} products, {} outlets at change-log position {} \
         (follow catalogueChanges from the header's changeLogCursor)",
        report.producers, report.products, report.outlets, report.position
    );
    Ok(())
}
