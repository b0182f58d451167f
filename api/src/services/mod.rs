//! Use cases over SeaORM. No GraphQL or HTTP types here: resolvers and commands call these.

pub mod cursor;
pub mod outlets;
pub mod product_filter;
pub mod products;

pub use product_filter::{CertificationFilter, ProductFilter, ProductFilterInput};
