//! The catalogue interchange format (JSON Lines, see `docs/interchange-format.md`): its
//! records, the importer and the exporter.

pub mod export;
pub mod import;
pub mod records;
pub(crate) mod validate;

pub use export::{ExportReport, export};
pub use import::{ImportError, ImportReport, import};
pub use validate::RecordError;
