//! Hand-written finders over the generated entities.

pub mod change_log;
pub mod listing;
