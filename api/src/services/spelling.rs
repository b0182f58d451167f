//! "Did you mean": for a search that found nothing, a spelling of it that finds something.
//!
//! The vocabulary ([`ocop_search::spelling::Vocabulary`]) is read from the database on the first
//! search that needs it (about a second at 100k products) and read again in the background when
//! it is older than [`REFRESH_AFTER`], the old one serving meanwhile. It only proposes: each alternative is searched, with the same filters, before it is offered, so a
//! vocabulary a few minutes old never offers a spelling that finds nothing.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use ocop_entities::product::{self, ProductStatus};
use ocop_search::{ProductSearch, SearchBackend, spelling::Vocabulary};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::Mutex;

use crate::{error::AppError, reference::ReferenceData};

/// Age after which the vocabulary is read again.
pub const REFRESH_AFTER: Duration = Duration::from_secs(300);
/// Alternatives tried (one search each) before giving up.
const TRIES: usize = 3;

/// A spelling that finds something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternative {
    /// The query to offer.
    pub query: String,
    /// How many products it finds with the same filters.
    pub total_hits: u64,
}

/// The catalogue's vocabulary, read when needed.
#[derive(Default)]
pub struct Spelling {
    vocabulary: Mutex<Option<Held>>,
}

/// The vocabulary in use.
struct Held {
    vocabulary: Arc<Vocabulary>,
    read_at: Instant,
    /// Whether a newer one is being read.
    refreshing: bool,
}

impl Spelling {
    /// The closest spelling of `search.text` that finds something with the same filters, if
    /// any. Meant for a search that found nothing.
    pub async fn alternative(
        self: &Arc<Self>,
        db: &DatabaseConnection,
        reference: &Arc<ReferenceData>,
        engine: &dyn SearchBackend,
        search: &ProductSearch,
    ) -> Result<Option<Alternative>, AppError> {
        let vocabulary = self.vocabulary(db, reference).await?;
        for query in vocabulary.alternatives(&search.text, TRIES) {
            let probe = ProductSearch {
                text: query.clone(),
                page: 1,
                page_size: 1,
                ..search.clone()
            };
            let found = engine
                .search_products(&probe)
                .await
                .map_err(|e| AppError::SearchUnavailable(e.into()))?;
            if found.total_hits > 0 {
                return Ok(Some(Alternative {
                    query,
                    total_hits: found.total_hits,
                }));
            }
        }
        Ok(None)
    }

    async fn vocabulary(
        self: &Arc<Self>,
        db: &DatabaseConnection,
        reference: &Arc<ReferenceData>,
    ) -> Result<Arc<Vocabulary>, DbErr> {
        let mut held = self.vocabulary.lock().await;
        match held.as_mut() {
            Some(held) => {
                if held.read_at.elapsed() >= REFRESH_AFTER && !held.refreshing {
                    held.refreshing = true;
                    let (this, db, reference) = (self.clone(), db.clone(), reference.clone());
                    tokio::spawn(async move {
                        let read = read(&db, &reference).await;
                        let mut held = this.vocabulary.lock().await;
                        if let Some(held) = held.as_mut() {
                            held.refreshing = false;
                            match read {
                                Ok(vocabulary) => {
                                    held.vocabulary = Arc::new(vocabulary);
                                    held.read_at = Instant::now();
                                }
                                Err(e) => tracing::warn!(error = %e, "cannot read the vocabulary"),
                            }
                        }
                    });
                }
                Ok(held.vocabulary.clone())
            }
            None => {
                let vocabulary = Arc::new(read(db, reference).await?);
                *held = Some(Held {
                    vocabulary: vocabulary.clone(),
                    read_at: Instant::now(),
                    refreshing: false,
                });
                Ok(vocabulary)
            }
        }
    }
}

/// The words of published product names, product sets and places.
async fn read(db: &DatabaseConnection, reference: &ReferenceData) -> Result<Vocabulary, DbErr> {
    let names: Vec<String> = product::Entity::find()
        .select_only()
        .column(product::Column::Name)
        .filter(product::Column::Status.eq(ProductStatus::Published))
        .into_tuple()
        .all(db)
        .await?;
    let categories = reference.categories().iter().map(|c| c.name.as_str());
    let provinces = reference.provinces().iter().flat_map(|p| {
        std::iter::once(p.name.as_str()).chain(
            reference
                .former_provinces_of(&p.code)
                .iter()
                .map(|f| f.name.as_str()),
        )
    });
    Ok(Vocabulary::from_texts(
        names
            .iter()
            .map(String::as_str)
            .chain(categories)
            .chain(provinces),
    ))
}
