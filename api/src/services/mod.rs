//! Use cases over SeaORM. No GraphQL or HTTP types here: resolvers and commands call these.

pub mod audit;
pub mod changes;
pub mod completions;
pub mod count_cache;
pub mod cursor;
pub mod freshness;
pub mod keys;
pub mod outlets;
pub mod product_filter;
pub mod products;
pub mod search;
pub mod spelling;
pub mod statistics;
pub mod verification;
pub mod write;

pub use product_filter::{CertificationFilter, ProductFilter, ProductFilterInput};
