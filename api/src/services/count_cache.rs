//! Counts of product lists (`totalCount`), kept for as long as the catalogue does not change.
//!
//! Counting a list reads every matching row (tens of milliseconds at 100,000 products), while
//! a page reads twenty. Every catalogue change moves `catalogue_version` on in its own
//! transaction, whichever process makes it, so a count stored with the version it was read at
//! is exact for as long as the version stays the same: one primary-key read instead of a count.
//! The condition includes today's date, so a new day counts afresh.

use std::{collections::HashMap, sync::Mutex};

use ocop_entities::product;
use sea_orm::{
    Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryTrait,
    sea_query::SqliteQueryBuilder,
};

use super::freshness::FreshnessReads;
use crate::error::AppResult;

/// Different list conditions remembered at most; beyond that the cache starts again.
const CAPACITY: usize = 1024;

/// Product counts by condition, each with the catalogue version it was read at.
pub struct CountCache {
    freshness: FreshnessReads,
    entries: Mutex<HashMap<String, (i64, u64)>>,
}

impl CountCache {
    /// A cache that reads the catalogue's version through `freshness`.
    pub fn new(freshness: FreshnessReads) -> Self {
        Self {
            freshness,
            entries: Mutex::default(),
        }
    }

    /// Counts the products matching `condition`: no statement of its own when the catalogue
    /// has not changed since the same condition was last counted. `known` is the version the
    /// request read after it arrived, if it read one.
    pub async fn products(
        &self,
        db: &DatabaseConnection,
        known: Option<i64>,
        condition: Condition,
    ) -> AppResult<u64> {
        // The version is read before the count: a change committed in between makes the count
        // newer than its version, never older.
        let version = match known {
            Some(v) => v,
            None => self.freshness.now().await?.catalogue,
        };
        let query = product::Entity::find().filter(condition);
        let key = query.as_query().to_string(SqliteQueryBuilder);
        if let Some(&(at, count)) = self.lock().get(&key)
            && at == version
        {
            return Ok(count);
        }
        let count = query.count(db).await?;
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, (version, count));
        Ok(count)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, u64)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
