//! Search for the OCOP catalogue: Vietnamese text folding, documents, queries and backends.
//!
//! This crate depends on no other workspace crate and is testable without a database.

pub mod text;
