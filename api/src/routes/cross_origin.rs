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

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::{
    CompressionLevel,
    compression::{CompressionLayer, predicate::SizeAbove},
    cors::{AllowOrigin, CorsLayer},
};

use crate::config::{Environment, Settings};

/// The CORS layer the settings ask for, or `None` when no other site may call the API.
pub fn cors(settings: &Settings) -> anyhow::Result<Option<CorsLayer>> {
    let origins = &settings.cors_allowed_origins;
    let allow = if origins.iter().any(|o| o == "*")
        || (origins.is_empty() && settings.env == Environment::Development)
    {
        AllowOrigin::any()
    } else if origins.is_empty() {
        return Ok(None);
    } else {
        let parsed = origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim_end_matches('/')).map_err(|_| {
                    anyhow::anyhow!("invalid configuration: {o:?} in cors_allowed_origins")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        AllowOrigin::list(parsed)
    };
    Ok(Some(
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
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(env: Environment, origins: &[&str]) -> Settings {
        Settings {
            env,
            cors_allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
            ..Settings::default()
        }
    }

    #[test]
    fn production_allows_no_other_site_unless_told() {
        assert!(
            cors(&settings(Environment::Production, &[]))
                .unwrap()
                .is_none()
        );
        assert!(
            cors(&settings(Environment::Development, &[]))
                .unwrap()
                .is_some()
        );
        assert!(
            cors(&settings(
                Environment::Production,
                &["https://shop.example.vn/"]
            ))
            .unwrap()
            .is_some()
        );
        assert!(cors(&settings(Environment::Production, &["bad\norigin"])).is_err());
    }
}
