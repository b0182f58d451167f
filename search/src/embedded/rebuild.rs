//! Rebuilding the index as a new generation beside the live one, made current when it is
//! complete.

use std::{path::PathBuf, sync::Arc};

use async_trait::async_trait;

use super::{
    blocking,
    generation::{self, Generation, REBUILD_WRITER_HEAP},
};
use crate::{
    Rebuild, SearchError,
    document::{OutletDocument, ProductDocument},
};

/// A generation being built by [`EmbeddedBackend::begin_rebuild`].
pub(super) struct EmbeddedRebuild {
    pub(super) root: PathBuf,
    pub(super) generation: Arc<Generation>,
}

#[async_trait]
impl Rebuild for EmbeddedRebuild {
    // A new generation holds each id once: documents are only added, and committed at the end.
    async fn add_products(&mut self, docs: Vec<ProductDocument>) -> Result<(), SearchError> {
        let generation = self.generation.clone();
        blocking(move || {
            let f = &generation.product_fields;
            generation.products.add(REBUILD_WRITER_HEAP, |w| {
                docs.iter()
                    .try_for_each(|d| w.add_document(f.document(d)).map(|_| ()))
            })
        })
        .await
    }

    async fn add_outlets(&mut self, docs: Vec<OutletDocument>) -> Result<(), SearchError> {
        let generation = self.generation.clone();
        blocking(move || {
            let f = &generation.outlet_fields;
            generation.outlets.add(REBUILD_WRITER_HEAP, |w| {
                docs.iter()
                    .try_for_each(|d| w.add_document(f.document(d)).map(|_| ()))
            })
        })
        .await
    }

    async fn finish(self: Box<Self>, position: i64) -> Result<(), SearchError> {
        let Self { root, generation } = *self;
        blocking(move || {
            generation.outlets.commit_and_close(None)?;
            generation.products.commit_and_close(Some(position))?;
            generation::write_current(&root, &generation.name)?;
            generation::prune(&root, &generation.name)
        })
        .await
    }
}
