//! GraphQL object types, each built from an entity model or reference row.

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
