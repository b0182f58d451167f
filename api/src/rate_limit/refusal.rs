//! A rate-limit refusal made while a GraphQL request executes (a costly query, a certificate
//! number lookup), carried to the HTTP layer as request data, so that the response is a 429 with
//! `Retry-After` without the route reading the response's errors back.

use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};

use crate::error::AppError;

/// Shared by the resolvers and extensions of one HTTP request and its route. The first refusal
/// sets it; the route reads it after execution.
#[derive(Clone, Debug, Default)]
pub struct Refusal(Arc<OnceLock<u64>>);

impl Refusal {
    /// Records a refusal to retry after `wait` and returns the error to answer with.
    pub fn refuse(&self, wait: Duration) -> AppError {
        let err = AppError::rate_limited(wait);
        if let AppError::RateLimited { retry_after_secs } = &err {
            let _ = self.0.set(*retry_after_secs);
        }
        err
    }

    /// The refusal of a request whose data holds `refusal` (a schema executed without one, as
    /// in-process tests do, still gets the error).
    pub fn refuse_in(refusal: Option<&Self>, wait: Duration) -> AppError {
        match refusal {
            Some(r) => r.refuse(wait),
            None => AppError::rate_limited(wait),
        }
    }

    /// Seconds until a retry may succeed, when the request was refused.
    pub fn retry_after(&self) -> Option<u64> {
        self.0.get().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_refusal_is_kept_and_seen_through_every_clone() {
        let refusal = Refusal::default();
        assert_eq!(refusal.retry_after(), None);
        let seen_by_route = refusal.clone();
        let err = refusal.refuse(Duration::from_millis(1_500));
        assert_eq!(err.code(), "RATE_LIMITED");
        refusal.refuse(Duration::from_secs(9));
        assert_eq!(seen_by_route.retry_after(), Some(2));
    }
}
