//! The server, started as a process (the binary cargo builds for this test), against an
//! emulator in this process, driven as a browser would drive it but without one: cookies kept
//! per host (as browsers do, whatever the port), redirects followed by hand, the consent page
//! read and its form posted.
//!
//! The OAuth2 server is reached through a recording proxy in this process, so that the test
//! learns the access token the emulator gave the server, and can check that no answer of the
//! server (status, headers, body) and no line of its log ever holds it.

use ctct_mylibrary::Client;
use ctct_mylibrary::models::LibraryFile;
use ctct_mylibrary::oauth;
use ctct_mylibrary::url::{encode_component, percent_decode};
use mylibrary_emulator::{Config, Running};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "axum-example-key-1234";
const TOKEN: &str = "axum-example-fixed-token-5678";
const SECRET: &str = "axum-example-client-secret-0000";
/// The HTML pages' policy, as the issue asks (plus `base-uri 'none'`).
const HTML_CSP: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// ---------------------------------------------------------------- the pieces

/// What the server answered (the request, then the answer: its status, headers and body as
/// text), kept for the final leak check.
type Record = Arc<Mutex<Vec<(String, String)>>>;

/// The emulator (in this process), the recording proxy in front of its OAuth2 server, and the
/// server (a process), stopped when dropped.
struct Setup {
    emulator: Running,
    em: String,
    app: Child,
    origin: String,
    /// Every byte the OAuth2 server sent through the proxy.
    oauth_seen: Arc<Mutex<Vec<u8>>>,
    /// The server's log (its stderr).
    app_log: Arc<Mutex<String>>,
    /// Every answer of the server, as text.
    record: Record,
    http: reqwest::Client,
}

impl Setup {
    async fn start() -> Setup {
        // The server's port first: the emulator must know the redirect URI.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let origin = format!("http://127.0.0.1:{port}");
        let mut config = Config {
            port: 0,
            api_key: KEY.into(),
            access_token: TOKEN.into(),
            client_secret: SECRET.into(),
            redirect_uris: vec![format!("{origin}/auth/callback")],
            accounts: 2,
            ..Config::default()
        };
        config.dataset.files = 60;
        config.dataset.folders = 6;
        config.runtime.qps = 0;
        let emulator = mylibrary_emulator::start(config).await.unwrap();
        let em = emulator.url();
        let (proxy, oauth_seen) = recording_proxy(emulator.addr).await;
        let mut app = Command::new(env!("CARGO_BIN_EXE_mylibrary-axum"))
            .env_remove("APP_ORIGIN")
            .env_remove("CLIENT_SECRET_FILE")
            .env("API_KEY", KEY)
            .env("CLIENT_SECRET", SECRET)
            .env("API_BASE", format!("{em}/v2"))
            .env("OAUTH_BASE", format!("http://{proxy}/oauth2"))
            .env("LISTEN", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let app_log = Arc::new(Mutex::new(String::new()));
        let mut stderr = app.stderr.take().unwrap();
        let log = app_log.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buf[..n]).to_string();
                eprint!("{text}");
                log.lock().unwrap().push_str(&text);
            }
        });
        let mut out = BufReader::new(app.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert!(
            line.starts_with(&format!("mylibrary-axum listening on {origin} ")),
            "the first line: {line:?}; the log: {}",
            app_log.lock().unwrap()
        );
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Setup {
            emulator,
            em,
            app,
            origin,
            oauth_seen,
            app_log,
            record: Record::default(),
            http: reqwest::Client::new(),
        }
    }

    fn browser(&self) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: Vec::new(),
            origin: self.origin.clone(),
            record: self.record.clone(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The emulator's log since the last clear: (method, path, status).
    async fn log(&self) -> Vec<(String, String, u64)> {
        let log = self
            .http
            .get(format!("{}/_emulator/log", self.em))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let log: Value = serde_json::from_str(&log).unwrap();
        log.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["method"].as_str().unwrap().to_string(),
                    e["path"].as_str().unwrap().to_string(),
                    e["status"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    async fn clear_log(&self) {
        self.http
            .delete(format!("{}/_emulator/log", self.em))
            .send()
            .await
            .unwrap();
    }

    /// The access tokens the OAuth2 server gave out through the proxy.
    fn tokens_given(&self) -> Vec<String> {
        let seen = String::from_utf8_lossy(&self.oauth_seen.lock().unwrap()).to_string();
        let mut tokens = Vec::new();
        let mut rest = seen.as_str();
        while let Some(at) = rest.find("\"access_token\"") {
            rest = &rest[at + "\"access_token\"".len()..];
            let value = rest.trim_start_matches([':', ' ', '"']);
            let token: String = value.chars().take_while(|c| *c != '"').collect();
            tokens.push(token);
        }
        tokens
    }

    /// A client of the API with `token`, straight to the emulator.
    fn client(&self, token: &str) -> Client {
        Client::builder()
            .api_key(KEY)
            .access_token(token)
            .base_url(format!("{}/v2", self.em))
            .requests_per_second(0)
            .build()
            .unwrap()
    }

    /// Every file of a library, in the API's order.
    async fn all_files(&self, token: &str) -> Vec<LibraryFile> {
        use futures_util::TryStreamExt;
        self.client(token)
            .files()
            .list()
            .limit(1000)
            .stream()
            .try_collect()
            .await
            .unwrap()
    }

    /// Checks that nothing the server answered, and nothing it logged, holds a secret.
    fn assert_nothing_holds(&self, secrets: &[&str]) {
        let record = self.record.lock().unwrap();
        assert!(record.len() > 10, "the answers were recorded");
        let log = self.app_log.lock().unwrap();
        for secret in secrets {
            assert!(secret.len() >= 10, "a secret to look for: {secret:?}");
            for (request, answer) in record.iter() {
                assert!(
                    !answer.contains(secret),
                    "the answer to {request} holds a secret:\n{answer}"
                );
            }
            assert!(
                !log.contains(secret),
                "the server's log holds a secret:\n{log}"
            );
        }
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = self.app.kill();
        let _ = self.app.wait();
        self.emulator.task.abort();
    }
}

/// A TCP proxy to `upstream` that keeps a copy of every byte the upstream sends.
async fn recording_proxy(upstream: SocketAddr) -> (SocketAddr, Arc<Mutex<Vec<u8>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    tokio::spawn(async move {
        while let Ok((down, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let Ok(up) = tokio::net::TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut up_read, mut up_write) = up.into_split();
                let (mut down_read, mut down_write) = down.into_split();
                let ask = async {
                    let _ = tokio::io::copy(&mut down_read, &mut up_write).await;
                    let _ = up_write.shutdown().await;
                };
                let answer = async {
                    let mut buf = [0u8; 8192];
                    while let Ok(n) = up_read.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        kept.lock().unwrap().extend_from_slice(&buf[..n]);
                        if down_write.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = down_write.shutdown().await;
                };
                tokio::join!(ask, answer);
            });
        }
    });
    (addr, seen)
}

/// An answer, read whole.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
    fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }
    fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
    }
}

/// A browser without a browser: a cookie jar for the host 127.0.0.1 (cookies ignore ports),
/// no redirects followed.
struct Browser {
    http: reqwest::Client,
    /// (name, value, path)
    jar: Vec<(String, String, String)>,
    origin: String,
    record: Record,
}

impl Browser {
    async fn request(
        &mut self,
        method: reqwest::Method,
        url: &str,
        form: Option<String>,
        origin: Option<&str>,
    ) -> Answer {
        let path = url.splitn(4, '/').nth(3).map_or("/".to_string(), |p| {
            format!("/{}", p.split(['?', '#']).next().unwrap())
        });
        let mut sent: Vec<&(String, String, String)> = self
            .jar
            .iter()
            .filter(|(_, _, p)| {
                path == *p
                    || (path.starts_with(p.as_str())
                        && (p.ends_with('/') || path[p.len()..].starts_with('/')))
            })
            .collect();
        sent.sort_by_key(|(_, _, p)| std::cmp::Reverse(p.len()));
        let cookie = sent
            .iter()
            .map(|(n, v, _)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut r = self.http.request(method.clone(), url);
        if !cookie.is_empty() {
            r = r.header("cookie", cookie);
        }
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        if let Some(body) = form {
            r = r
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let answer = r.send().await.unwrap();
        let answer = Answer {
            status: answer.status().as_u16(),
            headers: answer.headers().clone(),
            body: answer.bytes().await.unwrap().to_vec(),
        };
        for c in answer.set_cookies() {
            let mut parts = c.split(';').map(str::trim);
            let (name, value) = parts.next().unwrap().split_once('=').unwrap();
            let mut cookie_path = "/".to_string();
            let mut gone = false;
            for attr in parts {
                let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
                match k.to_ascii_lowercase().as_str() {
                    "path" => cookie_path = v.to_string(),
                    "max-age" => gone = v.parse::<i64>().unwrap() <= 0,
                    _ => {}
                }
            }
            self.jar
                .retain(|(n, _, p)| !(n == name && *p == cookie_path));
            if !gone {
                self.jar.push((name.into(), value.into(), cookie_path));
            }
        }
        if url.starts_with(&self.origin) {
            let mut dump = format!("{}\n", answer.status);
            for (k, v) in &answer.headers {
                dump.push_str(&format!("{k}: {}\n", v.to_str().unwrap_or("(not text)")));
            }
            dump.push_str(&answer.text());
            self.record
                .lock()
                .unwrap()
                .push((format!("{method} {url}"), dump));
        }
        answer
    }

    async fn get(&mut self, url: &str) -> Answer {
        self.request(reqwest::Method::GET, url, None, None).await
    }

    async fn post(&mut self, url: &str, form: String, origin: Option<&str>) -> Answer {
        self.request(reqwest::Method::POST, url, Some(form), origin)
            .await
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.jar
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v.as_str())
    }

    /// Through the consent page as `username`: Allow or Deny; where it sends the browser back.
    async fn consent(&mut self, authorize_url: &str, username: &str, allow: bool) -> String {
        let page = self.get(authorize_url).await;
        assert_eq!(page.status, 200, "the consent page: {}", page.text());
        let html = page.text();
        let mut form = Vec::new();
        let mut rest = html.as_str();
        while let Some(at) = rest.find("<input type=\"hidden\" name=\"") {
            rest = &rest[at + 27..];
            let (name, after) = rest.split_once("\" value=\"").unwrap();
            let (value, after) = after.split_once("\">").unwrap();
            form.push((name.to_string(), unescape(value)));
            rest = after;
        }
        assert!(
            html.contains(&format!(
                "<input type=\"radio\" name=\"username\" value=\"{username}\""
            )),
            "no account {username}"
        );
        form.push(("username".into(), username.into()));
        form.push(("user_oauth_approval".into(), allow.to_string()));
        let action = html
            .split_once("<form method=\"post\" action=\"")
            .and_then(|(_, a)| a.split_once('"'))
            .map(|(a, _)| unescape(a))
            .unwrap();
        let page_origin: String = authorize_url
            .splitn(4, '/')
            .take(3)
            .collect::<Vec<_>>()
            .join("/");
        let action = if action.starts_with('/') {
            format!("{page_origin}{action}")
        } else {
            action
        };
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
            .collect::<Vec<_>>()
            .join("&");
        let answer = self.post(&action, body, Some(&page_origin)).await;
        assert_eq!(answer.status, 302, "the consent answer: {}", answer.text());
        answer.header("location").unwrap().to_string()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The page's files, in order: the values of `data-file-id`.
fn listed_ids(html: &str) -> Vec<String> {
    html.split("<li data-file-id=\"")
        .skip(1)
        .map(|s| unescape(s.split('"').next().unwrap()))
        .collect()
}

/// The page's link to the next page: its cursor.
fn next_cursor(html: &str) -> Option<String> {
    let (_, after) = html.split_once("<a rel=\"next\" href=\"/?next=")?;
    let raw = unescape(after.split('"').next().unwrap());
    percent_decode(&raw)
}

/// The query parameter `name` of `url`, decoded.
fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next().unwrap();
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| percent_decode(&v.replace('+', " ")).unwrap())
    })
}

fn assert_html_headers(a: &Answer) {
    assert_eq!(a.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(a.header("content-security-policy"), Some(HTML_CSP));
    assert_eq!(a.header("x-frame-options"), Some("DENY"));
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    // Not `no-referrer`: browsers would then send `Origin: null` with the sign-out POST.
    assert_eq!(a.header("referrer-policy"), Some("same-origin"));
    assert_eq!(a.header("cache-control"), Some("no-store"));
    assert!(!a.text().contains("<script"), "no script");
}

/// Starts a sign-in: `/auth/login` sets the state cookie and sends the browser to the consent
/// page. The consent page's URL.
async fn start_sign_in(s: &Setup, b: &mut Browser) -> String {
    let login = b.get(&s.url("/auth/login")).await;
    assert_eq!(login.status, 303);
    let to = login.header("location").unwrap().to_string();
    let state = param(&to, "state").unwrap();
    assert_eq!(state.len(), 43, "32 random bytes");
    assert_eq!(
        login.set_cookie("mylibrary_state"),
        Some(
            format!(
                "mylibrary_state={state}; Path=/auth/callback; Max-Age=600; HttpOnly; SameSite=Lax"
            )
            .as_str()
        ),
        "the state is bound to this browser"
    );
    assert_eq!(param(&to, "response_type").as_deref(), Some("code"));
    assert_eq!(param(&to, "client_id").as_deref(), Some(KEY));
    assert_eq!(param(&to, "redirect_uri"), Some(s.url("/auth/callback")));
    assert!(to.contains("/oauth2/oauth/siteowner/authorize?"), "{to}");
    to
}

// ---------------------------------------------------------------- the journey

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_in_lists_the_library_serves_its_thumbnails_and_signs_out() {
    let s = Setup::start().await;
    let mut b = s.browser();

    // Signed out: the sign-in link, strict headers, no cookie.
    let home = b.get(&s.url("/")).await;
    assert_eq!(home.status, 200);
    assert_html_headers(&home);
    assert!(
        home.text()
            .contains("<a class=\"signin\" href=\"/auth/login\">Sign in with Constant Contact</a>")
    );
    assert!(home.set_cookies().is_empty());
    // No thumbnail without a session, and nothing asked of the API.
    s.clear_log().await;
    assert_eq!(b.get(&s.url("/thumbs/9")).await.status, 401);
    assert!(
        s.log().await.is_empty(),
        "nothing sent: {:?}",
        s.log().await
    );

    // The consent page, as demo_user_2.
    let consent = start_sign_in(&s, &mut b).await;
    let back = b.consent(&consent, "demo_user_2", true).await;
    assert!(back.starts_with(&s.url("/auth/callback?code=")), "{back}");
    let code = param(&back, "code").unwrap();
    let state = param(&back, "state").unwrap();

    // Forged answers first: another state, and the right answer in a browser that did not
    // start this sign-in. Neither exchanges the code.
    s.clear_log().await;
    let forged = back.replace(
        &format!("state={state}"),
        "state=not-the-state-at-all-0000000000000000000",
    );
    let a = b.get(&forged).await;
    assert_eq!(a.status, 400);
    assert!(
        a.set_cookies().is_empty(),
        "no session, and the state stays: {:?}",
        a.set_cookies()
    );
    let mut stranger = s.browser();
    let a = stranger.get(&back).await;
    assert_eq!(a.status, 400);
    assert!(a.text().contains("did not start in this browser"));
    assert!(stranger.jar.is_empty());
    for not_an_answer in [
        "/auth/callback",
        "/auth/callback?nothing=here",
        "/auth/callback?code=a&code=b&state=x",
    ] {
        let a = b.get(&s.url(not_an_answer)).await;
        assert_eq!(a.status, 400, "{not_an_answer}");
        assert!(a.set_cookies().is_empty(), "the state stays");
    }
    assert!(s.log().await.is_empty(), "no exchange: {:?}", s.log().await);

    // The real answer: the code is exchanged on the server, a session starts.
    let a = b.get(&back).await;
    assert_eq!(a.status, 303, "{}", a.text());
    assert_eq!(a.header("location"), Some("/"));
    let sid = b.cookie("mylibrary_session").unwrap().to_string();
    assert_eq!(sid.len(), 43);
    assert_eq!(
        a.set_cookie("mylibrary_session"),
        Some(
            format!("mylibrary_session={sid}; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax")
                .as_str()
        )
    );
    assert!(
        a.set_cookies()
            .contains(&"mylibrary_state=; Path=/auth/callback; Max-Age=0; HttpOnly; SameSite=Lax")
    );
    assert_eq!(b.cookie("mylibrary_state"), None);
    let oauth: Vec<_> = s
        .log()
        .await
        .into_iter()
        .map(|(m, p, st)| format!("{m} {p} {st}"))
        .collect();
    assert_eq!(
        oauth,
        [
            "POST /oauth2/oauth/token 200",
            "POST /oauth2/tokeninfo.htm 200"
        ]
    );
    // The token the server holds (seen by the proxy): demo_user_2's, for this app.
    let tokens = s.tokens_given();
    assert_eq!(tokens.len(), 1, "one exchange");
    let token = tokens[0].clone();
    let info = oauth::token_info(&token)
        .oauth_base_url(format!("{}/oauth2", s.em))
        .await
        .unwrap();
    assert_eq!(
        (info.user_name.as_str(), info.client_id.as_str()),
        ("demo_user_2", KEY)
    );
    // The answer cannot be used twice.
    assert_eq!(b.get(&back).await.status, 400);

    // The library, as the API lists it for demo_user_2.
    let api = s.client(&token);
    let first = api.files().list().limit(50).send().await.unwrap();
    let second = api
        .files()
        .list()
        .next(first.next.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(first.items.len(), 50);
    assert_eq!(second.items.len(), 10);
    assert!(second.next.is_none());
    let theirs = s.all_files(&token).await;
    let mine = s.all_files(TOKEN).await; // demo_user's
    let ids = |files: &[LibraryFile]| files.iter().map(|f| f.id.clone()).collect::<Vec<_>>();

    s.clear_log().await;
    let home = b.get(&s.url("/")).await;
    assert_eq!(home.status, 200);
    assert_html_headers(&home);
    let html = home.text();
    assert!(html.contains("Signed in as <strong class=\"user\">demo_user_2</strong>"));
    assert!(html.contains("<form method=\"post\" action=\"/auth/logout\"><button type=\"submit\">Sign out</button></form>"));
    assert!(!html.contains("Sign in with Constant Contact"));
    assert_eq!(
        listed_ids(&html),
        ids(&first.items),
        "the page lists the API's first page"
    );
    for f in &first.items {
        assert!(
            html.contains(&format!("<span class=\"name\">{}</span>", escape(&f.name))),
            "{}",
            f.name
        );
        if let Some(t) = &f.thumbnail {
            assert!(html.contains(&format!(
                "<img src=\"/thumbs/{}\" width=\"{}\" height=\"{}\"",
                f.id, t.width, t.height
            )));
        }
    }
    assert_eq!(
        next_cursor(&html),
        first.next.as_ref().map(|c| c.to_string())
    );
    assert_eq!(
        s.log().await,
        [("GET".to_string(), "/v2/library/files".to_string(), 200)],
        "one listing"
    );

    // A thumbnail of a file of the page: the API's thumbnail URL's bytes, fetched by the
    // server, without asking the API again.
    let listed = first.items.iter().find(|f| f.thumbnail.is_some()).unwrap();
    let thumb_url = &listed.thumbnail.as_ref().unwrap().url;
    let direct = s.http.get(thumb_url).send().await.unwrap();
    let direct_type = direct.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let direct = direct.bytes().await.unwrap();
    s.clear_log().await;
    let a = b.get(&s.url(&format!("/thumbs/{}", listed.id))).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(
        a.body,
        direct.as_ref(),
        "the API's thumbnail, byte for byte"
    );
    assert!(a.header("content-type").unwrap().starts_with("image/"));
    assert_eq!(a.header("content-type"), Some(direct_type.as_str()));
    assert_eq!(a.header("cache-control"), Some("private, max-age=3600"));
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    let hosted = thumb_url.strip_prefix(&s.em).unwrap().to_string();
    assert!(hosted.starts_with("/a/demo_user_2/ih/"), "{hosted}");
    assert_eq!(s.log().await, [("GET".to_string(), hosted, 200)]);

    // A file of the second page, not listed yet: looked up through the client first.
    let later = second.items.iter().find(|f| f.thumbnail.is_some()).unwrap();
    let later_url = later.thumbnail.as_ref().unwrap().url.clone();
    let direct = s
        .http
        .get(&later_url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    s.clear_log().await;
    let a = b.get(&s.url(&format!("/thumbs/{}", later.id))).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body, direct.as_ref());
    assert_eq!(
        s.log().await,
        [
            (
                "GET".to_string(),
                format!("/v2/library/files/{}", later.id),
                200
            ),
            (
                "GET".to_string(),
                later_url.strip_prefix(&s.em).unwrap().to_string(),
                200
            ),
        ]
    );

    // Another account's file: refused, and nothing of it is read or fetched.
    let foreign = mine
        .iter()
        .find(|f| f.thumbnail.is_some() && !theirs.iter().any(|t| t.id == f.id))
        .expect("a file of demo_user's that demo_user_2 has no file of that id");
    s.clear_log().await;
    let a = b.get(&s.url(&format!("/thumbs/{}", foreign.id))).await;
    assert_eq!(a.status, 404, "{}", a.text());
    assert_eq!(a.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(
        s.log().await,
        [(
            "GET".to_string(),
            format!("/v2/library/files/{}", foreign.id),
            404
        )],
        "only the lookup, which the API refuses: no read returns it, its thumbnail is not fetched"
    );
    // Ids that are no file's: refused before anything is sent.
    s.clear_log().await;
    for bad in [
        "..%2F..%2F_emulator%2Flog",
        "9%3Fapi_key%3Dx",
        &"1".repeat(65),
        "%20",
    ] {
        let a = b.get(&s.url(&format!("/thumbs/{bad}"))).await;
        assert_eq!(a.status, 404, "{bad}");
    }
    assert!(s.log().await.is_empty(), "{:?}", s.log().await);

    // The second page, through the page's own link.
    let page2 = b
        .get(&s.url(&format!(
            "/?next={}",
            encode_component(&next_cursor(&html).unwrap())
        )))
        .await;
    assert_eq!(page2.status, 200);
    let html2 = page2.text();
    assert_eq!(listed_ids(&html2), ids(&second.items));
    assert!(html2.contains("<a href=\"/\">First page</a>"));
    assert_eq!(next_cursor(&html2), None);
    assert_eq!(theirs.len(), 60);
    assert!(
        listed_ids(&html)
            .iter()
            .chain(listed_ids(&html2).iter())
            .all(|id| theirs.iter().any(|f| &f.id == id)),
        "only demo_user_2's files"
    );
    // A link that is no cursor.
    assert_eq!(b.get(&s.url("/?next=not-a-cursor")).await.status, 400);

    // The API failing: the page says so in its own words (never the API's), with a status
    // that says whose fault it is; the server logs the crate's error.
    let fault = |f: Value| {
        s.http
            .post(format!("{}/_emulator/faults", s.em))
            .header("content-type", "application/json")
            .body(f.to_string())
            .send()
    };
    fault(serde_json::json!({"action": "respond", "status": 500, "count": 4, "path": "/v2/library/files",
        "body": "[{\"error_key\": \"internal\", \"error_message\": \"the API's own words\"}]"}))
    .await
    .unwrap();
    let a = b.get(&s.url("/")).await;
    assert_eq!(a.status, 502);
    assert_html_headers(&a);
    assert!(
        a.text()
            .contains("MyLibrary could not be reached, or failed.")
    );
    assert!(!a.text().contains("the API's own words"));
    fault(serde_json::json!({"action": "respond", "status": 403, "path": "/v2/library/files",
        "body": "[{\"error_key\": \"mashery.not.authorized.over.ratelimit\", \"error_message\": \"Account Over Rate Limit\"}]"}))
    .await
    .unwrap();
    let a = b.get(&s.url("/")).await;
    assert_eq!(a.status, 503);
    assert!(a.header("retry-after").is_some());
    assert!(a.text().contains("MyLibrary is busy"));
    assert!(
        s.app_log
            .lock()
            .unwrap()
            .contains("listing the files: HTTP (HTTP 500)")
    );
    assert!(
        b.get(&s.url("/")).await.text().contains("demo_user_2"),
        "the session lives on"
    );

    // Sign-out: refused from another origin (a foreign site, another port of this host, no
    // Origin at all); the session lives on.
    let other_port = format!("http://127.0.0.1:{}", s.emulator.addr.port());
    for origin in [
        Some("http://evil.example"),
        Some(other_port.as_str()),
        Some("null"),
        None,
    ] {
        let a = b.post(&s.url("/auth/logout"), String::new(), origin).await;
        assert_eq!(a.status, 403, "{origin:?}");
        assert!(a.set_cookies().is_empty());
    }
    assert!(b.get(&s.url("/")).await.text().contains("demo_user_2"));
    // From the page itself: the session ends.
    let origin = s.origin.clone();
    let a = b
        .post(&s.url("/auth/logout"), String::new(), Some(&origin))
        .await;
    assert_eq!(a.status, 303);
    assert_eq!(a.header("location"), Some("/"));
    assert_eq!(
        a.set_cookie("mylibrary_session"),
        Some("mylibrary_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
    );
    let home = b.get(&s.url("/")).await;
    assert!(home.text().contains("Sign in with Constant Contact"));
    // The old session id is worth nothing now, on the server.
    let mut replay = s.browser();
    replay
        .jar
        .push(("mylibrary_session".into(), sid.clone(), "/".into()));
    assert_eq!(
        replay
            .get(&s.url(&format!("/thumbs/{}", listed.id)))
            .await
            .status,
        401
    );
    let a = replay.get(&s.url("/")).await;
    assert!(a.text().contains("Sign in with Constant Contact"));
    assert_eq!(
        a.set_cookie("mylibrary_session"),
        Some("mylibrary_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
        "the stale cookie is cleared"
    );
    // Sign-out is a POST.
    assert_eq!(b.get(&s.url("/auth/logout")).await.status, 405);

    // Nothing the server answered, nothing it logged, holds the token, the code or the
    // client secret.
    s.assert_nothing_holds(&[&token, &code, SECRET]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denial_starts_no_session_and_a_revoked_token_ends_one() {
    let s = Setup::start().await;
    let mut b = s.browser();

    // Deny: no exchange, no session, the state cookie is spent.
    let consent = start_sign_in(&s, &mut b).await;
    let back = b.consent(&consent, "demo_user", false).await;
    assert!(back.contains("error=access_denied"), "{back}");
    s.clear_log().await;
    let a = b.get(&back).await;
    assert_eq!(a.status, 200);
    assert!(a.text().contains("Sign-in was cancelled."));
    assert!(a.text().contains("Sign in with Constant Contact"));
    assert_eq!(b.cookie("mylibrary_session"), None);
    assert_eq!(b.cookie("mylibrary_state"), None);
    assert!(s.log().await.is_empty(), "no exchange: {:?}", s.log().await);

    // Allow, as demo_user: the first account's library (the documentation's seed files).
    let consent = start_sign_in(&s, &mut b).await;
    let back = b.consent(&consent, "demo_user", true).await;
    assert_eq!(b.get(&back).await.status, 303);
    let html = b.get(&s.url("/")).await.text();
    assert!(html.contains("Signed in as <strong class=\"user\">demo_user</strong>"));
    assert!(
        html.contains("<span class=\"name\">IMG_0341.JPG</span>"),
        "a seed file"
    );
    let token = s.tokens_given().pop().unwrap();
    assert_ne!(token, TOKEN, "a token of its own, not the fixed one");

    // The token is revoked (as CTCT support would): the next page ends the session.
    let revoked = s
        .http
        .post(format!("{}/_emulator/revoke", s.em))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "access_token": token }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let a = b.get(&s.url("/thumbs/123456")).await;
    assert_eq!(a.status, 401, "the lookup meets the revoked token");
    assert_eq!(
        a.set_cookie("mylibrary_session"),
        Some("mylibrary_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
    );
    let home = b.get(&s.url("/")).await;
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Sign in with Constant Contact"));

    // Signed in again, the same person gets a new session; when its token is revoked, the
    // next page says so.
    let consent = start_sign_in(&s, &mut b).await;
    let back = b.consent(&consent, "demo_user", true).await;
    assert_eq!(b.get(&back).await.status, 303);
    assert_eq!(b.get(&s.url("/")).await.status, 200);
    let second = s.tokens_given().pop().unwrap();
    s.http
        .post(format!("{}/_emulator/revoke", s.em))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "access_token": second }).to_string())
        .send()
        .await
        .unwrap();
    let a = b.get(&s.url("/")).await;
    assert_eq!(a.status, 200);
    assert!(a.text().contains("Your sign-in has ended"));
    assert_eq!(
        a.set_cookie("mylibrary_session"),
        Some("mylibrary_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
    );

    s.assert_nothing_holds(&[&token, &second, SECRET]);
}
