//! What a request must see as of its arrival, read once for many concurrent requests.
//!
//! A cached answer is keyed by the catalogue's change-log position, and a cached API key is
//! good only while no key has been revoked since it was read. Both must be read *after* the
//! request arrived, or a write committed just before it (on any server) could be missed. Reading
//! them for every request costs a database round trip each, which dominated the cost of a cached
//! answer. So requests share reads: a request joins the next read to start, never one already
//! under way (which may have begun before a commit the request must see). While one read runs,
//! every request that arrives waits for the following one; under load, one read serves a whole
//! batch of requests, and alone a request waits for exactly one read, as before.
//!
//! The reads run on a connection of their own, outside the pool: a pooled statement also
//! waits for a free connection and, on SQLite, pings the connection on its thread when it is
//! given back, which made the read cost about twice what it does alone. When that connection
//! cannot be opened or fails, the read goes through the pool and the connection is opened
//! again a second later. On an SQLite file, a reader that does not leave the calling thread
//! and runs no statement while nothing has been committed ([`sqlite`]) answers
//! first, and these shared reads are its fallback.

pub mod sqlite;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, sqlx};
use tokio::sync::oneshot;

use self::sqlite::SqliteFreshness;

/// How long a failed connection of the reads stays closed before it is opened again.
pub(super) const REOPEN_AFTER: Duration = Duration::from_secs(1);

/// The one statement a read runs.
pub(super) const SQL: &str = "SELECT (SELECT version FROM catalogue_version WHERE id = 1) AS catalogue, \
                   (SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NOT NULL) AS revoked_keys";

/// The state a request is answered against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freshness {
    /// The catalogue's change-log position (`catalogue_version`).
    pub catalogue: i64,
    /// How many API keys have been revoked: a key read before this changed is read again.
    pub revoked_keys: i64,
}

type Reply = oneshot::Sender<Result<Freshness, String>>;

/// Requests waiting for the next read, and whether a read is under way.
#[derive(Default)]
struct Queue {
    running: bool,
    waiting: Vec<Reply>,
}

/// Shares reads of [`Freshness`] among the requests that arrive together.
#[derive(Clone)]
pub struct FreshnessReads {
    db: DatabaseConnection,
    queue: Arc<Mutex<Queue>>,
    /// The reads' own connection; only the one running batch uses it.
    own: Arc<tokio::sync::Mutex<Own>>,
    /// On an SQLite file, the reader tried first.
    direct: Option<Arc<SqliteFreshness>>,
}

impl FreshnessReads {
    /// Reads from `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        let direct = match db.get_database_backend() {
            DbBackend::Sqlite => SqliteFreshness::for_file(
                db.get_sqlite_connection_pool()
                    .connect_options()
                    .get_filename(),
            )
            .map(Arc::new),
            _ => None,
        };
        Self {
            db,
            direct,
            queue: Arc::default(),
            own: Arc::new(tokio::sync::Mutex::new(Own::Closed {
                retry_at: Instant::now(),
            })),
        }
    }

    /// The state as of a read that started after this call.
    pub async fn now(&self) -> Result<Freshness, DbErr> {
        if let Some(fresh) = self.direct.as_ref().and_then(|direct| direct.read()) {
            // Answered without waiting: still give the scheduler its turn when the task's
            // budget is spent, so that a task reading in a loop cannot starve the others.
            tokio::task::consume_budget().await;
            return Ok(fresh);
        }
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut queue = self.queue.lock().expect("the queue lock is not poisoned");
            queue.waiting.push(reply);
            !std::mem::replace(&mut queue.running, true)
        };
        if start {
            // A task of its own, so that a request that gives up does not strand the others.
            tokio::spawn(self.clone().serve());
        }
        answer
            .await
            .map_err(|_| DbErr::Custom("the freshness read was dropped".into()))?
            .map_err(DbErr::Custom)
    }

    /// Reads for everyone waiting, batch after batch, until nobody waits.
    async fn serve(self) {
        loop {
            let batch = {
                let mut queue = self.queue.lock().expect("the queue lock is not poisoned");
                if queue.waiting.is_empty() {
                    queue.running = false;
                    return;
                }
                std::mem::take(&mut queue.waiting)
            };
            let read = self.read().await.map_err(|e| e.to_string());
            for reply in batch {
                let _ = reply.send(read.clone());
            }
        }
    }
}

impl FreshnessReads {
    /// One read, on the reads' own connection when it is open, else through the pool.
    async fn read(&self) -> Result<Freshness, DbErr> {
        let mut own = self.own.lock().await;
        if let Own::Closed { retry_at } = *own
            && Instant::now() >= retry_at
        {
            *own = Own::open(&self.db).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot open a connection for freshness reads; using the pool");
                Own::closed()
            });
        }
        if !matches!(*own, Own::Closed { .. }) {
            let started = Instant::now();
            let read = own.read().await;
            crate::metrics::sql_statement(read.is_err(), started.elapsed());
            match read {
                Ok(fresh) => return Ok(fresh),
                Err(e) => {
                    tracing::warn!(error = %e, "a freshness read failed; using the pool");
                    *own = Own::closed();
                }
            }
        }
        drop(own);
        pooled_read(&self.db).await
    }
}

/// The reads' own connection.
enum Own {
    /// None is open; try to open one from `retry_at` on.
    Closed {
        retry_at: Instant,
    },
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Own {
    /// Closed, to be opened again [`REOPEN_AFTER`] from now.
    fn closed() -> Self {
        Self::Closed {
            retry_at: Instant::now() + REOPEN_AFTER,
        }
    }

    /// A connection with the pool's own options.
    async fn open(db: &DatabaseConnection) -> Result<Self, sqlx::Error> {
        use sqlx::Connection;
        Ok(match db.get_database_backend() {
            DbBackend::Sqlite => {
                let options = db.get_sqlite_connection_pool().connect_options();
                Self::Sqlite(sqlx::SqliteConnection::connect_with(&options).await?)
            }
            DbBackend::Postgres => {
                let options = db.get_postgres_connection_pool().connect_options();
                Self::Postgres(sqlx::PgConnection::connect_with(&options).await?)
            }
            _ => Self::closed(),
        })
    }

    /// One read on this connection (which is open).
    async fn read(&mut self) -> Result<Freshness, sqlx::Error> {
        let (catalogue, revoked_keys): (Option<i64>, i64) = match self {
            Self::Sqlite(c) => sqlx::query_as(SQL).fetch_one(c).await?,
            Self::Postgres(c) => sqlx::query_as(SQL).fetch_one(c).await?,
            Self::Closed { .. } => return Err(sqlx::Error::PoolClosed),
        };
        Ok(Freshness {
            catalogue: catalogue.unwrap_or(0),
            revoked_keys,
        })
    }
}

/// The same statement through the pool.
async fn pooled_read(db: &DatabaseConnection) -> Result<Freshness, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), SQL))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("freshness".into()))?;
    Ok(Freshness {
        catalogue: row.try_get::<Option<i64>>("", "catalogue")?.unwrap_or(0),
        revoked_keys: row.try_get("", "revoked_keys")?,
    })
}
