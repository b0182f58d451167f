//! `ocop dead-letters list|retry|skip`: the changes a search engine refused.

use std::fmt::Write;

use sea_orm::DatabaseConnection;

use crate::{cli::DeadLettersCommand, indexing::dead_letter};

/// Runs the command; returns what to print.
pub async fn run(db: &DatabaseConnection, command: DeadLettersCommand) -> anyhow::Result<String> {
    let mut out = String::new();
    match command {
        DeadLettersCommand::List => {
            let letters = dead_letter::list(db).await?;
            if letters.is_empty() {
                out.push_str("no dead letters: every index applies every change\n");
            }
            for l in letters {
                writeln!(
                    out,
                    "position {}  {} {} {} (index {}, set aside {})\n  {}",
                    l.position,
                    l.operation,
                    l.kind,
                    l.record_id,
                    l.consumer,
                    l.failed_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    l.error
                )?;
            }
        }
        DeadLettersCommand::Retry { position } => {
            let n = dead_letter::retry(db, position).await?;
            writeln!(
                out,
                "recorded {n} change(s) again; every index applies them on its next pass"
            )?;
        }
        DeadLettersCommand::Skip { position } => {
            let n = dead_letter::skip(db, position).await?;
            writeln!(
                out,
                "forgot {n} dead letter(s); `ocop reindex` brings the index fully up to date"
            )?;
        }
    }
    Ok(out)
}
