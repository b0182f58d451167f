//! Database connection (SQLite or PostgreSQL), migrations, and the per-request count of SQL
//! statements that the N+1 tests and the benchmarks read.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use anyhow::Context;
use ocop_migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};
use secrecy::ExposeSecret;

use crate::config::Settings;

tokio::task_local! {
    /// The statement counter of the request being served, if any.
    static STATEMENTS: Arc<AtomicU64>;
}

/// Counts the SQL statements run while serving one request (including those run by its
/// DataLoaders, which are spawned inside the same scope).
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Runs `fut` with this counter in scope.
    pub async fn scope<F: Future>(&self, fut: F) -> F::Output {
        STATEMENTS.scope(self.0.clone(), fut).await
    }

    /// Spawns `fut` on the runtime, inside the scope of the current request's counter when
    /// there is one.
    pub fn spawn_in_current_scope(
        fut: futures::future::BoxFuture<'static, ()>,
    ) -> tokio::task::JoinHandle<()> {
        match STATEMENTS.try_with(Arc::clone) {
            Ok(counter) => tokio::spawn(STATEMENTS.scope(counter, fut)),
            Err(_) => tokio::spawn(fut),
        }
    }

    /// Statements counted so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Connects with pool and driver settings suited to the backend, and installs the statement
/// counter and the SQL metrics.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url();
    let url = url.expose_secret();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    let acquire_timeout = Duration::from_millis(settings.db_acquire_timeout_ms);
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(settings.db_max_connections)
        .min_connections(1)
        .connect_timeout(acquire_timeout)
        .acquire_timeout(acquire_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                // Waiting for another process's write lock is waiting for the database.
                .busy_timeout(acquire_timeout)
                // Read pages through a memory map, and keep more of them per connection, rather
                // than copying each page out of the kernel on every read.
                .pragma("mmap_size", "1073741824")
                .pragma("cache_size", "-16384")
                .foreign_keys(true)
        });
    let mut db = Database::connect(options).await.with_context(|| {
        format!(
            "cannot connect to the database {}",
            settings.database_label()
        )
    })?;
    db.set_metric_callback(|info| {
        let _ = STATEMENTS.try_with(|c| c.fetch_add(1, Ordering::Relaxed));
        crate::metrics::sql_statement(info.failed, info.elapsed);
    });
    Ok(db)
}

/// Applies every pending migration (which also seeds the reference data).
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("database migration failed")
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so that a transaction which reads before it writes cannot fail when
/// another connection commits in between; elsewhere it is a plain `BEGIN`.
pub async fn begin_write(
    db: &sea_orm::DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// The tables an import fills.
pub const CATALOGUE_TABLES: &[&str] = &[
    "producers",
    "products",
    "certifications",
    "outlets",
    "listings",
    "change_log",
    "audit_log",
];

/// Brings the planner's statistics up to date after a bulk write (PostgreSQL's `ANALYZE`):
/// otherwise reads plan with the statistics of the empty tables until autovacuum gets there, a
/// minute or more later, and run many times slower meanwhile. SQLite keeps no such statistics
/// unless asked, so there is nothing to do there.
pub async fn analyze(db: &DatabaseConnection, tables: &[&str]) -> Result<(), sea_orm::DbErr> {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    db.execute_unprepared(&format!("ANALYZE {}", tables.join(", ")))
        .await
        .map(|_| ())
}
