//! `/metrics` in the Prometheus text format.

use crate::db;

/// Process-wide counters.
pub async fn metrics() -> String {
    format!(
        "# HELP ocop_sql_statements_total SQL statements run since start.\n\
         # TYPE ocop_sql_statements_total counter\n\
         ocop_sql_statements_total {}\n",
        db::total_statements()
    )
}
