//! Keeping the search index in step with the database: the one place where entities become
//! search documents ([`documents`]), the follower that applies the change log to this server's
//! index ([`follower`]), the full rebuild behind `ocop reindex` ([`reindex`]) and the sync status
//! ([`status`]).

pub mod backend;
pub mod dead_letter;
pub mod documents;
pub mod follower;
pub mod reindex;
pub mod status;

pub use follower::IndexFollower;
pub use status::SyncStatus;
