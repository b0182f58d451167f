//! Prometheus metrics, served on their own listen address (`OCOP_METRICS_LISTEN`), not on the
//! public port. Every metric the service records is named here, once.
//!
//! The recorder is global to the process (the `metrics` facade has one), so servers started in
//! one process (tests) share their counters.

use std::{
    collections::HashSet,
    sync::{Mutex, OnceLock},
    time::Duration,
};

use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// HTTP requests, by route, method and status.
pub const HTTP_REQUESTS: &str = "ocop_http_requests_total";
/// HTTP request latency, by route and method.
pub const HTTP_DURATION: &str = "ocop_http_request_duration_seconds";
/// GraphQL operations, by operation name and outcome.
pub const GRAPHQL_OPERATIONS: &str = "ocop_graphql_operations_total";
/// GraphQL operation latency, by operation name.
pub const GRAPHQL_DURATION: &str = "ocop_graphql_operation_duration_seconds";
/// Errors answered, by code.
pub const ERRORS: &str = "ocop_errors_total";
/// Requests refused by a rate limit, by kind of caller.
pub const RATE_LIMITED: &str = "ocop_rate_limited_total";
/// SQL statements, by outcome.
pub const SQL_STATEMENTS: &str = "ocop_sql_statements_total";
/// SQL statement latency.
pub const SQL_DURATION: &str = "ocop_sql_statement_duration_seconds";
/// Search latency, by engine and kind of search.
pub const SEARCH_DURATION: &str = "ocop_search_duration_seconds";
/// Change-log entries not yet applied to a search index, by consumer.
pub const INDEX_LAG_CHANGES: &str = "ocop_index_lag_changes";
/// Age of the oldest change not yet applied to a search index, by consumer.
pub const INDEX_LAG_SECONDS: &str = "ocop_index_lag_seconds";
/// 1 while a search index's synchronisation fails, by consumer.
pub const INDEX_FAILING: &str = "ocop_index_failing";
/// 1 while rate limits are kept in this server's memory because the shared store (Redis) is
/// unreachable.
pub const RATE_LIMITS_LOCAL_FALLBACK: &str = "ocop_rate_limits_local_fallback";
/// Lookups in the response cache, by result (`hit` or `miss`).
pub const RESPONSE_CACHE: &str = "ocop_response_cache_total";
/// Requests naming a persisted document, by result (`trusted`, `registered`, `found`,
/// `not_found`, `refused`).
pub const PERSISTED_QUERIES: &str = "ocop_persisted_queries_total";

/// Latency buckets, in seconds: from half a millisecond to ten seconds.
const BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Distinct GraphQL operation names given their own label; later ones count as `other`, so
/// that clients choosing names cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder (once) and returns the handle that renders it.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(BUCKETS)
                .expect("the buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics stays empty");
            }
            describe();
            handle
        })
        .clone()
}

fn describe() {
    describe_counter!(HTTP_REQUESTS, "HTTP requests, by route, method and status.");
    describe_counter!(
        RESPONSE_CACHE,
        "Lookups in the response cache of read-only operations, by result (hit or miss)."
    );
    describe_counter!(
        PERSISTED_QUERIES,
        "Requests naming a persisted document (APQ or trusted), by result."
    );
    describe_histogram!(HTTP_DURATION, Unit::Seconds, "HTTP request latency.");
    describe_counter!(
        GRAPHQL_OPERATIONS,
        "GraphQL operations, by operation name and outcome (ok or error)."
    );
    describe_histogram!(
        GRAPHQL_DURATION,
        Unit::Seconds,
        "GraphQL operation latency, by operation name."
    );
    describe_counter!(ERRORS, "Errors answered, by code.");
    describe_counter!(
        RATE_LIMITED,
        "Requests refused by a rate limit, by kind of caller."
    );
    describe_counter!(SQL_STATEMENTS, "SQL statements run, by outcome.");
    describe_histogram!(SQL_DURATION, Unit::Seconds, "SQL statement latency.");
    describe_histogram!(
        SEARCH_DURATION,
        Unit::Seconds,
        "Search latency, by engine and kind (products, outlets)."
    );
    describe_gauge!(
        INDEX_LAG_CHANGES,
        "Change-log entries not yet applied to the search index, by consumer."
    );
    describe_gauge!(
        INDEX_LAG_SECONDS,
        Unit::Seconds,
        "Age of the oldest change not yet applied to the search index, by consumer."
    );
    describe_gauge!(
        INDEX_FAILING,
        "1 while the search index's synchronisation fails, by consumer."
    );
    describe_gauge!(
        RATE_LIMITS_LOCAL_FALLBACK,
        "1 while rate limits are kept in this server's memory because Redis is unreachable."
    );
}

/// Records one SQL statement: whether it failed, and how long it took.
pub fn sql_statement(failed: bool, took: Duration) {
    let outcome = if failed { "error" } else { "ok" };
    counter!(SQL_STATEMENTS, "outcome" => outcome).increment(1);
    histogram!(SQL_DURATION).record(took);
}

/// Counts an error answered with `code`.
pub fn error(code: &'static str) {
    counter!(ERRORS, "code" => code).increment(1);
}

/// Records one executed GraphQL operation: its outcome, latency and the codes of its errors.
pub fn graphql_operation(operation: String, response: &async_graphql::Response, took: Duration) {
    let outcome = if response.errors.is_empty() {
        "ok"
    } else {
        "error"
    };
    counter!(GRAPHQL_OPERATIONS, "operation" => operation.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!(GRAPHQL_DURATION, "operation" => operation).record(took);
    for e in &response.errors {
        let code = match e.extensions.as_ref().and_then(|ext| ext.get("code")) {
            Some(async_graphql::Value::String(code)) => code.clone(),
            _ => "UNKNOWN".to_owned(),
        };
        counter!(ERRORS, "code" => code).increment(1);
    }
}

/// Records a search's latency.
pub fn search(engine: &'static str, kind: &'static str, took: Duration) {
    metrics::histogram!(SEARCH_DURATION, "engine" => engine, "kind" => kind).record(took);
}

/// Sets the lag gauges of one search-index consumer.
pub fn index_lag(consumer: &str, pending: u64, oldest_age_secs: Option<f64>, failing: bool) {
    let consumer = consumer.to_owned();
    gauge!(INDEX_LAG_CHANGES, "consumer" => consumer.clone()).set(pending as f64);
    gauge!(INDEX_LAG_SECONDS, "consumer" => consumer.clone()).set(oldest_age_secs.unwrap_or(0.0));
    gauge!(INDEX_FAILING, "consumer" => consumer).set(if failing { 1.0 } else { 0.0 });
}

/// The label for a GraphQL operation name: the name when it is a plain GraphQL name of at
/// most 64 characters and one of the first [`MAX_OPERATION_NAMES`] seen, `other` otherwise,
/// `anonymous` when there is none.
pub fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name else {
        return "anonymous".to_owned();
    };
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain {
        return "other".to_owned();
    }
    let mut seen = SEEN
        .get_or_init(Mutex::default)
        .lock()
        .expect("operation names lock");
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".to_owned()
    }
}

/// The name of a document's operation when the request does not give one: the name after a
/// leading `query`/`mutation`/`subscription` keyword (`query ProductPage { … }`), if any.
pub fn operation_name_in(query: &str) -> Option<&str> {
    let rest = query.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '\u{feff}');
    let rest = ["query", "mutation", "subscription"]
        .iter()
        .find_map(|keyword| rest.strip_prefix(keyword))?;
    let name = rest.trim_start();
    if name.len() == rest.len() {
        return None; // `queryX`: not the keyword
    }
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    let name = &name[..end];
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unnamed_request_is_labelled_by_its_documents_operation_name() {
        assert_eq!(
            operation_name_in("  query ProductPage($first: Int) { products { totalCount } }"),
            Some("ProductPage")
        );
        assert_eq!(operation_name_in("mutation Archive{ a }"), Some("Archive"));
        assert_eq!(operation_name_in("query($q: String!) { a }"), None);
        assert_eq!(operation_name_in("query { a }"), None);
        assert_eq!(operation_name_in("{ a }"), None);
        assert_eq!(operation_name_in("queryX { a }"), None);
    }

    #[test]
    fn operation_names_are_labels_only_when_plain() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("ProductPage")), "ProductPage");
        assert_eq!(operation_label(Some("a\"} 1\n")), "other");
        assert_eq!(operation_label(Some(&"x".repeat(65))), "other");
    }
}
