//! Schema migrations for the OCOP catalogue, and the seeding of its reference data.
//!
//! This crate depends on no other workspace crate: it describes tables by name, so that old
//! migrations keep compiling however the entities evolve. The reference data (regions,
//! provinces, wards, former provinces, aliases and the product taxonomy) is compiled in from the
//! reviewed CSV files under `reference/` (see `reference/README.md` for their provenance).

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_reference;
mod m20261122_000002_catalogue;
mod m20261122_000003_outbox;
mod m20261123_000004_keys_and_audit;
mod m20261123_000005_catalogue_version;
mod m20261202_000006_change_log;
mod m20261202_000007_search_dead_letter;
mod m20261202_000008_certificate_verification;
mod m20261202_000009_statistics_index;
pub mod reference_data;

/// Runs the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_reference::Migration),
            Box::new(m20261122_000002_catalogue::Migration),
            Box::new(m20261122_000003_outbox::Migration),
            Box::new(m20261123_000004_keys_and_audit::Migration),
            Box::new(m20261123_000005_catalogue_version::Migration),
            Box::new(m20261202_000006_change_log::Migration),
            Box::new(m20261202_000007_search_dead_letter::Migration),
            Box::new(m20261202_000008_certificate_verification::Migration),
            Box::new(m20261202_000009_statistics_index::Migration),
        ]
    }
}
