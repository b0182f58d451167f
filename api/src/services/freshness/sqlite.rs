//! Freshness reads on an SQLite file without leaving the calling thread, and without a
//! statement while the database has not changed.
//!
//! Through sqlx, every SQLite statement is handed to the connection's own thread and its rows
//! handed back, and those two hand-offs cost far more than the read itself. This reader keeps
//! one read-only connection of its own, opened directly with `rusqlite` on the same file, and
//! runs the read where the request is. It never waits for a lock: its busy timeout is zero, so
//! when SQLite cannot answer at once (a writer recovering the WAL, a database not in WAL mode
//! under a write) it returns `None` and the caller takes the shared, pooled path instead.
//!
//! Even so, a statement starts a read transaction, which takes and releases locks in the
//! `-shm` file (system calls), and profiles put it at a fifth of a cached answer's cost. In WAL
//! mode every commit, by any connection of any process, rewrites the WAL-index header at the
//! start of the `-shm` file (two copies of 48 bytes; its commit counter, last frame, salts and
//! checksum all change), and that header is how SQLite's own readers find the latest commit
//! (SQLite's documentation of the WAL-mode file format describes it). So a read first reads
//! those 96 bytes with one `pread`: when both copies agree and equal the header seen just
//! before the last statement ran, nothing has been committed since, and that statement's
//! answer is still the answer. Otherwise the statement runs. A header caught half-written has
//! copies that differ, so it never matches. The `-shm` file read is the one SQLite uses: this
//! reader's own connection stays open in WAL mode, and while any connection is open SQLite
//! neither deletes nor re-creates that file.
//!
//! Over 300 lines with its unit tests (about 110 of them).

use std::{
    fs::File,
    os::unix::fs::FileExt,
    path::{Path, PathBuf},
    sync::{
        Mutex, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use rusqlite::{Connection, OpenFlags};

use super::{Freshness, REOPEN_AFTER, SQL};

/// Bytes of the two copies of the WAL-index header.
const HEADER_BYTES: usize = 96;

/// A direct reader of one SQLite file.
pub struct SqliteFreshness {
    path: PathBuf,
    /// Read-locked by every read; write-locked only to open or close the connection.
    state: RwLock<State>,
}

/// The reader's connection.
enum State {
    /// None is open; try to open one from `retry_at` on.
    Closed {
        retry_at: Instant,
    },
    Open(Box<Open>),
}

/// An open connection, and what it last read.
struct Open {
    connection: Mutex<Connection>,
    /// The `-shm` file, in WAL mode.
    shm: Option<File>,
    /// The WAL-index header as it was just before the last statement, and that statement's
    /// answer.
    known: Mutex<Option<([u8; HEADER_BYTES], Freshness)>>,
    /// Statements run, for the tests.
    statements: AtomicU64,
}

/// Why a read could not answer.
enum Declined {
    /// SQLite could not answer at once; try again next time.
    Busy,
    /// The connection failed and is closed.
    Failed(rusqlite::Error),
}

impl SqliteFreshness {
    /// A reader of the database file at `path`, or `None` when it is not a file on disk (an
    /// in-memory database, which another connection could not see).
    pub fn for_file(path: &Path) -> Option<Self> {
        path.is_file().then(|| Self {
            path: path.to_owned(),
            state: RwLock::new(State::Closed {
                retry_at: Instant::now(),
            }),
        })
    }

    /// The state as of now, or `None` when this reader cannot answer at once.
    pub fn read(&self) -> Option<Freshness> {
        let failed = match &*self.state.read().ok()? {
            State::Open(open) => match open.read() {
                Ok(fresh) => return Some(fresh),
                Err(Declined::Busy) => return None,
                Err(Declined::Failed(e)) => {
                    tracing::warn!(error = %e, "a direct freshness read failed; using the pool");
                    true
                }
            },
            State::Closed { retry_at } if Instant::now() < *retry_at => return None,
            State::Closed { .. } => false,
        };
        let mut state = self.state.write().ok()?;
        if failed {
            *state = closed();
            return None;
        }
        match &*state {
            // Another read opened it meanwhile.
            State::Open(open) => return open.read().ok(),
            State::Closed { retry_at } if Instant::now() < *retry_at => return None,
            State::Closed { .. } => {}
        }
        match self.open() {
            Ok(open) => {
                let fresh = open.read().ok();
                *state = State::Open(Box::new(open));
                fresh
            }
            Err(e) => {
                tracing::warn!(error = %e, path = %self.path.display(),
                    "cannot open the database for direct freshness reads; using the pool");
                *state = closed();
                None
            }
        }
    }

    /// A read-only connection that never waits for a lock, and its `-shm` file in WAL mode.
    fn open(&self) -> rusqlite::Result<Open> {
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(Duration::ZERO)?;
        // Prepared once and kept: a read is then a step of a cached statement. It also opens
        // the connection's hold on the `-shm` file.
        query(&connection)?;
        let wal = connection
            .pragma_query_value(None, "journal_mode", |row| row.get::<_, String>(0))?
            .eq_ignore_ascii_case("wal");
        let mut shm_path = self.path.clone().into_os_string();
        shm_path.push("-shm");
        Ok(Open {
            connection: Mutex::new(connection),
            shm: wal.then(|| File::open(shm_path).ok()).flatten(),
            known: Mutex::default(),
            statements: AtomicU64::new(0),
        })
    }

    #[cfg(test)]
    fn statements(&self) -> u64 {
        match &*self.state.read().unwrap() {
            State::Open(open) => open.statements.load(Ordering::Relaxed),
            State::Closed { .. } => 0,
        }
    }
}

impl Open {
    /// The last answer while the header is unchanged, else a statement's.
    fn read(&self) -> Result<Freshness, Declined> {
        let header = self.header();
        let known = *self.known.lock().map_err(|_| Declined::Busy)?;
        if let (Some(now), Some((before, fresh))) = (header, known)
            && now == before
        {
            return Ok(fresh);
        }
        let connection = self.connection.lock().map_err(|_| Declined::Busy)?;
        let started = Instant::now();
        self.statements.fetch_add(1, Ordering::Relaxed);
        let read = query(&connection);
        crate::metrics::sql_statement(read.is_err(), started.elapsed());
        match read {
            Ok(fresh) => {
                if let (Some(header), Ok(mut known)) = (header, self.known.lock()) {
                    *known = Some((header, fresh));
                }
                Ok(fresh)
            }
            Err(e) if is_busy(&e) => Err(Declined::Busy),
            Err(e) => Err(Declined::Failed(e)),
        }
    }

    /// The WAL-index header when both copies agree.
    fn header(&self) -> Option<[u8; HEADER_BYTES]> {
        let mut bytes = [0; HEADER_BYTES];
        self.shm.as_ref()?.read_exact_at(&mut bytes, 0).ok()?;
        let (first, second) = bytes.split_at(HEADER_BYTES / 2);
        (first == second).then_some(bytes)
    }
}

/// Closed, to be opened again [`REOPEN_AFTER`] from now.
fn closed() -> State {
    State::Closed {
        retry_at: Instant::now() + REOPEN_AFTER,
    }
}

/// The freshness statement on `connection`.
fn query(connection: &Connection) -> rusqlite::Result<Freshness> {
    connection.prepare_cached(SQL)?.query_row([], |row| {
        Ok(Freshness {
            catalogue: row.get::<_, Option<i64>>(0)?.unwrap_or(0),
            revoked_keys: row.get(1)?,
        })
    })
}

/// Whether SQLite declined to wait for a lock.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database file with the two tables the read uses, at `version` with `revoked` keys, in
    /// `journal_mode`.
    fn database(dir: &Path, journal_mode: &str, version: i64, revoked: i64) -> PathBuf {
        let path = dir.join("catalogue.db");
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "journal_mode", journal_mode).unwrap();
        c.execute_batch(
            "CREATE TABLE catalogue_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
             CREATE TABLE api_keys (id INTEGER PRIMARY KEY, revoked_at TEXT);",
        )
        .unwrap();
        c.execute("INSERT INTO catalogue_version VALUES (1, ?1)", [version])
            .unwrap();
        for _ in 0..revoked {
            c.execute(
                "INSERT INTO api_keys (revoked_at) VALUES ('2026-01-01')",
                [],
            )
            .unwrap();
        }
        path
    }

    #[test]
    fn reads_what_another_connection_committed_last() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path(), "WAL", 7, 2);
        let reader = SqliteFreshness::for_file(&path).unwrap();
        assert_eq!(
            reader.read(),
            Some(Freshness {
                catalogue: 7,
                revoked_keys: 2
            })
        );
        let writer = Connection::open(&path).unwrap();
        writer
            .execute("UPDATE catalogue_version SET version = 8 WHERE id = 1", [])
            .unwrap();
        assert_eq!(reader.read().map(|f| f.catalogue), Some(8));
    }

    #[test]
    fn runs_no_statement_while_nothing_is_committed_and_misses_no_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path(), "WAL", 0, 0);
        let reader = SqliteFreshness::for_file(&path).unwrap();
        let writer = Connection::open(&path).unwrap();
        // Checkpoints every two pages, so that the WAL also restarts from its beginning.
        writer.pragma_update(None, "wal_autocheckpoint", 2).unwrap();
        assert_eq!(reader.read().map(|f| f.catalogue), Some(0));
        let opened = reader.statements();
        for _ in 0..100 {
            assert_eq!(reader.read().map(|f| f.catalogue), Some(0));
        }
        assert_eq!(reader.statements(), opened, "nothing changed, nothing read");
        for version in 1..=300 {
            writer
                .execute(
                    "UPDATE catalogue_version SET version = ?1 WHERE id = 1",
                    [version],
                )
                .unwrap();
            if version % 3 == 0 {
                writer
                    .execute(
                        "INSERT INTO api_keys (revoked_at) VALUES ('2026-01-02')",
                        [],
                    )
                    .unwrap();
            }
            let fresh = reader.read().unwrap();
            assert_eq!(fresh.catalogue, version);
            assert_eq!(fresh.revoked_keys, version / 3);
            assert_eq!(reader.read(), Some(fresh));
        }
        assert_eq!(
            reader.statements(),
            opened + 300,
            "one statement per commit"
        );
    }

    #[test]
    fn declines_at_once_while_the_database_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        // Outside WAL mode, a writer's exclusive lock keeps readers out.
        let path = database(dir.path(), "DELETE", 1, 0);
        let reader = SqliteFreshness::for_file(&path).unwrap();
        assert!(reader.read().is_some());
        let writer = Connection::open(&path).unwrap();
        writer.execute_batch("BEGIN EXCLUSIVE;").unwrap();
        writer
            .execute("UPDATE catalogue_version SET version = 2 WHERE id = 1", [])
            .unwrap();
        let started = Instant::now();
        assert_eq!(reader.read(), None);
        assert!(started.elapsed() < Duration::from_secs(1));
        writer.execute_batch("COMMIT;").unwrap();
        // The connection stays open: the next read answers once the lock is gone.
        assert_eq!(reader.read().map(|f| f.catalogue), Some(2));
    }

    #[test]
    fn an_in_memory_or_missing_database_has_no_direct_reader() {
        assert!(SqliteFreshness::for_file(Path::new(":memory:")).is_none());
        assert!(SqliteFreshness::for_file(Path::new("/nonexistent/ocop.db")).is_none());
    }
}
