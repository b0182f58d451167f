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

use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use tokio::sync::oneshot;

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
}

impl FreshnessReads {
    /// Reads from `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            queue: Arc::default(),
        }
    }

    /// The state as of a read that started after this call.
    pub async fn now(&self) -> Result<Freshness, DbErr> {
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
            let read = read(&self.db).await.map_err(|e| e.to_string());
            for reply in batch {
                let _ = reply.send(read.clone());
            }
        }
    }
}

/// One statement: the catalogue's position and the number of revoked keys.
async fn read(db: &DatabaseConnection) -> Result<Freshness, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT (SELECT version FROM catalogue_version WHERE id = 1) AS catalogue, \
             (SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NOT NULL) AS revoked_keys",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("freshness".into()))?;
    Ok(Freshness {
        catalogue: row.try_get::<Option<i64>>("", "catalogue")?.unwrap_or(0),
        revoked_keys: row.try_get("", "revoked_keys")?,
    })
}
