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
    /// Show the change log: its head position, what is kept, and the retention window.
    Changes,
    /// Print the effective settings as TOML, secrets left out.
    Config,
    /// Print the GraphQL schema (SDL), as published in `schema.graphql`.
    Schema,
    /// Print the trusted documents (the contract's operations and `OCOP_TRUSTED_DOCUMENTS`) as a
    /// persisted-query manifest, with the SHA-256 id a client names each by.
    Documents,
    /// Changes the search engine refused, set aside so that the index follows the rest of the
    /// log: list them, retry them, or skip them.
    DeadLetters {
        /// What to do with them.
        #[command(subcommand)]
        command: DeadLettersCommand,
    },
    /// Print a certificate's verification code and URL; write its QR code as SVG and PNG for
    /// the stamp.
    Stamp {
        /// The certificate's id.
        id: i64,
        /// Write the QR code here as SVG.
        #[arg(long)]
        svg: Option<PathBuf>,
        /// Write the QR code here as PNG.
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// Manage API keys.
    Keys {
        /// What to do with keys.
        #[command(subcommand)]
        command: KeysCommand,
    },
}

/// `ocop keys …`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it (once: only its hash is stored).
    Create {
        /// ADMIN, EDITOR, PARTNER or KIOSK.
        #[arg(long, value_parser = ["ADMIN", "EDITOR", "PARTNER", "KIOSK"], ignore_case = true)]
        role: String,
        /// A province an editor may write in (repeat for several).
        #[arg(long = "province")]
        provinces: Vec<String>,
        /// The outlet a kiosk keeps.
        #[arg(long)]
        outlet: Option<i64>,
        /// Who or what holds the key.
        #[arg(long)]
        name: String,
        /// Days until the key expires (default: never).
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke a key: it stops working at once.
    Revoke {
        /// The key's id (see `ocop keys list`).
        id: i64,
    },
}

/// `ocop dead-letters …`
#[derive(Debug, Subcommand)]
pub enum DeadLettersCommand {
    /// List the changes set aside, with what the engine said.
    List,
    /// Record the changes again in the change log, so every index applies them again (after
    /// the cause is fixed); they are set aside again if the engine still refuses them.
    Retry {
        /// Only the change at this change-log position (default: all).
        #[arg(long)]
        position: Option<i64>,
    },
    /// Forget the changes: the index misses them until the records change again or
    /// `ocop reindex` runs.
    Skip {
        /// Only the change at this change-log position (default: all).
        #[arg(long)]
        position: Option<i64>,
    },
}
