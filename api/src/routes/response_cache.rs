//! The response cache of read-only GraphQL operations, and the validator (`ETag`) of their
//! answers over GET.
//!
//! An answer's key is a SHA-256 over everything the answer depends on:
//! - the operation as sent: its text, operation name and variables;
//! - who asks: anonymous callers share answers, partner keys share theirs and admin keys
//!   theirs; editor and kiosk keys, whose views depend on the key, each have their own;
//! - the catalogue's position in the change log (`catalogue_version`), which every committed
//!   write moves in its own transaction, on any server, imports included; it is read after the
//!   request arrived, in a read shared with the requests arriving at the same time
//!   ([`crate::services::freshness`]);
//! - for searches, this server's search index position, since they are answered from an index
//!   that follows the log a moment behind;
//! - today's date in Việt Nam: certificate status is judged on it, so a new day makes new keys
//!   at midnight and no answer of yesterday is served today.
//!
//! So a cached answer is never older than the last committed change the server can see, and an
//! `If-None-Match` can be answered (304) without executing anything. Answers with errors are not
//! kept. Only operations whose every root field reads the catalogue are cached ([`cacheable`]):
//! the change log (compacted without a write), the audit trail, the index's status and
//! certificate lookups by number (charged extra) are always executed. A cached answer still
//! costs its query's cost against the caller's rate limit. The cache is bounded in bytes (`OCOP_RESPONSE_CACHE_MIB`, default 64; 0 turns it off)
//! and counts its hits and misses in `ocop_response_cache_total`.
//!
//! Just over 300 lines with its unit tests.

use std::sync::Arc;

use async_graphql::parser::types::ExecutableDocument;
use axum::http::HeaderValue;
use chrono::NaiveDate;
use ocop_entities::api_key::Role;
use sea_orm::DbErr;
use sha2::{Digest, Sha256};

use ocop_search::SearchBackend;
use sea_orm::DatabaseConnection;

use crate::{auth::Caller, indexing::SyncStatus};

/// The key of one answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The strong validator of the answer: the first 128 bits of the key, quoted.
    pub fn etag(&self) -> HeaderValue {
        let mut quoted = [b'"'; 34];
        hex::encode_to_slice(&self.0[..16], &mut quoted[1..33]).expect("32 bytes hold 16 in hex");
        HeaderValue::from_bytes(&quoted).expect("hex is a valid header value")
    }

    /// Whether an `If-None-Match` header names this answer.
    pub fn matches(&self, if_none_match: &HeaderValue) -> bool {
        let etag = self.etag();
        let Ok(listed) = if_none_match.to_str() else {
            return false;
        };
        listed
            .split(',')
            .map(str::trim)
            .any(|v| v == "*" || v.trim_start_matches("W/").as_bytes() == etag.as_bytes())
    }
}

/// Root fields whose answers depend only on the catalogue, the index and the date.
const CATALOGUE_READS: &[&str] = &[
    "__typename",
    "products",
    "product",
    "productById",
    "producer",
    "outlets",
    "outlet",
    "searchProducts",
    "searchOutlets",
    "regions",
    "provinces",
    "province",
    "wards",
    "ward",
    "categories",
    "category",
    "resolveProvince",
    "ocopStatistics",
];

/// Root fields answered from the search index (named in the text of any query using them:
/// root fragments are not cached).
const SEARCH_READS: &[&str] = &["searchProducts", "searchOutlets"];

/// Whether `request` is one query whose every root field reads the catalogue.
pub fn cacheable(request: &async_graphql::Request) -> bool {
    Verdicts::of(&request.query)
        .0
        .get(request.operation_name.as_deref())
}

/// Which operations of one document are cacheable.
#[derive(Clone, Debug, Default)]
struct Verdicts {
    /// When the request names no operation: the document holds one, and it is cacheable.
    unnamed: bool,
    /// Each named operation.
    named: Vec<(String, bool)>,
}

impl Verdicts {
    /// The verdicts on `query`, and the document parsed to reach them (none when it does not
    /// parse).
    fn of(query: &str) -> (Self, Option<ExecutableDocument>) {
        use async_graphql::parser::types::{OperationType, Selection};
        let Ok(doc) = async_graphql::parser::parse_query(query) else {
            return (Self::default(), None);
        };
        let verdict = |op: &async_graphql::parser::types::OperationDefinition| {
            op.ty == OperationType::Query
                && op.selection_set.node.items.iter().all(|item| {
                    matches!(&item.node, Selection::Field(f)
                        if CATALOGUE_READS.contains(&f.node.name.node.as_str()))
                })
        };
        let mut operations = doc.operations.iter();
        let unnamed = match (operations.next(), operations.next()) {
            (Some((_, op)), None) => verdict(&op.node),
            _ => false,
        };
        let named = doc
            .operations
            .iter()
            .filter_map(|(name, op)| Some((name?.to_string(), verdict(&op.node))))
            .collect();
        (Self { unnamed, named }, Some(doc))
    }

    fn get(&self, operation_name: Option<&str>) -> bool {
        match operation_name {
            None => self.unnamed,
            Some(wanted) => self
                .named
                .iter()
                .any(|(name, cacheable)| name == wanted && *cacheable),
        }
    }
}

/// Whose answers may be shared.
fn audience(caller: &Caller) -> String {
    match caller {
        Caller::Anonymous { .. } => "anonymous".to_owned(),
        Caller::Key(k) => match k.role {
            Role::Partner => "partner".to_owned(),
            Role::Admin => "admin".to_owned(),
            Role::Editor | Role::Kiosk => format!("key:{}", k.id),
        },
    }
}

/// Where the search index is: part of the key of an answer that reads it.
pub struct IndexReads<'a> {
    /// The index's synchronisation status.
    pub status: &'a SyncStatus,
    /// The database, where Meilisearch's position is kept.
    pub db: &'a DatabaseConnection,
    /// The search engine.
    pub search: &'a dyn SearchBackend,
}

/// The key of `request`'s answer for `caller` now, when the catalogue is at change-log
/// position `version`.
pub async fn key(
    index: IndexReads<'_>,
    caller: &Caller,
    today: NaiveDate,
    version: i64,
    request: &async_graphql::Request,
) -> Result<Key, DbErr> {
    // Only searches read the index; with Meilisearch its position is one more database read.
    let searches = SEARCH_READS.iter().any(|f| request.query.contains(f));
    let index = if searches {
        index.status.position(index.db, index.search).await?
    } else {
        None
    };
    let mut hash = Sha256::new();
    for part in [
        version.to_string().as_bytes(),
        format!("{index:?}").as_bytes(),
        today.to_string().as_bytes(),
        audience(caller).as_bytes(),
        request
            .operation_name
            .as_deref()
            .unwrap_or_default()
            .as_bytes(),
        request.query.as_bytes(),
        &serde_json::to_vec(&request.variables).unwrap_or_default(),
    ] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    Ok(Key(hash.finalize().into()))
}

/// A kept answer.
#[derive(Clone, Debug)]
pub struct Cached {
    /// The JSON body.
    pub body: Arc<str>,
    /// Requests its query counts as beyond the first, against the rate limits.
    pub extra_requests: u32,
}

/// Answers kept in memory, bounded in bytes.
pub struct ResponseCache {
    entries: Option<moka::sync::Cache<Key, Cached>>,
    /// Which documents are cacheable, so that a hit does not parse its document again.
    verdicts: moka::sync::Cache<String, Arc<Verdicts>>,
}

impl ResponseCache {
    /// A cache of at most `mib` MiB of answers; none when `mib` is 0.
    pub fn new(mib: u64) -> Self {
        Self {
            entries: (mib > 0).then(|| {
                moka::sync::Cache::builder()
                    .max_capacity(mib * 1024 * 1024)
                    .weigher(|_, cached: &Cached| {
                        u32::try_from(cached.body.len() + 64).unwrap_or(u32::MAX)
                    })
                    .build()
            }),
            verdicts: moka::sync::Cache::builder()
                .max_capacity(4 * 1024 * 1024)
                .weigher(|query: &String, _| u32::try_from(query.len() + 64).unwrap_or(u32::MAX))
                .build(),
        }
    }

    /// Whether `request` is one query whose every root field reads the catalogue
    /// ([`cacheable`]), remembered by document. A document seen for the first time is parsed
    /// here, and the request carries the parsed document to the engine, which then does not
    /// parse it again.
    pub fn cacheable(&self, request: &mut async_graphql::Request) -> bool {
        let verdicts = match self.verdicts.get(request.query.as_str()) {
            Some(v) => v,
            None => {
                let (v, doc) = Verdicts::of(&request.query);
                if let Some(doc) = doc {
                    request.set_parsed_query(doc);
                }
                let v = Arc::new(v);
                self.verdicts.insert(request.query.clone(), v.clone());
                v
            }
        };
        verdicts.get(request.operation_name.as_deref())
    }

    /// Whether answers are kept at all.
    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// The answer kept under `key`.
    pub fn get(&self, key: &Key) -> Option<Cached> {
        let found = self.entries.as_ref()?.get(key);
        let result = if found.is_some() { "hit" } else { "miss" };
        metrics::counter!(crate::metrics::RESPONSE_CACHE, "result" => result).increment(1);
        found
    }

    /// Keeps an answer.
    pub fn insert(&self, key: Key, cached: Cached) {
        if let Some(entries) = &self.entries {
            entries.insert(key, cached);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str, name: Option<&str>) -> async_graphql::Request {
        let r = async_graphql::Request::new(query);
        match name {
            Some(n) => r.operation_name(n),
            None => r,
        }
    }

    #[test]
    fn only_catalogue_reads_are_cached() {
        for query in [
            "{ products { totalCount } }",
            "query Q($s: String!) { product(slug: $s) { name } regions { code } }",
            "{ a: searchProducts(query: \"mè\") { totalHits } }",
        ] {
            assert!(cacheable(&request(query, None)), "{query}");
        }
        for query in [
            "mutation { archiveProduct(id: \"1\") { id } }",
            "{ catalogueChanges { nodes { cursor } } }",
            "{ products { totalCount } searchStatus { position } }",
            "{ verifyCertificate(certificateNumber: \"1\") { verdict } }",
            "{ ...F } fragment F on Query { products { totalCount } }",
            "{ __schema { types { name } } }",
            "not graphql",
        ] {
            assert!(!cacheable(&request(query, None)), "{query}");
        }
        let two = "query A { products { totalCount } } query B { auditLog { totalCount } }";
        assert!(cacheable(&request(two, Some("A"))));
        assert!(!cacheable(&request(two, Some("B"))));
        assert!(!cacheable(&request(two, None)), "ambiguous without a name");
    }

    #[test]
    fn an_etag_matches_itself_in_a_list() {
        let key = Key([7; 32]);
        let etag = key.etag();
        let listed = format!("\"other\", W/{}", etag.to_str().unwrap());
        assert!(key.matches(&HeaderValue::from_str(&listed).unwrap()));
        assert!(key.matches(&HeaderValue::from_static("*")));
        assert!(!key.matches(&HeaderValue::from_static("\"other\"")));
    }
}
