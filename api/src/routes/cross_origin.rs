//! What a browser needs to call the API from another site, and smaller answers for every
//! client: CORS and response compression, both from tower-http.
//!
//! - **CORS**: `OCOP_CORS_ALLOWED_ORIGINS` lists the sites (`https://shop.example.vn`) whose
//!   pages may call the API; `*` allows any. Left empty it allows any origin in development and
//!   none in production. Preflights are answered for GET and POST with `Content-Type`,
//!   `Authorization` and `If-None-Match`; `ETag`, `Retry-After` and `X-Request-Id` are exposed.
//! - **Compression**: gzip or brotli, as the client's `Accept-Encoding` prefers, at a level
//!   meant for answers made on the fly (4), for bodies of 256 bytes and more.

use std::time::Duration;

use axum::http::{HeaderName, Method, header};
use tower_http::{
    CompressionLevel,
    compression::{CompressionLayer, predicate::SizeAbove},
    cors::{AllowOrigin, CorsLayer},
};

use crate::config::origins::AllowedOrigins;

/// The CORS layer for the sites the settings allow, or `None` when no other site may call the
/// API.
pub fn cors(allowed: Option<AllowedOrigins>) -> Option<CorsLayer> {
    let allow = match allowed? {
        AllowedOrigins::Any => AllowOrigin::any(),
        AllowedOrigins::Listed(origins) => AllowOrigin::list(origins),
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::IF_NONE_MATCH,
            ])
            .expose_headers([
                header::ETAG,
                header::RETRY_AFTER,
                HeaderName::from_static("x-request-id"),
            ])
            .max_age(Duration::from_secs(600)),
    )
}

/// Smallest body worth compressing.
const MIN_COMPRESSED_BYTES: u16 = 256;

/// gzip and brotli, chosen by `Accept-Encoding`.
pub fn compression() -> CompressionLayer<SizeAbove> {
    CompressionLayer::new()
        .gzip(true)
        .br(true)
        .quality(CompressionLevel::Precise(4))
        .compress_when(SizeAbove::new(MIN_COMPRESSED_BYTES))
}
