//! Hand-written finders over the generated entities.

pub mod outbox;
