//! `ocop import FILE|-`: loads an interchange file (JSON Lines) in one transaction.

use std::{
    fs::File,
    io::{BufReader, IsTerminal},
    path::Path,
    process::ExitCode,
};

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::{
    interchange::{self, ImportError, import::Progress},
    reference::ReferenceData,
};

/// Imports `file` (`-` for standard input). Invalid records are listed on standard error and
/// nothing is imported (exit code 1).
pub async fn run(db: &DatabaseConnection, file: &Path) -> anyhow::Result<ExitCode> {
    let reference = ReferenceData::load(db).await?;
    let progress = if std::io::stderr().is_terminal() {
        Progress::Terminal
    } else {
        Progress::Hidden
    };
    let result = if file.as_os_str() == "-" {
        interchange::import(
            db,
            &reference,
            std::io::stdin().lock(),
            progress,
            "cli:import",
        )
        .await
    } else {
        let f = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
        interchange::import(db, &reference, BufReader::new(f), progress, "cli:import").await
    };
    match result {
        Ok(report) => eprintln!("imported: {report}"),
        Err(ImportError::Invalid(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("{} invalid record(s); nothing was imported", errors.len());
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(ExitCode::SUCCESS)
}
