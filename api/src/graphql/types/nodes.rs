//! The nodes of the catalogue graph, declared apart from their fields. A product, its producer,
//! its listings and their outlets refer to each other (`Product.producer`, `Producer.products`,
//! `Outlet.listings`, `Listing.outlet`…): each type's fields live in its own module and name
//! the others through this one, so no two modules import each other.

use ocop_entities::{listing, outlet, producer, product};

use crate::error::AppError;

/// An OCOP product.
pub struct Product(pub product::Model);

/// A producer ("chủ thể OCOP"): company, cooperative, cooperative group or household business.
pub struct Producer(pub producer::Model);

/// An OCOP introduction and sales point ("điểm giới thiệu và bán sản phẩm OCOP").
pub struct Outlet(pub outlet::Model);

/// A product on an outlet's shelf, with its price and stock.
pub struct Listing(pub listing::Model);

/// Reference rows are guaranteed by foreign keys; a missing one is a bug.
pub(crate) fn missing(what: &str, code: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "{what} {code} is not in the reference data"
    ))
}
