//! The on-disk layout of the embedded index: generations switched atomically.
//!
//! ```text
//! <root>/CURRENT          name of the live generation (replaced by rename, so never torn)
//! <root>/gen-<n>/products tantivy index of products
//! <root>/gen-<n>/outlets  tantivy index of outlets
//! ```
//!
//! A rebuild writes a new generation beside the live one and then replaces `CURRENT`;
//! every process using the root picks the new generation up on its next
//! [`crate::SearchBackend::refresh`].

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    sync::{
        Mutex,
        atomic::{AtomicI64, Ordering},
    },
};

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, directory::MmapDirectory};

use super::{
    count_cache::CountCache,
    schema::{OutletFields, ProductFields},
};
use crate::SearchError;

/// Memory budget of the writer of a rebuild (one large batch).
pub const REBUILD_WRITER_HEAP: usize = 200_000_000;

pub(crate) fn err(e: impl Into<crate::Cause>) -> SearchError {
    SearchError::Index(e.into())
}

/// The commit payload that records a change-log position.
const POSITION_PAYLOAD: &str = "ocop-change-log-position:";

/// One tantivy index with its reader and a lazily opened writer.
pub struct Part {
    /// The index.
    pub index: Index,
    /// Its reader (reloaded after each commit).
    pub reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    /// The change-log position of the last commit (-1: none recorded).
    position: AtomicI64,
}

impl Part {
    fn open(dir: &Path, schema: tantivy::schema::Schema) -> Result<Self, SearchError> {
        fs::create_dir_all(dir).map_err(err)?;
        let directory = MmapDirectory::open(dir).map_err(err)?;
        let index = Index::open_or_create(directory, schema).map_err(|e| match e {
            tantivy::TantivyError::SchemaError(m) => SearchError::Outdated(m),
            e => err(e),
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err)?;
        let position = index
            .load_metas()
            .map_err(err)?
            .payload
            .as_deref()
            .and_then(|p| p.strip_prefix(POSITION_PAYLOAD))
            .and_then(|p| p.parse().ok())
            .unwrap_or(-1);
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(None),
            position: AtomicI64::new(position),
        })
    }

    /// The change-log position recorded with the last commit.
    pub fn position(&self) -> Option<i64> {
        Some(self.position.load(Ordering::SeqCst)).filter(|p| *p >= 0)
    }

    /// Runs `f` with the writer (opened on first use), commits with the change-log `position`
    /// (the current one when `None`), and reloads the reader. The position is published after
    /// the reload, so whoever reads it searches a reader that holds the changes up to it (the
    /// response cache keys search answers by it).
    pub fn write(
        &self,
        heap: usize,
        position: Option<i64>,
        f: impl FnOnce(&mut IndexWriter) -> tantivy::Result<()>,
    ) -> Result<(), SearchError> {
        let position = position.or_else(|| self.position());
        self.with_writer(heap, |w| f(w).and_then(|()| commit(w, position)))?;
        self.reader.reload().map_err(err)?;
        self.remember(position);
        Ok(())
    }

    fn remember(&self, position: Option<i64>) {
        self.position
            .store(position.unwrap_or(-1), Ordering::SeqCst);
    }

    /// Runs `f` with the writer without committing: a rebuild adds every document, then
    /// [`Part::commit_and_close`] commits once (a commit per batch would cost a segment each).
    pub fn add(
        &self,
        heap: usize,
        f: impl FnOnce(&mut IndexWriter) -> tantivy::Result<()>,
    ) -> Result<(), SearchError> {
        self.with_writer(heap, f)
    }

    /// Commits what was added with the change-log `position`, then closes the writer as
    /// [`Part::close_writer`] does.
    pub fn commit_and_close(&self, position: Option<i64>) -> Result<(), SearchError> {
        self.with_writer(REBUILD_WRITER_HEAP, |w| commit(w, position))?;
        self.reader.reload().map_err(err)?;
        self.remember(position);
        self.close_writer()
    }

    fn with_writer(
        &self,
        heap: usize,
        f: impl FnOnce(&mut IndexWriter) -> tantivy::Result<()>,
    ) -> Result<(), SearchError> {
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| err("writer lock poisoned"))?;
        if guard.is_none() {
            let threads = if heap >= REBUILD_WRITER_HEAP { 2 } else { 1 };
            *guard = Some(
                self.index
                    .writer_with_num_threads(threads, heap)
                    .map_err(err)?,
            );
        }
        let writer = guard.as_mut().expect("opened above");
        if let Err(e) = f(writer) {
            // A failed writer may hold a half-written batch: drop it, next write reopens.
            if let Some(mut w) = guard.take() {
                let _ = w.rollback();
            }
            return Err(err(e));
        }
        Ok(())
    }

    /// Closes the writer, waiting for merges, so another process may open one.
    pub fn close_writer(&self) -> Result<(), SearchError> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| err("writer lock poisoned"))?
            .take();
        if let Some(w) = writer {
            w.wait_merging_threads().map_err(err)?;
        }
        Ok(())
    }
}

/// Commits, recording `position` in the commit's payload.
fn commit(w: &mut IndexWriter, position: Option<i64>) -> tantivy::Result<()> {
    let mut prepared = w.prepare_commit()?;
    if let Some(p) = position {
        prepared.set_payload(&format!("{POSITION_PAYLOAD}{p}"));
    }
    prepared.commit().map(|_| ())
}

/// A generation: the product and outlet indexes. Its change-log position is recorded with the
/// products index, which is always committed last.
pub struct Generation {
    /// Its directory name (`gen-<n>`).
    pub name: String,
    /// Products.
    pub products: Part,
    /// Outlets.
    pub outlets: Part,
    /// Product field handles.
    pub product_fields: ProductFields,
    /// Outlet field handles.
    pub outlet_fields: OutletFields,
    /// Counts of the products each first word matches.
    pub counts: CountCache,
    /// The products in each certification state, per segment and day.
    pub states: std::sync::Arc<super::validity_cache::ValidityCache>,
}

impl Generation {
    /// Opens (creating if needed) a generation under `root`.
    pub fn open(root: &Path, name: &str) -> Result<Self, SearchError> {
        let product_fields = ProductFields::new();
        let outlet_fields = OutletFields::new();
        let dir = root.join(name);
        Ok(Self {
            name: name.to_owned(),
            products: Part::open(&dir.join("products"), product_fields.schema.clone())?,
            outlets: Part::open(&dir.join("outlets"), outlet_fields.schema.clone())?,
            product_fields,
            outlet_fields,
            counts: CountCache::default(),
            states: Default::default(),
        })
    }
}

fn current_file(root: &Path) -> PathBuf {
    root.join("CURRENT")
}

/// The name of the live generation, if any.
pub fn read_current(root: &Path) -> Result<Option<String>, SearchError> {
    match fs::read_to_string(current_file(root)) {
        Ok(s) => {
            let name = s.trim().to_owned();
            if name.starts_with("gen-") && !name.contains(['/', '\\']) && name != "gen-" {
                Ok(Some(name))
            } else {
                Err(err(format!(
                    "{} holds an invalid generation name",
                    current_file(root).display()
                )))
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(err(e)),
    }
}

/// Makes `name` the live generation: write a temporary file, flush it, rename it over
/// `CURRENT` (atomic on POSIX), flush the directory.
pub fn write_current(root: &Path, name: &str) -> Result<(), SearchError> {
    let tmp = root.join(format!("CURRENT.{}.tmp", std::process::id()));
    {
        let mut f = fs::File::create(&tmp).map_err(err)?;
        f.write_all(name.as_bytes()).map_err(err)?;
        f.sync_all().map_err(err)?;
    }
    fs::rename(&tmp, current_file(root)).map_err(err)?;
    if let Ok(dir) = fs::File::open(root) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// A fresh generation name, later than every existing one.
pub fn next_name(root: &Path) -> Result<String, SearchError> {
    let highest = generations(root)?.into_iter().max().unwrap_or(0);
    Ok(format!("gen-{}", highest + 1))
}

/// The numbers of the generations on disk.
fn generations(root: &Path) -> Result<Vec<u64>, SearchError> {
    let mut out = Vec::new();
    match fs::read_dir(root) {
        Ok(entries) => {
            for entry in entries.flatten() {
                if let Some(n) = entry
                    .file_name()
                    .to_str()
                    .and_then(|n| n.strip_prefix("gen-"))
                    .and_then(|n| n.parse().ok())
                {
                    out.push(n);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(e)),
    }
    Ok(out)
}

/// Removes every generation older than the two newest (the live one and the one before it,
/// which another process may still be reading).
pub fn prune(root: &Path, live: &str) -> Result<(), SearchError> {
    let mut numbers = generations(root)?;
    numbers.sort_unstable();
    let keep_from = numbers.len().saturating_sub(2);
    for n in &numbers[..keep_from] {
        let name = format!("gen-{n}");
        if name != live {
            let _ = fs::remove_dir_all(root.join(name));
        }
    }
    Ok(())
}
