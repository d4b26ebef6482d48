//! The one error type: a stable code to branch on, the HTTP status, the API's own error list,
//! and (in wasm) the original JavaScript error as the cause. Secrets never appear in any of it.

use serde::{Deserialize, Serialize};
use std::fmt;
use tsify::Tsify;

/// What went wrong, as a stable code (`err.code` in JavaScript).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The API answered with an error status (other than a rate limit).
    Http,
    /// 403 `mashery.not.authorized.over.qps` or `over.ratelimit`.
    RateLimited,
    /// No response: the connection failed or was dropped.
    Network,
    /// The call (or `waitForUpload`) ran out of time.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// The response was not what the API sends.
    Decode,
    /// An argument was refused before anything was sent.
    InvalidArgument,
    /// An upload ended `VirusFound`, `Failed` or `Deleted`, or its id is unknown.
    UploadFailed,
}

impl ErrorCode {
    /// The code's spelling in JavaScript (`"RATE_LIMITED"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Http => "HTTP",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Network => "NETWORK",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Aborted => "ABORTED",
            ErrorCode::Decode => "DECODE",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::UploadFailed => "UPLOAD_FAILED",
        }
    }
}

/// One entry of a v2 error array.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct ApiErrorItem {
    /// A stable key such as `http.status.authentication.invalid_token`.
    pub error_key: String,
    /// The API's message.
    pub error_message: String,
}

/// Every failure of the client.
///
/// ```
/// use ctct_mylibrary::{Error, ErrorCode};
/// let err = Error::invalid_argument("limit must be from 1 to 1000");
/// assert_eq!(err.code(), ErrorCode::InvalidArgument);
/// assert_eq!(err.status(), 0);
/// ```
#[derive(Clone, Debug)]
pub struct Error {
    code: ErrorCode,
    status: u16,
    message: String,
    errors: Vec<ApiErrorItem>,
    retry_after_ms: Option<u64>,
    #[cfg(target_arch = "wasm32")]
    cause: Option<wasm_bindgen::JsValue>,
}

impl Error {
    /// A new error with a code and a message (status 0, no API errors).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            status: 0,
            message: message.into(),
            errors: Vec::new(),
            retry_after_ms: None,
            #[cfg(target_arch = "wasm32")]
            cause: None,
        }
    }

    /// An argument refused before sending.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }

    /// A response that is not what the API sends.
    pub fn decode(message: impl Into<String>) -> Self {
        Self::new(
            ErrorCode::Decode,
            format!(
                "Unexpected response from the MyLibrary API: {}",
                message.into()
            ),
        )
    }

    /// An error answer from the API: `RATE_LIMITED` for the two rate-limit keys, else `HTTP`.
    pub fn from_response(
        status: u16,
        errors: Vec<ApiErrorItem>,
        retry_after_ms: Option<u64>,
    ) -> Self {
        let rate_limited = status == 403
            && errors.iter().any(|e| {
                e.error_key.ends_with("over.qps") || e.error_key.ends_with("over.ratelimit")
            });
        let code = if rate_limited {
            ErrorCode::RateLimited
        } else {
            ErrorCode::Http
        };
        let detail = match errors.first() {
            Some(e) if !e.error_message.is_empty() => {
                format!(": {} ({})", e.error_message, e.error_key)
            }
            Some(e) => format!(": {}", e.error_key),
            None => String::new(),
        };
        let message = if rate_limited {
            format!("Rate limited by the MyLibrary API (HTTP {status}){detail}")
        } else {
            format!("The MyLibrary API answered HTTP {status}{detail}")
        };
        Error {
            status,
            errors,
            retry_after_ms,
            ..Self::new(code, message)
        }
    }

    /// The code to branch on.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// The HTTP status; 0 when there was no response.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The message (never holds a credential).
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The API's error list (empty without one).
    pub fn errors(&self) -> &[ApiErrorItem] {
        &self.errors
    }
    /// How long the server asked to wait, when known.
    pub fn retry_after_ms(&self) -> Option<u64> {
        self.retry_after_ms
    }

    /// True when repeating the same request may succeed: network errors, 5xx and `over.qps`.
    pub fn is_transient(&self) -> bool {
        match self.code {
            ErrorCode::Network => true,
            ErrorCode::Http => self.status >= 500,
            ErrorCode::RateLimited => self
                .errors
                .iter()
                .any(|e| e.error_key.ends_with("over.qps")),
            _ => false,
        }
    }

    /// Replaces every secret in the message and the API's messages.
    pub fn redacted(mut self, r: &Redactor) -> Self {
        self.message = r.apply(&self.message);
        for e in &mut self.errors {
            e.error_message = r.apply(&e.error_message);
            e.error_key = r.apply(&e.error_key);
        }
        self
    }
}

#[cfg(target_arch = "wasm32")]
impl Error {
    /// The original JavaScript error, if any (its message already redacted).
    pub fn cause(&self) -> Option<&wasm_bindgen::JsValue> {
        self.cause.as_ref()
    }
    pub(crate) fn with_cause(mut self, cause: wasm_bindgen::JsValue) -> Self {
        self.cause = Some(cause);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for Error {}

/// Removes credentials (and their percent-encoded forms) from text that leaves the client.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

/// What a credential is replaced with.
pub const REDACTED: &str = "[REDACTED]";

impl Redactor {
    /// Redacts these secrets (empty ones are ignored).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut all: Vec<String> = Vec::new();
        for s in secrets.into_iter().filter(|s| !s.is_empty()) {
            for form in [crate::url::encode_component(s), s.to_string()] {
                // Longest first, so a secret inside another is not half-replaced. (A few
                // strings: an insertion keeps the wasm free of a general sort.)
                if !all.contains(&form) {
                    let at = all
                        .iter()
                        .position(|x| x.len() < form.len())
                        .unwrap_or(all.len());
                    all.insert(at, form);
                }
            }
        }
        Redactor { secrets: all }
    }

    /// The text with every secret replaced by `[REDACTED]`.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), REDACTED);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str) -> ApiErrorItem {
        ApiErrorItem {
            error_key: key.into(),
            error_message: "m".into(),
        }
    }

    #[test]
    fn rate_limits_are_their_own_code() {
        let qps = Error::from_response(403, vec![item("mashery.not.authorized.over.qps")], None);
        assert_eq!(qps.code(), ErrorCode::RateLimited);
        assert!(qps.is_transient());
        let daily = Error::from_response(
            403,
            vec![item("mashery.not.authorized.over.ratelimit")],
            None,
        );
        assert_eq!(daily.code(), ErrorCode::RateLimited);
        assert!(
            !daily.is_transient(),
            "the daily quota does not come back in a second"
        );
        let inactive =
            Error::from_response(403, vec![item("mashery.not.authorized.inactive")], None);
        assert_eq!((inactive.code(), inactive.status()), (ErrorCode::Http, 403));
        assert!(Error::from_response(503, vec![], None).is_transient());
        assert!(!Error::from_response(404, vec![], None).is_transient());
        assert!(
            Error::from_response(
                401,
                vec![item("http.status.authentication.invalid_token")],
                None
            )
            .message()
            .contains("invalid_token")
        );
    }

    #[test]
    fn redaction_covers_plain_and_encoded_secrets() {
        let r = Redactor::new(["key+/=1", "tok", ""]);
        let text = "GET https://x/v2?api_key=key%2B%2F%3D1 failed; bearer tok; key+/=1";
        let out = r.apply(text);
        assert_eq!(
            out,
            "GET https://x/v2?api_key=[REDACTED] failed; bearer [REDACTED]; [REDACTED]"
        );
        assert_eq!(out.matches(REDACTED).count(), 3);
        let e = Error::from_response(
            500,
            vec![ApiErrorItem {
                error_key: "k".into(),
                error_message: "bad tok".into(),
            }],
            None,
        )
        .redacted(&r);
        assert_eq!(e.errors()[0].error_message, "bad [REDACTED]");
        assert!(!e.to_string().contains("tok"));
    }
}
