//! GraphQL object types, each built from an entity model or reference row.
//!
//! The only modules of the crate that name each other: a product, its producer, its listings
//! and their outlets are one graph (`Product.producer`, `Producer.products`,
//! `Outlet.listings`, `Listing.outlet`…), so their types refer to each other by design.

pub mod category;
pub mod certification;
pub mod change;
pub mod enums;
pub mod geo;
pub mod highlight;
pub mod listing;
pub mod outlet;
pub mod page_info;
pub mod producer;
pub mod product;
pub mod reference;
pub mod scalars;
pub mod verification;
