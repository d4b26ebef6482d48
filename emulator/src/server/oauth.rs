//! The OAuth 2.0 server of v2 under `/oauth2/` (`shared/api/oauth2-v2.md`): the consent page
//! and its form (`oauth/siteowner/authorize`), the code exchange (`oauth/token`) and the token
//! information (`tokeninfo.htm`). Where the reference is unsure, RFC 6749 and RFC 9700 decide;
//! emulator/README.md lists the choices.

use super::grants::{CsrfBinding, NewToken, V2_TOKEN_LIFETIME_S};
use super::http::{Resp, accepts_json, content_type, json, query_pairs, read_body, response};
use super::{App, lock};
use crate::model::ApiError;
use crate::time;
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request};
use serde_json::json;

/// The consent page and its form. Its answers carry no CORS headers (`super::handle`): no other
/// origin may read the page's CSRF value.
pub(super) const AUTHORIZE: &str = "/oauth2/oauth/siteowner/authorize";
const TOKEN: &str = "/oauth2/oauth/token";
const TOKEN_INFO: &str = "/oauth2/tokeninfo.htm";
/// The cookie that carries the consent form's CSRF token (double submit).
pub const CSRF_COOKIE: &str = "mylibrary_emulator_csrf";
/// The consent form's field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
/// Form bodies are read up to this size.
const FORM_CAP: usize = 64 << 10;
/// The consent page's policy; `form-action` also names the redirect URI's origin, because a
/// browser applies it to the redirect that answers the form.
const PAGE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1d2433;margin:0}\
main{max-width:32rem;margin:3rem auto;background:#fff;border:1px solid #d8dce3;border-radius:8px;padding:1.5rem 2rem}\
h1{font-size:1.3rem;margin:0 0 1rem}fieldset{border:1px solid #d8dce3;border-radius:6px;margin:1rem 0}\
label{display:block;padding:.2rem 0}.buttons{display:flex;gap:.75rem;margin-top:1.25rem}\
button{font:inherit;padding:.5rem 1.25rem;border-radius:6px;border:1px solid #1856ed;cursor:pointer}\
.allow{background:#1856ed;color:#fff}.deny{background:#fff;color:#1856ed}\
.note{color:#5a6373;font-size:.85rem}code{word-break:break-all}";

/// The parameters an answer of the authorization endpoint may carry (in the query or the
/// fragment). A redirect URI whose own query holds one of them is refused, so that no answer
/// carries a key twice.
pub const ANSWER_PARAMS: [&str; 8] = [
    "code",
    "state",
    "username",
    "error",
    "error_description",
    "access_token",
    "token_type",
    "expires_in",
];

/// The first answer parameter (see [`ANSWER_PARAMS`]) that the query of `uri` already holds.
pub fn answer_param_in(uri: &str) -> Option<&'static str> {
    let query = uri.split('#').next()?.split_once('?')?.1;
    query_pairs(query)
        .into_iter()
        .find_map(|(k, _)| ANSWER_PARAMS.iter().find(|p| **p == k).copied())
}

/// A parameter's single value; `Err` when it is given more than once with different values.
fn single<'a>(params: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, String> {
    let mut found: Option<&str> = None;
    for (_, v) in params.iter().filter(|(k, _)| k == name) {
        match found {
            Some(f) if f != v => return Err(format!("{name} is given more than once")),
            _ => found = Some(v),
        }
    }
    Ok(found)
}

/// Equal strings, compared in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn is_form(ct: &str) -> bool {
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// Encodes a value for a query or fragment (`application/x-www-form-urlencoded`).
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn encode_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Characters a URI may hold unencoded (RFC 3986), so that it goes into `Location` as it is.
fn is_uri_text(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_graphic()
                && !matches!(
                    b,
                    b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
                )
        })
}

/// Whether `uri` may be used with the registered `registered` URIs: equal to one, or one plus
/// a query string (`?…`, or `&…` when the registered URI has a query already); never a
/// fragment. Compared as strings (RFC 6749 §3.1.2.3, RFC 9700 §2.1, §4.1.3).
pub fn redirect_allowed(registered: &[String], uri: &str) -> bool {
    if uri.contains('#') || !is_uri_text(uri) {
        return false;
    }
    registered.iter().any(|r| {
        uri == r
            || uri.strip_prefix(r.as_str()).is_some_and(|rest| {
                let sep = if r.contains('?') { '&' } else { '?' };
                rest.len() > 1 && rest.starts_with(sep)
            })
    })
}

/// The CSP source that allows a form to end at `uri`: its origin, or its scheme when it has
/// no authority (`com.example.app:/cb`).
fn csp_source(uri: &str) -> Option<String> {
    let (scheme, rest) = uri.split_once(':')?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return None;
    }
    let Some(after) = rest.strip_prefix("//") else {
        return Some(format!("{scheme}:"));
    };
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    host_ok.then(|| format!("{scheme}://{host}"))
}

fn set(r: &mut Resp, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().append(name, v);
    }
}

fn no_store(r: &mut Resp) {
    set(r, header::CACHE_CONTROL, "no-store");
    set(r, header::PRAGMA, "no-cache");
}

/// An HTML page with the headers every page of the sign-in shares.
fn page(status: u16, html: String, csp: &str) -> Resp {
    let mut r = response(status, Some("text/html; charset=utf-8"), html);
    no_store(&mut r);
    set(&mut r, header::CONTENT_SECURITY_POLICY, csp);
    set(&mut r, header::X_FRAME_OPTIONS, "DENY");
    set(&mut r, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(&mut r, header::REFERRER_POLICY, "no-referrer");
    r
}

/// The error page: shown to the person, never sent back to the app.
fn error_page(status: u16, message: &str) -> Resp {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>Sign-in error</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
<h1>This sign-in request cannot be completed</h1>\n<p>{}</p>\n\
<p class=\"note\">You were not sent back to the app, because the request could not be trusted. \
Close this page and start again from the app.</p>\n</main>\n</body>\n</html>\n",
        escape_html(message)
    );
    page(status, html, &format!("{PAGE_CSP}; form-action 'none'"))
}

/// A `302` to the app.
fn redirect(location: &str) -> Resp {
    let mut r = response(302, None, Bytes::new());
    set(&mut r, header::LOCATION, location);
    set(&mut r, header::REFERRER_POLICY, "no-referrer");
    no_store(&mut r);
    r
}

/// Adds `state` when the request had one (RFC 6749 §4.1.2, §4.2.2).
fn push_state<'a>(pairs: &mut Vec<(&'a str, &'a str)>, state: Option<&'a str>) {
    if let Some(s) = state {
        pairs.push(("state", s));
    }
}

/// `redirect_uri` plus parameters in its query (`?`, or `&` when it has a query already).
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{}", encode_pairs(pairs))
}

/// `redirect_uri` plus parameters in a fragment.
fn with_fragment(uri: &str, pairs: &[(&str, &str)]) -> String {
    format!("{uri}#{}", encode_pairs(pairs))
}

/// A JSON error of the token endpoints: `{"error", "error_description"}`, not stored.
fn oauth_error(status: u16, error: &str, description: &str) -> Resp {
    let mut r = json(
        status,
        &json!({ "error": error, "error_description": description }),
    );
    no_store(&mut r);
    r
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Code,
    Token,
}

/// An authorization request whose client and redirect URI are known good.
struct Client {
    client_id: String,
    redirect_uri: String,
    app_name: String,
}

/// A complete, valid authorization request.
struct Authorization {
    flow: Flow,
    client: Client,
    state: Option<String>,
}

/// An error to send back to the app, in the query: the response type is not known.
struct Refusal {
    redirect_uri: String,
    error: &'static str,
    description: String,
    state: Option<String>,
}

impl Refusal {
    fn into_response(self) -> Resp {
        let mut pairs = vec![
            ("error", self.error),
            ("error_description", self.description.as_str()),
        ];
        if let Some(s) = &self.state {
            pairs.push(("state", s));
        }
        redirect(&with_query(&self.redirect_uri, &pairs))
    }
}

impl App {
    pub(super) async fn oauth(&self, req: Request<Incoming>, path: &str, query: &str) -> Resp {
        match path {
            AUTHORIZE if req.method() == Method::GET => self.consent_page(query),
            AUTHORIZE if req.method() == Method::POST => self.decision(req).await,
            AUTHORIZE => {
                let mut r = error_page(405, "This page only answers GET and POST.");
                set(&mut r, header::ALLOW, "GET, POST");
                r
            }
            TOKEN => self.exchange(req, query).await,
            TOKEN_INFO => self.token_info(req, query).await,
            _ => error_page(404, "There is no such page."),
        }
    }

    /// The client and redirect URI of an authorization request: errors here are shown as a
    /// page, never redirected (RFC 6749 §4.1.2.1).
    fn check_client(&self, params: &[(String, String)]) -> Result<Client, String> {
        let bad = |m: &str| Err(m.to_string());
        // A request that repeats one of these cannot be answered without guessing which value
        // was meant (which state to send back, which flow): a page, not a redirect.
        for name in ["client_id", "redirect_uri", "response_type", "state"] {
            if let Err(e) = single(params, name) {
                return bad(&e);
            }
        }
        let client_id = match single(params, "client_id") {
            Err(e) => return bad(&e),
            Ok(None | Some("")) => return bad("The request has no client_id."),
            Ok(Some(c)) => c,
        };
        let Some(app) = self.app(client_id) else {
            return bad("The client_id is not the API key of a registered app.");
        };
        let redirect_uri = match single(params, "redirect_uri") {
            Err(e) => return bad(&e),
            Ok(None | Some("")) => return bad("The request has no redirect_uri."),
            Ok(Some(u)) => u,
        };
        if !redirect_allowed(&app.redirect_uris, redirect_uri) {
            return bad("The redirect_uri is not one the app registered.");
        }
        if let Some(p) = answer_param_in(redirect_uri) {
            return Err(format!(
                "The redirect_uri's query holds {p}, a parameter of the answer: the answer would carry it twice."
            ));
        }
        Ok(Client {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            app_name: app.name.clone(),
        })
    }

    /// The rest of an authorization request; errors go back to the app (RFC 6749 §4.1.2.1).
    fn check_request(
        &self,
        params: &[(String, String)],
        client: Client,
    ) -> Result<Authorization, Refusal> {
        let refuse = |client: Client, error, description: String, state| {
            Err(Refusal {
                redirect_uri: client.redirect_uri,
                error,
                description,
                state,
            })
        };
        let state = match single(params, "state") {
            Err(e) => return refuse(client, "invalid_request", e, None),
            Ok(s) => s.filter(|s| !s.is_empty()).map(str::to_string),
        };
        let flow = match single(params, "response_type") {
            Err(e) => return refuse(client, "invalid_request", e, state),
            Ok(None | Some("")) => {
                return refuse(
                    client,
                    "invalid_request",
                    "response_type is missing".into(),
                    state,
                );
            }
            Ok(Some("code")) => Flow::Code,
            Ok(Some("token")) => Flow::Token,
            Ok(Some(_)) => {
                return refuse(
                    client,
                    "unsupported_response_type",
                    "response_type must be code or token".into(),
                    state,
                );
            }
        };
        Ok(Authorization {
            flow,
            client,
            state,
        })
    }

    fn cookie_attributes(&self) -> &'static str {
        if self.origin.starts_with("https://") {
            "Path=/oauth2; HttpOnly; SameSite=Lax; Secure"
        } else {
            "Path=/oauth2; HttpOnly; SameSite=Lax"
        }
    }

    /// The authorization request a CSRF token is bound to, as the consent form sends it back:
    /// its `client_id`, `redirect_uri`, `response_type` and `state` (empty when none).
    fn csrf_binding(params: &[(String, String)]) -> CsrfBinding {
        ["client_id", "redirect_uri", "response_type", "state"].map(|name| {
            single(params, name)
                .ok()
                .flatten()
                .unwrap_or("")
                .to_string()
        })
    }

    /// `GET …/authorize`: the consent page.
    fn consent_page(&self, query: &str) -> Resp {
        let params = query_pairs(query);
        let client = match self.check_client(&params) {
            Ok(c) => c,
            Err(message) => return error_page(400, &message),
        };
        let auth = match self.check_request(&params, client) {
            Ok(a) => a,
            Err(refusal) => return refusal.into_response(),
        };
        let csrf = self.secrets.token(32);
        let binding = [
            auth.client.client_id.clone(),
            auth.client.redirect_uri.clone(),
            (if auth.flow == Flow::Code {
                "code"
            } else {
                "token"
            })
            .to_string(),
            auth.state.clone().unwrap_or_default(),
        ];
        lock(&self.grants).issue_csrf(&csrf, binding, time::now_ms());
        let app = escape_html(&auth.client.app_name);
        let accounts: String = self
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let name = escape_html(&a.username);
                format!(
                    "<label><input type=\"radio\" name=\"username\" value=\"{name}\"{}> {name}</label>\n",
                    if i == 0 { " checked" } else { "" }
                )
            })
            .collect();
        let hidden = |name: &str, value: &str| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
                escape_html(value)
            )
        };
        let mut fields = hidden(
            "response_type",
            if auth.flow == Flow::Code {
                "code"
            } else {
                "token"
            },
        );
        fields += &hidden("client_id", &auth.client.client_id);
        fields += &hidden("redirect_uri", &auth.client.redirect_uri);
        if let Some(s) = &auth.state {
            fields += &hidden("state", s);
        }
        fields += &hidden(CSRF_FIELD, &csrf);
        let lifetime = match self.config.token_ttl_s {
            None => "It lasts until it is revoked.".to_string(),
            Some(s) => format!("It lasts {s} seconds, or until it is revoked."),
        };
        let html = format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>Allow {app} to access your MyLibrary</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
<h1>Allow <strong>{app}</strong> to access your Constant Contact account?</h1>\n\
<p><strong>{app}</strong> asks for access to your account. If you allow it, it can:</p>\n\
<ul>\n<li>read the files and folders of your MyLibrary;</li>\n\
<li>change them: upload, rename, move and delete files and folders.</li>\n</ul>\n\
<p>This access grant is persistent. {lifetime}</p>\n\
<form method=\"post\" action=\"{AUTHORIZE}\">\n\
<fieldset>\n<legend>Sign in as</legend>\n{accounts}</fieldset>\n{fields}\
<p class=\"note\">You will then be sent back to <code>{}</code>.</p>\n\
<div class=\"buttons\">\n\
<button class=\"allow\" type=\"submit\" name=\"user_oauth_approval\" value=\"true\">Allow</button>\n\
<button class=\"deny\" type=\"submit\" name=\"user_oauth_approval\" value=\"false\">Deny</button>\n\
</div>\n</form>\n\
<p class=\"note\">mylibrary-emulator: a local stand-in for the Constant Contact v2 sign-in. \
It asks for no password.</p>\n</main>\n</body>\n</html>\n",
            escape_html(&auth.client.redirect_uri)
        );
        let mut form_action = "'self'".to_string();
        if let Some(src) = csp_source(&auth.client.redirect_uri)
            && src != self.origin
        {
            form_action = format!("{form_action} {src}");
        }
        let mut r = page(200, html, &format!("{PAGE_CSP}; form-action {form_action}"));
        set(
            &mut r,
            header::SET_COOKIE,
            &format!(
                "{CSRF_COOKIE}={csrf}; Max-Age={}; {}",
                super::grants::CSRF_TTL_MS / 1000,
                self.cookie_attributes()
            ),
        );
        r
    }

    /// `POST …/authorize`: the person's answer.
    async fn decision(&self, req: Request<Incoming>) -> Resp {
        let ct = content_type(&req);
        let cookies: Vec<String> = req
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .filter(|(k, _)| *k == CSRF_COOKIE)
            .map(|(_, v)| v.trim().to_string())
            .collect();
        let body = match read_body(req, FORM_CAP).await {
            Ok(b) => b,
            Err(e) => return error_page(e.status, "The form is too large or could not be read."),
        };
        if !is_form(&ct) {
            return error_page(
                415,
                "The form must be sent as application/x-www-form-urlencoded.",
            );
        }
        let params = query_pairs(&String::from_utf8_lossy(&body));
        let client = match self.check_client(&params) {
            Ok(c) => c,
            Err(message) => return error_page(400, &message),
        };
        // CSRF (double submit): the field equals the cookie and is a token this server issued
        // for this very authorization request, unexpired and unused.
        let field = single(&params, CSRF_FIELD).ok().flatten().unwrap_or("");
        let matches = !field.is_empty() && cookies.iter().any(|c| same(c, field));
        let binding = Self::csrf_binding(&params);
        if !matches || !lock(&self.grants).take_csrf(field, &binding, time::now_ms()) {
            return error_page(
                400,
                "The form has expired or was not sent from this page. Start again from the app.",
            );
        }
        let mut r = self.decide(&params, client);
        set(
            &mut r,
            header::SET_COOKIE,
            &format!("{CSRF_COOKIE}=; Max-Age=0; {}", self.cookie_attributes()),
        );
        r
    }

    fn decide(&self, params: &[(String, String)], client: Client) -> Resp {
        let auth = match self.check_request(params, client) {
            Ok(a) => a,
            Err(refusal) => return refusal.into_response(),
        };
        let allow = match single(params, "user_oauth_approval") {
            Ok(Some("true")) => true,
            Ok(Some("false")) => false,
            _ => return error_page(400, "The form has no answer: press Allow or Deny."),
        };
        let uri = &auth.client.redirect_uri;
        let state = auth.state.as_deref();
        if !allow {
            let mut pairs = vec![
                ("error", "access_denied"),
                ("error_description", "User denied authentication."),
            ];
            push_state(&mut pairs, state);
            return redirect(&match auth.flow {
                Flow::Code => with_query(uri, &pairs),
                Flow::Token => with_fragment(uri, &pairs),
            });
        }
        let username = single(params, "username").ok().flatten().unwrap_or("");
        let Some(account) = self.accounts.iter().position(|a| a.username == username) else {
            return error_page(400, "Pick one of the accounts.");
        };
        let now = time::now_ms();
        match auth.flow {
            Flow::Code => {
                let code = self.secrets.token(24);
                let expires = now.saturating_add(self.config.code_ttl_ms as i64);
                lock(&self.grants).issue_code(
                    &code,
                    &auth.client.client_id,
                    uri,
                    account,
                    expires,
                    now,
                );
                let mut pairs = vec![("code", code.as_str()), ("username", username)];
                push_state(&mut pairs, state);
                redirect(&with_query(uri, &pairs))
            }
            Flow::Token => {
                let (new, ttl) = self.new_token(now);
                lock(&self.grants).issue_token(
                    &new.token,
                    &auth.client.client_id,
                    account,
                    new.expires_ms,
                    new.revoke_others,
                );
                let ttl = ttl.to_string();
                let mut pairs = vec![
                    ("access_token", new.token.as_str()),
                    ("token_type", "Bearer"),
                    ("expires_in", ttl.as_str()),
                ];
                push_state(&mut pairs, state);
                redirect(&with_fragment(uri, &pairs))
            }
        }
    }

    /// A token to issue now (not yet recorded), and its lifetime in seconds.
    fn new_token(&self, now_ms: i64) -> (NewToken, u64) {
        let ttl = self.config.token_ttl_s.unwrap_or(V2_TOKEN_LIFETIME_S);
        let new = NewToken {
            token: self.secrets.uuid(),
            expires_ms: now_ms.saturating_add(ttl.saturating_mul(1000).min(i64::MAX as u64) as i64),
            revoke_others: self.config.revoke_on_reauthorize,
        };
        (new, ttl)
    }

    /// The parameters of a token-endpoint request: the query, then a form body.
    async fn token_params(
        &self,
        req: Request<Incoming>,
        query: &str,
    ) -> Result<Vec<(String, String)>, ApiError> {
        let mut params = query_pairs(query);
        let ct = content_type(&req);
        let body = read_body(req, FORM_CAP).await?;
        if !body.is_empty() {
            if !is_form(&ct) {
                return Err(ApiError::bad_request(
                    "The body must be application/x-www-form-urlencoded",
                ));
            }
            params.extend(query_pairs(&String::from_utf8_lossy(&body)));
        }
        Ok(params)
    }

    /// `/oauth2/oauth/token` (POST, or GET as the 2012 demos sent it): a code for a token.
    async fn exchange(&self, req: Request<Incoming>, query: &str) -> Resp {
        if req.method() != Method::POST && req.method() != Method::GET {
            let mut r = oauth_error(405, "invalid_request", "Use POST");
            set(&mut r, header::ALLOW, "GET, POST");
            return r;
        }
        let params = match self.token_params(req, query).await {
            Ok(p) => p,
            Err(e) => return oauth_error(e.status, "invalid_request", &e.message),
        };
        let get = |name: &str| single(&params, name);
        let (client_id, secret, grant_type, code, redirect_uri) = match (
            get("client_id"),
            get("client_secret"),
            get("grant_type"),
            get("code"),
            get("redirect_uri"),
        ) {
            (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e)) => (a, b, c, d, e),
            (a, b, c, d, e) => {
                let e = [a, b, c, d, e]
                    .into_iter()
                    .find_map(Result::err)
                    .unwrap_or_default();
                return oauth_error(400, "invalid_request", &e);
            }
        };
        let app = client_id.and_then(|c| self.app(c));
        let client_ok = app.is_some_and(|a| secret.is_some_and(|s| same(s, &a.client_secret)));
        if !client_ok {
            return oauth_error(
                401,
                "invalid_client",
                "Client authentication failed: unknown client_id or wrong client_secret",
            );
        }
        let client_id = client_id.unwrap_or_default();
        if grant_type != Some("authorization_code") {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "grant_type must be authorization_code",
            );
        }
        let Some(code) = code.filter(|c| !c.is_empty()) else {
            return oauth_error(400, "invalid_request", "code is missing");
        };
        let now = time::now_ms();
        let (new, ttl) = self.new_token(now);
        // One lock for the check, the token and marking the code used: of concurrent exchanges
        // of one code, exactly one gets a token.
        let redeemed = lock(&self.grants).redeem_code(code, client_id, redirect_uri, &new, now);
        if let Err(refusal) = redeemed {
            return oauth_error(400, "invalid_grant", refusal.description());
        }
        let mut r = json(
            200,
            &json!({ "access_token": new.token, "expires_in": ttl, "token_type": "Bearer" }),
        );
        no_store(&mut r);
        r
    }

    /// `POST /oauth2/tokeninfo.htm`: who a token belongs to and how long it lasts.
    async fn token_info(&self, req: Request<Incoming>, query: &str) -> Resp {
        if req.method() != Method::POST {
            let mut r = oauth_error(405, "method_not_allowed", "tokeninfo.htm only answers POST");
            set(&mut r, header::ALLOW, "POST");
            return r;
        }
        let ct = content_type(&req);
        let json_ok = accepts_json(&req);
        let body = match read_body(req, FORM_CAP).await {
            Ok(b) => b,
            Err(e) => return oauth_error(e.status, "invalid_request", &e.message),
        };
        if !body.is_empty() && !is_form(&ct) {
            return oauth_error(
                415,
                "unsupported_media_type",
                "The body must be application/x-www-form-urlencoded",
            );
        }
        if !json_ok {
            return oauth_error(406, "not_acceptable", "The answer is application/json");
        }
        // A body, when there is one, is the only source: the query counts only with no body.
        let params = if body.is_empty() {
            query_pairs(query)
        } else {
            query_pairs(&String::from_utf8_lossy(&body))
        };
        let token = match single(&params, "access_token") {
            Err(e) => return oauth_error(400, "invalid_request", &e),
            Ok(None | Some("")) => {
                return oauth_error(400, "invalid_request", "access_token is missing");
            }
            Ok(Some(t)) => t,
        };
        let now = time::now_ms();
        let grant = lock(&self.grants)
            .token(token)
            .filter(|t| t.is_live(now))
            .cloned();
        let Some(grant) = grant else {
            return oauth_error(
                404,
                "invalid_token",
                "The token is unknown, revoked or expired",
            );
        };
        let username = self
            .accounts
            .get(grant.account)
            .map(|a| a.username.clone())
            .unwrap_or_default();
        let mut r = json(
            200,
            &json!({
                "client_id": grant.client_id,
                "user_name": username,
                "expires_in": grant.seconds_left(now),
            }),
        );
        no_store(&mut r);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_match_exactly_or_with_an_added_query() {
        let reg = vec![
            "http://127.0.0.1:8080/".to_string(),
            "https://app.example/cb?x=1".to_string(),
        ];
        for ok in [
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080/?a=b",
            "https://app.example/cb?x=1",
            "https://app.example/cb?x=1&y=2",
        ] {
            assert!(redirect_allowed(&reg, ok), "{ok}");
        }
        for bad in [
            "http://127.0.0.1:8080/.evil.example",
            "http://127.0.0.1:8080/evil",
            "http://127.0.0.1:8081/",
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/#x",
            "http://127.0.0.1:8080/?a=b#x",
            "http://127.0.0.1:8080/?",
            "http://127.0.0.1:8080/?a=<script>",
            "https://app.example/cb?x=1.evil.example",
            "https://app.example/cb?x=1?y=2",
            "https://app.example/cb",
            "HTTP://127.0.0.1:8080/",
            "",
        ] {
            assert!(!redirect_allowed(&reg, bad), "{bad}");
        }
    }

    #[test]
    fn csp_sources() {
        assert_eq!(
            csp_source("http://localhost:3000/cb?x").as_deref(),
            Some("http://localhost:3000")
        );
        assert_eq!(
            csp_source("com.example.app:/cb").as_deref(),
            Some("com.example.app:")
        );
        assert_eq!(csp_source("http://a;b/"), None);
    }

    #[test]
    fn values_are_form_encoded() {
        assert_eq!(
            form_encode("User denied authentication."),
            "User+denied+authentication."
        );
        assert_eq!(form_encode("a&b=c/é"), "a%26b%3Dc%2F%C3%A9");
    }
}
