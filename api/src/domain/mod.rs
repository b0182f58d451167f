//! Domain types: values parsed once at the edge ("parse, don't validate"), each with the rules
//! of the catalogue and unit tests. Parsing returns the reason in Vietnamese-neutral English;
//! callers attach the name of the offending field.

pub mod certificate;
pub mod geo;
pub mod money;
pub mod page_size;
pub mod search_text;
pub mod slug;
pub mod stars;
pub mod text;

pub use certificate::{CertificateStatus, ProductCertStatus};
pub use geo::GeoPoint;
pub use money::Vnd;
pub use page_size::PageSize;
pub use search_text::SearchText;
pub use slug::Slug;
pub use stars::{Score, Stars};
pub use text::BoundedText;
