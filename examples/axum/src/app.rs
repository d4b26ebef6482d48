//! The routes:
//!
//! | route | what |
//! |---|---|
//! | `GET /` | signed out: the sign-in link; signed in: who, sign-out, a page of their files |
//! | `GET /auth/login` | a fresh state in an HttpOnly cookie, then the consent page |
//! | `GET /auth/callback` | the state checked, the code exchanged here, a session started |
//! | `POST /auth/logout` | same-origin only (`Origin`); ends the session |
//! | `GET /thumbs/{file_id}` | a thumbnail of a file of the signed-in person's own library |

use crate::config::Config;
use crate::page;
use crate::session::{Session, Sessions, cookies, set_cookie};
use crate::thumbs;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ctct_mylibrary::cursor::Cursor;
use ctct_mylibrary::oauth::{self, Callback, Flow};
use ctct_mylibrary::{Client, Error, ErrorCode};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Files on one page.
const PAGE_SIZE: u32 = 50;
/// How long a sign-in may take between `/auth/login` and `/auth/callback`.
const SIGN_IN_TIME: Duration = Duration::from_secs(10 * 60);
/// The Content-Security-Policy of every HTML answer: no script at all.
const HTML_CSP: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The Content-Security-Policy of every other answer.
const OTHER_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// The server's state: its settings, the sessions, and two HTTP clients.
#[derive(Clone)]
pub struct App(Arc<Inner>);

struct Inner {
    config: Config,
    /// `scheme://host[:port]`, as browsers send it in `Origin`.
    origin: String,
    redirect_uri: String,
    /// Whether the origin is https: cookies are then `Secure` (and named `__Host-`/`__Secure-`).
    secure: bool,
    session_cookie: &'static str,
    state_cookie: &'static str,
    sessions: Sessions,
    /// Every session's MyLibrary client sends through this one (one connection pool).
    api_http: reqwest::Client,
    /// Fetches thumbnails (no credentials).
    thumb_http: reqwest::Client,
}

impl App {
    /// The server for `config`, listening on `bound` (its origin when none is configured).
    pub fn new(config: Config, bound: SocketAddr) -> Result<App, String> {
        let origin = match &config.origin {
            Some(o) => o.clone(),
            None if bound.ip().is_unspecified() => {
                return Err(format!(
                    "listening on {bound}, every address: say which origin people open (--origin or APP_ORIGIN)"
                ));
            }
            None => format!("http://{bound}"),
        };
        let redirect_uri = format!("{origin}/auth/callback");
        oauth::check_redirect_uri(&redirect_uri)
            .map_err(|what| format!("the redirect URI {redirect_uri} {what}"))?;
        let secure = origin.starts_with("https://");
        let api_http = reqwest::Client::builder()
            .user_agent(concat!("mylibrary-axum/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("the HTTP client: {e}"))?;
        let thumb_http = thumbs::http_client().map_err(|e| format!("the HTTP client: {e}"))?;
        // The API's base URL and the key, checked now rather than at the first sign-in.
        Client::builder()
            .api_key(&config.api_key)
            .access_token("checking-the-settings")
            .base_url(&config.api_base)
            .http_client(api_http.clone())
            .build()
            .map_err(|e| format!("the API settings: {}", e.message()))?;
        Ok(App(Arc::new(Inner {
            origin,
            redirect_uri,
            secure,
            session_cookie: if secure {
                "__Host-mylibrary_session"
            } else {
                "mylibrary_session"
            },
            state_cookie: if secure {
                "__Secure-mylibrary_state"
            } else {
                "mylibrary_state"
            },
            sessions: Sessions::default(),
            api_http,
            thumb_http,
            config,
        })))
    }

    pub fn origin(&self) -> &str {
        &self.0.origin
    }

    pub fn redirect_uri(&self) -> &str {
        &self.0.redirect_uri
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(index))
            .route("/auth/login", get(login))
            .route("/auth/callback", get(callback))
            .route("/auth/logout", post(logout))
            .route("/thumbs/{file_id}", get(thumb))
            .route("/favicon.ico", get(no_icon))
            .fallback(not_found)
            .layer(axum::middleware::map_response(harden))
            .with_state(self.clone())
    }

    /// The request's live session and its id, if any.
    fn session(&self, headers: &HeaderMap) -> Option<(String, Arc<Session>)> {
        cookies(headers, self.0.session_cookie)
            .find_map(|id| self.0.sessions.get(id).map(|s| (id.to_string(), s)))
    }

    fn session_cookie(&self, id: &str) -> String {
        set_cookie(
            self.0.session_cookie,
            id,
            "/",
            crate::session::LIFETIME,
            self.0.secure,
        )
    }

    fn clear_session_cookie(&self) -> String {
        set_cookie(
            self.0.session_cookie,
            "",
            "/",
            Duration::ZERO,
            self.0.secure,
        )
    }

    fn state_cookie(&self, state: &str) -> String {
        set_cookie(
            self.0.state_cookie,
            state,
            "/auth/callback",
            SIGN_IN_TIME,
            self.0.secure,
        )
    }

    fn clear_state_cookie(&self) -> String {
        set_cookie(
            self.0.state_cookie,
            "",
            "/auth/callback",
            Duration::ZERO,
            self.0.secure,
        )
    }

    /// The session's token no longer works (revoked or expired): it ends, and the person
    /// signs in again.
    fn ended(&self, id: &str) -> Response {
        self.0.sessions.remove(id);
        with_cookie(
            html(
                StatusCode::OK,
                page::signed_out(
                    "Your sign-in has ended (it expired or was revoked). Sign in again.",
                ),
            ),
            &self.clear_session_cookie(),
        )
    }
}

// ---------------------------------------------------------------- routes

#[derive(Deserialize)]
struct IndexQuery {
    next: Option<String>,
}

async fn index(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<IndexQuery>,
) -> Response {
    let Some((id, session)) = app.session(&headers) else {
        let page = html(StatusCode::OK, page::signed_out(""));
        // A session cookie of a session that ended (a restart, a sign-out elsewhere): gone.
        return match cookies(&headers, app.0.session_cookie).next() {
            Some(_) => with_cookie(page, &app.clear_session_cookie()),
            None => page,
        };
    };
    let list = session.client.files().list();
    let list = match q.next.as_deref() {
        Some(next) => match next.parse::<Cursor>() {
            Ok(cursor) => list.next(cursor),
            Err(_) => return bad_page_link(),
        },
        None => list.limit(PAGE_SIZE),
    };
    match list.send().await {
        Ok(files) => {
            session.remember(
                files
                    .items
                    .iter()
                    .map(|f| (f.id.as_str(), f.thumbnail.as_ref().map(|t| t.url.as_str()))),
            );
            let next = files.next.as_ref().map(Cursor::to_string);
            html(
                StatusCode::OK,
                page::library(
                    &session.user,
                    &files.items,
                    next.as_deref(),
                    q.next.is_some(),
                ),
            )
        }
        Err(e) if e.is_unauthorized() => app.ended(&id),
        Err(e) if e.code() == ErrorCode::InvalidArgument => bad_page_link(),
        Err(e) => api_failure("listing the files", &e),
    }
}

fn bad_page_link() -> Response {
    html(
        StatusCode::BAD_REQUEST,
        page::message(
            "Not a page",
            "That page link is not valid: start from the first page.",
        ),
    )
}

async fn login(State(app): State<App>) -> Response {
    let c = &app.0.config;
    let auth = oauth::authorization_url(&c.api_key, &app.0.redirect_uri, Flow::Code)
        .oauth_base_url(&c.oauth_base)
        .build();
    match auth {
        Ok(auth) => with_cookie(see_other(&auth.url), &app.state_cookie(&auth.state)),
        Err(e) => {
            log_error("building the sign-in URL", &e);
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                page::message("Sign-in unavailable", "Sign-in is not available right now."),
            )
        }
    }
}

async fn callback(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Response {
    let c = &app.0.config;
    // The state this browser was given at /auth/login; without it, this sign-in did not
    // start here (or took too long).
    let Some(state) = cookies(&headers, app.0.state_cookie)
        .next()
        .map(str::to_string)
    else {
        return html(
            StatusCode::BAD_REQUEST,
            page::message(
                "Sign-in not started here",
                "This sign-in did not start in this browser, or it took more than 10 minutes. Sign in again.",
            ),
        );
    };
    let url = format!(
        "{}{}",
        app.0.origin,
        uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let code = match oauth::parse_callback(&url, &state).flow(Flow::Code).parse() {
        Ok(Callback::Code(code)) => code,
        // A forged or stale answer: the state cookie stays, so that this browser's own
        // sign-in can still finish.
        Err(e) if e.code() == ErrorCode::StateMismatch => {
            return html(
                StatusCode::BAD_REQUEST,
                page::message(
                    "Sign-in refused",
                    "This sign-in answer does not belong to the sign-in started in this browser. Sign in again.",
                ),
            );
        }
        Err(e) if e.code() == ErrorCode::AccessDenied => {
            return with_cookie(
                html(StatusCode::OK, page::signed_out("Sign-in was cancelled.")),
                &app.clear_state_cookie(),
            );
        }
        // Another error the OAuth2 server sent back (after the state was checked): this
        // sign-in is over.
        Err(e) if e.code() == ErrorCode::OAuth => {
            log_error("reading the sign-in answer", &e);
            return with_cookie(
                html(
                    StatusCode::BAD_GATEWAY,
                    page::message(
                        "Sign-in failed",
                        "The sign-in server refused. Sign in again.",
                    ),
                ),
                &app.clear_state_cookie(),
            );
        }
        // Not an answer of the code flow (no code, a malformed or repeated parameter, a
        // token): the state stays, as for a forgery.
        other => {
            if let Err(e) = &other {
                log_error("reading the sign-in answer", e);
            }
            return html(
                StatusCode::BAD_REQUEST,
                page::message(
                    "Sign-in failed",
                    "That is not a sign-in answer of this site. Sign in again.",
                ),
            );
        }
    };
    // The code is single-use: from here on, this browser's state is spent.
    let failed = |status, text: &str| {
        with_cookie(
            html(status, page::message("Sign-in failed", text)),
            &app.clear_state_cookie(),
        )
    };
    let token = match oauth::exchange_code(
        &c.api_key,
        &c.client_secret,
        &code.code,
        &app.0.redirect_uri,
    )
    .oauth_base_url(&c.oauth_base)
    .await
    {
        Ok(t) => t,
        Err(e) => {
            log_error("exchanging the code", &e);
            return if e.code() == ErrorCode::OAuth && e.status() == 400 {
                failed(
                    StatusCode::BAD_REQUEST,
                    "This sign-in answer was already used or has expired. Sign in again.",
                )
            } else {
                failed(
                    StatusCode::BAD_GATEWAY,
                    "The sign-in server could not be reached or refused the app.",
                )
            };
        }
    };
    // Whose token this is, as the OAuth2 server says (not the callback's `username`).
    let info = match oauth::token_info(&token.access_token)
        .oauth_base_url(&c.oauth_base)
        .await
    {
        Ok(info) if info.client_id == c.api_key => info,
        Ok(_) => {
            eprintln!(
                "mylibrary-axum: the token is not this app's (token information's client_id)"
            );
            return failed(
                StatusCode::BAD_GATEWAY,
                "The sign-in server gave a token for another app.",
            );
        }
        Err(e) => {
            log_error("reading the token's information", &e);
            return failed(
                StatusCode::BAD_GATEWAY,
                "The sign-in server could not be reached.",
            );
        }
    };
    let client = Client::builder()
        .api_key(&c.api_key)
        .access_token(token.access_token)
        .base_url(&c.api_base)
        .http_client(app.0.api_http.clone())
        .timeout(Duration::from_secs(20))
        .build();
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            log_error("making the client", &e);
            return failed(
                StatusCode::BAD_GATEWAY,
                "The sign-in server gave an unusable token.",
            );
        }
    };
    // A new id at every sign-in (never one the browser brought: no session fixation), and
    // the session this browser had before ends.
    for old in cookies(&headers, app.0.session_cookie) {
        app.0.sessions.remove(old);
    }
    let id = match app.0.sessions.insert(Session::new(client, info.user_name)) {
        Ok(id) => id,
        Err(_) => {
            return failed(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in is not available right now.",
            );
        }
    };
    let signed_in = with_cookie(see_other("/"), &app.session_cookie(&id));
    with_cookie(signed_in, &app.clear_state_cookie())
}

async fn logout(State(app): State<App>, headers: HeaderMap) -> Response {
    // CSRF: a sign-out comes from this site's own page. Browsers send `Origin` with every POST;
    // SameSite=Lax alone would not stop another port of the same host (the same site).
    let mut origins = headers.get_all(header::ORIGIN).iter();
    let same_origin = matches!(
        (origins.next(), origins.next()),
        (Some(o), None) if o.as_bytes() == app.0.origin.as_bytes()
    );
    if !same_origin {
        return text(
            StatusCode::FORBIDDEN,
            "Refused: signing out is only possible from this site's own page.",
        );
    }
    for id in cookies(&headers, app.0.session_cookie) {
        app.0.sessions.remove(id);
    }
    with_cookie(see_other("/"), &app.clear_session_cookie())
}

async fn thumb(
    State(app): State<App>,
    headers: HeaderMap,
    Path(file_id): Path<String>,
) -> Response {
    let Some((id, session)) = app.session(&headers) else {
        return text(StatusCode::UNAUTHORIZED, "Sign in first.");
    };
    // The API's file ids are short and plain; anything else is no file of this library.
    let plain = !file_id.is_empty()
        && file_id.len() <= 64
        && file_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !plain {
        return text(StatusCode::NOT_FOUND, "No such file in your library.");
    }
    // A file this session's listings returned, or one the API finds in this person's library
    // (their token reads only their own): nothing else is fetched.
    let url = match session.known(&file_id) {
        Some(url) => url,
        None => match session.client.files().get(file_id.as_str()).await {
            Ok(file) => {
                let url = file.thumbnail.map(|t| t.url);
                session.remember([(file.id.as_str(), url.as_deref())]);
                url
            }
            Err(e) if e.is_unauthorized() => {
                app.0.sessions.remove(&id);
                return with_cookie(
                    text(
                        StatusCode::UNAUTHORIZED,
                        "Your sign-in has ended. Sign in again.",
                    ),
                    &app.clear_session_cookie(),
                );
            }
            Err(e)
                if e.code() == ErrorCode::InvalidArgument
                    || (e.code() == ErrorCode::Http && matches!(e.status(), 400 | 404)) =>
            {
                return text(StatusCode::NOT_FOUND, "No such file in your library.");
            }
            Err(e) => return api_failure("looking the file up", &e),
        },
    };
    let Some(url) = url else {
        return text(StatusCode::NOT_FOUND, "This file has no thumbnail.");
    };
    match thumbs::fetch(&app.0.thumb_http, &url).await {
        Ok((bytes, content_type)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "private, max-age=3600"),
                (header::VARY, "Cookie"),
            ],
            bytes,
        )
            .into_response(),
        Err(failure) => {
            eprintln!("mylibrary-axum: the thumbnail of file {file_id}: {failure}");
            text(
                StatusCode::BAD_GATEWAY,
                "The thumbnail could not be fetched.",
            )
        }
    }
}

/// No icon (rather than a 404 in the console at every visit).
async fn no_icon() -> Response {
    (
        StatusCode::NO_CONTENT,
        [(header::CACHE_CONTROL, "public, max-age=86400")],
    )
        .into_response()
}

async fn not_found() -> Response {
    text(StatusCode::NOT_FOUND, "Not found.")
}

// ---------------------------------------------------------------- answers

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn text(status: StatusCode, body: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Not available right now.",
        ),
    }
}

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// The server's log gets the crate's error (its messages never hold a token, a code or a
/// secret); the browser gets a sentence of its own.
fn log_error(doing: &str, e: &Error) {
    eprintln!(
        "mylibrary-axum: {doing}: {} (HTTP {}): {}",
        e.code().as_str(),
        e.status(),
        e.message()
    );
}

/// A failed API call, as an answer: what it means for the person, never the API's words.
fn api_failure(doing: &str, e: &Error) -> Response {
    log_error(doing, e);
    let (status, sentence) = match e.code() {
        ErrorCode::Http if e.status() == 404 => {
            (StatusCode::NOT_FOUND, "Not found in your library.")
        }
        ErrorCode::RateLimited => (
            StatusCode::SERVICE_UNAVAILABLE,
            "MyLibrary is busy (too many requests). Try again in a moment.",
        ),
        ErrorCode::Timeout => (
            StatusCode::GATEWAY_TIMEOUT,
            "MyLibrary did not answer in time.",
        ),
        ErrorCode::InvalidArgument => (StatusCode::BAD_REQUEST, "That request is not valid."),
        _ => (
            StatusCode::BAD_GATEWAY,
            "MyLibrary could not be reached, or failed.",
        ),
    };
    let mut r = html(status, page::message("MyLibrary unavailable", sentence));
    if e.code() == ErrorCode::RateLimited {
        let seconds = e.retry_after_ms().map_or(1, |ms| ms.div_ceil(1000).max(1));
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    r
}

/// The headers of every answer: no sniffing, no referrer to other origins, no framing; HTML gets the strict
/// policy and is never stored; nothing else that is not an image is stored either.
async fn harden(mut r: Response) -> Response {
    let is_html = r
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // No referrer to other origins (the consent page, the thumbnails' hosts), but not
    // `no-referrer`: with it, browsers send `Origin: null` with the sign-out form's POST, which
    // the same-origin check must then refuse.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if is_html { HTML_CSP } else { OTHER_CSP }),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(origin: Option<&str>) -> Config {
        Config {
            api_key: "key-1234".into(),
            client_secret: "secret-1234".into(),
            api_base: "http://127.0.0.1:8080/v2".into(),
            oauth_base: "http://127.0.0.1:8080/oauth2".into(),
            listen: "127.0.0.1:3000".parse().unwrap(),
            origin: origin.map(str::to_string),
        }
    }

    #[test]
    fn an_https_origin_gets_secure_prefixed_cookies() {
        let bound = "127.0.0.1:3000".parse().unwrap();
        let app = App::new(config(Some("https://app.example.com")), bound).unwrap();
        assert_eq!(app.redirect_uri(), "https://app.example.com/auth/callback");
        assert_eq!(
            app.session_cookie("abc"),
            "__Host-mylibrary_session=abc; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure"
        );
        assert_eq!(
            app.state_cookie("xyz"),
            "__Secure-mylibrary_state=xyz; Path=/auth/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure"
        );
        let app = App::new(config(None), bound).unwrap();
        assert_eq!(app.origin(), "http://127.0.0.1:3000");
        assert!(!app.session_cookie("abc").contains("Secure"));
    }

    #[test]
    fn every_address_needs_an_origin() {
        let everywhere = "0.0.0.0:3000".parse().unwrap();
        assert!(App::new(config(None), everywhere).is_err());
        assert!(App::new(config(Some("http://192.0.2.1:3000")), everywhere).is_ok());
    }
}
