//! Choosing the search engine from the settings.

use std::sync::Arc;

use ocop_search::{
    SearchBackend,
    embedded::EmbeddedBackend,
    meili::{MeiliBackend, MeiliOptions},
};
use secrecy::ExposeSecret;

use crate::config::Settings;

/// Meilisearch when `MEILI_URL` is set, the embedded index under `<data_dir>/index` otherwise.
pub fn from_settings(settings: &Settings) -> anyhow::Result<Arc<dyn SearchBackend>> {
    match &settings.meili_url {
        Some(url) => {
            let key = settings
                .meili_master_key
                .as_ref()
                .map(|k| k.expose_secret().to_owned());
            let mut options = MeiliOptions::new(url.clone(), key);
            options
                .index_prefix
                .clone_from(&settings.meili_index_prefix);
            Ok(Arc::new(MeiliBackend::new(options)?))
        }
        None => {
            let root = settings.data_dir.join("index");
            Ok(Arc::new(EmbeddedBackend::open(&root).map_err(|e| {
                anyhow::anyhow!(
                    "cannot open the embedded search index in {}: {}",
                    root.display(),
                    e.report()
                )
            })?))
        }
    }
}
