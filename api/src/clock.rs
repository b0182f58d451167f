//! "Today" as the catalogue understands it: the calendar date in Việt Nam (UTC+7).
//!
//! Certificate validity is a function of this date: a certificate is valid while
//! `issued_on ≤ today < expires_on`, so it stops being valid on its expiry day at midnight in
//! Việt Nam, wherever the server runs.

use chrono::{FixedOffset, NaiveDate, Utc};

/// Việt Nam's offset from UTC (no daylight saving).
pub const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// Today's date in Việt Nam.
pub fn today() -> NaiveDate {
    let offset = FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS).expect("a valid offset");
    Utc::now().with_timezone(&offset).date_naive()
}

/// The current time, truncated to whole microseconds so that it reads back from every database
/// exactly as it was written (cursors compare timestamps).
pub fn now() -> chrono::DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}
