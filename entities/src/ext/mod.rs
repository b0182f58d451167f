//! Hand-written finders over the generated entities.

pub mod listing;
pub mod outbox;
