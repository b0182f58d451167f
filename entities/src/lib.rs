//! SeaORM entities of the OCOP catalogue.
//!
//! One module per table, kept as close to generated code as possible; hand-written finders live
//! in [`ext`]. No web, GraphQL or search types here: this crate is a leaf of the workspace.

pub mod api_key;
pub mod audit_log;
pub mod catalogue_version;
pub mod category;
pub mod certification;
pub mod change_log;
pub mod ext;
pub mod former_province;
pub mod listing;
pub mod outlet;
pub mod producer;
pub mod product;
pub mod province;
pub mod province_alias;
pub mod region;
pub mod search_cursor;
pub mod search_dead_letter;
pub mod string_list;
pub mod verification_code;
pub mod ward;

pub use string_list::StringList;
