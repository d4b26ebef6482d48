//! The OAuth2 requests of the Rust face: the code exchange and the token information, over the
//! web transport on wasm32 and over reqwest natively (the JavaScript face's are in
//! `src/js/oauth.js`). Each runs as one request of a client of its own (no retries, no rate
//! limit), the parameters in a form body, never in the URL: a secret in a URL ends up in logs.

use super::{
    AccessToken, TOKEN_INFO_PATH, TOKEN_PATH, TokenInfo, check_client_id, check_redirect_uri,
    exchange_body, oauth_base, token_info_body,
};
use crate::client::{Net, Signal};
use crate::config::check_token;
use crate::error::{Error, OAUTH_SERVER};
use crate::exec::{Core, Ctx};
use crate::ops::{Body, HttpCall, Kind, Method};
use crate::shared::BoxFuture;
use crate::transport::{Answer, ReadAs, Transport};
use std::future::IntoFuture;
use std::time::Duration;

/// What an OAuth2 request answers on this target.
type Reply = <Net as Transport>::Answer;

// True inside a browser page, where a client secret is anyone's to read (never natively).
#[cfg(target_arch = "wasm32")]
use crate::transport::web::in_browser_page;
#[cfg(not(target_arch = "wasm32"))]
fn in_browser_page() -> bool {
    false
}

/// What every OAuth2 request takes besides its own parameters.
#[derive(Clone, Debug, Default)]
pub(crate) struct OAuthCall {
    /// The server (default [`super::DEFAULT_OAUTH_BASE_URL`]).
    pub base: Option<String>,
    /// A fetch function (default: the global `fetch`, through gloo-net).
    #[cfg(target_arch = "wasm32")]
    pub fetch: Option<js_sys::Function>,
    /// Cancels the request.
    pub signal: Signal,
    /// The request's time budget in ms (default 30 s; 0: none).
    pub timeout_ms: Option<u64>,
}

/// A planned OAuth2 request, and the client that sends it.
pub(crate) struct Planned {
    pub core: Core<Net>,
    pub call: HttpCall,
    pub ctx: Ctx<Signal>,
}

impl Planned {
    fn new(
        o: OAuthCall,
        path: &str,
        body: String,
        kind: Kind,
        secrets: &[&str],
    ) -> Result<Planned, Error> {
        let base = oauth_base(o.base.as_deref())?;
        let url = format!("{base}{path}");
        #[cfg(target_arch = "wasm32")]
        let net = Net::new(o.fetch);
        #[cfg(not(target_arch = "wasm32"))]
        let net = Net::for_forms()?;
        Ok(Planned {
            core: Core::for_oauth(base, o.timeout_ms, net, secrets),
            call: HttpCall {
                method: Method::Post,
                url,
                body: Some(Body::Form(body)),
                kind,
                listing: None,
            },
            ctx: Ctx {
                signal: o.signal,
                timeout_ms: o.timeout_ms,
            },
        })
    }

    /// Sends the request; the answer, or the error with the request and without a secret.
    pub async fn send(&self, read: ReadAs, operation: &str) -> Result<Reply, Error> {
        self.core
            .call_form(&self.call, read, &self.ctx)
            .await
            .map_err(|e| self.finish(e.into_oauth(), operation))
    }

    /// Names the operation and removes the secrets.
    pub fn finish(&self, e: Error, operation: &str) -> Error {
        self.core.finish(e, operation, None)
    }
}

/// The parameters of a code exchange.
#[derive(Clone, Debug, Default)]
pub(crate) struct Exchange {
    pub client_id: String,
    pub client_secret: String,
    pub code: String,
    pub redirect_uri: String,
    pub allow_browser: bool,
}

impl Exchange {
    /// Checks the parameters and plans the request: nothing is sent when they are wrong, or
    /// when this runs in a browser page without `allow_browser`.
    pub fn plan(&self, o: OAuthCall) -> Result<Planned, Error> {
        check_client_id(&self.client_id)?;
        let required = |v: &str, name| {
            if v.is_empty() {
                Err(Error::bad_argument(name, "must not be empty"))
            } else {
                Ok(())
            }
        };
        required(&self.client_secret, "client_secret")?;
        required(&self.code, "code")?;
        check_redirect_uri(&self.redirect_uri)
            .map_err(|what| Error::bad_argument("redirect_uri", what))?;
        if !self.allow_browser && in_browser_page() {
            return Err(Error::bad_argument(
                "dangerously_allow_browser",
                "is not set, and this is a browser page: the client secret would be readable by anyone who opens it. Exchange the code on a server or in a Worker, or use the client flow (flow \"token\") in a page",
            ));
        }
        let body = exchange_body(
            &self.client_id,
            &self.client_secret,
            &self.code,
            &self.redirect_uri,
        );
        let secrets = [
            self.client_secret.as_str(),
            self.code.as_str(),
            self.client_id.as_str(),
        ];
        Planned::new(o, TOKEN_PATH, body, Kind::Token, &secrets)
    }
}

/// Plans a token information request: the token in a form body.
pub(crate) fn plan_token_info(token: &str, o: OAuthCall) -> Result<Planned, Error> {
    check_token(token).map_err(|what| Error::bad_argument("access_token", what))?;
    Planned::new(
        o,
        TOKEN_INFO_PATH,
        token_info_body(token),
        Kind::TokenInfo,
        &[token],
    )
}

/// Adds what a 404 of the token information endpoint means.
pub(crate) fn explain_token_info(e: Error) -> Error {
    if e.status() == 404 && e.code() == crate::ErrorCode::OAuth {
        e.caused_by(Error::new(
            crate::ErrorCode::OAuth,
            "the token is unknown, revoked or expired",
        ))
    } else {
        e
    }
}

/// The body of an answer, decoded with serde (the Rust face).
fn decode<A: serde::de::DeserializeOwned>(reply: &Reply, p: &Planned) -> Result<A, Error> {
    serde_json::from_str(&Answer::text(reply).unwrap_or_default()).map_err(|e| {
        Error::unexpected(OAUTH_SERVER, Answer::status(reply), e).with_request(p.call.info())
    })
}

/// Trades an authorization code (from [`super::parse_callback`]) for an access token, with the
/// app's client secret: on a server or in a Worker. Refused in a browser page unless
/// [`ExchangeCode::dangerously_allow_browser`].
///
/// ```no_run
/// use ctct_mylibrary::Client;
/// use ctct_mylibrary::oauth::{self, Callback};
/// # async fn example(api_key: &str, secret: &str, callback_url: &str, state: &str) -> Result<(), ctct_mylibrary::Error> {
/// let redirect_uri = "https://app.example.com/callback";
/// let Callback::Code(code) = oauth::parse_callback(callback_url, state).parse()? else {
///     return Ok(()); // the client flow's answer: a token already
/// };
/// let token = oauth::exchange_code(api_key, secret, &code.code, redirect_uri)
///     .oauth_base_url("http://127.0.0.1:8080/oauth2")
///     .await?;
/// let client = Client::builder().api_key(api_key).access_token(token.access_token).build()?;
/// # Ok(())
/// # }
/// ```
pub fn exchange_code(
    client_id: impl Into<String>,
    client_secret: impl Into<String>,
    code: impl Into<String>,
    redirect_uri: impl Into<String>,
) -> ExchangeCode {
    ExchangeCode {
        exchange: Exchange {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            code: code.into(),
            redirect_uri: redirect_uri.into(),
            allow_browser: false,
        },
        call: OAuthCall::default(),
    }
}

/// Says whose token this is: the app's API key, the account's user name, and the seconds it
/// has left (`OAuth` with status 404 when it is unknown, revoked or expired).
///
/// ```no_run
/// use ctct_mylibrary::{ErrorCode, oauth};
/// # async fn example(access_token: &str) -> Result<(), ctct_mylibrary::Error> {
/// match oauth::token_info(access_token).await {
///     Ok(info) => println!("{}'s token, {} s left", info.user_name, info.expires_in),
///     Err(e) if e.code() == ErrorCode::OAuth && e.status() == 404 => println!("sign in again"),
///     Err(e) => return Err(e),
/// }
/// # Ok(())
/// # }
/// ```
pub fn token_info(access_token: impl Into<String>) -> TokenInfoCall {
    TokenInfoCall {
        token: access_token.into(),
        call: OAuthCall::default(),
    }
}

/// The options both OAuth2 requests take, with examples that make the request with
/// `$call` and bind its answer to `$answer`.
macro_rules! oauth_options {
    ($t:ident, $answer:ident = $call:expr) => {
        impl $t {
            /// The OAuth2 server (default [`super::DEFAULT_OAUTH_BASE_URL`]; the emulator's is
            /// `http://127.0.0.1:8080/oauth2`).
            ///
            #[doc = oauth_example!($answer = $call, ".oauth_base_url(\"http://127.0.0.1:8080/oauth2\")")]
            pub fn oauth_base_url(mut self, url: impl Into<String>) -> Self {
                self.call.base = Some(url.into());
                self
            }
            /// A function with fetch's signature (a Worker's service binding); default: the
            /// global `fetch`, through gloo-net. (wasm32)
            ///
            /// ```ignore
            /// // wasm32 only, so not compiled by the doctests (they run natively).
            #[doc = concat!("# async fn example(fetch: js_sys::Function, ", oauth_example!(@params), ") -> Result<(), ctct_mylibrary::Error> {")]
            #[doc = concat!("let ", stringify!($answer), " = ", stringify!($call), ".fetch(fetch).await?;")]
            /// # Ok(())
            /// # }
            /// ```
            #[cfg(target_arch = "wasm32")]
            pub fn fetch(mut self, fetch: js_sys::Function) -> Self {
                self.call.fetch = Some(fetch);
                self
            }
            /// Cancels the request (`Aborted`, the signal's reason as the cause). (wasm32)
            ///
            /// ```ignore
            /// // wasm32 only, so not compiled by the doctests (they run natively).
            #[doc = concat!("# async fn example(", oauth_example!(@params), ") -> Result<(), ctct_mylibrary::Error> {")]
            /// let controller = web_sys::AbortController::new().expect("AbortController");
            #[doc = concat!("let ", stringify!($answer), " = ", stringify!($call), ".signal(&controller.signal()).await?;")]
            /// # Ok(())
            /// # }
            /// ```
            #[cfg(target_arch = "wasm32")]
            pub fn signal(mut self, signal: &web_sys::AbortSignal) -> Self {
                self.call.signal = signal.into();
                self
            }
            /// Cancels the request when `token` is cancelled (`Aborted`). (native)
            ///
            #[doc = oauth_example!($answer = $call, ".signal(&cancel)", "let cancel = ctct_mylibrary::CancellationToken::new();")]
            #[cfg(not(target_arch = "wasm32"))]
            pub fn signal(mut self, token: &tokio_util::sync::CancellationToken) -> Self {
                self.call.signal = token.clone().into();
                self
            }
            /// The request's time budget (default 30 s; zero: none).
            ///
            #[doc = oauth_example!($answer = $call, ".timeout(std::time::Duration::from_secs(10))")]
            pub fn timeout(mut self, budget: Duration) -> Self {
                self.call.timeout_ms = Some(budget.as_millis().min(u64::MAX as u128) as u64);
                self
            }
        }
    };
}

/// An example of an OAuth2 request's option: `$answer = $call` with `$option`, after `$before`
/// (an `async fn` given the parameters both requests take, natively).
macro_rules! oauth_example {
    (@params) => {
        "api_key: &str, secret: &str, code: &str, redirect_uri: &str, access_token: &str"
    };
    ($answer:ident = $call:expr, $option:literal $(, $before:literal)?) => {
        concat!(
            "```no_run\n",
            "use ctct_mylibrary::oauth;\n",
            "# async fn example(", oauth_example!(@params), ") -> Result<(), ctct_mylibrary::Error> {\n",
            $($before, "\n",)?
            "let ", stringify!($answer), " = ", stringify!($call), "\n",
            "    ", $option, "\n",
            "    .await?;\n",
            "# Ok(())\n",
            "# }\n",
            "```",
        )
    };
}

/// A code exchange ([`exchange_code`]); `.await` (or `.send().await`) sends it.
#[must_use]
pub struct ExchangeCode {
    exchange: Exchange,
    call: OAuthCall,
}

oauth_options!(
    ExchangeCode,
    token = oauth::exchange_code(api_key, secret, code, redirect_uri)
);

impl ExchangeCode {
    /// Lets the exchange run in a browser page, where the client secret is readable by anyone
    /// who opens it. Only for a page that is itself private (a local tool).
    ///
    /// ```no_run
    /// use ctct_mylibrary::oauth;
    /// # async fn example(api_key: &str, secret: &str, code: &str) -> Result<(), ctct_mylibrary::Error> {
    /// // A local tool's own page, which nobody else opens.
    /// let token = oauth::exchange_code(api_key, secret, code, "http://127.0.0.1:3000/callback")
    ///     .dangerously_allow_browser(true)
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn dangerously_allow_browser(mut self, allow: bool) -> Self {
        self.exchange.allow_browser = allow;
        self
    }

    /// Sends the exchange: the token, or `OAuth` (the server's `error`, such as
    /// `invalid_grant` for a used, expired or unknown code, as `errors[0].error_key`),
    /// `InvalidArgument`, `Network`, `Timeout`, `Aborted` or `Decode`. The client secret, the
    /// code and the token never appear in an error.
    ///
    /// ```no_run
    /// use ctct_mylibrary::{ErrorCode, oauth};
    /// # async fn example(api_key: &str, secret: &str, code: &str) -> Result<(), ctct_mylibrary::Error> {
    /// let exchange = oauth::exchange_code(api_key, secret, code, "https://app.example.com/callback");
    /// match exchange.send().await {
    ///     Ok(token) => println!("a token for {} s", token.expires_in),
    ///     Err(e) if e.code() == ErrorCode::OAuth => println!("refused: {}", e.message()),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(self) -> Result<AccessToken, Error> {
        const NAME: &str = "oauth::exchange_code";
        let p = self
            .exchange
            .plan(self.call)
            .map_err(|e| e.in_operation(NAME, None))?;
        let reply = p.send(ReadAs::Text, NAME).await?;
        let token: AccessToken = decode(&reply, &p).map_err(|e| p.finish(e, NAME))?;
        Ok(token)
    }
}

impl IntoFuture for ExchangeCode {
    type Output = Result<AccessToken, Error>;
    type IntoFuture = BoxFuture<'static, Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A token information request ([`token_info`]); `.await` (or `.send().await`) sends it.
#[must_use]
pub struct TokenInfoCall {
    token: String,
    call: OAuthCall,
}

oauth_options!(TokenInfoCall, info = oauth::token_info(access_token));

impl TokenInfoCall {
    /// Sends the request.
    ///
    /// ```no_run
    /// use ctct_mylibrary::oauth;
    /// # async fn example(access_token: &str) -> Result<(), ctct_mylibrary::Error> {
    /// let info = oauth::token_info(access_token).send().await?;
    /// println!("{} (app {}), {} s left", info.user_name, info.client_id, info.expires_in);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(self) -> Result<TokenInfo, Error> {
        const NAME: &str = "oauth::token_info";
        let p = plan_token_info(&self.token, self.call).map_err(|e| {
            crate::redact::Redactor::new([self.token.as_str()]).error(e.in_operation(NAME, None))
        })?;
        let reply = p
            .send(ReadAs::Text, NAME)
            .await
            .map_err(explain_token_info)?;
        decode(&reply, &p).map_err(|e| p.finish(e, NAME))
    }
}

impl IntoFuture for TokenInfoCall {
    type Output = Result<TokenInfo, Error>;
    type IntoFuture = BoxFuture<'static, Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
