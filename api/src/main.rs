//! The `ocop` binary: settings → telemetry → command.

use std::{
    fs::File,
    io::{BufReader, BufWriter, IsTerminal},
    process::ExitCode,
};

use anyhow::Context;
use clap::Parser;
use ocop_api::{
    cli::{Cli, Command},
    config::Settings,
    db, indexing,
    interchange::{self, ImportError, import::Progress},
    reference::ReferenceData,
    startup::{Application, shutdown_signal},
    telemetry,
};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings);
    match run(cli.command.unwrap_or(Command::Serve), settings).await {
        Ok(code) => code,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "failed");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => {
            Application::build(settings)
                .await?
                .run_until(shutdown_signal())
                .await?;
        }
        Command::Migrate => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            eprintln!("migrations applied to {}", settings.database_label());
        }
        Command::Import { file } => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let reference = ReferenceData::load(&db).await?;
            let progress = if std::io::stderr().is_terminal() {
                Progress::Terminal
            } else {
                Progress::Hidden
            };
            let result = if file.as_os_str() == "-" {
                interchange::import(&db, &reference, std::io::stdin().lock(), progress).await
            } else {
                let f =
                    File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
                interchange::import(&db, &reference, BufReader::new(f), progress).await
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
        }
        Command::Export { file } => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let report = match file {
                Some(path) => {
                    let f = File::create(&path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    interchange::export(&db, &mut BufWriter::new(f)).await?
                }
                None => {
                    interchange::export(&db, &mut BufWriter::new(std::io::stdout().lock())).await?
                }
            };
            eprintln!(
                "exported {} producers, {} products, {} outlets",
                report.producers, report.products, report.outlets
            );
        }
        Command::Reindex => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let reference = ReferenceData::load(&db).await?;
            let search = indexing::backend::from_settings(&settings)?;
            let started = std::time::Instant::now();
            let report = indexing::reindex::reindex(
                &db,
                &reference,
                &search,
                std::io::stderr().is_terminal(),
            )
            .await?;
            eprintln!(
                "reindexed {} products and {} outlets into the {} index in {:.1} s ({} recent changes replayed)",
                report.products,
                report.outlets,
                search.name(),
                started.elapsed().as_secs_f64(),
                report.replayed
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
