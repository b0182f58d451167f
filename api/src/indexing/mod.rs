//! Keeping the search index in step with the database: the one place where entities become
//! search documents ([`documents`]), the outbox worker that applies committed changes
//! ([`worker`]), the full rebuild behind `ocop reindex` ([`reindex`]) and the sync status
//! ([`status`]).

pub mod backend;
pub mod documents;
pub mod reindex;
pub mod status;
pub mod worker;

pub use status::SyncStatus;
pub use worker::OutboxWorker;
