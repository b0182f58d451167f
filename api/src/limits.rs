//! Every limit the service enforces on a request, with its default. Set them in the `[limits]`
//! table of the settings file or as `OCOP_LIMITS__<NAME>` (e.g. `OCOP_LIMITS__MAX_DEPTH=10`).

use serde::{Deserialize, Serialize};

/// Request limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest request body, in bytes (checked before parsing).
    pub max_body_bytes: usize,
    /// Longest query text, in bytes.
    pub max_query_bytes: usize,
    /// Most lexical tokens in a query.
    pub max_tokens: usize,
    /// Most aliased fields in a document.
    pub max_aliases: usize,
    /// Deepest selection.
    pub max_depth: usize,
    /// Highest query cost (1 per field; a connection counts its page size times its fields).
    pub max_complexity: usize,
    /// Cost one request covers: a query costing more counts as one request for every part of
    /// this size against the rate limits (a page of 20 products costs about 550, the costliest
    /// query allowed counts as 10 requests).
    pub cost_per_request: usize,
    /// Most directives on one field.
    pub max_directives: usize,
    /// Most operations in a batched request (batches need an API key).
    pub max_batch: usize,
    /// Longest time one request may take, in milliseconds.
    pub request_timeout_ms: u64,
    /// Requests per second per client IP without a key.
    pub anonymous_per_second: u32,
    /// Burst allowed above that rate.
    pub anonymous_burst: u32,
    /// Requests per second per key (editors, kiosks, admins).
    pub key_per_second: u32,
    /// Burst allowed above that rate.
    pub key_burst: u32,
    /// Requests per second per partner key.
    pub partner_per_second: u32,
    /// Burst allowed above that rate.
    pub partner_burst: u32,
    /// Requests a certificate lookup by printed number counts as (numbers are short and
    /// sequential, so they are looked up more sparingly than the random codes on QR stamps).
    pub certificate_number_lookup_cost: u32,
    /// The proxies (addresses or networks, `10.0.0.0/8`) whose `X-Forwarded-For` and
    /// `X-Real-IP` are believed: see [`crate::client_ip`]. Empty: the peer is the client.
    #[serde(deserialize_with = "crate::client_ip::deserialize_list")]
    pub trusted_proxies: Vec<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 65_536,
            max_query_bytes: 16_384,
            max_tokens: 3_000,
            max_aliases: 30,
            max_depth: 12,
            max_complexity: 10_000,
            cost_per_request: 1_000,
            max_directives: 5,
            max_batch: 5,
            request_timeout_ms: 10_000,
            anonymous_per_second: 20,
            anonymous_burst: 40,
            key_per_second: 50,
            key_burst: 100,
            partner_per_second: 200,
            partner_burst: 400,
            certificate_number_lookup_cost: 10,
            trusted_proxies: Vec::new(),
        }
    }
}
