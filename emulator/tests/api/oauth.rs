//! Accounts and the OAuth 2.0 server under `/oauth2/`: the consent page and its refusals, both
//! flows, CSRF, the token endpoint, token info, revocation and expiry, and what each account's
//! token may read.

use crate::common::*;
use mylibrary_emulator::RegisteredApp;
use reqwest::Response;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

const SECRET: &str = "demo-client-secret";
const AUTHORIZE: &str = "/oauth2/oauth/siteowner/authorize";
const TOKEN_PATH: &str = "/oauth2/oauth/token";
const INFO_PATH: &str = "/oauth2/tokeninfo.htm";
const COOKIE: &str = "mylibrary_emulator_csrf";

/// A client that does not follow redirects.
fn nr() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn home(emu: &Emu) -> String {
    format!("{}/", emu.base)
}

async fn authorize_get(emu: &Emu, params: &[(&str, &str)]) -> Response {
    nr().get(format!("{}{AUTHORIZE}", emu.base))
        .query(params)
        .send()
        .await
        .unwrap()
}

/// The CSRF cookie a response sets.
fn csrf_cookie(r: &Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{COOKIE}=")))
        .map(|c| c.split(';').next().unwrap_or("").to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The hidden inputs of the consent form.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let (name, rest) = rest.split_once("\" value=\"").unwrap();
            let value = rest.split_once('"').unwrap().0;
            (name.to_string(), unescape(value))
        })
        .collect()
}

/// A consent page's form: its hidden fields and the cookie that came with it.
struct Form {
    fields: Vec<(String, String)>,
    cookie: String,
}

impl Form {
    fn csrf(&self) -> &str {
        &self
            .fields
            .iter()
            .find(|(k, _)| k == "csrf_token")
            .unwrap()
            .1
    }
}

async fn open_form_for(emu: &Emu, params: &[(&str, &str)]) -> Form {
    let r = authorize_get(emu, params).await;
    assert_eq!(r.status(), 200, "{params:?}");
    let cookie = csrf_cookie(&r).expect("a CSRF cookie");
    let html = r.text().await.unwrap();
    Form {
        fields: hidden_fields(&html),
        cookie,
    }
}

async fn open_form(emu: &Emu, response_type: &str, state: Option<&str>) -> Form {
    let home = home(emu);
    let mut params = vec![
        ("response_type", response_type),
        ("client_id", KEY),
        ("redirect_uri", home.as_str()),
    ];
    if let Some(s) = state {
        params.push(("state", s));
    }
    open_form_for(emu, &params).await
}

/// Posts the form with `extra` fields and the given cookie header value (`None`: no cookie).
async fn submit(emu: &Emu, form: &Form, extra: &[(&str, &str)], cookie: Option<&str>) -> Response {
    let mut fields: Vec<(String, String)> = form.fields.clone();
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let mut r = nr().post(format!("{}{AUTHORIZE}", emu.base)).form(&fields);
    if let Some(c) = cookie {
        r = r.header("Cookie", format!("{COOKIE}={c}"));
    }
    r.send().await.unwrap()
}

async fn allow(emu: &Emu, form: &Form, username: &str) -> Response {
    submit(
        emu,
        form,
        &[("username", username), ("user_oauth_approval", "true")],
        Some(&form.cookie),
    )
    .await
}

fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .unwrap_or_else(|| panic!("no Location ({})", r.status()))
        .to_str()
        .unwrap()
        .to_string()
}

fn pairs_of(encoded: &str) -> HashMap<String, String> {
    reqwest::Url::parse(&format!("http://x/?{encoded}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn query_of(loc: &str) -> HashMap<String, String> {
    pairs_of(reqwest::Url::parse(loc).unwrap().query().unwrap_or(""))
}

fn fragment_of(loc: &str) -> HashMap<String, String> {
    pairs_of(reqwest::Url::parse(loc).unwrap().fragment().unwrap_or(""))
}

/// Consent for `username` in the code flow with `redirect`; the code.
async fn code_with(emu: &Emu, username: &str, redirect: &str) -> String {
    let form = open_form_for(
        emu,
        &[
            ("response_type", "code"),
            ("client_id", KEY),
            ("redirect_uri", redirect),
        ],
    )
    .await;
    let r = allow(emu, &form, username).await;
    assert_eq!(r.status(), 302);
    query_of(&location(&r))["code"].clone()
}

async fn code_for(emu: &Emu, username: &str) -> String {
    code_with(emu, username, &home(emu)).await
}

/// The token request with every parameter in the query (the PHP/.NET way); status and JSON.
async fn exchange_with(emu: &Emu, params: &[(&str, &str)]) -> (u16, Value) {
    let r = nr()
        .post(format!("{}{TOKEN_PATH}", emu.base))
        .query(params)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn exchange(emu: &Emu, code: &str) -> (u16, Value) {
    let home = home(emu);
    let (s, v) = exchange_with(
        emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", KEY),
            ("client_secret", SECRET),
            ("code", code),
            ("redirect_uri", &home),
        ],
    )
    .await;
    (s, v)
}

/// Signs `username` in through the code flow; the access token.
async fn sign_in(emu: &Emu, username: &str) -> String {
    let code = code_for(emu, username).await;
    let (s, v) = exchange(emu, &code).await;
    assert_eq!(s, 200, "{v}");
    v["access_token"].as_str().unwrap().to_string()
}

/// `GET /v2/library{path}` with `token` and `key`; status and JSON.
async fn v2(emu: &Emu, token: &str, key: &str, path: &str) -> (u16, Value) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let r = emu
        .http
        .get(format!("{}/v2/library{path}{sep}api_key={key}", emu.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

async fn token_info(emu: &Emu, token: &str) -> (u16, Value) {
    let r = nr()
        .post(format!("{}{INFO_PATH}", emu.base))
        .form(&[("access_token", token)])
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

async fn all_ids(emu: &Emu, token: &str) -> Vec<String> {
    let (s, v) = v2(emu, token, KEY, "/files?limit=1000").await;
    assert_eq!(s, 200, "{v}");
    ids(v["results"].as_array().unwrap())
}

fn assert_uuid(t: &str) {
    assert_eq!(t.len(), 36, "{t}");
    let parts: Vec<&str> = t.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    assert!(t.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    assert_eq!(&t[14..15], "4", "version 4");
}

async fn two_accounts() -> Emu {
    Setup {
        files: 20,
        folders: 3,
        ..Setup::default()
    }
    .start()
    .await
}

// ---- the consent page ----

#[tokio::test]
async fn the_consent_page_names_the_app_and_the_accounts() {
    let emu = Setup {
        accounts: Some(3),
        ..Setup::default()
    }
    .start()
    .await;
    let home = home(&emu);
    let r = authorize_get(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", KEY),
            ("redirect_uri", &home),
            ("state", "s<1>&\"x\""),
            ("oauthSignup", "true"),
            ("newUser", "false"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(h["cache-control"], "no-store");
    let csp = h["content-security-policy"].to_str().unwrap();
    for part in [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("script-src"), "{csp}");
    let cookie_line = h
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(COOKIE))
        .expect("CSRF cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/oauth2"] {
        assert!(cookie_line.contains(attr), "{cookie_line}");
    }
    assert!(!cookie_line.starts_with("__Host-"));
    let cookie = csrf_cookie(&r).unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("MyLibrary Demo"));
    assert!(html.contains("files and folders"));
    assert!(html.contains("<form method=\"post\" action=\"/oauth2/oauth/siteowner/authorize\""));
    assert!(!html.contains("<script"));
    assert!(!html.contains("onclick") && !html.contains("onsubmit"));
    for user in ["demo_user", "demo_user_2", "demo_user_3"] {
        assert!(
            html.contains(&format!("name=\"username\" value=\"{user}\"")),
            "{user}"
        );
    }
    assert!(html.contains("name=\"user_oauth_approval\" value=\"true\""));
    assert!(html.contains("name=\"user_oauth_approval\" value=\"false\""));
    let fields: HashMap<String, String> = hidden_fields(&html).into_iter().collect();
    assert_eq!(fields["response_type"], "code");
    assert_eq!(fields["client_id"], KEY);
    assert_eq!(fields["redirect_uri"], home);
    assert_eq!(
        fields["state"], "s<1>&\"x\"",
        "state kept, escaped in the page"
    );
    assert_eq!(fields["csrf_token"], cookie);
    assert!(cookie.len() >= 32);
    assert!(!html.contains("s<1>"), "state is escaped");
}

#[tokio::test]
async fn refused_requests_get_an_error_page_and_are_never_redirected() {
    let emu = emu().await;
    let home = home(&emu);
    let port: u16 = emu.base.rsplit(':').next().unwrap().parse().unwrap();
    let other_port = format!("http://127.0.0.1:{}/", port.wrapping_add(1));
    let look_alikes = [
        "http://evil.example/".to_string(),
        format!("{home}.evil.example"),
        format!("{}.evil.example", emu.base),
        format!("{}.evil.example/", emu.base),
        format!("{home}evil"),
        format!("{home}#frag"),
        format!("{home}?a=b#frag"),
        other_port,
        emu.base.clone(),
        format!("{}/oauth2/", emu.base),
    ];
    let mut cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("response_type", "code"), ("redirect_uri", &home)],
        vec![
            ("response_type", "code"),
            ("client_id", "someone-else"),
            ("redirect_uri", &home),
        ],
        vec![("response_type", "code"), ("client_id", KEY)],
        vec![
            ("response_type", "code"),
            ("client_id", KEY),
            ("client_id", "x"),
            ("redirect_uri", &home),
        ],
    ];
    for uri in &look_alikes {
        cases.push(vec![
            ("response_type", "code"),
            ("client_id", KEY),
            ("redirect_uri", uri),
        ]);
        // the response type is checked after: still a page, not a redirect
        cases.push(vec![
            ("response_type", "bogus"),
            ("client_id", KEY),
            ("redirect_uri", uri),
        ]);
    }
    for params in &cases {
        let r = authorize_get(&emu, params).await;
        assert_eq!(r.status(), 400, "{params:?}");
        assert!(r.headers().get("location").is_none(), "{params:?}");
        assert!(csrf_cookie(&r).is_none(), "{params:?}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = r.text().await.unwrap();
        assert!(!html.contains("evil.example"), "not echoed: {html}");
    }
    // The same refusals for the form's POST, even with a good CSRF token.
    for uri in &look_alikes {
        let form = open_form(&emu, "code", None).await;
        let mut fields: Vec<(String, String)> = form
            .fields
            .iter()
            .filter(|(k, _)| k != "redirect_uri")
            .cloned()
            .collect();
        fields.push(("redirect_uri".into(), uri.clone()));
        let forged = Form {
            fields,
            cookie: form.cookie.clone(),
        };
        let r = allow(&emu, &forged, "demo_user").await;
        assert_eq!(r.status(), 400, "{uri}");
        assert!(r.headers().get("location").is_none(), "{uri}");
    }
}

#[tokio::test]
async fn a_bad_response_type_goes_back_to_the_app_as_an_error() {
    let emu = emu().await;
    let home = home(&emu);
    let r = authorize_get(
        &emu,
        &[
            ("response_type", "id_token"),
            ("client_id", KEY),
            ("redirect_uri", &home),
            ("state", "st 1"),
        ],
    )
    .await;
    assert_eq!(r.status(), 302);
    let loc = location(&r);
    assert!(loc.starts_with(&format!("{home}?")), "{loc}");
    let q = query_of(&loc);
    assert_eq!(q["error"], "unsupported_response_type");
    assert_eq!(q["state"], "st 1");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let r = authorize_get(&emu, &[("client_id", KEY), ("redirect_uri", &home)]).await;
    assert_eq!(r.status(), 302);
    let q = query_of(&location(&r));
    assert_eq!(q["error"], "invalid_request");
    assert!(!q.contains_key("state"));
}

// ---- the two flows ----

#[tokio::test]
async fn code_flow_end_to_end() {
    let emu = two_accounts().await;
    let form = open_form(&emu, "code", Some("xyz/+ =")).await;
    let r = allow(&emu, &form, "demo_user_2").await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let loc = location(&r);
    assert!(loc.starts_with(&format!("{}?code=", home(&emu))), "{loc}");
    assert!(!loc.contains('#'));
    let q = query_of(&loc);
    assert_eq!(q["username"], "demo_user_2");
    assert_eq!(q["state"], "xyz/+ =");
    assert!(q["code"].len() >= 20);
    let home = home(&emu);
    let r = nr()
        .post(format!("{}{TOKEN_PATH}", emu.base))
        .query(&[
            ("grant_type", "authorization_code"),
            ("client_id", KEY),
            ("client_secret", SECRET),
            ("code", q["code"].as_str()),
            ("redirect_uri", home.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let v: Value = r.json().await.unwrap();
    let token = v["access_token"].as_str().unwrap();
    assert_uuid(token);
    assert_eq!(v["expires_in"], 315359999);
    assert_eq!(v["token_type"], "Bearer");
    assert!(v.get("refresh_token").is_none());
    assert_eq!(v.as_object().unwrap().len(), 3);
    let (s, info) = v2(&emu, token, KEY, "/info").await;
    assert_eq!(s, 200, "{info}");
    assert_eq!(info["image_root"], format!("{}/a/demo_user_2", emu.base));
    assert_eq!(info["usage_summary"]["file_count"], 20, "no seed examples");
    let (s, ti) = token_info(&emu, token).await;
    assert_eq!(s, 200);
    assert_eq!(ti["user_name"], "demo_user_2");
}

#[tokio::test]
async fn client_flow_puts_the_token_in_the_fragment_only() {
    let emu = two_accounts().await;
    let form = open_form(&emu, "token", Some("abc&def")).await;
    let r = allow(&emu, &form, "demo_user").await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let loc = location(&r);
    let home = home(&emu);
    assert!(loc.starts_with(&format!("{home}#access_token=")), "{loc}");
    assert!(reqwest::Url::parse(&loc).unwrap().query().is_none());
    let f = fragment_of(&loc);
    assert_uuid(&f["access_token"]);
    assert_eq!(f["token_type"], "Bearer");
    assert_eq!(f["expires_in"], "315359999");
    assert_eq!(f["state"], "abc&def");
    assert!(!f.contains_key("code") && !f.contains_key("username"));
    let (s, info) = v2(&emu, &f["access_token"], KEY, "/info").await;
    assert_eq!(s, 200);
    assert_eq!(info["image_root"], emu.base);
}

#[tokio::test]
async fn deny_answers_access_denied_in_the_query_or_the_fragment() {
    let emu = emu().await;
    let home = home(&emu);
    let form = open_form(&emu, "code", Some("s1")).await;
    let r = submit(
        &emu,
        &form,
        &[("user_oauth_approval", "false")],
        Some(&form.cookie),
    )
    .await;
    assert_eq!(r.status(), 302);
    let loc = location(&r);
    assert_eq!(
        loc,
        format!(
            "{home}?error=access_denied&error_description=User+denied+authentication.&state=s1"
        )
    );
    let form = open_form(&emu, "token", Some("s2")).await;
    let r = submit(
        &emu,
        &form,
        &[("username", "demo_user"), ("user_oauth_approval", "false")],
        Some(&form.cookie),
    )
    .await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        location(&r),
        format!(
            "{home}#error=access_denied&error_description=User+denied+authentication.&state=s2"
        )
    );
    // without a state, none is sent back
    let form = open_form(&emu, "code", None).await;
    let r = submit(
        &emu,
        &form,
        &[("user_oauth_approval", "false")],
        Some(&form.cookie),
    )
    .await;
    assert!(!location(&r).contains("state="));
}

#[tokio::test]
async fn a_redirect_uri_may_add_a_query_string() {
    let emu = Setup {
        redirect_uris: vec!["http://app.example/cb?app=1".into()],
        ..Setup::default()
    }
    .start()
    .await;
    let with_query = "http://app.example/cb?app=1&next=%2Fhome";
    let form = open_form_for(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", KEY),
            ("redirect_uri", with_query),
            ("state", "z"),
        ],
    )
    .await;
    let r = allow(&emu, &form, "demo_user").await;
    let loc = location(&r);
    assert!(loc.starts_with(&format!("{with_query}&code=")), "{loc}");
    let q = query_of(&loc);
    assert_eq!(q["next"], "/home");
    assert_eq!(q["state"], "z");
    // the redirect's origin may end the form
    let r = authorize_get(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", KEY),
            ("redirect_uri", "http://app.example/cb?app=1"),
        ],
    )
    .await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("form-action 'self' http://app.example"),
        "{csp}"
    );
    // the default (the demo page) is not registered now
    let home = home(&emu);
    let r = authorize_get(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", KEY),
            ("redirect_uri", &home),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    for bad in [
        "http://app.example/cb",
        "http://app.example/cb?app=1?x=1",
        "http://app.example/cb?app=10",
    ] {
        let r = authorize_get(
            &emu,
            &[
                ("response_type", "code"),
                ("client_id", KEY),
                ("redirect_uri", bad),
            ],
        )
        .await;
        assert_eq!(r.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn the_form_needs_a_known_user_and_an_answer() {
    let emu = emu().await;
    let form = open_form(&emu, "code", None).await;
    let r = allow(&emu, &form, "nobody").await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    let form = open_form(&emu, "code", None).await;
    let r = submit(
        &emu,
        &form,
        &[("username", "demo_user")],
        Some(&form.cookie),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    // a form body of another type
    let form = open_form(&emu, "code", None).await;
    let r = nr()
        .post(format!("{}{AUTHORIZE}", emu.base))
        .header("Cookie", format!("{COOKIE}={}", form.cookie))
        .json(&json!({ "username": "demo_user", "user_oauth_approval": "true" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert!(r.headers().get("location").is_none());
    // other methods
    let r = nr()
        .put(format!("{}{AUTHORIZE}", emu.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
}

// ---- CSRF ----

#[tokio::test]
async fn the_form_is_refused_without_a_matching_unused_csrf_token() {
    let emu = emu().await;
    let approve = [("username", "demo_user"), ("user_oauth_approval", "true")];
    // no cookie
    let form = open_form(&emu, "code", None).await;
    let r = submit(&emu, &form, &approve, None).await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    // a cookie from another page
    let other = open_form(&emu, "code", None).await;
    let r = submit(&emu, &form, &approve, Some(&other.cookie)).await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    // equal, but never issued by the server
    let forged = Form {
        fields: form
            .fields
            .iter()
            .map(|(k, v)| {
                if k == "csrf_token" {
                    (k.clone(), "forged-token-forged-token-forged".to_string())
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect(),
        cookie: "forged-token-forged-token-forged".into(),
    };
    assert_eq!(forged.csrf(), forged.cookie);
    let r = submit(&emu, &forged, &approve, Some(&forged.cookie)).await;
    assert_eq!(r.status(), 400);
    // no field
    let bare = Form {
        fields: form
            .fields
            .iter()
            .filter(|(k, _)| k != "csrf_token")
            .cloned()
            .collect(),
        cookie: form.cookie.clone(),
    };
    let r = submit(&emu, &bare, &approve, Some(&form.cookie)).await;
    assert_eq!(r.status(), 400);
    // the good one works once (the refusals above did not use it up), without Origin or Referer
    let r = submit(&emu, &form, &approve, Some(&form.cookie)).await;
    assert_eq!(r.status(), 302);
    assert!(query_of(&location(&r)).contains_key("code"));
    let cleared = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().contains("Max-Age=0"));
    assert!(cleared, "the cookie is cleared");
    // and never again
    let r = submit(&emu, &form, &approve, Some(&form.cookie)).await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    // a denial uses it up too
    let form = open_form(&emu, "code", None).await;
    let deny = [("user_oauth_approval", "false")];
    assert_eq!(
        submit(&emu, &form, &deny, Some(&form.cookie))
            .await
            .status(),
        302
    );
    assert_eq!(
        submit(&emu, &form, &deny, Some(&form.cookie))
            .await
            .status(),
        400
    );
}

// ---- the token endpoint ----

#[tokio::test]
async fn the_token_endpoint_takes_the_query_a_form_body_or_both_and_get() {
    let emu = emu().await;
    let home = home(&emu);
    // form body
    let code = code_for(&emu, "demo_user").await;
    let r = nr()
        .post(format!("{}{TOKEN_PATH}", emu.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", KEY),
            ("client_secret", SECRET),
            ("code", code.as_str()),
            ("redirect_uri", home.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_uuid(v["access_token"].as_str().unwrap());
    // both
    let code = code_for(&emu, "demo_user").await;
    let r = nr()
        .post(format!("{}{TOKEN_PATH}", emu.base))
        .query(&[("grant_type", "authorization_code"), ("client_id", KEY)])
        .form(&[
            ("client_secret", SECRET),
            ("code", code.as_str()),
            ("redirect_uri", home.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // GET with the query (the 2012 demos)
    let code = code_for(&emu, "demo_user").await;
    let r = nr()
        .get(format!("{}{TOKEN_PATH}", emu.base))
        .query(&[
            ("grant_type", "authorization_code"),
            ("client_id", KEY),
            ("client_secret", SECRET),
            ("code", code.as_str()),
            ("redirect_uri", home.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // query only: the helper
    let code = code_for(&emu, "demo_user").await;
    assert_eq!(exchange(&emu, &code).await.0, 200);
    // each token is new
    let a = sign_in(&emu, "demo_user").await;
    let b = sign_in(&emu, "demo_user").await;
    assert_ne!(a, b);
}

#[tokio::test]
async fn the_token_endpoint_refuses_bad_clients_codes_and_grants() {
    let emu = Setup {
        code_ttl_ms: Some(300),
        extra_apps: vec![RegisteredApp {
            api_key: "other-key".into(),
            client_secret: "other-secret".into(),
            redirect_uris: Vec::new(),
            name: "Other".into(),
        }],
        ..Setup::default()
    }
    .start()
    .await;
    let home = home(&emu);
    let code = code_for(&emu, "demo_user").await;
    let base = |code: &str, id: &str, secret: &str, grant: &str, redirect: &str| {
        vec![
            ("grant_type".to_string(), grant.to_string()),
            ("client_id".to_string(), id.to_string()),
            ("client_secret".to_string(), secret.to_string()),
            ("code".to_string(), code.to_string()),
            ("redirect_uri".to_string(), redirect.to_string()),
        ]
    };
    let call = |params: Vec<(String, String)>| {
        let emu = &emu;
        async move {
            let r = nr()
                .post(format!("{}{TOKEN_PATH}", emu.base))
                .form(&params)
                .send()
                .await
                .unwrap();
            let s = r.status().as_u16();
            assert_eq!(r.headers()["cache-control"], "no-store");
            let v: Value = r.json().await.unwrap();
            assert!(
                v["error_description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty())
            );
            (s, v["error"].as_str().unwrap().to_string())
        }
    };
    let cases = [
        (
            base(&code, KEY, "wrong", "authorization_code", &home),
            401,
            "invalid_client",
        ),
        (
            base(&code, "unknown-key", SECRET, "authorization_code", &home),
            401,
            "invalid_client",
        ),
        (
            base(&code, KEY, SECRET, "client_credentials", &home),
            400,
            "unsupported_grant_type",
        ),
        (
            base(&code, KEY, SECRET, "", &home),
            400,
            "unsupported_grant_type",
        ),
        (
            base("", KEY, SECRET, "authorization_code", &home),
            400,
            "invalid_request",
        ),
        (
            base("no-such-code", KEY, SECRET, "authorization_code", &home),
            400,
            "invalid_grant",
        ),
        // another registered client, with its own good secret
        (
            base(
                &code,
                "other-key",
                "other-secret",
                "authorization_code",
                &home,
            ),
            400,
            "invalid_grant",
        ),
        // the redirect URI of the authorization request, exactly
        (
            base(
                &code,
                KEY,
                SECRET,
                "authorization_code",
                &format!("{home}?x=1"),
            ),
            400,
            "invalid_grant",
        ),
        (
            base(&code, KEY, SECRET, "authorization_code", "")
                .into_iter()
                .filter(|(k, _)| k != "redirect_uri")
                .collect(),
            400,
            "invalid_grant",
        ),
    ];
    for (params, status, error) in cases {
        let shown = format!("{params:?}");
        assert_eq!(call(params).await, (status, error.to_string()), "{shown}");
    }
    // none of the refusals used the code up
    let (s, v) = exchange(&emu, &code).await;
    assert_eq!(s, 200, "{v}");
    // a code of another redirect URI needs that one
    let code = code_with(&emu, "demo_user", &format!("{home}?x=1")).await;
    assert_eq!(
        call(base(&code, KEY, SECRET, "authorization_code", &home)).await,
        (400, "invalid_grant".to_string())
    );
    // an expired code
    let code = code_for(&emu, "demo_user").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        call(base(&code, KEY, SECRET, "authorization_code", &home)).await,
        (400, "invalid_grant".to_string())
    );
}

#[tokio::test]
async fn replaying_a_used_code_revokes_its_token() {
    let emu = emu().await;
    let code = code_for(&emu, "demo_user_2").await;
    let (s, v) = exchange(&emu, &code).await;
    assert_eq!(s, 200);
    let token = v["access_token"].as_str().unwrap().to_string();
    assert_eq!(v2(&emu, &token, KEY, "/info").await.0, 200);
    let (s, v) = exchange(&emu, &code).await;
    assert_eq!(s, 400);
    assert_eq!(v["error"], "invalid_grant");
    let (s, v) = v2(&emu, &token, KEY, "/info").await;
    assert_eq!(s, 401);
    assert_eq!(error_key(&v), "http.status.authentication.invalid_token");
    assert_eq!(token_info(&emu, &token).await.0, 404);
    // the fixed token of account 1 is untouched
    assert_eq!(v2(&emu, TOKEN, KEY, "/info").await.0, 200);
}

// ---- token info ----

#[tokio::test]
async fn token_info_answers_post_with_a_form_body_or_the_query() {
    let emu = Setup {
        token_ttl_s: Some(3600),
        ..Setup::default()
    }
    .start()
    .await;
    let url = format!("{}{INFO_PATH}", emu.base);
    // the fixed token
    let (s, v) = token_info(&emu, TOKEN).await;
    assert_eq!(s, 200);
    assert_eq!(
        v,
        json!({ "client_id": KEY, "user_name": "demo_user", "expires_in": 315359999 })
    );
    // an issued token, in the query with no body
    let token = sign_in(&emu, "demo_user_2").await;
    let r = nr()
        .post(&url)
        .query(&[("access_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["client_id"], KEY);
    assert_eq!(v["user_name"], "demo_user_2");
    let left = v["expires_in"].as_u64().expect("an integer");
    assert!((3590..=3600).contains(&left), "{left}");
    // GET → 405
    let r = nr()
        .get(&url)
        .query(&[("access_token", TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // another body type → 415
    let r = nr()
        .post(&url)
        .json(&json!({ "access_token": TOKEN }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    // an Accept without JSON → 406
    let r = nr()
        .post(&url)
        .header("Accept", "text/html")
        .form(&[("access_token", TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);
    // unknown → 404
    assert_eq!(
        token_info(&emu, "00000000-0000-4000-8000-000000000000")
            .await
            .0,
        404
    );
    // missing → 400
    let r = nr().post(&url).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

// ---- revocation, expiry, keys and accounts ----

#[tokio::test]
async fn revoked_and_expired_tokens_get_401() {
    let emu = Setup {
        token_ttl_s: Some(1),
        ..Setup::default()
    }
    .start()
    .await;
    let revoke = |token: String| {
        let emu = &emu;
        async move {
            emu.http
                .post(format!("{}/_emulator/revoke", emu.base))
                .json(&json!({ "access_token": token }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let code = code_for(&emu, "demo_user").await;
    let (s, v) = exchange(&emu, &code).await;
    assert_eq!(s, 200);
    assert_eq!(v["expires_in"], 1);
    let expiring = v["access_token"].as_str().unwrap().to_string();
    let revoked = sign_in(&emu, "demo_user_2").await;
    assert_eq!(v2(&emu, &revoked, KEY, "/info").await.0, 200);
    assert_eq!(revoke(revoked.clone()).await, 204);
    let (s, v) = v2(&emu, &revoked, KEY, "/info").await;
    assert_eq!(s, 401);
    assert_eq!(error_key(&v), "http.status.authentication.invalid_token");
    assert_eq!(token_info(&emu, &revoked).await.0, 404);
    assert_eq!(revoke("not-a-token".into()).await, 404);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (s, v) = v2(&emu, &expiring, KEY, "/info").await;
    assert_eq!(s, 401);
    assert_eq!(error_key(&v), "http.status.authentication.invalid_token");
    assert_eq!(token_info(&emu, &expiring).await.0, 404);
    // the fixed token does not expire; revoked, it is back after a reset
    assert_eq!(v2(&emu, TOKEN, KEY, "/info").await.0, 200);
    assert_eq!(revoke(TOKEN.into()).await, 204);
    assert_eq!(v2(&emu, TOKEN, KEY, "/info").await.0, 401);
    emu.control("reset", json!({})).await;
    assert_eq!(v2(&emu, TOKEN, KEY, "/info").await.0, 200);
}

#[tokio::test]
async fn each_token_reads_only_its_own_account() {
    let emu = two_accounts().await;
    let a = sign_in(&emu, "demo_user").await;
    let b = sign_in(&emu, "demo_user_2").await;
    let ids_a = all_ids(&emu, &a).await;
    let ids_b = all_ids(&emu, &b).await;
    assert_eq!(
        ids_a,
        all_ids(&emu, TOKEN).await,
        "demo_user's is account 1"
    );
    assert_ne!(ids_a, ids_b);
    assert!(ids_a.contains(&"9".to_string()) && !ids_b.contains(&"9".to_string()));
    // names differ too: another seed
    let (_, fa) = v2(&emu, &a, KEY, "/files/11").await;
    let (_, fb) = v2(&emu, &b, KEY, "/files/11").await;
    assert_ne!(fa["name"], fb["name"]);
    // hosted URLs of account 2 live under its prefix
    let url = fb["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/a/demo_user_2/ih/files/11.", emu.base)),
        "{url}"
    );
    let (kind, bytes) = emu.hosted(url).await;
    assert!(kind.starts_with("image/") || kind == "application/pdf");
    assert!(!bytes.is_empty());
    let thumb = fb["thumbnail"]["url"].as_str().unwrap();
    assert!(thumb.starts_with(&format!("{}/a/demo_user_2/ih/", emu.base)));
    emu.hosted(thumb).await;
    let url_a = fa["url"].as_str().unwrap();
    assert!(
        url_a.starts_with(&format!("{}/ih/files/11.", emu.base)),
        "{url_a}"
    );
    emu.hosted(&format!("{}/ih/files/9.jpg", emu.base)).await;
    for missing in [
        format!("{}/a/demo_user_2/ih/files/9.jpg", emu.base),
        format!("{}/a/nobody/ih/files/11.jpg", emu.base),
        format!("{}/a/demo_user/ih/files/9.jpg", emu.base),
    ] {
        let r = emu.http.get(&missing).send().await.unwrap();
        assert_eq!(r.status(), 404, "{missing}");
    }
    // a change in one account is not seen in the other
    let r = emu
        .http
        .post(format!("{}/v2/library/folders?api_key={KEY}", emu.base))
        .bearer_auth(&b)
        .json(&json!({ "name": "Only in two" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let (_, folders_a) = v2(&emu, &a, KEY, "/folders?limit=1000").await;
    let (_, folders_b) = v2(&emu, &b, KEY, "/folders?limit=1000").await;
    let names = |v: &Value| -> Vec<String> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names(&folders_b).contains(&"Only in two".to_string()));
    assert!(!names(&folders_a).contains(&"Only in two".to_string()));
    // usage is per account
    let (_, info_a) = v2(&emu, &a, KEY, "/info").await;
    let (_, info_b) = v2(&emu, &b, KEY, "/info").await;
    assert_eq!(info_a["usage_summary"]["file_count"], 30);
    assert_eq!(info_b["usage_summary"]["file_count"], 20);
    assert_ne!(
        info_a["usage_summary"]["total_bytes_used"],
        info_b["usage_summary"]["total_bytes_used"]
    );
}

#[tokio::test]
async fn an_upload_goes_to_the_tokens_account() {
    let emu = two_accounts().await;
    let b = sign_in(&emu, "demo_user_2").await;
    let form = reqwest::multipart::Form::new()
        .text("file_name", "mine.png")
        .text("folder_id", "0")
        .text("description", "account two")
        .text("source", "MYCOMPUTER")
        .text("file_type", "PNG")
        .part(
            "data",
            reqwest::multipart::Part::bytes(png(64, 48)).file_name("mine.png"),
        );
    let r = emu
        .http
        .post(format!("{}/v2/library/files?api_key={KEY}", emu.base))
        .bearer_auth(&b)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let id = r.headers()["id"].to_str().unwrap().to_string();
    assert_eq!(
        r.headers()["location"],
        format!("{}/v2/library/files/{id}", emu.base).as_str()
    );
    let (s, f) = v2(&emu, &b, KEY, &format!("/files/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(f["name"], "mine.png");
    assert_eq!(
        f["url"],
        format!("{}/a/demo_user_2/ih/files/{id}.png", emu.base).as_str()
    );
    emu.hosted(f["url"].as_str().unwrap()).await;
    let (s, f) = v2(&emu, TOKEN, KEY, &format!("/files/{id}")).await;
    assert!(s == 404 || f["name"] != "mine.png");
}

#[tokio::test]
async fn a_token_works_only_with_its_own_api_key() {
    let emu = Setup {
        extra_apps: vec![RegisteredApp {
            api_key: "other-key".into(),
            client_secret: "other-secret".into(),
            redirect_uris: Vec::new(),
            name: "Other app".into(),
        }],
        ..Setup::default()
    }
    .start()
    .await;
    let token = sign_in(&emu, "demo_user_2").await;
    assert_eq!(v2(&emu, &token, KEY, "/info").await.0, 200);
    let (s, v) = v2(&emu, &token, "other-key", "/info").await;
    assert_eq!(s, 401);
    assert_eq!(error_key(&v), "http.status.authentication.invalid_token");
    let (s, v) = v2(&emu, TOKEN, "other-key", "/info").await;
    assert_eq!(s, 401);
    assert_eq!(error_key(&v), "http.status.authentication.invalid_token");
    let (s, v) = v2(&emu, &token, "unknown-key", "/info").await;
    assert_eq!(s, 403);
    assert_eq!(error_key(&v), "mashery.not.authorized.inactive");
    // the other app signs in with its own name, secret and key
    let home = home(&emu);
    let form = open_form_for(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", "other-key"),
            ("redirect_uri", &home),
        ],
    )
    .await;
    let r = allow(&emu, &form, "demo_user").await;
    let code = query_of(&location(&r))["code"].clone();
    let (s, v) = exchange_with(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "other-key"),
            ("client_secret", "other-secret"),
            ("code", &code),
            ("redirect_uri", &home),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let other = v["access_token"].as_str().unwrap();
    assert_eq!(v2(&emu, other, "other-key", "/info").await.0, 200);
    assert_eq!(v2(&emu, other, KEY, "/info").await.0, 401);
    let (_, ti) = token_info(&emu, other).await;
    assert_eq!(ti["client_id"], "other-key");
}

#[tokio::test]
async fn reauthorizing_keeps_earlier_tokens_by_default() {
    let emu = emu().await;
    let first = sign_in(&emu, "demo_user_2").await;
    let second = sign_in(&emu, "demo_user_2").await;
    assert_ne!(first, second);
    assert_eq!(v2(&emu, &first, KEY, "/info").await.0, 200);
    assert_eq!(v2(&emu, &second, KEY, "/info").await.0, 200);
}

#[tokio::test]
async fn reauthorizing_revokes_earlier_tokens_with_the_flag() {
    let emu = Setup {
        revoke_on_reauthorize: true,
        ..Setup::default()
    }
    .start()
    .await;
    let first = sign_in(&emu, "demo_user_2").await;
    let other_account = sign_in(&emu, "demo_user").await;
    // the client flow issues a token too
    let form = open_form(&emu, "token", None).await;
    let r = allow(&emu, &form, "demo_user_2").await;
    let second = fragment_of(&location(&r))["access_token"].clone();
    assert_eq!(v2(&emu, &first, KEY, "/info").await.0, 401);
    assert_eq!(v2(&emu, &second, KEY, "/info").await.0, 200);
    assert_eq!(v2(&emu, &other_account, KEY, "/info").await.0, 200);
    let third = sign_in(&emu, "demo_user_2").await;
    assert_eq!(v2(&emu, &second, KEY, "/info").await.0, 401);
    assert_eq!(v2(&emu, &third, KEY, "/info").await.0, 200);
}

#[tokio::test]
async fn the_accounts_control_endpoint_lists_the_user_names() {
    let emu = Setup {
        accounts: Some(3),
        ..Setup::default()
    }
    .start()
    .await;
    let v: Value = emu
        .http
        .get(format!("{}/_emulator/accounts", emu.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v,
        json!([
            { "username": "demo_user" },
            { "username": "demo_user_2" },
            { "username": "demo_user_3" },
        ])
    );
    let token = sign_in(&emu, "demo_user_3").await;
    let (_, info) = v2(&emu, &token, KEY, "/info").await;
    assert_eq!(info["image_root"], format!("{}/a/demo_user_3", emu.base));
    // with no generated files (the seeds alone for account 1), the others are not empty
    assert_eq!(info["usage_summary"]["file_count"], 10);
    assert_eq!(info["usage_summary"]["folder_count"], 3);
    let three = all_ids(&emu, &token).await;
    let two = all_ids(&emu, &sign_in(&emu, "demo_user_2").await).await;
    assert_ne!(three, all_ids(&emu, TOKEN).await);
    let (_, f2) = v2(&emu, &sign_in(&emu, "demo_user_2").await, KEY, "/files/11").await;
    let (_, f3) = v2(&emu, &token, KEY, "/files/11").await;
    assert_eq!(two.len(), 10);
    assert_ne!((&f2["name"], &f2["size"]), (&f3["name"], &f3["size"]));
    let emu = Setup {
        accounts: Some(1),
        ..Setup::default()
    }
    .start()
    .await;
    let v: Value = emu
        .http
        .get(format!("{}/_emulator/accounts", emu.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v, json!([{ "username": "demo_user" }]));
}

#[tokio::test]
async fn reset_rebuilds_every_account_and_keeps_tokens() {
    let emu = two_accounts().await;
    let b = sign_in(&emu, "demo_user_2").await;
    let before = all_ids(&emu, &b).await;
    let r = emu
        .http
        .delete(format!(
            "{}/v2/library/files/{}?api_key={KEY}",
            emu.base, before[0]
        ))
        .bearer_auth(&b)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_ne!(all_ids(&emu, &b).await, before);
    emu.control("reset", json!({})).await;
    assert_eq!(all_ids(&emu, &b).await, before);
    assert_eq!(token_info(&emu, &b).await.0, 200);
}

#[tokio::test]
async fn an_account_scoped_fault_hits_only_that_account() {
    let emu = emu().await;
    let b = sign_in(&emu, "demo_user_2").await;
    emu.control(
        "faults",
        json!({ "status": 503, "body": "[]", "account": "demo_user_2", "count": 2 }),
    )
    .await;
    let listed: Value = emu
        .http
        .get(format!("{}/_emulator/faults", emu.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["account"], "demo_user_2");
    assert_eq!(v2(&emu, TOKEN, KEY, "/info").await.0, 200);
    assert_eq!(v2(&emu, "not-a-token", KEY, "/info").await.0, 401);
    assert_eq!(v2(&emu, &b, KEY, "/info").await.0, 503);
    // the iOS SDK's query parameter names the account too
    let r = emu
        .http
        .get(format!(
            "{}/v2/library/info?api_key={KEY}&access_token={b}",
            emu.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(v2(&emu, &b, KEY, "/info").await.0, 200);
    // one with no account hits every account
    emu.control("faults", json!({ "status": 502, "body": "[]", "count": 2 }))
        .await;
    assert_eq!(v2(&emu, TOKEN, KEY, "/info").await.0, 502);
    assert_eq!(v2(&emu, &b, KEY, "/info").await.0, 502);
    // a scoped fault does not change the auth errors of other requests
    emu.control(
        "faults",
        json!({ "status": 500, "body": "[]", "account": "demo_user" }),
    )
    .await;
    let (s, v) = v2(&emu, &b, "unknown-key", "/info").await;
    assert_eq!(s, 403);
    assert_eq!(error_key(&v), "mashery.not.authorized.inactive");
    assert_eq!(v2(&emu, TOKEN, KEY, "/info").await.0, 500);
}

#[tokio::test]
async fn sign_in_requests_are_logged_without_their_secrets() {
    let emu = emu().await;
    let home = home(&emu);
    let code = code_for(&emu, "demo_user").await;
    let (s, v) = exchange_with(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", KEY),
            ("client_secret", SECRET),
            ("code", &code),
            ("redirect_uri", &home),
        ],
    )
    .await;
    assert_eq!(s, 200);
    let token = v["access_token"].as_str().unwrap().to_string();
    let r = nr()
        .post(format!("{}{INFO_PATH}", emu.base))
        .query(&[("access_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let log = emu.log().await;
    let paths: Vec<&str> = log.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert!(
        paths.contains(&AUTHORIZE) && paths.contains(&TOKEN_PATH) && paths.contains(&INFO_PATH)
    );
    let exchange = log.iter().find(|e| e["path"] == TOKEN_PATH).unwrap();
    assert_eq!(exchange["status"], 200);
    let q = exchange["query"].as_str().unwrap();
    assert!(
        q.contains("code=REDACTED") && q.contains("client_secret=REDACTED"),
        "{q}"
    );
    assert!(q.contains("grant_type=authorization_code"));
    let text = serde_json::to_string(&log).unwrap();
    for secret in [code.as_str(), SECRET, token.as_str()] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

// ---- review fixes: single-use codes, replays by other clients, CORS, CSRF binding ----

/// The token request's parameters for `code` from `client_id`/`secret`, in a form body.
async fn exchange_form(
    base: &str,
    client_id: &str,
    secret: &str,
    code: &str,
    redirect: &str,
) -> (u16, Value) {
    let r = nr()
        .post(format!("{base}{TOKEN_PATH}"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("code", code),
            ("redirect_uri", redirect),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_exchanges_of_one_code_give_exactly_one_token() {
    /// Concurrent exchanges of each code, and codes tried.
    const N: usize = 8;
    const ROUNDS: usize = 20;
    let emu = emu().await;
    let home = home(&emu);
    // one client each, already connected, so that the exchanges reach the server together,
    // each on its own connection and so on its own server task
    let mut clients = Vec::new();
    for _ in 0..N {
        let c = nr();
        let r = c
            .get(format!("{}/_emulator/health", emu.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        clients.push(c);
    }
    for _ in 0..ROUNDS {
        let code = code_for(&emu, "demo_user_2").await;
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(N));
        let tasks: Vec<_> = clients
            .iter()
            .map(|c| {
                let c = c.clone();
                let url = format!("{}{TOKEN_PATH}", emu.base);
                let params = [
                    ("grant_type", "authorization_code".to_string()),
                    ("client_id", KEY.to_string()),
                    ("client_secret", SECRET.to_string()),
                    ("code", code.clone()),
                    ("redirect_uri", home.clone()),
                ];
                let start = start.clone();
                tokio::spawn(async move {
                    let req = c.post(url).form(&params);
                    start.wait().await;
                    let r = req.send().await.unwrap();
                    let s = r.status().as_u16();
                    (s, r.json::<Value>().await.unwrap())
                })
            })
            .collect();
        let mut issued = Vec::new();
        let mut refused = 0;
        for t in tasks {
            let (s, v) = t.await.unwrap();
            match s {
                200 => issued.push(v["access_token"].as_str().unwrap().to_string()),
                400 => {
                    assert_eq!(v["error"], "invalid_grant", "{v}");
                    refused += 1;
                }
                _ => panic!("{s} {v}"),
            }
        }
        assert_eq!(issued.len(), 1, "exactly one exchange succeeds: {issued:?}");
        assert_eq!(refused, N - 1);
        // a replay (the refusals above were replays too) leaves no token of this code alive
        let (s, v) = exchange(&emu, &code).await;
        assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));
        for token in &issued {
            assert_eq!(token_info(&emu, token).await.0, 404);
            let (s, v) = v2(&emu, token, KEY, "/info").await;
            assert_eq!(s, 401);
            assert_eq!(error_key(&v), "http.status.authentication.invalid_token");
        }
    }
    // other grants are untouched
    assert_eq!(v2(&emu, TOKEN, KEY, "/info").await.0, 200);
    let other = sign_in(&emu, "demo_user_2").await;
    assert_eq!(v2(&emu, &other, KEY, "/info").await.0, 200);
}

fn other_app() -> RegisteredApp {
    RegisteredApp {
        api_key: "other-key".into(),
        client_secret: "other-secret".into(),
        redirect_uris: Vec::new(),
        name: "Other app".into(),
    }
}

#[tokio::test]
async fn another_client_replaying_a_used_code_revokes_nothing() {
    let emu = Setup {
        extra_apps: vec![other_app()],
        ..Setup::default()
    }
    .start()
    .await;
    let home = home(&emu);
    let code = code_for(&emu, "demo_user_2").await;
    let (s, v) = exchange(&emu, &code).await;
    assert_eq!(s, 200, "{v}");
    let victim = v["access_token"].as_str().unwrap().to_string();
    // the other registered app, with its own good secret, replays the victim's used code
    for _ in 0..2 {
        let (s, v) = exchange_form(&emu.base, "other-key", "other-secret", &code, &home).await;
        assert_eq!(s, 400);
        assert_eq!(v["error"], "invalid_grant");
    }
    let (s, ti) = token_info(&emu, &victim).await;
    assert_eq!(s, 200, "the victim's token is still live");
    assert_eq!(ti["client_id"], KEY);
    assert_eq!(v2(&emu, &victim, KEY, "/info").await.0, 200);
    // the owner's own replay still revokes it
    let (s, _) = exchange(&emu, &code).await;
    assert_eq!(s, 400);
    assert_eq!(token_info(&emu, &victim).await.0, 404);
    assert_eq!(v2(&emu, &victim, KEY, "/info").await.0, 401);
}

#[tokio::test]
async fn the_consent_page_has_no_cors_headers_the_token_endpoints_do() {
    let emu = emu().await;
    let home = home(&emu);
    let evil = "http://evil.example";
    let acao = |r: &Response| r.headers().get("access-control-allow-origin").cloned();
    // the page, with its CSRF value
    let r = nr()
        .get(format!("{}{AUTHORIZE}", emu.base))
        .query(&[
            ("response_type", "code"),
            ("client_id", KEY),
            ("redirect_uri", home.as_str()),
        ])
        .header("Origin", evil)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(acao(&r), None);
    assert!(r.headers().get("access-control-expose-headers").is_none());
    // its error page
    let r = nr()
        .get(format!("{}{AUTHORIZE}?client_id=nobody", emu.base))
        .header("Origin", evil)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(acao(&r), None);
    // the form's answer
    let form = open_form(&emu, "code", None).await;
    let r = allow(&emu, &form, "demo_user").await;
    assert_eq!(r.status(), 302);
    assert_eq!(acao(&r), None);
    // no preflight either
    let r = nr()
        .request(reqwest::Method::OPTIONS, format!("{}{AUTHORIZE}", emu.base))
        .header("Origin", evil)
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(acao(&r), None);
    assert!(r.headers().get("access-control-allow-methods").is_none());
    // the token endpoint and token info keep CORS, preflight included
    let code = code_for(&emu, "demo_user").await;
    let r = nr()
        .post(format!("{}{TOKEN_PATH}", emu.base))
        .header("Origin", evil)
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", KEY),
            ("client_secret", SECRET),
            ("code", code.as_str()),
            ("redirect_uri", home.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(acao(&r).unwrap(), "*");
    let r = nr()
        .post(format!("{}{INFO_PATH}", emu.base))
        .header("Origin", evil)
        .form(&[("access_token", TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(acao(&r).unwrap(), "*");
    for path in [TOKEN_PATH, INFO_PATH] {
        let r = nr()
            .request(reqwest::Method::OPTIONS, format!("{}{path}", emu.base))
            .header("Origin", evil)
            .header("Access-Control-Request-Method", "POST")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "{path}");
        assert_eq!(acao(&r).unwrap(), "*", "{path}");
    }
}

#[tokio::test]
async fn a_csrf_value_approves_only_the_request_it_was_issued_for() {
    let emu = emu().await;
    let home = home(&emu);
    let approve = [("username", "demo_user"), ("user_oauth_approval", "true")];
    let issued = open_form(&emu, "code", Some("mine")).await;
    // the same CSRF value and cookie, with another request's fields
    let with = |changes: &[(&str, Option<&str>)]| {
        let mut fields: Vec<(String, String)> = issued
            .fields
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .cloned()
            .collect();
        for (k, v) in changes {
            if let Some(v) = v {
                fields.push((k.to_string(), v.to_string()));
            }
        }
        Form {
            fields,
            cookie: issued.cookie.clone(),
        }
    };
    let other_redirect = format!("{home}?x=1");
    let others = [
        with(&[("state", Some("attacker"))]),
        with(&[("state", None)]),
        with(&[("response_type", Some("token"))]),
        with(&[("redirect_uri", Some(&other_redirect))]),
    ];
    for forged in &others {
        assert_eq!(forged.csrf(), issued.csrf());
        let r = submit(&emu, forged, &approve, Some(&forged.cookie)).await;
        assert_eq!(r.status(), 400, "{:?}", forged.fields);
        assert!(r.headers().get("location").is_none());
    }
    // none of them used it up: the request it was issued for still goes through, once
    let r = submit(&emu, &issued, &approve, Some(&issued.cookie)).await;
    assert_eq!(r.status(), 302);
    let q = query_of(&location(&r));
    assert_eq!(q["state"], "mine");
    assert!(q.contains_key("code"));
    let r = submit(&emu, &issued, &approve, Some(&issued.cookie)).await;
    assert_eq!(r.status(), 400);
}

// ---- review fixes: the rules the tests did not reach ----

#[tokio::test]
async fn the_token_endpoint_refuses_other_methods_bodies_and_repeated_or_missing_parameters() {
    let emu = emu().await;
    let home = home(&emu);
    let url = format!("{}{TOKEN_PATH}", emu.base);
    let code = code_for(&emu, "demo_user").await;
    let good: Vec<(&str, &str)> = vec![
        ("grant_type", "authorization_code"),
        ("client_id", KEY),
        ("client_secret", SECRET),
        ("code", &code),
        ("redirect_uri", &home),
    ];
    let error_of = |r: Response| async move {
        let s = r.status().as_u16();
        let allow = r
            .headers()
            .get("allow")
            .map(|a| a.to_str().unwrap().to_string());
        assert_eq!(r.headers()["cache-control"], "no-store");
        let v: Value = r.json().await.unwrap();
        assert!(
            v["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
        (s, v["error"].as_str().unwrap().to_string(), allow)
    };
    // other methods, with every parameter good
    for method in [reqwest::Method::PUT, reqwest::Method::DELETE] {
        let r = nr()
            .request(method.clone(), &url)
            .query(&good)
            .send()
            .await
            .unwrap();
        let (s, e, allow) = error_of(r).await;
        assert_eq!((s, e.as_str()), (405, "invalid_request"), "{method}");
        assert_eq!(allow.as_deref(), Some("GET, POST"));
    }
    // a body that is not a form, beside a good query
    let bodies = [
        (
            "application/json",
            serde_json::to_string(&json!({ "code": code })).unwrap(),
        ),
        ("text/plain", format!("code={code}")),
    ];
    for (ct, body) in bodies {
        let r = nr()
            .post(&url)
            .query(&good)
            .header("Content-Type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        let (s, e, _) = error_of(r).await;
        assert_eq!((s, e.as_str()), (400, "invalid_request"), "{ct}");
    }
    // a parameter given twice with different values (here or across query and body)
    for name in ["code", "client_id", "redirect_uri", "grant_type"] {
        let r = nr()
            .post(&url)
            .query(&good)
            .form(&[(name, "something-else")])
            .send()
            .await
            .unwrap();
        let (s, e, _) = error_of(r).await;
        assert_eq!((s, e.as_str()), (400, "invalid_request"), "{name}");
    }
    let mut twice = good.clone();
    twice.push(("client_secret", "wrong"));
    let r = nr().post(&url).form(&twice).send().await.unwrap();
    let (s, e, _) = error_of(r).await;
    assert_eq!((s, e.as_str()), (400, "invalid_request"));
    // the same value twice is the value
    // (checked last, below, with the exchange that succeeds)
    // a missing client_secret or client_id
    for missing in ["client_secret", "client_id"] {
        let params: Vec<_> = good.iter().filter(|(k, _)| *k != missing).collect();
        let r = nr().post(&url).form(&params).send().await.unwrap();
        let (s, e, _) = error_of(r).await;
        assert_eq!((s, e.as_str()), (401, "invalid_client"), "{missing}");
    }
    // an empty one is missing too
    let params: Vec<_> = good
        .iter()
        .map(|&(k, v)| {
            if k == "client_secret" {
                (k, "")
            } else {
                (k, v)
            }
        })
        .collect();
    let r = nr().post(&url).form(&params).send().await.unwrap();
    let (s, e, _) = error_of(r).await;
    assert_eq!((s, e.as_str()), (401, "invalid_client"));
    // none of the refusals used the code up
    let mut same_twice = good.clone();
    same_twice.push(("code", &code));
    let r = nr().post(&url).form(&same_twice).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn repeated_authorization_parameters_get_an_error_page() {
    let emu = emu().await;
    let home = home(&emu);
    let home_q = format!("{home}?x=1");
    let base: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", KEY),
        ("redirect_uri", &home),
        ("state", "s1"),
    ];
    let repeated = [
        ("redirect_uri", home_q.as_str()),
        ("response_type", "token"),
        ("state", "s2"),
        ("client_id", "other"),
    ];
    for (name, value) in repeated {
        let mut params = base.clone();
        params.push((name, value));
        let r = authorize_get(&emu, &params).await;
        assert_eq!(r.status(), 400, "{name}");
        assert!(r.headers().get("location").is_none(), "{name}");
        assert!(csrf_cookie(&r).is_none(), "{name}");
        let html = r.text().await.unwrap();
        assert!(html.contains("more than once"), "{html}");
    }
    // the same on the form's POST, which does not use up its CSRF value
    let form = open_form(&emu, "code", Some("s1")).await;
    for (name, value) in repeated {
        let r = submit(
            &emu,
            &form,
            &[
                (name, value),
                ("username", "demo_user"),
                ("user_oauth_approval", "true"),
            ],
            Some(&form.cookie),
        )
        .await;
        assert_eq!(r.status(), 400, "{name}");
        assert!(r.headers().get("location").is_none(), "{name}");
    }
    let r = allow(&emu, &form, "demo_user").await;
    assert_eq!(r.status(), 302);
    assert_eq!(query_of(&location(&r))["state"], "s1");
}

#[tokio::test]
async fn token_info_refuses_other_methods_and_body_types() {
    let emu = emu().await;
    let url = format!("{}{INFO_PATH}", emu.base);
    for method in [reqwest::Method::PUT, reqwest::Method::DELETE] {
        let r = nr()
            .request(method.clone(), &url)
            .form(&[("access_token", TOKEN)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method}");
        assert_eq!(r.headers()["allow"], "POST");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"], "method_not_allowed");
    }
    let r = nr()
        .post(&url)
        .header("Content-Type", "text/plain")
        .body(format!("access_token={TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "unsupported_media_type");
    let r = nr()
        .post(&url)
        .multipart(reqwest::multipart::Form::new().text("access_token", TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    // the token is fine: a form says so
    assert_eq!(token_info(&emu, TOKEN).await.0, 200);
}

#[tokio::test]
async fn token_info_reads_the_query_only_when_there_is_no_body() {
    let emu = emu().await;
    let url = format!("{}{INFO_PATH}", emu.base);
    // a form body without access_token: the query's good token does not count
    let r = nr()
        .post(&url)
        .query(&[("access_token", TOKEN)])
        .form(&[("other", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "invalid_request");
    // a body's token is the one looked up, whatever the query holds
    let r = nr()
        .post(&url)
        .query(&[("access_token", TOKEN)])
        .form(&[("access_token", "00000000-0000-4000-8000-000000000000")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = nr()
        .post(&url)
        .query(&[("access_token", "00000000-0000-4000-8000-000000000000")])
        .form(&[("access_token", TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // no body: the query
    let r = nr()
        .post(&url)
        .query(&[("access_token", TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn two_accounts_share_their_api_keys_rate_window() {
    let emu = Setup {
        qps: 2,
        extra_apps: vec![other_app()],
        ..Setup::default()
    }
    .start()
    .await;
    let b = sign_in(&emu, "demo_user_2").await;
    // a token of the other app, for account 2 as well
    let home = home(&emu);
    let form = open_form_for(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", "other-key"),
            ("redirect_uri", &home),
        ],
    )
    .await;
    let r = allow(&emu, &form, "demo_user_2").await;
    let code = query_of(&location(&r))["code"].clone();
    let (s, v) = exchange_form(&emu.base, "other-key", "other-secret", &code, &home).await;
    assert_eq!(s, 200, "{v}");
    let other = v["access_token"].as_str().unwrap().to_string();
    // account 1 uses the key's window up; account 2's request under the same key is refused
    let (one, two) = tokio::join!(v2(&emu, TOKEN, KEY, "/info"), v2(&emu, TOKEN, KEY, "/info"));
    assert_eq!((one.0, two.0), (200, 200));
    let (s, v) = v2(&emu, &b, KEY, "/info").await;
    assert_eq!(s, 403);
    assert_eq!(error_key(&v), "mashery.not.authorized.over.qps");
    // the other api key has its own window
    assert_eq!(v2(&emu, &other, "other-key", "/info").await.0, 200);
    // once the window has passed, account 2 gets in
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(v2(&emu, &b, KEY, "/info").await.0, 200);
}

#[tokio::test]
async fn a_redirect_uri_holding_an_answer_parameter_is_refused() {
    let emu = emu().await;
    let home = home(&emu);
    let mut uris: Vec<String> = [
        "code",
        "state",
        "username",
        "error",
        "error_description",
        "access_token",
        "token_type",
        "expires_in",
    ]
    .iter()
    .map(|p| format!("{home}?{p}=planted"))
    .collect();
    uris.push(format!("{home}?next=1&state=planted"));
    uris.push(format!("{home}?co%64e=planted"));
    uris.push(format!("{home}?code"));
    for uri in &uris {
        for response_type in ["code", "token"] {
            let r = authorize_get(
                &emu,
                &[
                    ("response_type", response_type),
                    ("client_id", KEY),
                    ("redirect_uri", uri),
                    ("state", "s"),
                ],
            )
            .await;
            assert_eq!(r.status(), 400, "{uri}");
            assert!(r.headers().get("location").is_none(), "{uri}");
            assert!(csrf_cookie(&r).is_none(), "{uri}");
        }
        // and on the form's POST, with a good CSRF value
        let form = open_form(&emu, "code", None).await;
        let mut fields: Vec<(String, String)> = form
            .fields
            .iter()
            .filter(|(k, _)| k != "redirect_uri")
            .cloned()
            .collect();
        fields.push(("redirect_uri".into(), uri.clone()));
        let forged = Form {
            fields,
            cookie: form.cookie.clone(),
        };
        let r = allow(&emu, &forged, "demo_user").await;
        assert_eq!(r.status(), 400, "{uri}");
        assert!(r.headers().get("location").is_none(), "{uri}");
    }
    // another added query is fine, a parameter whose name only starts like one too
    for uri in [format!("{home}?next=1"), format!("{home}?codes=1")] {
        let r = authorize_get(
            &emu,
            &[
                ("response_type", "code"),
                ("client_id", KEY),
                ("redirect_uri", &uri),
            ],
        )
        .await;
        assert_eq!(r.status(), 200, "{uri}");
    }
    // a registered URI that holds one is refused as well
    let emu = Setup {
        redirect_uris: vec!["http://app.example/cb?state=fixed".into()],
        ..Setup::default()
    }
    .start()
    .await;
    let r = authorize_get(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", KEY),
            ("redirect_uri", "http://app.example/cb?state=fixed"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
}

#[tokio::test]
async fn the_request_log_redacts_the_state() {
    let emu = emu().await;
    let home = home(&emu);
    let state = "secret-state-0123456789";
    let r = authorize_get(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", KEY),
            ("redirect_uri", &home),
            ("state", state),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let log = emu.log().await;
    let entry = log.iter().find(|e| e["path"] == AUTHORIZE).unwrap();
    let q = entry["query"].as_str().unwrap();
    assert!(q.contains("state=REDACTED"), "{q}");
    assert!(q.contains("response_type=code"), "{q}");
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains(state), "{text}");
}
