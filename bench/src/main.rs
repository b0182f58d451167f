//! `ocop-bench`: the synthetic catalogue generator and the load benchmark.
//!
//! ```text
//! cargo run --release -p ocop-bench                 # the whole benchmark, 10k and 100k products
//! BENCH_DATABASE_URL=postgres://… cargo run --release -p ocop-bench   # and 100k on PostgreSQL
//! cargo run --release -p ocop-bench -- generate --products 1000 catalogue.jsonl
//! ```

mod follow;
mod generate;
mod load;
mod report;
mod run;

use std::{fs::File, io::BufWriter, path::PathBuf, process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};

/// Benchmark of ocop-catalog.
#[derive(Debug, Parser)]
#[command(name = "ocop-bench", about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Run the benchmark (the default): at each size, import, reindex, serve, load, measure.
    Run {
        /// Catalogue sizes, in products (outlets: one per 20 products).
        #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
        sizes: Vec<usize>,
        /// Seconds per scenario at the largest size (half at the others).
        #[arg(long, default_value_t = 8)]
        seconds: u64,
        /// Concurrent connections.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Updates timed for write→searchable latency at the largest size.
        #[arg(long, default_value_t = 1000)]
        writes: usize,
        /// RNG seed of the catalogue.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Where to write `latest.json` and `latest.svg`.
        #[arg(long, default_value = "bench/results")]
        out: PathBuf,
        /// Also measure the largest size on this PostgreSQL database (emptied first), e.g.
        /// `postgres://ocop:ocop@127.0.0.1:5432/ocop_bench`.
        #[arg(long, env = "BENCH_DATABASE_URL")]
        postgres: Option<String>,
    },
    /// Write a synthetic catalogue in the interchange format.
    Generate {
        /// Products.
        #[arg(long, default_value_t = 100_000)]
        products: usize,
        /// Outlets.
        #[arg(long, default_value_t = 5_000)]
        outlets: usize,
        /// RNG seed.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Output file (stdout when omitted).
        file: Option<PathBuf>,
    },
    /// Internal: run the server (started by `run` as a child process).
    #[command(hide = true)]
    ServeChild,
}

/// The same allocator as the `ocop` binary, since this process also runs the server.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Cmd::Run {
        sizes: vec![10_000, 100_000],
        seconds: 8,
        connections: 16,
        writes: 1000,
        seed: 2026,
        out: PathBuf::from("bench/results"),
        postgres: std::env::var("BENCH_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty()),
    });
    let result = match command {
        Cmd::ServeChild => serve_child(),
        Cmd::Generate {
            products,
            outlets,
            seed,
            file,
        } => {
            let spec = generate::Spec {
                products,
                outlets,
                seed,
            };
            let written = match file {
                Some(f) => File::create(f)
                    .map_err(anyhow::Error::from)
                    .and_then(|f| generate::write(spec, &mut BufWriter::new(f))),
                None => generate::write(spec, &mut BufWriter::new(std::io::stdout().lock())),
            };
            written.map(|n| eprintln!("wrote {n} lines"))
        }
        Cmd::Run {
            sizes,
            seconds,
            connections,
            writes,
            seed,
            out,
            postgres,
        } => tokio::runtime::Runtime::new()
            .map_err(anyhow::Error::from)
            .and_then(|rt| {
                rt.block_on(run_all(
                    sizes,
                    seconds,
                    connections,
                    writes,
                    seed,
                    out,
                    postgres,
                ))
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The real server, exactly as `ocop serve` runs it.
fn serve_child() -> anyhow::Result<()> {
    let settings = ocop_api::config::Settings::load(None)?;
    let _telemetry = ocop_api::telemetry::init(&settings);
    tokio::runtime::Runtime::new()?.block_on(async {
        ocop_api::startup::Application::build(settings)
            .await?
            .run_until(ocop_api::startup::shutdown_signal())
            .await
    })
}

async fn run_all(
    sizes: Vec<usize>,
    seconds: u64,
    connections: usize,
    writes: usize,
    seed: u64,
    out: PathBuf,
    postgres: Option<String>,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let mut results = Vec::new();
    let mut sizes = sizes;
    sizes.sort_unstable();
    let options = |products: usize, postgres: Option<String>| {
        let big = products == largest;
        run::Options {
            products,
            outlets: (products / 20).max(10),
            duration: Duration::from_secs(if big { seconds } else { seconds.div_ceil(2) }),
            connections,
            writes: if big { writes } else { writes / 10 },
            seed,
            postgres,
        }
    };
    for products in sizes {
        results.push(run::at_size(&options(products, None)).await?);
    }
    let on_postgres = match postgres {
        Some(url) => Some(run::at_size(&options(largest, Some(url))).await?),
        None => None,
    };
    let revision = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or("unknown".to_owned(), |s| s.trim().to_owned());
    let report = report::Report {
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        revision,
        machine: report::Machine::detect(),
        connections,
        duration_s: seconds as f64,
        sizes: results,
        postgres: on_postgres,
    };
    std::fs::create_dir_all(&out)?;
    std::fs::write(
        out.join("latest.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    std::fs::write(out.join("latest.svg"), report.svg())?;
    let md = report.markdown();
    std::fs::write(out.join("latest.md"), &md)?;
    println!("{md}");
    eprintln!(
        "wrote {}, latest.svg and latest.md in {:.0} s",
        out.join("latest.json").display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
