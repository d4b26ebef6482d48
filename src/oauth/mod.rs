//! Sign-in: Constant Contact's v2 OAuth2 flows, for the Rust face. The JavaScript face has the
//! same helpers in its entry `ctct-mylibrary/oauth` (`src/js/oauth.js`, plain JavaScript, so that
//! a sign-in page loads no wasm), with the same rules, names aside; the wasm agreement suite
//! runs both on the same inputs.
//!
//! - [`authorization_url`] builds the link that sends the account's owner to the consent page,
//!   with a fresh random `state` unless one is given;
//! - [`parse_callback`] reads where the consent page sent the owner back: the code (code flow,
//!   in the query) or the token (client flow, in the fragment), after checking the `state` in
//!   constant time; a denial is [`ErrorCode::AccessDenied`], a missing or different state
//!   [`ErrorCode::StateMismatch`];
//! - `exchange_code` (a server or a Worker: it needs the client secret) trades a code for an
//!   access token, and `token_info` says whose token one is (on wasm32 over the web transport,
//!   natively with the feature `native` over reqwest).
//!
//! The code flow suits a server or a Worker, which can keep the client secret and the token;
//! the client flow suits a page that talks to the API itself, and hands the token to the page.
//!
//! ```
//! use ctct_mylibrary::oauth::{self, Callback, CodeCallback, Flow};
//! let auth = oauth::authorization_url("my-api-key", "https://app.example.com/callback", Flow::Code)
//!     .state("a-state-of-our-own")
//!     .build()?;
//! assert!(auth.url.starts_with("https://oauth2.constantcontact.com/oauth2/oauth/siteowner/authorize?response_type=code&"));
//! let back = "https://app.example.com/callback?code=c0de&username=jane&state=a-state-of-our-own";
//! let code = oauth::parse_callback(back, &auth.state).flow(Flow::Code).parse()?;
//! assert_eq!(code, Callback::Code(CodeCallback { code: "c0de".into(), username: "jane".into() }));
//! let forged = "https://app.example.com/callback?code=c0de&username=jane&state=theirs";
//! let e = oauth::parse_callback(forged, &auth.state).parse().unwrap_err();
//! assert_eq!(e.code(), ctct_mylibrary::ErrorCode::StateMismatch);
//! # Ok::<(), ctct_mylibrary::Error>(())
//! ```

#[cfg(any(target_arch = "wasm32", feature = "native"))]
pub(crate) mod requests;
#[cfg(any(target_arch = "wasm32", feature = "native"))]
pub use requests::{ExchangeCode, TokenInfoCall, exchange_code, token_info};

use crate::config::check_token;
use crate::error::{ApiErrorItem, Error, ErrorCode, quoted};
use crate::models::MAX_SAFE_INTEGER;
use crate::url::{encode_component, normalize_base, percent_decode};
use serde::Deserialize;

/// The v2 OAuth2 server.
pub const DEFAULT_OAUTH_BASE_URL: &str = "https://oauth2.constantcontact.com/oauth2";
/// The consent page, under the base URL.
pub const AUTHORIZE_PATH: &str = "/oauth/siteowner/authorize";
/// The token endpoint, under the base URL.
pub const TOKEN_PATH: &str = "/oauth/token";
/// The token information endpoint, under the base URL.
pub const TOKEN_INFO_PATH: &str = "/tokeninfo.htm";
/// Random bytes in a state made up by [`authorization_url`] (43 characters of base64url).
pub const STATE_BYTES: usize = 32;

/// An OAuth2 flow of the v2 server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// The authorization code flow (`response_type=code`), for a server or a Worker: the code
    /// comes back in the query and is exchanged for a token with the client secret.
    Code,
    /// The client flow (`response_type=token`, OAuth2's implicit grant), for a page: the token
    /// comes back in the fragment, which never reaches a server.
    Token,
}

impl Flow {
    /// `"code"` or `"token"`, as `response_type` and the JavaScript face spell it.
    ///
    /// ```
    /// use ctct_mylibrary::oauth::Flow;
    /// assert_eq!(Flow::Code.as_str(), "code");
    /// assert_eq!(Flow::Token.as_str(), "token");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Code => "code",
            Flow::Token => "token",
        }
    }

    /// The flow of a `response_type`.
    ///
    /// ```
    /// use ctct_mylibrary::oauth::Flow;
    /// assert_eq!(Flow::from_name("token"), Some(Flow::Token));
    /// assert_eq!(Flow::from_name("implicit"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Flow> {
        match name {
            "code" => Some(Flow::Code),
            "token" => Some(Flow::Token),
            _ => None,
        }
    }
}

/// Where to send the account's owner, and the state to check when they come back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// The consent page's URL.
    pub url: String,
    /// The `state` in it: keep it (a session, a cookie) for [`parse_callback`].
    pub state: String,
}

/// Options of an authorization URL ([`authorization_url`]).
#[derive(Clone, Debug)]
#[must_use]
pub struct AuthorizationUrl {
    client_id: String,
    redirect_uri: String,
    flow: Flow,
    state: Option<String>,
    base: Option<String>,
}

/// The consent page's URL for the app whose API key is `client_id`, which sends the owner back
/// to `redirect_uri` (one of the app's registered redirect URIs, or one of them with a query
/// added).
///
/// ```
/// use ctct_mylibrary::oauth::{self, Flow};
/// let auth = oauth::authorization_url("my-api-key", "https://app.example.com/callback", Flow::Code).build()?;
/// // Send the owner to `auth.url`; keep `auth.state` (a session, a cookie) for the callback.
/// assert!(auth.url.contains("&state="));
/// assert_eq!(auth.state.len(), 43);
/// # Ok::<(), ctct_mylibrary::Error>(())
/// ```
pub fn authorization_url(
    client_id: impl Into<String>,
    redirect_uri: impl Into<String>,
    flow: Flow,
) -> AuthorizationUrl {
    AuthorizationUrl {
        client_id: client_id.into(),
        redirect_uri: redirect_uri.into(),
        flow,
        state: None,
        base: None,
    }
}

impl AuthorizationUrl {
    /// A state of your own (default: 32 random bytes from the system's secure random source).
    ///
    /// ```
    /// use ctct_mylibrary::oauth::{self, Flow};
    /// let auth = oauth::authorization_url("my-api-key", "https://app.example.com/callback", Flow::Token)
    ///     .state("s-1234")
    ///     .build()?;
    /// assert!(auth.url.ends_with("&state=s-1234"));
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }
    /// The OAuth2 server (default [`DEFAULT_OAUTH_BASE_URL`]; the emulator's is
    /// `http://127.0.0.1:8080/oauth2`).
    ///
    /// ```
    /// use ctct_mylibrary::oauth::{self, Flow};
    /// let auth = oauth::authorization_url("my-api-key", "http://127.0.0.1:3000/callback", Flow::Code)
    ///     .oauth_base_url("http://127.0.0.1:8080/oauth2")
    ///     .build()?;
    /// assert!(auth.url.starts_with("http://127.0.0.1:8080/oauth2/oauth/siteowner/authorize?"));
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn oauth_base_url(mut self, url: impl Into<String>) -> Self {
        self.base = Some(url.into());
        self
    }
    /// The URL and its state, or `InvalidArgument` naming what is wrong.
    ///
    /// ```
    /// use ctct_mylibrary::ErrorCode;
    /// use ctct_mylibrary::oauth::{self, Flow};
    /// let auth = oauth::authorization_url("my-api-key", "https://app.example.com/callback", Flow::Code).build()?;
    /// let err = oauth::authorization_url("my-api-key", "/callback", Flow::Code).build().unwrap_err();
    /// assert_eq!((err.code(), err.argument()), (ErrorCode::InvalidArgument, Some("redirect_uri")));
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn build(self) -> Result<Authorization, Error> {
        self.build_checked()
            .map_err(|e| e.in_operation("oauth::authorization_url", None))
    }

    fn build_checked(self) -> Result<Authorization, Error> {
        let base = oauth_base(self.base.as_deref())?;
        check_client_id(&self.client_id)?;
        check_redirect_uri(&self.redirect_uri)
            .map_err(|what| Error::bad_argument("redirect_uri", what))?;
        let state = match self.state {
            Some(s) if s.is_empty() => {
                return Err(Error::bad_argument(
                    "state",
                    "must not be empty; leave it out for a random one",
                ));
            }
            Some(s) => s,
            None => fresh_state()?,
        };
        let url = format!(
            "{base}{AUTHORIZE_PATH}?response_type={}&client_id={}&redirect_uri={}&state={}",
            self.flow.as_str(),
            encode_component(&self.client_id),
            encode_component(&self.redirect_uri),
            encode_component(&state),
        );
        Ok(Authorization { url, state })
    }
}

/// What the consent page sent back in the code flow. Its `Debug` hides the code.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeCallback {
    /// The authorization code, for `exchange_code` (single use, short-lived).
    pub code: String,
    /// The account's user name.
    pub username: String,
}

/// What the consent page sent back in the client flow. Its `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenCallback {
    /// The access token.
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds the token lives (about ten years on v2), when the server said.
    pub expires_in: Option<u64>,
}

/// What a callback URL carries, by flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    /// The code flow's answer.
    Code(CodeCallback),
    /// The client flow's answer.
    Token(TokenCallback),
}

/// Reading a callback URL ([`parse_callback`]).
#[derive(Clone, Debug)]
#[must_use]
pub struct ParseCallback<'a> {
    url: &'a str,
    state: &'a str,
    flow: Option<Flow>,
}

/// Reads the URL the consent page sent the owner back to (`state`: the one of the
/// [`Authorization`]). The flow is told by where the answer is (the fragment: the client flow;
/// the query: the code flow) unless [`ParseCallback::flow`] says which to expect.
///
/// ```
/// use ctct_mylibrary::oauth::{self, Callback};
/// let url = "https://app.example.com/callback#access_token=0b6e-tok&token_type=Bearer&state=s-1234";
/// match oauth::parse_callback(url, "s-1234").parse()? {
///     Callback::Token(t) => assert_eq!(t.access_token, "0b6e-tok"),
///     Callback::Code(_) => unreachable!("a token in the fragment is the client flow's"),
/// }
/// # Ok::<(), ctct_mylibrary::Error>(())
/// ```
pub fn parse_callback<'a>(url: &'a str, state: &'a str) -> ParseCallback<'a> {
    ParseCallback {
        url,
        state,
        flow: None,
    }
}

impl ParseCallback<'_> {
    /// Accepts only this flow's answer (a code in the query, or a token in the fragment).
    ///
    /// ```
    /// use ctct_mylibrary::oauth::{self, Flow};
    /// // A server that only runs the code flow refuses a token in the fragment.
    /// let url = "https://app.example.com/callback#access_token=t0k&token_type=Bearer&state=s-1234";
    /// let err = oauth::parse_callback(url, "s-1234").flow(Flow::Code).parse().unwrap_err();
    /// assert_eq!(err.argument(), Some("url"));
    /// ```
    pub fn flow(mut self, flow: Flow) -> Self {
        self.flow = Some(flow);
        self
    }
    /// The code or the token; `StateMismatch`, `AccessDenied`, `OAuth` (another error the
    /// server sent back), `InvalidArgument` (no answer in the URL) or `Decode` (an answer
    /// without a field it must have).
    ///
    /// ```
    /// use ctct_mylibrary::ErrorCode;
    /// use ctct_mylibrary::oauth::{self, Callback};
    /// let back = "https://app.example.com/callback?code=c0de&username=jane&state=s-1234";
    /// let Callback::Code(code) = oauth::parse_callback(back, "s-1234").parse()? else { unreachable!() };
    /// assert_eq!((code.code.as_str(), code.username.as_str()), ("c0de", "jane"));
    /// let denied = "https://app.example.com/callback?error=access_denied&state=s-1234";
    /// let err = oauth::parse_callback(denied, "s-1234").parse().unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::AccessDenied);
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn parse(self) -> Result<Callback, Error> {
        read_callback(self.url, self.state, self.flow)
            .map_err(|e| e.in_operation("oauth::parse_callback", None))
    }
}

/// The parameters an OAuth2 answer may carry.
const OAUTH_KEYS: &[&str] = &[
    "code",
    "username",
    "state",
    "error",
    "error_description",
    "access_token",
    "token_type",
    "expires_in",
];

/// The answer's parameters: each of [`OAUTH_KEYS`] at most once.
struct Params(Vec<(String, String)>);

impl Params {
    fn read(text: &str, part: &str) -> Result<Params, Error> {
        let mut out: Vec<(String, String)> = Vec::new();
        for pair in text.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode(&s.replace('+', " "));
            let (Some(k), Some(v)) = (decode(k), decode(v)) else {
                return Err(Error::bad_argument(
                    "url",
                    format_args!("has a malformed %-escape in its {part}"),
                ));
            };
            if OAUTH_KEYS.contains(&k.as_str()) && out.iter().any(|(seen, _)| *seen == k) {
                // RFC 6749 §3.1: no parameter is sent twice; a repeat is a forgery's attempt.
                // (The app's own query parameters may repeat.)
                return Err(Error::bad_argument(
                    "url",
                    format_args!(
                        "repeats {} in its {part} (an OAuth2 answer never does)",
                        quoted(&k)
                    ),
                ));
            }
            out.push((k, v));
        }
        Ok(Params(out))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn required(&self, key: &str, flow: Flow) -> Result<String, Error> {
        match self.get(key) {
            Some(v) if !trim(v).is_empty() => Ok(trim(v).to_string()),
            _ => Err(Error::new(
                ErrorCode::Decode,
                format!(
                    "The OAuth2 server's answer (the {} flow) has no {key}",
                    flow.as_str()
                ),
            )),
        }
    }
}

pub(crate) fn read_callback(
    url: &str,
    expected: &str,
    flow: Option<Flow>,
) -> Result<Callback, Error> {
    if expected.is_empty() {
        return Err(Error::bad_argument(
            "state",
            "must be the state of the authorization request, not empty",
        ));
    }
    let (before, fragment) = url.split_once('#').unwrap_or((url, ""));
    let query = before.split_once('?').map_or("", |(_, q)| q);
    let query = Params::read(query, "query")?;
    let fragment = Params::read(fragment, "fragment")?;
    let answers = |p: &Params, key: &str| p.get(key).is_some() || p.get("error").is_some();
    let flow = match flow {
        Some(f) => f,
        None if answers(&fragment, "access_token") => Flow::Token,
        None if answers(&query, "code") => Flow::Code,
        None => {
            return Err(Error::bad_argument(
                "url",
                "holds no OAuth2 answer: no code or error in its query, no access_token or error in its fragment",
            ));
        }
    };
    let (p, key, part) = match flow {
        Flow::Code => (&query, "code", "query"),
        Flow::Token => (&fragment, "access_token", "fragment"),
    };
    if !answers(p, key) {
        return Err(Error::bad_argument(
            "url",
            format_args!(
                "holds no answer of the {} flow: no {key} or error in its {part}",
                flow.as_str()
            ),
        ));
    }
    // The state first, whatever the answer: a forged callback learns nothing, not even
    // whether its error would have been believed.
    match p.get("state") {
        None => {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "The callback has no state: it may be forged (a request that did not start here) or from an older sign-in",
            ));
        }
        Some(s) if !same_secret(s, expected) => {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "The callback's state is not the authorization request's: it may be forged (a request that did not start here) or from an older sign-in",
            ));
        }
        Some(_) => {}
    }
    if let Some(error) = p.get("error") {
        return Err(refusal(error, p.get("error_description").unwrap_or("")));
    }
    Ok(match flow {
        Flow::Code => Callback::Code(CodeCallback {
            code: p.required("code", flow)?,
            // Trimmed, as one SDK learned to do (omniauth-constantcontact2 aedd994).
            username: p.required("username", flow)?,
        }),
        Flow::Token => {
            let access_token = p.required("access_token", flow)?;
            check_token(&access_token).map_err(|what| {
                Error::new(
                    ErrorCode::Decode,
                    format!("The OAuth2 server's access_token {what}"),
                )
            })?;
            let expires_in = match p.get("expires_in") {
                None => None,
                Some(s) => Some(digits(s).ok_or_else(|| {
                    Error::new(
                        ErrorCode::Decode,
                        format!(
                            "The OAuth2 server's expires_in is not a number of seconds: {}",
                            quoted(s)
                        ),
                    )
                })?),
            };
            Callback::Token(TokenCallback {
                access_token,
                token_type: p.required("token_type", flow)?,
                expires_in,
            })
        }
    })
}

/// Without ASCII white space at either end (the JavaScript face trims the same characters).
fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// The error of an OAuth2 `error` (a callback's, or the token endpoint's `{error,
/// error_description}`): `AccessDenied` for `access_denied`, else `OAuth`.
pub(crate) fn refusal(error: &str, description: &str) -> Error {
    let detail = if description.is_empty() {
        String::new()
    } else {
        format!(": {}", quoted(description))
    };
    let (code, message) = if error == "access_denied" {
        (
            ErrorCode::AccessDenied,
            format!("The account's owner denied access (access_denied){detail}"),
        )
    } else {
        (
            ErrorCode::OAuth,
            format!(
                "The OAuth2 server refused the authorization ({}){detail}",
                quoted(error)
            ),
        )
    };
    Error::new(code, message).with_errors(vec![ApiErrorItem {
        error_key: error.to_string(),
        error_message: description.to_string(),
    }])
}

/// True when the two are equal, in a time that depends on their lengths only, not on where
/// they differ (a state compared byte by byte until the first difference leaks how much of a
/// guess was right).
///
/// ```
/// use ctct_mylibrary::oauth::same_secret;
/// assert!(same_secret("s-1234", "s-1234"));
/// assert!(!same_secret("s-1234", "s-1235"));
/// ```
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(std::hint::black_box(x ^ y));
    }
    std::hint::black_box(diff) == 0
}

/// A string of ASCII digits as a number no larger than JavaScript holds exactly.
fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = s.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    (n <= MAX_SAFE_INTEGER).then_some(n)
}

/// The base URL of the OAuth2 server, checked.
pub(crate) fn oauth_base(base: Option<&str>) -> Result<String, Error> {
    normalize_base(base.unwrap_or(DEFAULT_OAUTH_BASE_URL))
        .map_err(|what| Error::bad_argument("oauth_base_url", what))
}

/// An API key as `client_id`: it travels in URLs and form bodies, and is visible ASCII.
pub(crate) fn check_client_id(id: &str) -> Result<(), Error> {
    check_token(id).map_err(|what| {
        Error::bad_argument(
            "client_id",
            what.replace("an Authorization header", "the OAuth2 requests"),
        )
    })
}

/// A redirect URI: absolute `http(s)`, no fragment (RFC 6749 §3.1.2), no user name or
/// password, no spaces or control characters. It may have a query.
///
/// ```
/// use ctct_mylibrary::oauth::check_redirect_uri;
/// assert!(check_redirect_uri("https://app.example.com/callback?tab=2").is_ok());
/// assert!(check_redirect_uri("https://app.example.com/callback#top").is_err());
/// assert!(check_redirect_uri("/callback").is_err());
/// ```
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"));
    let Some(rest) = rest.filter(|r| !r.is_empty() && !r.starts_with(['/', '?', '#'])) else {
        return Err(format!(
            "must be an absolute http(s) URL, not {}",
            quoted(uri)
        ));
    };
    if uri.contains('#') {
        return Err("must not have a fragment (RFC 6749 §3.1.2)".into());
    }
    if uri
        .chars()
        .any(|c| c <= ' ' || ('\u{7f}'..='\u{9f}').contains(&c))
    {
        return Err("must not hold spaces or control characters".into());
    }
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    if authority.contains('@') {
        return Err("must not hold a user name or password".into());
    }
    Ok(())
}

/// The form body of a code exchange (`application/x-www-form-urlencoded`).
#[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
pub(crate) fn exchange_body(
    client_id: &str,
    secret: &str,
    code: &str,
    redirect_uri: &str,
) -> String {
    format!(
        "grant_type=authorization_code&client_id={}&client_secret={}&code={}&redirect_uri={}",
        encode_component(client_id),
        encode_component(secret),
        encode_component(code),
        encode_component(redirect_uri),
    )
}

/// The form body of a token information request.
#[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
pub(crate) fn token_info_body(token: &str) -> String {
    format!("access_token={}", encode_component(token))
}

/// A fresh state: [`STATE_BYTES`] from the system's secure random source, in base64url.
fn fresh_state() -> Result<String, Error> {
    let mut bytes = [0u8; STATE_BYTES];
    if !secure_random(&mut bytes) {
        return Err(Error::bad_argument(
            "state",
            "is required here: this runtime has no secure random source (crypto.getRandomValues) to make one",
        ));
    }
    Ok(base64url(&bytes))
}

#[cfg(target_arch = "wasm32")]
fn secure_random(buf: &mut [u8]) -> bool {
    crate::transport::web::fill_random(buf)
}

#[cfg(not(target_arch = "wasm32"))]
fn secure_random(buf: &mut [u8]) -> bool {
    getrandom::fill(buf).is_ok()
}

/// Base64url without padding (RFC 4648 §5).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The token endpoint's answer. Its `Debug` hides the token.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct AccessToken {
    /// The access token (36 characters on v2).
    #[serde(deserialize_with = "token")]
    pub access_token: String,
    /// Seconds it lives (about ten years on v2); sent as a number or a string.
    #[serde(deserialize_with = "seconds")]
    pub expires_in: u64,
    /// `Bearer`.
    pub token_type: String,
}

impl std::fmt::Debug for CodeCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeCallback")
            .field("code", &crate::redact::REDACTED)
            .field("username", &self.username)
            .finish()
    }
}

impl std::fmt::Debug for TokenCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCallback")
            .field("access_token", &crate::redact::REDACTED)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("access_token", &crate::redact::REDACTED)
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .finish()
    }
}

/// The token information endpoint's answer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TokenInfo {
    /// The API key of the app the token was issued to.
    pub client_id: String,
    /// The account's user name.
    pub user_name: String,
    /// Seconds the token has left; sent as a number or a string.
    #[serde(deserialize_with = "seconds")]
    pub expires_in: u64,
}

fn token<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let t = String::deserialize(d)?;
    check_token(&t)
        .map_err(|what| serde::de::Error::custom(format!("an access_token that {what}")))?;
    Ok(t)
}

/// Seconds: a non-negative integer, or a string of digits (the v2 fixtures send both).
fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Number(#[serde(deserialize_with = "crate::models::de::count")] u64),
        Text(String),
    }
    match Wire::deserialize(d)? {
        Wire::Number(n) => Ok(n),
        Wire::Text(s) => digits(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("a number of seconds, not {}", quoted(&s)))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDIRECT: &str = "https://app.example.com/callback";

    #[test]
    fn the_authorization_url_encodes_everything_and_makes_a_state() {
        let a = authorization_url(
            "key+1",
            "https://app.example.com/cb?next=/a&b=c",
            Flow::Token,
        )
        .oauth_base_url("http://127.0.0.1:8080/oauth2/")
        .build()
        .unwrap();
        assert_eq!(a.state.len(), 43);
        assert!(
            a.state
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(
            a.url,
            format!(
                "http://127.0.0.1:8080/oauth2/oauth/siteowner/authorize?response_type=token&client_id=key%2B1&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fnext%3D%2Fa%26b%3Dc&state={}",
                a.state
            )
        );
        let b = authorization_url("key", REDIRECT, Flow::Code)
            .build()
            .unwrap();
        assert_ne!(a.state, b.state, "a fresh state each time");
        let own = authorization_url("key", REDIRECT, Flow::Code)
            .state("s t&")
            .build()
            .unwrap();
        assert!(own.url.ends_with("&state=s%20t%26"));
        assert_eq!(own.state, "s t&");
    }

    #[test]
    fn bad_arguments_are_named() {
        let cases: &[(&str, &str, &str)] = &[
            ("", REDIRECT, "client_id"),
            ("key", "/callback", "redirect_uri"),
            ("key", "https://app.example.com/cb#frag", "redirect_uri"),
            ("key", "https://me:pw@app.example.com/cb", "redirect_uri"),
            ("key", "https://app.example.com/c b", "redirect_uri"),
            ("key", "javascript:alert(1)", "redirect_uri"),
        ];
        for (id, uri, name) in cases {
            let e = authorization_url(*id, *uri, Flow::Code)
                .build()
                .unwrap_err();
            assert_eq!(
                (e.code(), e.argument()),
                (ErrorCode::InvalidArgument, Some(*name)),
                "{id} {uri}"
            );
        }
        let e = authorization_url("key", REDIRECT, Flow::Code)
            .state("")
            .build()
            .unwrap_err();
        assert_eq!(e.argument(), Some("state"));
        let e = authorization_url("key", REDIRECT, Flow::Code)
            .oauth_base_url("oauth2.example.com")
            .build()
            .unwrap_err();
        assert_eq!(e.argument(), Some("oauth_base_url"));
    }

    #[test]
    fn callbacks_of_both_flows() {
        let code = parse_callback(
            &format!("{REDIRECT}?code=abc%2B1&username=+jane+&state=s1"),
            "s1",
        )
        .parse()
        .unwrap();
        assert_eq!(
            code,
            Callback::Code(CodeCallback {
                code: "abc+1".into(),
                username: "jane".into()
            })
        );
        let token = parse_callback(
            &format!(
                "{REDIRECT}#access_token=0b6e-tok&token_type=Bearer&expires_in=315359999&state=s1"
            ),
            "s1",
        )
        .parse()
        .unwrap();
        assert_eq!(
            token,
            Callback::Token(TokenCallback {
                access_token: "0b6e-tok".into(),
                token_type: "Bearer".into(),
                expires_in: Some(315_359_999),
            })
        );
        // a redirect URI with a query of its own keeps it; the fragment is the token's
        let token = parse_callback(
            &format!("{REDIRECT}?tab=2#access_token=t&token_type=Bearer&state=s1"),
            "s1",
        )
        .flow(Flow::Token)
        .parse()
        .unwrap();
        assert!(matches!(
            token,
            Callback::Token(TokenCallback {
                expires_in: None,
                ..
            })
        ));
    }

    #[test]
    fn the_state_is_checked_before_anything_else() {
        for url in [
            format!("{REDIRECT}?code=abc&username=jane"),
            format!("{REDIRECT}?code=abc&username=jane&state=s2"),
            format!("{REDIRECT}?code=abc&username=jane&state=s"),
            format!("{REDIRECT}?code=abc&username=jane&state=s10"),
            format!("{REDIRECT}?error=access_denied&state=other"),
            format!("{REDIRECT}#access_token=t&token_type=Bearer&state=S1"),
        ] {
            let e = parse_callback(&url, "s1").parse().unwrap_err();
            assert_eq!(e.code(), ErrorCode::StateMismatch, "{url}");
            assert!(
                !e.message().contains("s1"),
                "the expected state is not told"
            );
        }
        // a repeated state (or any parameter of the answer) is refused, whichever comes first
        let e = parse_callback(
            &format!("{REDIRECT}?code=a&username=j&state=s1&state=s2"),
            "s1",
        )
        .parse()
        .unwrap_err();
        assert_eq!(
            (e.code(), e.argument()),
            (ErrorCode::InvalidArgument, Some("url"))
        );
        // the app's own parameters may repeat
        let ok = parse_callback(
            &format!("{REDIRECT}?tag=a&tag=b&code=a&username=j&state=s1"),
            "s1",
        )
        .parse();
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn denials_and_other_errors() {
        let e = parse_callback(
            &format!("{REDIRECT}?error=access_denied&error_description=User+denied+authentication.&state=s1"),
            "s1",
        )
        .parse()
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::AccessDenied);
        assert_eq!(e.errors()[0].error_key, "access_denied");
        assert_eq!(e.errors()[0].error_message, "User denied authentication.");
        let e = parse_callback(&format!("{REDIRECT}#error=access_denied&state=s1"), "s1")
            .parse()
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::AccessDenied);
        let e = parse_callback(&format!("{REDIRECT}?error=server_error&state=s1"), "s1")
            .parse()
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::OAuth);
        // the wrong flow's answer is no answer
        let e = parse_callback(&format!("{REDIRECT}?code=a&username=j&state=s1"), "s1")
            .flow(Flow::Token)
            .parse()
            .unwrap_err();
        assert_eq!(e.argument(), Some("url"));
        for url in [REDIRECT.to_string(), format!("{REDIRECT}?a=%zz&state=s1")] {
            let e = parse_callback(&url, "s1").parse().unwrap_err();
            assert_eq!(e.argument(), Some("url"), "{url}");
        }
        let e = parse_callback(&format!("{REDIRECT}?code=a&state=s1"), "s1")
            .parse()
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Decode);
        let e = parse_callback(
            &format!("{REDIRECT}#access_token=t&token_type=Bearer&expires_in=soon&state=s1"),
            "s1",
        )
        .parse()
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Decode);
    }

    #[test]
    fn debug_output_hides_codes_and_tokens() {
        let code = CodeCallback {
            code: "c0de-secret-1".into(),
            username: "jane".into(),
        };
        let token = TokenCallback {
            access_token: "t0ken-secret-2".into(),
            token_type: "Bearer".into(),
            expires_in: Some(1),
        };
        let t: AccessToken = serde_json::from_str(
            r#"{"access_token":"t0ken-secret-3","expires_in":1,"token_type":"Bearer"}"#,
        )
        .unwrap();
        let text = format!(
            "{code:?} {token:?} {t:?} {:?}",
            Callback::Code(code.clone())
        );
        assert!(!text.contains("secret"), "{text}");
        assert!(
            text.contains("jane") && text.contains("[REDACTED]"),
            "{text}"
        );
    }

    #[test]
    fn constant_time_equality_is_equality() {
        assert!(same_secret("", ""));
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("a\0", "a"));
    }

    #[test]
    fn answers_read_seconds_as_numbers_or_strings() {
        let t: AccessToken = serde_json::from_str(
            r#"{"access_token":"v6574b42-a5bc-4574-a87f-5c9d1202e316","expires_in":"308874923","token_type":"Bearer"}"#,
        )
        .unwrap();
        assert_eq!(t.expires_in, 308_874_923);
        let i: TokenInfo = serde_json::from_str(
            r#"{"client_id":"abcde-123456789","user_name":"user_name_of_the_account","expires_in":285027367}"#,
        )
        .unwrap();
        assert_eq!(
            (i.user_name.as_str(), i.expires_in),
            ("user_name_of_the_account", 285_027_367)
        );
        for bad in [
            r#"{"access_token":"t","expires_in":"-1","token_type":"Bearer"}"#,
            r#"{"access_token":"t","expires_in":1.5,"token_type":"Bearer"}"#,
            r#"{"access_token":"t","expires_in":"","token_type":"Bearer"}"#,
            r#"{"access_token":"a b","expires_in":1,"token_type":"Bearer"}"#,
            r#"{"access_token":"t","expires_in":1}"#,
        ] {
            assert!(serde_json::from_str::<AccessToken>(bad).is_err(), "{bad}");
        }
        assert_eq!(digits("9007199254740991"), Some(MAX_SAFE_INTEGER));
        assert_eq!(digits("9007199254740992"), None);
    }

    #[test]
    fn form_bodies_encode_every_value() {
        assert_eq!(
            exchange_body("k", "s&e=c", "c+d", "https://a.example/cb?x=1"),
            "grant_type=authorization_code&client_id=k&client_secret=s%26e%3Dc&code=c%2Bd&redirect_uri=https%3A%2F%2Fa.example%2Fcb%3Fx%3D1"
        );
        assert_eq!(token_info_body("t/1"), "access_token=t%2F1");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url(b"any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw");
    }
}
