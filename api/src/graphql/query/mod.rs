//! Root query objects, one per domain, merged in [`crate::graphql::Query`].

pub mod audit;
pub mod changes;
pub mod outlets;
pub mod products;
pub mod reference;
pub mod search;
pub mod statistics;
pub mod suggest;
pub mod verification;
