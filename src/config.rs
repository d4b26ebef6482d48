//! Client configuration, shared by both faces: the options a caller gives, their defaults and
//! their checks.

use crate::error::Error;
use crate::ops::{Face, Target};
use crate::policy::RetryPolicy;
use crate::url::normalize_base;

/// The API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.constantcontact.com/v2";
/// Default time budget of a JSON call, retries included (uploads have none).
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// The v2 API's per-key limit.
pub const DEFAULT_REQUESTS_PER_SECOND: u32 = 4;
/// Default retries of GET, PUT and DELETE.
pub const DEFAULT_RETRIES: u32 = 3;
/// Most retries a client may ask for.
pub const MAX_RETRIES: u32 = 10;

/// What a caller configures (the JavaScript `ClientOptions`, the Rust `ClientBuilder`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The application's API key (required with the default base URL).
    pub api_key: Option<String>,
    /// The account's OAuth access token (required with the default base URL, unless a token
    /// source is given).
    pub access_token: Option<String>,
    /// Whether a token source (`getAccessToken`) is given.
    pub token_source: bool,
    /// Default [`DEFAULT_BASE_URL`]; a proxy that adds the credentials, or the emulator.
    pub base_url: Option<String>,
    /// Time budget of a JSON call in ms, retries included (0: none).
    pub timeout_ms: Option<u64>,
    /// Retries of GET, PUT and DELETE after network errors, 5xx and `over.qps` (0–10).
    pub retries: Option<u32>,
    /// Requests started in any one-second window (0: no limit).
    pub requests_per_second: Option<u32>,
    /// Largest upload in bytes (default: the account's limit once known, else 5 MiB).
    pub max_upload_bytes: Option<u64>,
}

/// Checked settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Where calls go, with the api key.
    pub target: Target,
    /// The access token.
    pub access_token: Option<String>,
    /// Time budget of JSON calls.
    pub timeout_ms: u64,
    /// Retries.
    pub retry: RetryPolicy,
    /// Rate limit (0: none).
    pub requests_per_second: u32,
    /// Upload limit, when set.
    pub max_upload_bytes: Option<u64>,
}

/// Checks an access token: it travels in an `Authorization` header, so it is visible ASCII
/// without spaces (an OAuth bearer token is). The error follows the argument's name.
///
/// ```
/// use ctct_mylibrary::config::check_token;
/// assert!(check_token("0b6e8a3c-1d2f-4e5a-9b7c-8d6e5f4a3b2c").is_ok());
/// assert_eq!(check_token("").unwrap_err(), "must not be empty");
/// assert!(check_token("Bearer 0b6e").is_err(), "the token alone, without the scheme");
/// ```
pub fn check_token(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("must not be empty".into());
    }
    if token.bytes().all(|b| (b'!'..=b'~').contains(&b)) {
        Ok(())
    } else {
        Err("must be visible ASCII without spaces or control characters (it travels in an Authorization header)".into())
    }
}

/// An argument's name as `face` spells it.
fn arg(face: Face, js: &'static str, rust: &'static str) -> &'static str {
    match face {
        Face::Js => js,
        Face::Rust => rust,
    }
}

impl Settings {
    /// Checks options: the credentials are required for the default base URL, optional for
    /// another (a proxy that adds them); errors name the option as `face` spells it.
    ///
    /// ```
    /// use ctct_mylibrary::config::{Options, Settings};
    /// use ctct_mylibrary::ops::Face;
    /// let err = Settings::from_options(Options::default(), Face::Rust).unwrap_err();
    /// assert_eq!(err.code(), ctct_mylibrary::ErrorCode::InvalidArgument);
    /// let proxy = Options { base_url: Some("https://edge.example.com/v2".into()), ..Default::default() };
    /// assert!(Settings::from_options(proxy, Face::Rust).is_ok());
    /// ```
    pub fn from_options(o: Options, face: Face) -> Result<Settings, Error> {
        let base = normalize_base(o.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))
            .map_err(|what| Error::bad_argument(arg(face, "options.baseUrl", "base_url"), what))?;
        if o.api_key.as_deref() == Some("") {
            return Err(Error::bad_argument(
                arg(face, "options.apiKey", "api_key"),
                "must not be empty; leave it out instead",
            ));
        }
        if let Some(t) = &o.access_token {
            check_token(t).map_err(|what| {
                Error::bad_argument(arg(face, "options.accessToken", "access_token"), what)
            })?;
        }
        let api_key = o.api_key;
        let access_token = o.access_token;
        let missing = if api_key.is_none() {
            Some(arg(face, "options.apiKey", "api_key"))
        } else if access_token.is_none() && !o.token_source {
            Some(arg(face, "options.accessToken", "access_token"))
        } else {
            None
        };
        if let Some(option) = missing.filter(|_| base == DEFAULT_BASE_URL) {
            return Err(Error::bad_argument(
                option,
                "is required for the Constant Contact API (a token source may stand for the token; both are optional only with another base URL, such as a proxy that adds them)",
            ));
        }
        if o.max_upload_bytes == Some(0) {
            return Err(Error::bad_argument(
                arg(face, "options.maxUploadBytes", "max_upload_bytes"),
                "must be positive",
            ));
        }
        if let Some(r) = o.retries.filter(|&r| r > MAX_RETRIES) {
            return Err(Error::bad_argument(
                arg(face, "options.retries", "retries"),
                format_args!("must be an integer from 0 to {MAX_RETRIES}, not {r}"),
            ));
        }
        Ok(Settings {
            target: Target { base, api_key },
            access_token,
            timeout_ms: o.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            retry: RetryPolicy {
                retries: o.retries.unwrap_or(DEFAULT_RETRIES),
                ..RetryPolicy::default()
            },
            requests_per_second: o.requests_per_second.unwrap_or(DEFAULT_REQUESTS_PER_SECOND),
            max_upload_bytes: o.max_upload_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_checks() {
        let o = Options {
            api_key: Some("k".into()),
            access_token: Some("t".into()),
            ..Default::default()
        };
        let s = Settings::from_options(o, Face::Js).unwrap();
        assert_eq!(s.target.base, DEFAULT_BASE_URL);
        assert_eq!(
            (s.timeout_ms, s.retry.retries, s.requests_per_second),
            (30_000, 3, 4)
        );
        let only_key = Options {
            api_key: Some("k".into()),
            ..Default::default()
        };
        let e = Settings::from_options(only_key.clone(), Face::Js).unwrap_err();
        assert_eq!(e.argument(), Some("options.accessToken"));
        let with_source = Options {
            token_source: true,
            ..only_key
        };
        assert!(Settings::from_options(with_source, Face::Js).is_ok());
        let bad = Options {
            base_url: Some("localhost:8080".into()),
            ..Default::default()
        };
        let e = Settings::from_options(bad, Face::Rust).unwrap_err();
        assert_eq!(e.argument(), Some("base_url"));
        let many = Options {
            base_url: Some("http://h/v2".into()),
            retries: Some(11),
            ..Default::default()
        };
        assert!(
            Settings::from_options(many, Face::Js)
                .unwrap_err()
                .message()
                .contains("options.retries must be an integer from 0 to 10, not 11")
        );
    }
}
