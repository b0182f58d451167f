//! Rate limits kept in this server's memory (GCRA, with `governor`): the store when no Redis is
//! configured, and the fallback while Redis is unreachable.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};
use ocop_entities::api_key::Role;

use crate::{auth::Caller, limits::Limits};

/// The limiters of one server.
pub struct LocalLimits {
    anonymous: DefaultKeyedRateLimiter<IpAddr>,
    keys: DefaultKeyedRateLimiter<i64>,
    partners: DefaultKeyedRateLimiter<i64>,
    checks: AtomicU64,
}

fn quota(per_second: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).expect("at least 1");
    let burst = NonZeroU32::new(burst.max(per_second).max(1)).expect("at least 1");
    Quota::per_second(rate).allow_burst(burst)
}

impl LocalLimits {
    /// Limiters with the configured rates.
    pub fn new(limits: &Limits) -> Self {
        Self {
            anonymous: RateLimiter::keyed(quota(
                limits.anonymous_per_second,
                limits.anonymous_burst,
            )),
            keys: RateLimiter::keyed(quota(limits.key_per_second, limits.key_burst)),
            partners: RateLimiter::keyed(quota(limits.partner_per_second, limits.partner_burst)),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes `cost` requests from the caller's allowance; `Err(wait)` when it is used up (or
    /// when `cost` is more than the allowance can ever hold).
    pub fn check(&self, caller: &Caller, cost: u32) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.anonymous.retain_recent();
            self.keys.retain_recent();
            self.partners.retain_recent();
        }
        let n = NonZeroU32::new(cost.max(1)).expect("at least 1");
        let outcome = match caller {
            Caller::Anonymous { ip } => self.anonymous.check_key_n(ip, n),
            Caller::Key(k) if k.role == Role::Partner => self.partners.check_key_n(&k.id, n),
            Caller::Key(k) => self.keys.check_key_n(&k.id, n),
        };
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => {
                Err(not_until.wait_time_from(governor::clock::DefaultClock::default().now()))
            }
            Err(_) => Err(Duration::from_secs(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::KeyIdentity;

    #[test]
    fn anonymous_callers_are_limited_per_ip_and_partners_get_more() {
        let limits = Limits {
            anonymous_per_second: 2,
            anonymous_burst: 2,
            partner_per_second: 5,
            partner_burst: 5,
            ..Limits::default()
        };
        let r = LocalLimits::new(&limits);
        let a = Caller::Anonymous {
            ip: [10, 0, 0, 1].into(),
        };
        let b = Caller::Anonymous {
            ip: [10, 0, 0, 2].into(),
        };
        assert!(r.check(&a, 1).is_ok());
        assert!(r.check(&a, 1).is_ok());
        let wait = r.check(&a, 1).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(r.check(&b, 1).is_ok(), "another IP has its own allowance");
        let partner = Caller::Key(KeyIdentity {
            id: 9,
            name: "p".into(),
            role: Role::Partner,
            provinces: vec![],
            outlet_id: None,
        });
        for _ in 0..5 {
            assert!(r.check(&partner, 1).is_ok());
        }
        assert!(r.check(&partner, 1).is_err());
    }
}
