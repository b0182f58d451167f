//! Documents as stored in Meilisearch: products as they are, outlets with a `_geo` point.

use serde::Serialize;

use crate::document::{OutletDocument, ProductDocument};

/// A product document as stored in Meilisearch (the product document as is).
pub(super) type MeiliProduct = ProductDocument;

/// An outlet document as stored in Meilisearch, with its `_geo` point.
#[derive(Serialize)]
pub(super) struct MeiliOutlet<'a> {
    #[serde(flatten)]
    doc: &'a OutletDocument,
    #[serde(rename = "_geo")]
    geo: Geo,
}

#[derive(Serialize)]
struct Geo {
    lat: f64,
    lng: f64,
}

/// Outlet documents with their `_geo` points.
pub(super) fn meili_outlets(docs: &[OutletDocument]) -> Vec<MeiliOutlet<'_>> {
    docs.iter()
        .map(|doc| MeiliOutlet {
            doc,
            geo: Geo {
                lat: doc.lat,
                lng: doc.lng,
            },
        })
        .collect()
}
