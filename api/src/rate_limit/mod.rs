//! Rate limits: per key, and per client IP for anonymous callers (GCRA). With
//! `OCOP_REDIS_URL` the allowances live in Redis and every server draws on the same ones;
//! without it, or while Redis is unreachable, each server keeps its own in memory.

pub mod local;
pub mod refusal;
pub mod shared;

use std::time::Duration;

use ocop_entities::api_key::Role;
use secrecy::SecretString;

use crate::{auth::Caller, limits::Limits};
use local::LocalLimits;
use shared::SharedLimits;

/// The kinds of allowance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allowance {
    /// Anonymous callers, per client IP.
    Anonymous,
    /// Editors, kiosks and admins, per key.
    Key,
    /// Partners, per key.
    Partner,
}

impl Allowance {
    /// The allowance `caller` draws on.
    pub fn of(caller: &Caller) -> Self {
        match caller {
            Caller::Anonymous { .. } => Self::Anonymous,
            Caller::Key(k) if k.role == Role::Partner => Self::Partner,
            Caller::Key(_) => Self::Key,
        }
    }

    /// Its name in metrics and Redis keys.
    pub fn name(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::Key => "key",
            Self::Partner => "partner",
        }
    }
}

/// Where the allowances are kept, for `/ready`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// In this server's memory (no Redis configured).
    Memory,
    /// In Redis, shared by every server.
    Redis,
    /// Redis is configured but unreachable: in this server's memory until it is back.
    RedisFallback,
}

/// The rate limits of one server.
pub struct RateLimits {
    local: LocalLimits,
    shared: Option<SharedLimits>,
}

impl RateLimits {
    /// Limits kept in this server's memory.
    pub fn new(limits: &Limits) -> Self {
        Self {
            local: LocalLimits::new(limits),
            shared: None,
        }
    }

    /// Limits kept in Redis at `redis_url` when given (reached lazily: a server starts while
    /// Redis is down, and limits locally until it is up).
    pub fn with_redis(limits: &Limits, redis_url: Option<&SecretString>) -> anyhow::Result<Self> {
        Ok(Self {
            local: LocalLimits::new(limits),
            shared: redis_url
                .map(|url| SharedLimits::new(url, limits))
                .transpose()?,
        })
    }

    /// Takes `cost` requests from the caller's allowance; `Err(wait)` when it is used up (or
    /// when `cost` is more than the allowance can ever hold).
    pub async fn check(&self, caller: &Caller, cost: u32) -> Result<(), Duration> {
        let verdict = match &self.shared {
            Some(shared) => match shared.check(caller, cost).await {
                Some(verdict) => verdict,
                None => self.local.check(caller, cost),
            },
            None => self.local.check(caller, cost),
        };
        if verdict.is_err() {
            metrics::counter!(crate::metrics::RATE_LIMITED, "caller" => Allowance::of(caller).name())
                .increment(1);
        }
        verdict
    }

    /// Where the allowances are kept now.
    pub fn store(&self) -> Store {
        match &self.shared {
            None => Store::Memory,
            Some(s) if s.falling_back() => Store::RedisFallback,
            Some(_) => Store::Redis,
        }
    }
}
