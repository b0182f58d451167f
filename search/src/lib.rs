//! Search for the OCOP catalogue: Vietnamese text folding, documents, typed queries, and two
//! backends behind one trait — an embedded index ([`embedded`], tantivy) for zero setup and
//! Meilisearch ([`meili`]) at scale.
//!
//! This crate depends on no other workspace crate and is testable without a database.

pub mod backend;
pub mod document;
pub mod embedded;
pub mod highlight;
pub mod meili;
pub mod query;
pub mod settings;
pub mod spelling;
pub mod text;

pub use backend::{Cause, IndexBatch, Rebuild, SearchBackend, SearchError};
pub use document::{OutletDocument, ProductDocument};
pub use query::{
    FacetCounts, FacetField, NameSuggest, OutletHits, OutletSearch, ProductFilters, ProductHits,
    ProductSearch, SearchSort, Validity,
};
