//! Persisted queries: a request may name its document by SHA-256 hash instead of sending it,
//! with Apollo's automatic persisted queries (APQ) protocol:
//!
//! ```json
//! { "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "<hex of the query>" } } }
//! ```
//!
//! - The hash alone: the document is taken from the trusted list
//!   ([`super::trusted_documents`]) or from the documents registered on this server; when it is
//!   in neither, the answer is the error `PersistedQueryNotFound` (code
//!   `PERSISTED_QUERY_NOT_FOUND`, HTTP 200, never cached) and the client sends it again with
//!   the query.
//! - The hash with the query: the hash must be the query's (else `BAD_USER_INPUT`); the
//!   document is registered and executed.
//!
//! Registered documents are kept per server, in memory bounded by [`REGISTERED_BYTES`]: with
//! several servers, a client whose hash is unknown to the server it reaches registers it there
//! on its next request, as the protocol expects. GET requests work the same way (`extensions`
//! in the URL), so a CDN can cache short URLs.
//!
//! `OCOP_ARBITRARY_QUERIES` closes the door on documents that are not trusted: `keys` lets only
//! callers with an API key send them (and register them), `nobody` lets nobody. A refused
//! document gets `UNTRUSTED_DOCUMENT` (HTTP 403); a trusted one is answered whether it comes
//! by hash or as text.

use std::sync::Arc;

use async_graphql::Value;
use axum::http::StatusCode;

use super::trusted_documents::{TrustedDocuments, document_id};
use crate::{auth::Caller, config::ArbitraryQueries};

/// Memory for the documents registered with APQ.
pub const REGISTERED_BYTES: u64 = 16 * 1024 * 1024;

/// Why a request's document was not taken.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error code.
    pub code: &'static str,
    /// What to tell the client.
    pub message: String,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
}

/// The trusted list, the registered documents and who may send others.
pub struct PersistedQueries {
    trusted: TrustedDocuments,
    registered: moka::sync::Cache<String, Arc<str>>,
    arbitrary: ArbitraryQueries,
}

impl PersistedQueries {
    /// Documents answered by hash.
    pub fn new(trusted: TrustedDocuments, arbitrary: ArbitraryQueries) -> Self {
        Self {
            trusted,
            registered: moka::sync::Cache::builder()
                .max_capacity(REGISTERED_BYTES)
                .weigher(|id: &String, body: &Arc<str>| {
                    u32::try_from(id.len() + body.len()).unwrap_or(u32::MAX)
                })
                .build(),
            arbitrary,
        }
    }

    /// Whether `caller` may send documents that are not trusted.
    fn allows_any(&self, caller: &Caller) -> bool {
        match self.arbitrary {
            ArbitraryQueries::Everyone => true,
            ArbitraryQueries::Keys => matches!(caller, Caller::Key(_)),
            ArbitraryQueries::Nobody => false,
        }
    }

    /// Fills in `request`'s document when it names one by hash, registers a new one, and
    /// refuses a document `caller` may not send.
    pub fn resolve(
        &self,
        request: &mut async_graphql::Request,
        caller: &Caller,
    ) -> Result<(), Refusal> {
        let allows_any = self.allows_any(caller);
        let result = match request.extensions.remove("persistedQuery") {
            None if allows_any => return Ok(()),
            None if self.trusted.contains(&document_id(&request.query)) => "trusted",
            None => return Err(untrusted()),
            Some(named) => {
                let id = requested_id(&named)?;
                if request.query.is_empty() {
                    if let Some(body) = self.trusted.get(&id) {
                        request.query = body.to_string();
                        "trusted"
                    } else if !allows_any {
                        count("refused");
                        return Err(untrusted());
                    } else if let Some(body) = self.registered.get(&id) {
                        request.query = body.to_string();
                        "found"
                    } else {
                        count("not_found");
                        return Err(Refusal::new(
                            StatusCode::OK,
                            "PERSISTED_QUERY_NOT_FOUND",
                            "PersistedQueryNotFound",
                        ));
                    }
                } else if document_id(&request.query) != id {
                    return Err(Refusal::new(
                        StatusCode::BAD_REQUEST,
                        "BAD_USER_INPUT",
                        "provided sha does not match query",
                    ));
                } else if self.trusted.contains(&id) {
                    "trusted"
                } else if allows_any {
                    // Only documents that parse are kept; others fail in execution as usual.
                    if async_graphql::parser::parse_query(&request.query).is_ok() {
                        self.registered.insert(id, request.query.as_str().into());
                    }
                    "registered"
                } else {
                    count("refused");
                    return Err(untrusted());
                }
            }
        };
        count(result);
        Ok(())
    }
}

fn count(result: &'static str) {
    metrics::counter!(crate::metrics::PERSISTED_QUERIES, "result" => result).increment(1);
}

fn untrusted() -> Refusal {
    Refusal::new(
        StatusCode::FORBIDDEN,
        "UNTRUSTED_DOCUMENT",
        "this server answers only trusted documents: send one of the published operations, \
         by its sha256Hash in extensions.persistedQuery or as its exact text",
    )
}

/// The hash named by `extensions.persistedQuery`.
fn requested_id(named: &Value) -> Result<String, Refusal> {
    let bad = |message: &str| Refusal::new(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", message);
    let Value::Object(fields) = named else {
        return Err(bad("extensions.persistedQuery must be an object"));
    };
    match fields.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        _ => return Err(bad("extensions.persistedQuery.version must be 1")),
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(hash.to_ascii_lowercase())
        }
        _ => Err(bad(
            "extensions.persistedQuery.sha256Hash must be the 64 hex digits of a SHA-256",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINE: &str = "{ regions { code } }";

    fn named(query: &str, id: &str) -> async_graphql::Request {
        let mut r = async_graphql::Request::new(query);
        r.extensions.insert(
            "persistedQuery".into(),
            Value::from_json(serde_json::json!({ "version": 1, "sha256Hash": id })).unwrap(),
        );
        r
    }

    fn anonymous() -> Caller {
        Caller::Anonymous {
            ip: std::net::Ipv4Addr::LOCALHOST.into(),
        }
    }

    fn queries(arbitrary: ArbitraryQueries) -> PersistedQueries {
        PersistedQueries::new(TrustedDocuments::load(None).unwrap(), arbitrary)
    }

    #[test]
    fn register_then_find_by_hash() {
        let apq = queries(ArbitraryQueries::Everyone);
        let id = document_id(MINE);
        let err = apq.resolve(&mut named("", &id), &anonymous()).unwrap_err();
        assert_eq!(err.code, "PERSISTED_QUERY_NOT_FOUND");
        assert_eq!(err.message, "PersistedQueryNotFound");
        apq.resolve(&mut named(MINE, &id), &anonymous()).unwrap();
        let mut by_hash = named("", &id);
        apq.resolve(&mut by_hash, &anonymous()).unwrap();
        assert_eq!(by_hash.query, MINE);
        assert!(by_hash.extensions.is_empty());
        let err = apq
            .resolve(&mut named("{ provinces { code } }", &id), &anonymous())
            .unwrap_err();
        assert_eq!(err.code, "BAD_USER_INPUT");
    }

    #[test]
    fn malformed_extensions_are_bad_input() {
        let apq = queries(ArbitraryQueries::Everyone);
        for id in ["", "abc", &"g".repeat(64)] {
            let err = apq.resolve(&mut named("", id), &anonymous()).unwrap_err();
            assert_eq!(err.code, "BAD_USER_INPUT", "{id}");
        }
    }

    #[test]
    fn trusted_only_refuses_other_documents_and_registers_nothing() {
        let apq = queries(ArbitraryQueries::Nobody);
        let err = apq
            .resolve(&mut async_graphql::Request::new(MINE), &anonymous())
            .unwrap_err();
        assert_eq!(
            (err.status, err.code),
            (StatusCode::FORBIDDEN, "UNTRUSTED_DOCUMENT")
        );
        let id = document_id(MINE);
        assert!(apq.resolve(&mut named(MINE, &id), &anonymous()).is_err());
        assert!(apq.registered.get(&id).is_none());
        let trusted = apq.trusted.by_id_for_tests();
        let mut by_hash = named("", &trusted.0);
        apq.resolve(&mut by_hash, &anonymous()).unwrap();
        assert_eq!(by_hash.query, trusted.1);
        apq.resolve(&mut async_graphql::Request::new(trusted.1), &anonymous())
            .unwrap();
    }
}
