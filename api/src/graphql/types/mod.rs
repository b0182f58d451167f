//! GraphQL object types, each built from an entity model or reference row. The nodes of the
//! catalogue graph, which refer to each other, are declared in [`nodes`].

pub mod category;
pub mod certification;
pub mod change;
pub mod enums;
pub mod geo;
pub mod highlight;
pub mod listing;
pub mod nodes;
pub mod outlet;
pub mod page_info;
pub mod producer;
pub mod product;
pub mod reference;
pub mod scalars;
pub mod search;
pub mod verification;
