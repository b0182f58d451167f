//! The `ocop` binary: settings → telemetry → command.

use std::process::ExitCode;

use clap::Parser;
use ocop_api::{
    cli::{Cli, Command},
    commands,
    config::Settings,
    routes::trusted_documents::TrustedDocuments,
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
            commands::database(&settings).await?;
            eprintln!("migrations applied to {}", settings.database_label());
        }
        Command::Import { file } => {
            return commands::import::run(&commands::database(&settings).await?, &file).await;
        }
        Command::Export { file } => {
            commands::export::run(&commands::database(&settings).await?, file).await?;
        }
        Command::Keys { command } => {
            return commands::keys::run(&commands::database(&settings).await?, command).await;
        }
        Command::Config => print!("{}", commands::config::render(&settings)?),
        Command::Schema => print!("{}", ocop_api::graphql::sdl()),
        Command::Documents => println!(
            "{}",
            TrustedDocuments::load(settings.trusted_documents.as_deref())?.manifest()
        ),
        Command::DeadLetters { command } => {
            let db = commands::database(&settings).await?;
            print!("{}", commands::dead_letters::run(&db, command).await?);
        }
        Command::Stamp { id, svg, png } => {
            let db = commands::database(&settings).await?;
            commands::stamp::run(&db, &settings, id, svg.as_deref(), png.as_deref()).await?;
        }
        Command::Changes => {
            let db = commands::database(&settings).await?;
            println!("{}", commands::changes::summary(&db, &settings).await?);
        }
        Command::Reindex => {
            commands::reindex::run(&commands::database(&settings).await?, &settings).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
