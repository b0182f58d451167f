//! Command-line interface of the `ocop` binary.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// ocop-catalog: GraphQL API over Vietnam's OCOP-certified products and their outlets.
#[derive(Debug, Parser)]
#[command(name = "ocop", version, about)]
pub struct Cli {
    /// Settings file (TOML); default: ./ocop.toml when it exists.
    #[arg(long, global = true, env = "OCOP_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API server (the default).
    Serve,
    /// Apply database migrations (also done by `serve`).
    Migrate,
    /// Import a catalogue file in the interchange format (docs/interchange-format.md).
    Import {
        /// The JSON Lines file, or `-` for standard input.
        file: PathBuf,
    },
    /// Export the whole catalogue in the interchange format.
    Export {
        /// Output file; standard output when omitted.
        file: Option<PathBuf>,
    },
    /// Rebuild the search index from the database beside the live one, then switch to it.
    Reindex,
}
