//! When to retry, how long to wait (including what a `Retry-After` header asks), and the
//! client-side rate limiter. Pure functions of time, so they are tested natively; the executor
//! supplies the clock.

use crate::error::{Error, ErrorCode};
use crate::ops::Method;

/// The retry policy of one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubles each retry.
    pub base_ms: u64,
    /// Longest backoff.
    pub max_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 3,
            base_ms: 250,
            max_ms: 8_000,
        }
    }
}

/// The longest `Retry-After` the client waits out itself; a server that asks for more gets
/// its error passed on at once, with `retry_after_ms`, for the caller to schedule.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;

impl RetryPolicy {
    /// Whether to retry after `attempt` (0-based) failed with `err`. Folder creation and
    /// uploads (POST) never are: a repeat could create a folder or store a file twice. Nor is
    /// an error whose `Retry-After` asks for more than [`MAX_RETRY_AFTER_MS`].
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// use ctct_mylibrary::ops::Method;
    /// use ctct_mylibrary::policy::RetryPolicy;
    /// let policy = RetryPolicy::default(); // 3 retries
    /// let unavailable = Error::from_response(503, vec![], None);
    /// assert!(policy.should_retry(Method::Get, 0, &unavailable));
    /// assert!(!policy.should_retry(Method::Get, 3, &unavailable), "no retries left");
    /// assert!(!policy.should_retry(Method::Post, 0, &unavailable), "a create is never repeated");
    /// ```
    pub fn should_retry(&self, method: Method, attempt: u32, err: &Error) -> bool {
        attempt < self.retries
            && method.is_idempotent()
            && err.is_transient()
            && err.code() != ErrorCode::Aborted
            && err
                .retry_after_ms()
                .is_none_or(|ms| ms <= MAX_RETRY_AFTER_MS)
    }

    /// The wait before retry number `attempt + 1`: exponential with "full jitter" (`random` in
    /// 0..1), at least what the server asked for, and at least a second after `over.qps`.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// use ctct_mylibrary::policy::RetryPolicy;
    /// let policy = RetryPolicy::default(); // 250 ms, doubling, at most 8 s
    /// let err = Error::from_response(503, vec![], None);
    /// assert_eq!(policy.backoff_ms(2, &err, 1.0), 1000);
    /// assert!(policy.backoff_ms(2, &err, 0.5) < 1000, "jittered");
    /// let asked = Error::from_response(503, vec![], Some(3000));
    /// assert_eq!(policy.backoff_ms(0, &asked, 0.5), 3000, "at least the Retry-After");
    /// ```
    pub fn backoff_ms(&self, attempt: u32, err: &Error, random: f64) -> u64 {
        let ceiling = self
            .base_ms
            .saturating_mul(1u64 << attempt.min(20))
            .min(self.max_ms);
        let jittered = (ceiling as f64 * random.clamp(0.0, 1.0)) as u64;
        let floor = if err.code() == ErrorCode::RateLimited {
            1_000
        } else {
            0
        };
        jittered
            .max(err.retry_after_ms().unwrap_or(0))
            .max(floor)
            .max(self.base_ms / 2)
    }
}

/// What a `Retry-After` header asks, in milliseconds: delay-seconds (`120`, `1.5`) or an
/// HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`) measured from `now_ms` (ms since 1970). `None`
/// when the value is neither.
///
/// ```
/// use ctct_mylibrary::policy::retry_after_ms;
/// assert_eq!(retry_after_ms("3", 0.0), Some(3000));
/// assert_eq!(retry_after_ms("Thu, 01 Jan 1970 00:00:02 GMT", 500.0), Some(1500));
/// assert_eq!(retry_after_ms("soon", 0.0), None);
/// ```
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<u64> {
    let v = value.trim();
    if v.starts_with(|c: char| c.is_ascii_digit()) {
        // Seconds, with an optional fraction (parsed by hand: no float parser in the package).
        let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !(frac.is_empty() || digits(frac)) || v.ends_with('.') {
            return None;
        }
        let mut ms = whole.bytes().fold(0u64, |n, b| {
            n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        });
        ms = ms.saturating_mul(1000);
        for (i, b) in frac.bytes().take(3).enumerate() {
            ms = ms.saturating_add(u64::from(b - b'0') * [100, 10, 1][i]);
        }
        return Some(ms);
    }
    let at = http_date_ms(v)?;
    Some((at - now_ms).max(0.0) as u64)
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, fixed width) in ms since 1970.
fn http_date_ms(v: &str) -> Option<f64> {
    let b = v.as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        b[from..to].iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";
    let month = (0..12).find(|m| MONTHS[m * 3..m * 3 + 3] == b[8..11])? as i64 + 1;
    let (day, year) = (num(5, 7)?, num(12, 16)?);
    let (h, m, s) = (num(17, 19)?, num(20, 22)?, num(23, 25)?);
    if b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || b[19] != b':' || b[22] != b':' {
        return None;
    }
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + m * 60 + s) as f64 * 1000.0)
}

/// Keeps one client at or under `per_second` requests in any one-second window *as the server
/// sees them*.
///
/// A request may reach the server at any moment between its start and its answer (a CORS
/// preflight, a slow connection), so a slot is freed one window after the request *completes*:
/// then the next request in that slot arrives at least a window after the previous one did,
/// whatever the latency. The price is the latency itself per slot and window.
#[derive(Clone, Debug, Default)]
pub struct RateLimiter {
    per_second: u32,
    in_flight: u32,
    /// Completion times of recent requests, oldest first (ms).
    done: std::collections::VecDeque<f64>,
}

/// The window's length, with a small margin for timer and clock skew between client and server.
pub const WINDOW_MS: f64 = 1_000.0 + 25.0;
/// How long to wait when every slot is taken by a request still under way.
const BUSY_POLL_MS: f64 = 20.0;

impl RateLimiter {
    /// `per_second` 0 disables the limiter.
    ///
    /// ```
    /// use ctct_mylibrary::policy::RateLimiter;
    /// let mut limiter = RateLimiter::new(4);
    /// let mut unlimited = RateLimiter::new(0);
    /// assert_eq!(unlimited.reserve(0.0), 0.0);
    /// ```
    pub fn new(per_second: u32) -> Self {
        RateLimiter {
            per_second,
            in_flight: 0,
            done: Default::default(),
        }
    }

    /// Reserves a slot for a request that may start at `now`: returns 0 and counts it as under
    /// way, or returns how long to wait before asking again. Every reservation must be followed
    /// by [`RateLimiter::complete`].
    ///
    /// ```
    /// use ctct_mylibrary::policy::RateLimiter;
    /// let mut limiter = RateLimiter::new(2);
    /// assert_eq!(limiter.reserve(0.0), 0.0); // go
    /// assert_eq!(limiter.reserve(0.0), 0.0); // go
    /// assert!(limiter.reserve(0.0) > 0.0, "both slots are taken: wait, then ask again");
    /// ```
    pub fn reserve(&mut self, now: f64) -> f64 {
        if self.per_second == 0 {
            return 0.0;
        }
        while self.done.front().is_some_and(|&t| now - t >= WINDOW_MS) {
            self.done.pop_front();
        }
        if self.in_flight as usize + self.done.len() < self.per_second as usize {
            self.in_flight += 1;
            return 0.0;
        }
        match self.done.front() {
            Some(&oldest) => (oldest + WINDOW_MS - now).max(1.0),
            None => BUSY_POLL_MS,
        }
    }

    /// Records that a request reserved earlier has its answer (or failed) at `now`.
    ///
    /// ```
    /// use ctct_mylibrary::policy::{RateLimiter, WINDOW_MS};
    /// let mut limiter = RateLimiter::new(1);
    /// assert_eq!(limiter.reserve(0.0), 0.0);
    /// limiter.complete(200.0); // the answer came at 200 ms
    /// assert_eq!(limiter.reserve(300.0), 200.0 + WINDOW_MS - 300.0, "the slot frees a window later");
    /// assert_eq!(limiter.reserve(200.0 + WINDOW_MS), 0.0);
    /// ```
    pub fn complete(&mut self, now: f64) {
        if self.per_second == 0 {
            return;
        }
        self.in_flight = self.in_flight.saturating_sub(1);
        self.done.push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiErrorItem;

    fn qps() -> Error {
        Error::from_response(
            403,
            vec![ApiErrorItem {
                error_key: "mashery.not.authorized.over.qps".into(),
                error_message: String::new(),
            }],
            None,
        )
    }

    #[test]
    fn retries_only_safe_methods_and_transient_errors() {
        let p = RetryPolicy::default();
        let e503 = Error::from_response(503, vec![], None);
        assert!(p.should_retry(Method::Get, 0, &e503));
        assert!(p.should_retry(Method::Put, 2, &e503));
        assert!(!p.should_retry(Method::Get, 3, &e503));
        assert!(
            !p.should_retry(Method::Post, 0, &e503),
            "never a create or an upload"
        );
        assert!(!p.should_retry(Method::Get, 0, &Error::from_response(404, vec![], None)));
        assert!(p.should_retry(Method::Delete, 0, &qps()));
        assert!(p.should_retry(Method::Get, 0, &Error::new(ErrorCode::Network, "x")));
        assert!(!p.should_retry(Method::Get, 0, &Error::new(ErrorCode::Timeout, "x")));
        let minute = Error::from_response(503, vec![], Some(MAX_RETRY_AFTER_MS));
        assert!(p.should_retry(Method::Get, 0, &minute));
        let day = Error::from_response(503, vec![], Some(86_400_000));
        assert!(
            !p.should_retry(Method::Get, 0, &day),
            "a day's wait is the caller's to schedule"
        );
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(retry_after_ms("0", 0.0), Some(0));
        assert_eq!(retry_after_ms(" 2 ", 0.0), Some(2000));
        assert_eq!(retry_after_ms("1.5", 0.0), Some(1500));
        assert_eq!(retry_after_ms("0.0255", 0.0), Some(25));
        assert_eq!(retry_after_ms("99999999999999999999", 0.0), Some(u64::MAX));
        assert_eq!(retry_after_ms("1.", 0.0), None);
        assert_eq!(retry_after_ms("1.2.3", 0.0), None);
        let at = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", at - 4000.0),
            Some(4000)
        );
        assert_eq!(
            retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", at + 9000.0),
            Some(0)
        );
        for bad in [
            "",
            "-1",
            "soon",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(retry_after_ms(bad, 0.0), None, "{bad:?}");
        }
    }

    #[test]
    fn backoff_grows_is_jittered_and_honours_the_server() {
        let p = RetryPolicy::default();
        let e = Error::from_response(500, vec![], None);
        assert_eq!(p.backoff_ms(0, &e, 1.0), 250);
        assert_eq!(p.backoff_ms(2, &e, 1.0), 1000);
        assert_eq!(p.backoff_ms(10, &e, 1.0), 8000);
        assert_eq!(p.backoff_ms(2, &e, 0.0), 125, "never zero");
        assert!(p.backoff_ms(2, &e, 0.5) < 1000);
        assert_eq!(p.backoff_ms(0, &qps(), 0.0), 1000);
        assert_eq!(
            p.backoff_ms(0, &Error::from_response(503, vec![], Some(3000)), 0.1),
            3000
        );
    }

    #[test]
    fn slots_free_a_window_after_completion() {
        let mut l = RateLimiter::new(4);
        for t in [0.0, 10.0, 20.0, 30.0] {
            assert_eq!(l.reserve(t), 0.0);
        }
        assert_eq!(l.reserve(35.0), BUSY_POLL_MS, "all four still under way");
        for t in [100.0, 110.0, 120.0, 130.0] {
            l.complete(t);
        }
        let wait = l.reserve(140.0);
        assert!((wait - (100.0 + WINDOW_MS - 140.0)).abs() < 1e-9);
        assert_eq!(l.reserve(100.0 + WINDOW_MS), 0.0);
        assert!(l.reserve(100.0 + WINDOW_MS + 1.0) > 0.0);
        let mut off = RateLimiter::new(0);
        assert!((0..100).all(|i| off.reserve(i as f64) == 0.0));
    }

    /// Whatever the latency of each request, any one-second window at the server holds at most
    /// four arrivals; and with small latency, forty requests take about nine windows.
    #[test]
    fn any_server_window_holds_at_most_n() {
        for latency in [5.0, 80.0, 400.0] {
            let mut l = RateLimiter::new(4);
            let mut arrivals: Vec<f64> = Vec::new();
            let mut pending: Vec<(f64, f64)> = Vec::new(); // (arrival, completion)
            let mut now = 0.0;
            let mut k = 0u32;
            while arrivals.len() < 40 {
                pending.retain(|&(_, end)| {
                    if end <= now {
                        l.complete(end);
                        false
                    } else {
                        true
                    }
                });
                let w = l.reserve(now);
                if w == 0.0 {
                    // the request reaches the server anywhere in its lifetime
                    k += 1;
                    let arrival = now + latency * ((k * 7 % 10) as f64 / 10.0);
                    arrivals.push(arrival);
                    pending.push((arrival, now + latency));
                } else {
                    now += w.min(5.0);
                }
            }
            arrivals.sort_by(f64::total_cmp);
            for (i, &t) in arrivals.iter().enumerate() {
                assert!(
                    arrivals[i..]
                        .iter()
                        .take_while(|&&u| u - t < 1000.0)
                        .count()
                        <= 4,
                    "latency {latency}"
                );
            }
            if latency == 5.0 {
                assert!(now < 9.0 * (WINDOW_MS + latency) + 50.0, "{now}");
            }
        }
    }
}
