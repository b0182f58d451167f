//! Domain types: values parsed once at the edge ("parse, don't validate"), each with the rules
//! of the catalogue and unit tests. Parsing returns the reason in Vietnamese-neutral English;
//! callers attach the name of the offending field.

pub mod certificate;
pub mod email;
pub mod geo;
pub mod images;
pub mod money;
pub mod page_size;
pub mod phone;
pub mod search_text;
pub mod slug;
pub mod stars;
pub mod tax_code;
pub mod text;
pub mod web_url;

pub use certificate::{CertificateStatus, ProductCertStatus};
pub use email::Email;
pub use geo::GeoPoint;
pub use images::Images;
pub use money::{PriceRange, Vnd};
pub use page_size::PageSize;
pub use phone::Phone;
pub use search_text::SearchText;
pub use slug::Slug;
pub use stars::{Score, Stars};
pub use tax_code::TaxCode;
pub use text::BoundedText;
pub use web_url::WebUrl;
