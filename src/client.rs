//! Client configuration, shared by the JavaScript face and the Rust API.

use crate::api::Target;
use crate::error::Error;
use crate::policy::RetryPolicy;
use crate::url::normalize_base;
use serde::Deserialize;
use tsify::Tsify;

/// The API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.constantcontact.com/v2";
/// Default time budget of a JSON call (uploads have none).
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// The v2 API's per-key limit.
pub const DEFAULT_REQUESTS_PER_SECOND: u32 = 4;

/// Options of `new MyLibraryClient(options)`.
#[derive(Clone, Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOptions {
    /// The application's API key (required with the default `baseUrl`).
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// The account's OAuth access token (required with the default `baseUrl`).
    #[tsify(optional)]
    pub access_token: Option<String>,
    /// Default `https://api.constantcontact.com/v2`; point it at a proxy that adds credentials,
    /// or at the emulator.
    #[tsify(optional)]
    pub base_url: Option<String>,
    /// Time budget of a JSON call in ms, retries included (default 30000; 0: none).
    #[tsify(optional)]
    pub timeout_ms: Option<u64>,
    /// Retries of GET, PUT and DELETE after network errors, 5xx and `over.qps` (default 3).
    #[tsify(optional)]
    pub retries: Option<u32>,
    /// Requests this client starts in any one-second window (default 4; 0: no limit).
    #[tsify(optional)]
    pub requests_per_second: Option<u32>,
    /// Largest upload (default: the account's `max_upload_size_limit` once `getInfo` has run,
    /// else 5242880).
    #[tsify(optional)]
    pub max_upload_bytes: Option<u64>,
    /// A function with fetch's signature used for every request (a service binding, a wrapper
    /// for tests or instrumentation); default: the global `fetch`.
    #[tsify(optional, type = "(input: Request) => Promise<Response>")]
    #[serde(default)]
    pub fetch: Option<serde::de::IgnoredAny>,
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

impl PartialEq for Target {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base && self.api_key == other.api_key
    }
}
impl Eq for Target {}

impl Settings {
    /// Checks options: the credentials are required for the default base URL, optional for
    /// another (a proxy that adds them).
    ///
    /// ```
    /// use ctct_mylibrary::client::{ClientOptions, Settings};
    /// let err = Settings::from_options(ClientOptions::default()).unwrap_err();
    /// assert_eq!(err.code(), ctct_mylibrary::ErrorCode::InvalidArgument);
    /// let proxy = ClientOptions { base_url: Some("https://edge.example.com/v2".into()), ..Default::default() };
    /// assert!(Settings::from_options(proxy).is_ok());
    /// ```
    pub fn from_options(o: ClientOptions) -> Result<Settings, Error> {
        let base = normalize_base(o.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let api_key = o.api_key.filter(|k| !k.is_empty());
        let access_token = o.access_token.filter(|t| !t.is_empty());
        if base == DEFAULT_BASE_URL && (api_key.is_none() || access_token.is_none()) {
            return Err(Error::invalid_argument(
                "apiKey and accessToken are required for the Constant Contact API (they are optional only with another baseUrl, such as a proxy that adds them)",
            ));
        }
        if o.max_upload_bytes == Some(0) {
            return Err(Error::invalid_argument("maxUploadBytes must be positive"));
        }
        if o.retries.is_some_and(|r| r > 10) {
            return Err(Error::invalid_argument("retries must be from 0 to 10"));
        }
        Ok(Settings {
            target: Target { base, api_key },
            access_token,
            timeout_ms: o.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            retry: RetryPolicy {
                retries: o.retries.unwrap_or(3),
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
        let o = ClientOptions {
            api_key: Some("k".into()),
            access_token: Some("t".into()),
            ..Default::default()
        };
        let s = Settings::from_options(o).unwrap();
        assert_eq!(s.target.base, DEFAULT_BASE_URL);
        assert_eq!(
            (s.timeout_ms, s.retry.retries, s.requests_per_second),
            (30_000, 3, 4)
        );
        let only_key = ClientOptions {
            api_key: Some("k".into()),
            ..Default::default()
        };
        assert!(Settings::from_options(only_key).is_err());
        let bad = ClientOptions {
            base_url: Some("localhost:8080".into()),
            ..Default::default()
        };
        assert!(Settings::from_options(bad).is_err());
        let parsed: Result<ClientOptions, _> =
            serde_json::from_str(r#"{"apiKey":"k","acessToken":"t"}"#);
        assert!(parsed.is_err(), "a misspelt option is refused");
    }
}
