//! The `ocop` binary: settings → telemetry → command.

use std::{
    fs::File,
    io::{BufReader, BufWriter, IsTerminal},
    process::ExitCode,
};

use anyhow::Context;
use clap::Parser;
use ocop_api::{
    cli::{Cli, Command, KeysCommand},
    commands,
    config::Settings,
    db, indexing,
    interchange::{self, ImportError, import::Progress},
    reference::ReferenceData,
    startup::{Application, shutdown_signal},
    telemetry,
};

/// A multi-threaded allocator: the server allocates and frees many small buffers from every
/// thread (rows, JSON), where the system allocator's arenas contend.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    // Outside the runtime: the trace exporter's HTTP client runs threads of its own, and is
    // flushed and dropped after the runtime is gone.
    let telemetry = telemetry::init(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), settings)) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "failed");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    drop(runtime);
    drop(telemetry);
    code
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
                interchange::import(
                    &db,
                    &reference,
                    std::io::stdin().lock(),
                    progress,
                    "cli:import",
                )
                .await
            } else {
                let f =
                    File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
                interchange::import(&db, &reference, BufReader::new(f), progress, "cli:import")
                    .await
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
                "exported {} producers, {} products, {} outlets at change-log position {} \
                 (follow catalogueChanges from the header's changeLogCursor)",
                report.producers, report.products, report.outlets, report.position
            );
        }
        Command::Keys { command } => return keys(command, settings).await,
        Command::Config => print!("{}", commands::config::render(&settings)?),
        Command::Schema => print!("{}", ocop_api::graphql::sdl()),
        Command::Documents => println!(
            "{}",
            ocop_api::routes::trusted_documents::TrustedDocuments::load(
                settings.trusted_documents.as_deref()
            )?
            .manifest()
        ),
        Command::DeadLetters { command } => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            print!("{}", commands::dead_letters::run(&db, command).await?);
        }
        Command::Stamp { id, svg, png } => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            if settings.public_url.is_none() {
                eprintln!(
                    "warning: OCOP_PUBLIC_URL is not set, so the QR points at http://{}, which \
                     buyers cannot reach",
                    settings.listen
                );
            }
            let stamp = commands::stamp::Stamp::of(&db, &settings, id).await?;
            stamp.write(svg.as_deref(), png.as_deref())?;
            println!("code: {}\nurl:  {}", stamp.code, stamp.url);
        }
        Command::Changes => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            println!("{}", commands::changes::summary(&db, &settings).await?);
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
            if !search.keeps_position() {
                indexing::follower::set_shared_position(
                    &db,
                    &format!("meilisearch:{}", settings.meili_index_prefix),
                    report.position,
                )
                .await?;
            }
            eprintln!(
                "reindexed {} products and {} outlets into the {} index in {:.1} s (at change-log position {})",
                report.products,
                report.outlets,
                search.name(),
                started.elapsed().as_secs_f64(),
                report.position
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn keys(command: KeysCommand, settings: Settings) -> anyhow::Result<ExitCode> {
    use ocop_api::services::keys;
    use sea_orm::ActiveEnum;
    let db = db::connect(&settings).await?;
    db::migrate(&db).await?;
    let result = match command {
        KeysCommand::Create {
            role,
            provinces,
            outlet,
            name,
            expires_in_days,
        } => {
            let reference = ReferenceData::load(&db).await?;
            let role = ocop_entities::api_key::Role::try_from_value(&role.to_ascii_uppercase())
                .map_err(|_| anyhow::anyhow!("unknown role {role}"))?;
            let expires_at =
                expires_in_days.map(|d| chrono::Utc::now() + chrono::Duration::days(i64::from(d)));
            let new = keys::NewKey {
                name,
                role,
                provinces,
                outlet_id: outlet,
                expires_at,
            };
            keys::create(&db, &reference, new)
                .await
                .map(|(model, secret)| {
                    eprintln!(
                        "created key {} ({}, {}); store it now, it is not shown again:",
                        model.id,
                        model.name,
                        role.to_value()
                    );
                    println!("{secret}");
                })
        }
        KeysCommand::List => keys::list(&db).await.map(|all| {
            println!(
                "{:>5}  {:<8} {:<28} {:<14} {:<20} {:<20} {:<8}",
                "id", "role", "name", "scope", "created", "expires", "status"
            );
            for k in all {
                let scope = match (k.provinces.0.is_empty(), k.outlet_id) {
                    (false, _) => k.provinces.0.join(","),
                    (true, Some(o)) => format!("outlet {o}"),
                    _ => "-".to_owned(),
                };
                let status = match (k.revoked_at, k.expires_at) {
                    (Some(_), _) => "revoked",
                    (None, Some(at)) if at <= chrono::Utc::now() => "expired",
                    _ => "active",
                };
                let day = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
                println!(
                    "{:>5}  {:<8} {:<28} {:<14} {:<20} {:<20} {:<8}",
                    k.id,
                    k.role.to_value(),
                    k.name.chars().take(28).collect::<String>(),
                    scope,
                    day(k.created_at),
                    k.expires_at.map_or("never".to_owned(), day),
                    status
                );
            }
        }),
        KeysCommand::Revoke { id } => keys::revoke(&db, id)
            .await
            .map(|k| eprintln!("key {} ({}) is revoked", k.id, k.name)),
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("error: {}", e.message());
            Ok(ExitCode::from(2))
        }
    }
}
