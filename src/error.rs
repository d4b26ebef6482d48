//! The one error type: a stable code to branch on, the HTTP status, the API's own error list,
//! the operation and request it belongs to, and the cause: on wasm32 the original JavaScript
//! error, natively what failed underneath (as text, redacted like the rest). Secrets never
//! appear in any of it: the executor redacts an error before it leaves the client (see
//! [`crate::redact`]).

use serde::{Deserialize, Serialize};
use std::fmt;
#[cfg(feature = "js")]
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
    /// The call (or waiting for an upload) ran out of time.
    Timeout,
    /// The caller cancelled the call.
    Aborted,
    /// The response was not what the API sends.
    Decode,
    /// An argument was refused before anything was sent.
    InvalidArgument,
    /// An upload ended `VirusFound`, `Failed` or `Deleted`, or its id is unknown.
    UploadFailed,
    /// The caller's token source (`getAccessToken`) failed, or gave something that is not a
    /// token.
    Token,
    /// The OAuth2 server refused: an error status of the token or token information endpoint
    /// (`errors[0].error_key` is its `error`, such as `invalid_grant`), or an error other than
    /// `access_denied` in a callback.
    OAuth,
    /// The account's owner pressed Deny on the consent page (`access_denied` in the callback).
    AccessDenied,
    /// A callback's `state` is missing or not the authorization request's: it may be forged.
    StateMismatch,
    /// An image to fit cannot be read (feature `fit`).
    #[cfg(feature = "fit")]
    ImageCorrupt,
    /// An image to fit is of a format the fit does not read: HEIC, WebP, ... (feature `fit`).
    #[cfg(feature = "fit")]
    ImageUnsupported,
    /// An animated GIF that does not fit: fitting would flatten it (feature `fit`).
    #[cfg(feature = "fit")]
    ImageAnimated,
    /// An image that stays over the limit at the lowest quality and size (feature `fit`).
    #[cfg(feature = "fit")]
    ImageCannotFit,
    /// An image too large to decode (feature `fit`).
    #[cfg(feature = "fit")]
    ImageTooLarge,
}

impl ErrorCode {
    /// The code's spelling in JavaScript (`"RATE_LIMITED"`, ...).
    ///
    /// ```
    /// use ctct_mylibrary::ErrorCode;
    /// assert_eq!(ErrorCode::RateLimited.as_str(), "RATE_LIMITED");
    /// ```
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
            ErrorCode::Token => "TOKEN",
            ErrorCode::OAuth => "OAUTH",
            ErrorCode::AccessDenied => "ACCESS_DENIED",
            ErrorCode::StateMismatch => "STATE_MISMATCH",
            #[cfg(feature = "fit")]
            ErrorCode::ImageCorrupt => "IMAGE_CORRUPT",
            #[cfg(feature = "fit")]
            ErrorCode::ImageUnsupported => "IMAGE_UNSUPPORTED",
            #[cfg(feature = "fit")]
            ErrorCode::ImageAnimated => "IMAGE_ANIMATED",
            #[cfg(feature = "fit")]
            ErrorCode::ImageCannotFit => "IMAGE_CANNOT_FIT",
            #[cfg(feature = "fit")]
            ErrorCode::ImageTooLarge => "IMAGE_TOO_LARGE",
        }
    }
}

/// One entry of a v2 error array.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct ApiErrorItem {
    /// A stable key such as `http.status.authentication.invalid_token`.
    pub error_key: String,
    /// The API's message.
    pub error_message: String,
}

/// The request an error belongs to: its method and URL, the api key replaced by `[REDACTED]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInfo {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The URL, with no credential in it.
    pub url: String,
}

/// Every failure of the client.
///
/// ```
/// use ctct_mylibrary::{Error, ErrorCode};
/// let err = Error::invalid_argument("limit must be an integer from 1 to 1000, not 0");
/// assert_eq!(err.code(), ErrorCode::InvalidArgument);
/// assert_eq!(err.status(), 0);
/// ```
#[derive(Clone, Debug)]
pub struct Error(Box<Inner>);

/// The error's content, boxed so that a `Result` stays small.
#[derive(Clone, Debug)]
struct Inner {
    code: ErrorCode,
    status: u16,
    message: String,
    errors: Vec<ApiErrorItem>,
    retry_after_ms: Option<u64>,
    request: Option<RequestInfo>,
    argument: Option<String>,
    #[cfg(target_arch = "wasm32")]
    cause: Option<wasm_bindgen::JsValue>,
    #[cfg(not(target_arch = "wasm32"))]
    cause: Option<Cause>,
}

/// What failed underneath an [`Error`], natively (the HTTP client's error and its causes,
/// without the URL): [`std::error::Error::source`] of the error.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause(String);

#[cfg(not(target_arch = "wasm32"))]
impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl std::error::Error for Cause {}

impl Error {
    /// A new error with a code and a message (status 0, no API errors).
    ///
    /// ```
    /// use ctct_mylibrary::{Error, ErrorCode};
    /// let err = Error::new(ErrorCode::Token, "The session holds no token");
    /// assert_eq!((err.code(), err.status()), (ErrorCode::Token, 0));
    /// assert_eq!(err.to_string(), "The session holds no token (TOKEN)");
    /// ```
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            code,
            status: 0,
            message: message.into(),
            errors: Vec::new(),
            retry_after_ms: None,
            request: None,
            argument: None,
            cause: None,
        }))
    }

    /// An argument refused before sending.
    ///
    /// ```
    /// use ctct_mylibrary::{Error, ErrorCode};
    /// let err = Error::invalid_argument("name must not be empty");
    /// assert_eq!(err.code(), ErrorCode::InvalidArgument);
    /// assert_eq!(err.argument(), None);
    /// ```
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }

    /// The argument `name` refused before sending: the message is `name` followed by `what`
    /// (`"params.limit must be an integer from 1 to 1000, not 0"`), and [`Error::argument`] is
    /// `name`.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// let err = Error::bad_argument("limit", "must be an integer from 1 to 1000, not 0");
    /// assert_eq!(err.message(), "limit must be an integer from 1 to 1000, not 0");
    /// assert_eq!(err.argument(), Some("limit"));
    /// ```
    pub fn bad_argument(name: &str, what: impl fmt::Display) -> Self {
        let mut e = Self::invalid_argument(format!("{name} {what}"));
        e.0.argument = Some(name.to_string());
        e
    }

    /// A response that is not what the API sends (`status` 0 when there was none).
    ///
    /// ```
    /// use ctct_mylibrary::{Error, ErrorCode};
    /// let err = Error::decode(200, "expected an array of files");
    /// assert_eq!((err.code(), err.status()), (ErrorCode::Decode, 200));
    /// assert_eq!(err.message(), "Unexpected response from the MyLibrary API: expected an array of files");
    /// ```
    pub fn decode(status: u16, message: impl fmt::Display) -> Self {
        Self::unexpected(API, status, message)
    }

    /// A response that is not what `server` sends.
    pub(crate) fn unexpected(server: &str, status: u16, message: impl fmt::Display) -> Self {
        let mut e = Self::new(
            ErrorCode::Decode,
            format!("Unexpected response from {server}: {message}"),
        );
        e.0.status = status;
        e
    }

    /// The error answer of the OAuth2 server that the executor read as the API's (`Http` or
    /// `RateLimited`): `OAuth`, its `{error, error_description}` as the one entry of the error
    /// list. Other errors stay as they are.
    #[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
    pub(crate) fn into_oauth(mut self) -> Self {
        if matches!(self.0.code, ErrorCode::Http | ErrorCode::RateLimited) {
            self.0.code = ErrorCode::OAuth;
            self.0.retry_after_ms = None;
            let status = self.0.status;
            self.0.message = if status == 0 || (300..400).contains(&status) {
                // A manual redirect's answer (opaque, with status 0, in a browser).
                format!(
                    "The OAuth2 server answered with a redirect (HTTP {}), which is not followed: the form holds a secret",
                    u64::from(status)
                )
            } else {
                format!(
                    "The OAuth2 server answered HTTP {}{}",
                    u64::from(status),
                    detail(&self.0.errors)
                )
            };
        }
        self
    }

    /// An error answer from the API: `RATE_LIMITED` for the two rate-limit keys (and a 429,
    /// which the v2 API does not send but a proxy may), else `HTTP`.
    ///
    /// ```
    /// use ctct_mylibrary::{ApiErrorItem, Error, ErrorCode};
    /// let qps = ApiErrorItem {
    ///     error_key: "mashery.not.authorized.over.qps".into(),
    ///     error_message: "Account Over Queries Per Second Limit".into(),
    /// };
    /// let err = Error::from_response(403, vec![qps], Some(1000));
    /// assert_eq!(err.code(), ErrorCode::RateLimited);
    /// assert!(err.is_transient());
    /// assert_eq!(Error::from_response(404, vec![], None).code(), ErrorCode::Http);
    /// ```
    pub fn from_response(
        status: u16,
        errors: Vec<ApiErrorItem>,
        retry_after_ms: Option<u64>,
    ) -> Self {
        let rate_limited = status == 429
            || status == 403
                && errors.iter().any(|e| {
                    e.error_key.ends_with("over.qps") || e.error_key.ends_with("over.ratelimit")
                });
        let code = if rate_limited {
            ErrorCode::RateLimited
        } else {
            ErrorCode::Http
        };
        let detail = detail(&errors);
        let message = if rate_limited {
            format!(
                "Rate limited by the MyLibrary API (HTTP {}){detail}",
                u64::from(status)
            )
        } else {
            format!(
                "The MyLibrary API answered HTTP {}{detail}",
                u64::from(status)
            )
        };
        let mut e = Self::new(code, message);
        e.0.status = status;
        e.0.errors = errors;
        e.0.retry_after_ms = retry_after_ms;
        e
    }

    /// The code to branch on.
    ///
    /// ```
    /// use ctct_mylibrary::{Error, ErrorCode};
    /// let err = Error::from_response(404, vec![], None);
    /// match err.code() {
    ///     ErrorCode::Http if err.status() == 404 => println!("no such file"),
    ///     ErrorCode::RateLimited => println!("slow down"),
    ///     _ => println!("{err}"),
    /// }
    /// ```
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
    /// The HTTP status of the answer; 0 when there was none.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// assert_eq!(Error::from_response(503, vec![], None).status(), 503);
    /// assert_eq!(Error::invalid_argument("x").status(), 0, "nothing was sent");
    /// ```
    pub fn status(&self) -> u16 {
        self.0.status
    }
    /// The message: the operation (and the id it concerns), then what went wrong. It never
    /// holds a credential.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// let err = Error::from_response(404, vec![], None);
    /// assert_eq!(err.message(), "The MyLibrary API answered HTTP 404");
    /// ```
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The API's error list (empty without one).
    ///
    /// ```
    /// use ctct_mylibrary::{ApiErrorItem, Error};
    /// let item = ApiErrorItem {
    ///     error_key: "http.status.authentication.invalid_token".into(),
    ///     error_message: "Unauthorized".into(),
    /// };
    /// let err = Error::from_response(401, vec![item], None);
    /// assert_eq!(err.errors()[0].error_key, "http.status.authentication.invalid_token");
    /// ```
    pub fn errors(&self) -> &[ApiErrorItem] {
        &self.0.errors
    }
    /// How long the server asked to wait, when known.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// let err = Error::from_response(503, vec![], Some(120_000));
    /// assert_eq!(err.retry_after_ms(), Some(120_000)); // schedule the retry in two minutes
    /// ```
    pub fn retry_after_ms(&self) -> Option<u64> {
        self.0.retry_after_ms
    }
    /// The request that failed (method and URL without credentials), when one was sent.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// fn log(err: &Error) {
    ///     match err.request() {
    ///         Some(r) => eprintln!("{} {}: {err}", r.method, r.url), // the url shows api_key=[REDACTED]
    ///         None => eprintln!("{err}"),
    ///     }
    /// }
    /// log(&Error::invalid_argument("limit must be an integer from 1 to 1000, not 0"));
    /// ```
    pub fn request(&self) -> Option<&RequestInfo> {
        self.0.request.as_ref()
    }
    /// The argument that was refused (`INVALID_ARGUMENT`), as the caller named it: `"fileId"`,
    /// `"params.limit"`, `"options.timout"` in JavaScript; `"file_id"`, `"limit"` in Rust.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// let err = Error::bad_argument("file_id", "must not be empty");
    /// assert_eq!(err.argument(), Some("file_id"));
    /// ```
    pub fn argument(&self) -> Option<&str> {
        self.0.argument.as_deref()
    }

    /// True when repeating the same request may succeed: network errors, 5xx, `over.qps` and
    /// 429.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// assert!(Error::from_response(502, vec![], None).is_transient());
    /// assert!(!Error::from_response(400, vec![], None).is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        match self.0.code {
            ErrorCode::Network => true,
            ErrorCode::Http => self.0.status >= 500,
            ErrorCode::RateLimited if self.0.status == 429 => true,
            ErrorCode::RateLimited => self
                .0
                .errors
                .iter()
                .any(|e| e.error_key.ends_with("over.qps")),
            _ => false,
        }
    }

    /// True for a 401: the access token is invalid or expired.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// let err = Error::from_response(401, vec![], None);
    /// if err.is_unauthorized() {
    ///     // sign the user in again, or refresh the token (ClientBuilder::token_source does it for you)
    /// }
    /// assert!(err.is_unauthorized());
    /// ```
    pub fn is_unauthorized(&self) -> bool {
        self.0.code == ErrorCode::Http && self.0.status == 401
    }

    /// Names the operation (and the id it concerns) at the start of the message:
    /// `getFile("42"): The MyLibrary API answered HTTP 404`.
    #[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
    pub(crate) fn in_operation(mut self, operation: &str, subject: Option<&str>) -> Self {
        self.0.message = match subject {
            Some(s) => format!("{operation}({}): {}", quoted(s), self.0.message),
            None => format!("{operation}: {}", self.0.message),
        };
        self
    }

    /// This error, because of `other`: its message is added, and its cause becomes this one's.
    #[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
    pub(crate) fn caused_by(mut self, other: Error) -> Self {
        self.0.message = format!("{} ({})", self.0.message, other.0.message);
        if let Some(c) = other.0.cause {
            self.0.cause = Some(c);
        }
        self
    }

    /// Sets the error list (an OAuth2 error, as one entry).
    pub(crate) fn with_errors(mut self, errors: Vec<ApiErrorItem>) -> Self {
        self.0.errors = errors;
        self
    }

    /// Sets the HTTP status (an answer that broke off after its headers).
    #[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.0.status = status;
        self
    }

    /// Records the request this error belongs to.
    #[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
    pub(crate) fn with_request(mut self, request: RequestInfo) -> Self {
        self.0.request = Some(request);
        self
    }

    /// Applies `f` to every text the error carries: the message, the API's errors, the
    /// request's URL and the argument's name.
    pub(crate) fn map_text(mut self, f: impl Fn(&str) -> String) -> Self {
        self.0.message = f(&self.0.message);
        for e in &mut self.0.errors {
            e.error_message = f(&e.error_message);
            e.error_key = f(&e.error_key);
        }
        if let Some(r) = &mut self.0.request {
            r.url = f(&r.url);
        }
        if let Some(a) = &mut self.0.argument {
            *a = f(a);
        }
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(c) = &mut self.0.cause {
            c.0 = f(&c.0);
        }
        self
    }
}

/// The API, as messages name it.
pub(crate) const API: &str = "the MyLibrary API";
/// The OAuth2 server, as messages name it.
#[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
pub(crate) const OAUTH_SERVER: &str = "the OAuth2 server";

/// `: message (key)` of an error list's first entry.
fn detail(errors: &[ApiErrorItem]) -> String {
    match errors.first() {
        Some(e) if !e.error_message.is_empty() => {
            format!(": {} ({})", e.error_message, e.error_key)
        }
        Some(e) => format!(": {}", e.error_key),
        None => String::new(),
    }
}

/// A string in double quotes, cut to 60 characters: for ids and names in messages.
pub(crate) fn quoted(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((at, _)) => format!("\"{}…\"", &s[..at]),
        None => format!("\"{s}\""),
    }
}

#[cfg(target_arch = "wasm32")]
impl Error {
    /// The original JavaScript value behind the error, if any: the runtime's error for a failed
    /// request, the caller's abort reason for `Aborted` (its message redacted where it held a
    /// credential).
    ///
    /// ```ignore
    /// // wasm32 only, so not compiled by the doctests (they run natively).
    /// # fn example(err: ctct_mylibrary::Error) {
    /// if let Some(cause) = err.cause() {
    ///     // The JavaScript error itself: log it (web-sys's feature "console"), or throw it.
    ///     web_sys::console::error_1(cause);
    /// }
    /// # }
    /// ```
    pub fn cause(&self) -> Option<&wasm_bindgen::JsValue> {
        self.0.cause.as_ref()
    }
    pub(crate) fn with_cause(mut self, cause: wasm_bindgen::JsValue) -> Self {
        if !cause.is_undefined() {
            self.0.cause = Some(cause);
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0.message, self.0.code.as_str())
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Error {
    /// What failed underneath, if known: the HTTP client's error and its causes (a refused
    /// connection, a body that broke off, a TLS failure), without a credential. Also
    /// [`std::error::Error::source`].
    ///
    /// ```
    /// use ctct_mylibrary::{Error, ErrorCode};
    /// fn report(err: &Error) {
    ///     match err.cause() {
    ///         Some(cause) => eprintln!("{err}: {cause}"), // e.g. a refused connection
    ///         None => eprintln!("{err}"),
    ///     }
    /// }
    /// let err = Error::new(ErrorCode::Timeout, "The call ran out of time");
    /// assert!(err.cause().is_none());
    /// report(&err);
    /// ```
    pub fn cause(&self) -> Option<&Cause> {
        self.0.cause.as_ref()
    }
    #[cfg_attr(not(feature = "native"), allow(dead_code))]
    pub(crate) fn with_cause(mut self, cause: String) -> Self {
        self.0.cause = Some(Cause(cause));
        self
    }
}

#[cfg(target_arch = "wasm32")]
impl std::error::Error for Error {}

#[cfg(not(target_arch = "wasm32"))]
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.cause.as_ref().map(|c| c as _)
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
        let expired = Error::from_response(
            401,
            vec![item("http.status.authentication.invalid_token")],
            None,
        );
        assert!(expired.message().contains("invalid_token"));
        assert!(expired.is_unauthorized());
    }

    #[test]
    fn messages_name_the_operation_and_the_argument() {
        let e = Error::from_response(404, vec![], None).in_operation("getFile", Some("missing"));
        assert_eq!(
            e.message(),
            "getFile(\"missing\"): The MyLibrary API answered HTTP 404"
        );
        let e = Error::bad_argument("params.limit", "must be an integer from 1 to 1000, not 0")
            .in_operation("listFiles", None);
        assert_eq!(e.argument(), Some("params.limit"));
        assert_eq!(
            e.message(),
            "listFiles: params.limit must be an integer from 1 to 1000, not 0"
        );
        assert_eq!(Error::decode(200, "x").status(), 200);
        let long = "x".repeat(100);
        assert_eq!(quoted(&long).chars().count(), 63);
    }
}
