//! Rate limits kept in Redis, shared by every server: GCRA in a Lua script, so that reading
//! and moving a caller's "theoretical arrival time" is one atomic step on Redis's own clock.
//!
//! When Redis does not answer within [`CALL_TIMEOUT`], the server limits in its own memory for
//! [`RETRY_AFTER`], then tries Redis again; `/ready` and the `ocop_rate_limits_local_fallback`
//! gauge say so meanwhile.

use std::{
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use redis::aio::ConnectionManager;
use secrecy::{ExposeSecret, SecretString};

use super::Allowance;
use crate::{auth::Caller, limits::Limits};

/// How long one call to Redis may take before this server limits locally.
const CALL_TIMEOUT: Duration = Duration::from_millis(100);
/// How long the server limits locally after Redis failed, before trying it again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// GCRA. KEYS[1]: the allowance's key. ARGV: emission interval (µs per request), burst, cost.
/// Returns {1, 0} when allowed, {0, µs to wait} when not.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval * cost
local allowed_at = new_tat - interval * burst
if allowed_at > now then
  return {0, math.ceil(allowed_at - now)}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, 0}
";

/// Requests per second and burst of one kind of allowance.
#[derive(Clone, Copy, Debug)]
struct Quota {
    interval_us: u64,
    burst: u32,
}

impl Quota {
    fn new(per_second: u32, burst: u32) -> Self {
        let per_second = per_second.max(1);
        Self {
            interval_us: (1_000_000 / u64::from(per_second)).max(1),
            burst: burst.max(per_second).max(1),
        }
    }
}

/// The Redis store.
pub struct SharedLimits {
    client: redis::Client,
    connection: tokio::sync::Mutex<Option<ConnectionManager>>,
    script: redis::Script,
    anonymous: Quota,
    key: Quota,
    partner: Quota,
    /// Until when Redis is not tried again after a failure.
    resting_until: Mutex<Option<Instant>>,
    falling_back: AtomicBool,
}

impl SharedLimits {
    /// A store at `url`, connected on first use.
    pub fn new(url: &SecretString, limits: &Limits) -> anyhow::Result<Self> {
        let client = redis::Client::open(url.expose_secret())
            .map_err(|e| anyhow::anyhow!("invalid configuration: OCOP_REDIS_URL: {e}"))?;
        Ok(Self {
            client,
            connection: tokio::sync::Mutex::new(None),
            script: redis::Script::new(GCRA),
            anonymous: Quota::new(limits.anonymous_per_second, limits.anonymous_burst),
            key: Quota::new(limits.key_per_second, limits.key_burst),
            partner: Quota::new(limits.partner_per_second, limits.partner_burst),
            resting_until: Mutex::new(None),
            falling_back: AtomicBool::new(false),
        })
    }

    /// Whether the server is limiting locally because Redis failed.
    pub fn falling_back(&self) -> bool {
        self.falling_back.load(Ordering::Relaxed)
    }

    /// The verdict from Redis; `None` when Redis cannot give one now (the caller limits
    /// locally).
    pub async fn check(&self, caller: &Caller, cost: u32) -> Option<Result<(), Duration>> {
        if self
            .resting_until
            .lock()
            .expect("rest lock")
            .is_some_and(|until| Instant::now() < until)
        {
            return None;
        }
        let allowance = Allowance::of(caller);
        let quota = match allowance {
            Allowance::Anonymous => self.anonymous,
            Allowance::Key => self.key,
            Allowance::Partner => self.partner,
        };
        if cost > quota.burst {
            return Some(Err(Duration::from_secs(1)));
        }
        let key = match caller {
            Caller::Anonymous { ip } => format!("ocop:rate:{}:{ip}", allowance.name()),
            Caller::Key(k) => format!("ocop:rate:{}:{}", allowance.name(), k.id),
        };
        match tokio::time::timeout(CALL_TIMEOUT, self.call(&key, quota, cost)).await {
            Ok(Ok((allowed, wait_us))) => {
                if self.falling_back.swap(false, Ordering::Relaxed) {
                    tracing::info!("Redis answers again: rate limits are shared again");
                    metrics::gauge!(crate::metrics::RATE_LIMITS_LOCAL_FALLBACK).set(0.0);
                }
                Some(if allowed {
                    Ok(())
                } else {
                    Err(Duration::from_micros(wait_us.max(1)))
                })
            }
            failed => {
                let error = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => format!("no answer within {CALL_TIMEOUT:?}"),
                };
                self.rest(&error).await;
                None
            }
        }
    }

    async fn call(&self, key: &str, quota: Quota, cost: u32) -> redis::RedisResult<(bool, u64)> {
        let mut connection = {
            let mut held = self.connection.lock().await;
            match held.as_ref() {
                Some(c) => c.clone(),
                None => {
                    let c = ConnectionManager::new(self.client.clone()).await?;
                    *held = Some(c.clone());
                    c
                }
            }
        };
        let (allowed, wait_us): (i64, i64) = self
            .script
            .key(key)
            .arg(quota.interval_us)
            .arg(quota.burst)
            .arg(cost)
            .invoke_async(&mut connection)
            .await?;
        Ok((allowed == 1, u64::try_from(wait_us).unwrap_or(0)))
    }

    async fn rest(&self, error: &str) {
        *self.resting_until.lock().expect("rest lock") = Some(Instant::now() + RETRY_AFTER);
        if !self.falling_back.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                error,
                "Redis is unreachable: rate limits are kept in this server's memory until it is back"
            );
            metrics::gauge!(crate::metrics::RATE_LIMITS_LOCAL_FALLBACK).set(1.0);
        }
        // A connection that timed out may be stuck: make a fresh one next time.
        *self.connection.lock().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_match_the_local_limiter() {
        let q = Quota::new(20, 40);
        assert_eq!((q.interval_us, q.burst), (50_000, 40));
        // A burst below the rate is raised to it, as the local limiter does.
        let q = Quota::new(100, 5);
        assert_eq!((q.interval_us, q.burst), (10_000, 100));
    }
}
