//! ocop-catalog: a GraphQL API over Vietnam's OCOP-certified products and the outlets that sell
//! them. The `ocop` binary is a thin shell over this library; integration tests drive it the
//! same way.

pub mod auth;
pub mod cli;
pub mod client_ip;
pub mod clock;
pub mod commands;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod indexing;
pub mod interchange;
pub mod limits;
pub mod metrics;
pub mod rate_limit;
pub mod reference;
pub mod routes;
pub mod services;
pub mod startup;
pub mod telemetry;
#[cfg(test)]
pub mod testing;
