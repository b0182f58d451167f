//! Typed settings, read once from an optional TOML file and the environment.
//!
//! This is the only module that reads environment variables. Secrets are [`SecretString`]s:
//! they are never printed by `Debug` and never logged.
//!
//! Just over 300 lines: the one settings type with its defaults and checks, read in one place.

pub mod flag;
pub mod origins;

use std::{net::SocketAddr, path::PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Where the settings file is looked for when `--config`/`OCOP_CONFIG` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "ocop.toml";

/// Deployment mode: it chooses defaults that differ between a laptop and production.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Human-readable logs, GraphiQL and introspection on.
    Development,
    /// JSON logs; introspection off unless enabled.
    Production,
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Coloured, multi-line-friendly text.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Who may send GraphQL documents that are not on the trusted list (persisted or registered
/// by APQ documents aside).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArbitraryQueries {
    /// Anyone (the default): any document, trusted documents and APQ too.
    Everyone,
    /// Callers with an API key; anonymous callers send only trusted documents.
    Keys,
    /// Nobody: only trusted documents are answered, and APQ registers nothing.
    Nobody,
}

/// All settings of the service. See the configuration table in README.md. An unknown key (in
/// the file, or an unknown `OCOP_*` variable) is refused, naming it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `OCOP_ENV`: `development` (default) or `production`.
    pub env: Environment,
    /// `OCOP_LISTEN`: address to listen on.
    pub listen: SocketAddr,
    /// `OCOP_METRICS_LISTEN`: address of the Prometheus `/metrics` listener, apart from the
    /// public port; `off` serves no metrics.
    pub metrics_listen: String,
    /// `OCOP_DATA_DIR`: the SQLite file and the embedded search index live here.
    pub data_dir: PathBuf,
    /// `DATABASE_URL`: `postgres://…` or `sqlite://…`; default: `sqlite://<data_dir>/ocop.db`.
    #[serde(skip_serializing)]
    pub database_url: Option<SecretString>,
    /// `OCOP_DB_MAX_CONNECTIONS`: connection pool size.
    pub db_max_connections: u32,
    /// `OCOP_DB_ACQUIRE_TIMEOUT_MS`: how long a request waits for a database connection before
    /// failing with `DATABASE_UNAVAILABLE`.
    pub db_acquire_timeout_ms: u64,
    /// `MEILI_URL`: use Meilisearch at this URL instead of the embedded index.
    pub meili_url: Option<String>,
    /// `MEILI_MASTER_KEY`: the Meilisearch key.
    #[serde(skip_serializing)]
    pub meili_master_key: Option<SecretString>,
    /// `OCOP_MEILI_INDEX_PREFIX`: prefix of the Meilisearch index names.
    pub meili_index_prefix: String,
    /// `OCOP_REDIS_URL`: keep rate limits in this Redis (`redis://host:6379`), shared by every
    /// server; without it each server limits on its own.
    #[serde(skip_serializing)]
    pub redis_url: Option<SecretString>,
    /// `OCOP_DEMO`: load the demo catalogue into an empty database at start-up.
    #[serde(deserialize_with = "flag::deserialize")]
    pub demo: bool,
    /// `OCOP_INDEX_FOLLOWER`: run the follower that keeps this server's search index in step
    /// with the change log (off only for tests and tools).
    #[serde(deserialize_with = "flag::deserialize")]
    pub index_follower: bool,
    /// `OCOP_SEARCH_LEASE_SECS`: with Meilisearch (one index for every server), how long one
    /// server's lease on applying changes holds; after a crash another takes over once it lapses.
    pub search_lease_secs: u64,
    /// `OCOP_CHANGE_LOG_RETENTION_DAYS`: how long change-log entries are kept before compaction;
    /// a reader whose position is older must start again from a snapshot.
    pub change_log_retention_days: u32,
    /// `OCOP_READY_MAX_LAG_SECS`: `/ready` answers 503 while this server's search index lags the
    /// change log by more than this (or is being built).
    pub ready_max_lag_secs: u64,
    /// `OCOP_SHUTDOWN_GRACE_SECS`: on SIGTERM or Ctrl-C, how long requests in flight may take
    /// to finish before the server stops anyway.
    pub shutdown_grace_secs: u64,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: export traces over OTLP/HTTP to this collector
    /// (`http://collector:4318`); needs a binary built with the `otel` feature.
    pub otel_exporter_otlp_endpoint: Option<String>,
    /// `RUST_LOG`: log filter.
    pub rust_log: String,
    /// `OCOP_LOG_FORMAT`: `pretty` or `json`; default: `json` in production, else `pretty`.
    pub log_format: Option<LogFormat>,
    /// `OCOP_EXPOSE_SQL_COUNT`: add an `x-ocop-sql-statements` header to GraphQL responses
    /// (for tests and benchmarks; off by default).
    #[serde(deserialize_with = "flag::deserialize")]
    pub expose_sql_count: bool,
    /// `OCOP_BENCH_ROUTES`: serve `/_bench/ceiling`, a plain handler the benchmark measures
    /// the HTTP stack with (off by default).
    #[serde(deserialize_with = "flag::deserialize")]
    pub bench_routes: bool,
    /// `OCOP_INTROSPECTION`: answer introspection queries and suggest field names in errors;
    /// default: on in development, off in production.
    #[serde(default, deserialize_with = "flag::option::deserialize")]
    pub introspection: Option<bool>,
    /// `OCOP_GRAPHIQL`: serve GraphiQL at `/graphql` to browsers; default: on in development,
    /// off in production.
    #[serde(default, deserialize_with = "flag::option::deserialize")]
    pub graphiql: Option<bool>,
    /// `OCOP_PUBLIC_URL`: where buyers reach the service, e.g. `https://ocop.example.vn`; the
    /// verification URLs on certificate stamps (`/v/{code}`) start with it. Default: `http://` and
    /// the address the server is bound to.
    pub public_url: Option<String>,
    /// `OCOP_CORS_ALLOWED_ORIGINS`: the sites whose pages may call the API
    /// (`https://shop.example.vn,https://kiosk.example.vn`, or `*` for any); empty: any in
    /// development, none in production.
    #[serde(deserialize_with = "crate::client_ip::deserialize_list")]
    pub cors_allowed_origins: Vec<String>,
    /// `OCOP_RESPONSE_CACHE_MIB`: memory for answers of read-only operations, kept until the
    /// catalogue changes (see [`crate::routes::response_cache`]); 0 turns the cache off.
    pub response_cache_mib: u64,
    /// `OCOP_ARBITRARY_QUERIES`: who may send documents that are not trusted: `everyone`
    /// (default), `keys` or `nobody` (see [`crate::routes::persisted_queries`]).
    pub arbitrary_queries: ArbitraryQueries,
    /// `OCOP_TRUSTED_DOCUMENTS`: a persisted-query manifest (JSON) whose operations are trusted
    /// beside the contract's, which are always trusted.
    pub trusted_documents: Option<PathBuf>,
    /// `[limits]` / `OCOP_LIMITS__*`: request limits.
    pub limits: crate::limits::Limits,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            env: Environment::Development,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            metrics_listen: "127.0.0.1:9464".to_owned(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            db_max_connections: 10,
            db_acquire_timeout_ms: 3000,
            meili_url: None,
            meili_master_key: None,
            meili_index_prefix: "ocop_".to_owned(),
            redis_url: None,
            demo: true,
            index_follower: true,
            search_lease_secs: 30,
            change_log_retention_days: 30,
            ready_max_lag_secs: 30,
            shutdown_grace_secs: 30,
            otel_exporter_otlp_endpoint: None,
            rust_log: "info,sqlx=warn,sea_orm=warn,tantivy=warn".to_owned(),
            log_format: None,
            expose_sql_count: false,
            bench_routes: false,
            introspection: None,
            graphiql: None,
            public_url: None,
            cors_allowed_origins: Vec::new(),
            response_cache_mib: 64,
            arbitrary_queries: ArbitraryQueries::Everyone,
            trusted_documents: None,
            limits: crate::limits::Limits::default(),
        }
    }
}

impl Settings {
    /// Loads defaults, then the TOML file (`path`, or `ocop.toml` if it exists), then the
    /// environment (`OCOP_*`, `DATABASE_URL`, `MEILI_URL`, `MEILI_MASTER_KEY`, `RUST_LOG`).
    pub fn load(path: Option<PathBuf>) -> anyhow::Result<Self> {
        let file_required = path.is_some();
        let path = path.unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_FILE));
        if file_required && !path.exists() {
            anyhow::bail!("configuration file {} does not exist", path.display());
        }
        let figment = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(&path))
            .merge(Env::prefixed("OCOP_").ignore(&["CONFIG"]).split("__"))
            .merge(
                Env::raw()
                    .only(&[
                        "DATABASE_URL",
                        "MEILI_URL",
                        "MEILI_MASTER_KEY",
                        "RUST_LOG",
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                    ])
                    .map(|k| k.as_str().to_ascii_lowercase().into()),
            );
        let settings: Settings = figment
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.db_max_connections == 0 {
            anyhow::bail!("invalid configuration: db_max_connections must be at least 1");
        }
        if self.change_log_retention_days == 0 {
            anyhow::bail!("invalid configuration: change_log_retention_days must be at least 1");
        }
        if self.search_lease_secs == 0 {
            anyhow::bail!("invalid configuration: search_lease_secs must be at least 1");
        }
        self.metrics_address()?;
        crate::client_ip::TrustedProxies::parse(&self.limits.trusted_proxies)?;
        if let Some(url) = &self.database_url {
            let url = url.expose_secret();
            if !(url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.starts_with("sqlite:"))
            {
                anyhow::bail!(
                    "invalid configuration: DATABASE_URL must start with postgres://, postgresql:// or sqlite:"
                );
            }
        }
        if let Some(url) = &self.redis_url {
            let url = url.expose_secret();
            if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
                anyhow::bail!(
                    "invalid configuration: OCOP_REDIS_URL must start with redis:// or rediss://"
                );
            }
        }
        if let Some(url) = &self.meili_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            anyhow::bail!("invalid configuration: MEILI_URL must be an http:// or https:// URL");
        }
        self.allowed_origins()?;
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            anyhow::bail!(
                "invalid configuration: OCOP_PUBLIC_URL must be an http:// or https:// URL"
            );
        }
        Ok(())
    }

    /// The verification page of the certificate whose code is `code`.
    pub fn verification_url(&self, code: &str) -> String {
        let base = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen));
        format!("{}/v/{code}", base.trim_end_matches('/'))
    }

    /// Where `/metrics` is served; `None` when `metrics_listen` is `off`.
    pub fn metrics_address(&self) -> anyhow::Result<Option<SocketAddr>> {
        match self.metrics_listen.trim() {
            "off" => Ok(None),
            addr => addr.parse().map(Some).map_err(|_| {
                anyhow::anyhow!(
                    "invalid configuration: metrics_listen must be an address such as \
                     127.0.0.1:9464, or off (got {addr:?})"
                )
            }),
        }
    }

    /// The database URL to connect to.
    pub fn database_url(&self) -> SecretString {
        match &self.database_url {
            Some(url) => url.clone(),
            None => {
                let path = self.data_dir.join("ocop.db");
                SecretString::from(format!("sqlite://{}?mode=rwc", path.display()))
            }
        }
    }

    /// Whether introspection and field suggestions are on.
    pub fn introspection(&self) -> bool {
        self.introspection
            .unwrap_or(self.env == Environment::Development)
    }

    /// Whether GraphiQL is served.
    pub fn graphiql(&self) -> bool {
        self.graphiql
            .unwrap_or(self.env == Environment::Development)
    }

    /// The effective log format.
    pub fn log_format(&self) -> LogFormat {
        self.log_format.unwrap_or(match self.env {
            Environment::Production => LogFormat::Json,
            Environment::Development => LogFormat::Pretty,
        })
    }

    /// A one-line description of the database for logs, without credentials.
    pub fn database_label(&self) -> String {
        let url = self.database_url();
        let url = url.expose_secret();
        match url.split_once("://") {
            Some((scheme, rest)) if scheme.starts_with("postgres") => {
                let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                format!("postgres://{}", host.split('?').next().unwrap_or(host))
            }
            _ => url.split('?').next().unwrap_or(url).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_database_is_a_sqlite_file_in_the_data_dir() {
        let settings = Settings::default();
        assert_eq!(
            settings.database_url().expose_secret(),
            "sqlite://./data/ocop.db?mode=rwc"
        );
    }

    #[test]
    fn the_database_label_never_shows_a_password() {
        let settings = Settings {
            database_url: Some(SecretString::from(
                "postgres://ocop:s3cret@db.internal:5432/ocop?sslmode=require",
            )),
            ..Settings::default()
        };
        let label = settings.database_label();
        assert_eq!(label, "postgres://db.internal:5432/ocop");
        assert!(!format!("{settings:?}").contains("s3cret"));
    }

    #[test]
    fn production_logs_json_unless_told_otherwise() {
        let mut settings = Settings {
            env: Environment::Production,
            ..Settings::default()
        };
        assert_eq!(settings.log_format(), LogFormat::Json);
        settings.log_format = Some(LogFormat::Pretty);
        assert_eq!(settings.log_format(), LogFormat::Pretty);
    }
}
