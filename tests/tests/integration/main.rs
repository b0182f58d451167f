//! Integration tests: each starts the real application on a random port against a fresh
//! database and talks to it over HTTP. Every test runs on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

mod certification_status;
mod change_log;
mod contract;
mod faults;
mod freshness;
mod hostile;
mod http;
mod http_cache;
mod import_export;
mod mutations;
mod n_plus_one;
mod observability;
mod outlets;
mod persisted_queries;
mod product_page;
mod products;
mod protection;
mod reference;
mod roles;
mod search;
mod search_box;
mod statistics;
mod verification;
