//! Which other sites' pages may call the API (`OCOP_CORS_ALLOWED_ORIGINS`), parsed once: the
//! settings check it when they load, and the CORS layer is built from it.

use axum::http::HeaderValue;

use super::{Environment, Settings};

/// The sites whose pages may call the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowedOrigins {
    /// Any site (`*`, or nothing listed in development).
    Any,
    /// Only these origins (`https://shop.example.vn`), without a trailing slash.
    Listed(Vec<HeaderValue>),
}

impl Settings {
    /// The sites that may call the API, or `None` when no other site may (nothing listed in
    /// production). An origin that cannot be a header value is a configuration error.
    pub fn allowed_origins(&self) -> anyhow::Result<Option<AllowedOrigins>> {
        let origins = &self.cors_allowed_origins;
        if origins.iter().any(|o| o == "*")
            || (origins.is_empty() && self.env == Environment::Development)
        {
            return Ok(Some(AllowedOrigins::Any));
        }
        if origins.is_empty() {
            return Ok(None);
        }
        origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim_end_matches('/')).map_err(|_| {
                    anyhow::anyhow!("invalid configuration: {o:?} in cors_allowed_origins")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()
            .map(|list| Some(AllowedOrigins::Listed(list)))
    }
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
        let allowed = |env, origins: &[&str]| settings(env, origins).allowed_origins();
        assert_eq!(allowed(Environment::Production, &[]).unwrap(), None);
        assert_eq!(
            allowed(Environment::Development, &[]).unwrap(),
            Some(AllowedOrigins::Any)
        );
        assert_eq!(
            allowed(Environment::Production, &["https://shop.example.vn/", "*"]).unwrap(),
            Some(AllowedOrigins::Any)
        );
        assert_eq!(
            allowed(Environment::Production, &["https://shop.example.vn/"]).unwrap(),
            Some(AllowedOrigins::Listed(vec![HeaderValue::from_static(
                "https://shop.example.vn"
            )]))
        );
        assert!(allowed(Environment::Production, &["bad\norigin"]).is_err());
    }
}
