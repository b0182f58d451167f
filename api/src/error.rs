//! The one error type of the API crate and its mapping to GraphQL errors with a stable
//! `extensions.code`.
//!
//! Just over 300 lines with its unit tests.

use async_graphql::ErrorExtensionValues;
use axum::http::StatusCode;
use sea_orm::{DbErr, SqlErr};

/// Everything a use case can fail with. Its `Display` is the message shown to the client
/// (internal causes are kept as sources, logged once where the error becomes a response, and
/// never shown). In a resolver, `?` turns it into a GraphQL error that keeps it as its source;
/// [`crate::graphql::errors`] then adds the stable `extensions.code` from [`AppError::code`].
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is malformed or breaks a rule; `field` names the offending input field.
    #[error("{message}")]
    BadInput {
        /// Path of the offending field, e.g. `input.wardCode`.
        field: Option<String>,
        /// What is wrong, for the person who sent it.
        message: String,
    },
    /// The input breaks several rules: every problem, each on its field, in input order.
    #[error("{} (and {} more problem(s): see extensions.errors)", .0[0].message, .0.len() - 1)]
    Invalid(Vec<FieldError>),
    /// The record does not exist (or is not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// A key is required and missing or unknown.
    #[error("{0}")]
    Unauthenticated(String),
    /// The key is valid but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The write clashes with the current state (duplicate, stale update).
    #[error("{message}")]
    Conflict {
        /// Path of the clashing field, if one.
        field: Option<String>,
        /// What clashed.
        message: String,
    },
    /// A change-log cursor older than the retention window: start again from a snapshot.
    #[error("{0}")]
    ResyncRequired(String),
    /// Too many requests.
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited {
        /// Seconds until a retry may succeed.
        retry_after_secs: u64,
    },
    /// The search engine cannot answer now.
    #[error("search is temporarily unavailable")]
    SearchUnavailable(#[source] anyhow::Error),
    /// The database cannot be reached now.
    #[error("the database is temporarily unavailable; try again shortly")]
    DatabaseUnavailable(#[source] anyhow::Error),
    /// The request ran longer than the configured limit (`limits.request_timeout_ms`).
    #[error("the request took too long")]
    Timeout,
    /// A bug or an unavailable dependency: logged, shown as a generic message.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// One problem with one input field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field, e.g. `input.images[2]`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl AppError {
    /// A bad-input error on one field.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// A conflict on one field.
    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Conflict {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// A refusal over the rate limit, to retry after `wait` (rounded up to whole seconds).
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Self::RateLimited {
            retry_after_secs: secs.max(1),
        }
    }

    /// The HTTP status of a response refused with this error before (or instead of) executing
    /// GraphQL. Errors inside an executed GraphQL response keep 200, but for a rate-limit refusal.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadInput { .. } | Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::ResyncRequired(_) => StatusCode::GONE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::SearchUnavailable(_) | Self::DatabaseUnavailable(_) | Self::Timeout => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs the cause of an error that has one, once, where the error is turned into a response.
    pub fn log(&self) {
        match self {
            Self::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "internal error");
            }
            Self::SearchUnavailable(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "search unavailable");
            }
            Self::DatabaseUnavailable(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "database unavailable");
            }
            Self::Timeout => tracing::warn!("request timed out"),
            _ => {}
        }
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput { .. } | Self::Invalid(_) => "BAD_USER_INPUT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Conflict { .. } => "CONFLICT",
            Self::ResyncRequired(_) => "RESYNC_REQUIRED",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::SearchUnavailable(_) => "SEARCH_UNAVAILABLE",
            Self::DatabaseUnavailable(_) => "DATABASE_UNAVAILABLE",
            Self::Timeout => "TIMEOUT",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        map_db_err(err)
    }
}

impl From<std::sync::Arc<DbErr>> for AppError {
    /// A DataLoader's error (shared between the fields that waited on one batch): classified
    /// like any other database error.
    fn from(err: std::sync::Arc<DbErr>) -> Self {
        match std::sync::Arc::try_unwrap(err) {
            Ok(err) => map_db_err(err),
            Err(shared) if unreachable(&shared) => {
                AppError::DatabaseUnavailable(anyhow::anyhow!("{shared}"))
            }
            Err(shared) => AppError::Internal(anyhow::anyhow!("{shared}")),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        Self::Internal(err)
    }
}

/// Whether the database could not be reached or could not take the statement now (as opposed
/// to a statement failing): unreachable, out of connections, shutting down, or a SQLite file
/// whose write lock another process held for longer than the acquire timeout.
fn unreachable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx::Error};
    match err {
        // Opening a connection failed, whatever the reason (refused, reset, a half-open proxy).
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match &**e {
                Error::Io(_)
                | Error::PoolTimedOut
                | Error::PoolClosed
                | Error::WorkerCrashed
                | Error::Tls(_) => true,
                Error::Database(db) => transient(db.as_ref()),
                _ => false,
            }
        }
        _ => false,
    }
}

/// SQLite busy or locked (primary result codes 5 and 6, with their extended codes); PostgreSQL
/// shutting down, starting up, or out of connections (SQLSTATE 57P01–57P03, 53300).
fn transient(err: &dyn sea_orm::sqlx::error::DatabaseError) -> bool {
    use sea_orm::sqlx::{postgres::PgDatabaseError, sqlite::SqliteError};
    if err.try_downcast_ref::<SqliteError>().is_some() {
        let code: i32 = err.code().and_then(|c| c.parse().ok()).unwrap_or(0);
        return matches!(code & 0xff, 5 | 6);
    }
    if let Some(e) = err.try_downcast_ref::<PgDatabaseError>() {
        return matches!(e.code(), "57P01" | "57P02" | "57P03" | "53300");
    }
    false
}

/// The one place where database errors become client errors: an unreachable database is
/// `DATABASE_UNAVAILABLE`, a unique violation a `CONFLICT`, a foreign-key violation a
/// `BAD_USER_INPUT`; anything else is internal.
pub fn map_db_err(err: DbErr) -> AppError {
    if unreachable(&err) {
        return AppError::DatabaseUnavailable(anyhow::Error::new(err));
    }
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(detail)) => AppError::Conflict {
            field: None,
            message: format!(
                "a record with the same unique value already exists ({})",
                unique_hint(&detail)
            ),
        },
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => AppError::BadInput {
            field: None,
            message: "a referenced record does not exist".into(),
        },
        _ => AppError::Internal(anyhow::Error::new(err)),
    }
}

/// The column named in a unique-violation message, without the rest of the driver's text.
fn unique_hint(detail: &str) -> String {
    // SQLite: "UNIQUE constraint failed: products.slug"; PostgreSQL: "... constraint \"products_slug_key\"".
    if let Some(rest) = detail.split("failed: ").nth(1) {
        return rest.trim().to_owned();
    }
    if let Some(name) = detail.split('"').nth(1) {
        return name.to_owned();
    }
    "unique key".to_owned()
}

impl AppError {
    /// Sets the `extensions` of the GraphQL error this becomes: `code`, and `field` or
    /// `retryAfter` where they apply.
    pub fn extend(&self, e: &mut ErrorExtensionValues) {
        e.set("code", self.code());
        match self {
            AppError::BadInput {
                field: Some(field), ..
            }
            | AppError::Conflict {
                field: Some(field), ..
            } => e.set("field", field.as_str()),
            AppError::Invalid(errors) => {
                e.set("field", errors[0].field.as_str());
                let list: Vec<async_graphql::Value> = errors
                    .iter()
                    .map(|f| {
                        async_graphql::value!({ "field": f.field.as_str(), "message": f.message.as_str() })
                    })
                    .collect();
                e.set("errors", list);
            }
            AppError::RateLimited { retry_after_secs } => e.set("retryAfter", *retry_after_secs),
            _ => {}
        }
    }
}

/// Result of a use case.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dataloader_that_cannot_reach_the_database_reports_it_as_such() {
        use std::sync::Arc;
        let outage = || DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout);
        // Alone, or shared by the fields that waited on the same batch.
        assert_eq!(
            AppError::from(Arc::new(outage())).code(),
            "DATABASE_UNAVAILABLE"
        );
        let shared = Arc::new(outage());
        let _other_waiter = shared.clone();
        assert_eq!(AppError::from(shared).code(), "DATABASE_UNAVAILABLE");
        let bug = Arc::new(DbErr::Custom("no such column".into()));
        let _other_waiter = bug.clone();
        assert_eq!(AppError::from(bug).code(), "INTERNAL");
    }

    #[test]
    fn unique_hints_name_the_column_not_the_driver_text() {
        assert_eq!(
            unique_hint("UNIQUE constraint failed: products.slug"),
            "products.slug"
        );
        assert_eq!(
            unique_hint("duplicate key value violates unique constraint \"products_slug_key\""),
            "products_slug_key"
        );
    }
}
