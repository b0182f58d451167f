//! Bodies of the `ocop` subcommands (more move here from `main.rs` as they are touched).

pub mod changes;
pub mod config;
pub mod dead_letters;
pub mod stamp;
