//! The Rust face on a native target (feature `native`: reqwest with rustls on tokio) against
//! the emulator over HTTP. Each test starts an emulator of its own on a free port (the binary
//! `cargo build -p mylibrary-emulator` builds, or `MYLIBRARY_EMULATOR_BIN`), so that the tests
//! run in parallel and their faults, logs and rate windows never meet.
//!
//! Covered: the design's program, every one of the 16 endpoints (checked against the
//! emulator's log), every option, the OAuth helpers through the consent page, the fault matrix
//! (5xx, `over.qps`, `over.ratelimit`, 401, dropped connections, truncated bodies, bodies that
//! are not what the API sends, time budgets, cancellation by dropping the future and by a
//! token), the bad-input matrix, redaction, and one client shared by 8 tasks at 4 req/s.
#![cfg(all(feature = "native", not(target_arch = "wasm32")))]

use ctct_mylibrary::cursor::Listing;
use ctct_mylibrary::models::{FileSortBy, FileStatus, FileType, TypeFilter};
use ctct_mylibrary::oauth::{self, Callback, Flow};
use ctct_mylibrary::{CancellationToken, Client, Error, ErrorCode};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use std::future::IntoFuture;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "native-test-key-1234";
const TOKEN: &str = "native-test-token-5678";
const SECRET: &str = "native-client-secret-0000";

// ---------------------------------------------------------------- the emulator

/// An emulator on a free port, stopped when dropped.
struct Emulator {
    child: Child,
    base: String,
    http: reqwest::Client,
}

fn emulator_bin() -> std::path::PathBuf {
    if let Some(bin) = std::env::var_os("MYLIBRARY_EMULATOR_BIN") {
        return bin.into();
    }
    // target/<profile>/deps/native-… → target/<profile>/mylibrary-emulator
    let exe = std::env::current_exe().expect("the test's path");
    let bin = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the target folder")
        .join(format!(
            "mylibrary-emulator{}",
            std::env::consts::EXE_SUFFIX
        ));
    assert!(
        bin.exists(),
        "no emulator at {}: build it first (cargo build -p mylibrary-emulator), or set MYLIBRARY_EMULATOR_BIN",
        bin.display()
    );
    bin
}

impl Emulator {
    /// The test credentials, no generated files, no rate limit and instant uploads, unless
    /// `args` says otherwise (later flags win).
    fn start(args: &[&str]) -> Emulator {
        let mut child = Command::new(emulator_bin())
            .args(["--port", "0", "--api-key", KEY, "--access-token", TOKEN])
            .args(["--client-secret", SECRET, "--files", "0"])
            .args(["--qps", "0", "--upload-delay-ms", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the emulator starts");
        let mut out = BufReader::new(child.stdout.take().expect("its stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("its first line");
        let at = line.find("http://").expect("the first line names the URL");
        let base: String = line[at..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        // Keep reading, so that the emulator never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Emulator {
            child,
            base,
            http: reqwest::Client::new(),
        }
    }

    fn api(&self) -> String {
        format!("{}/v2", self.base)
    }

    fn oauth(&self) -> String {
        format!("{}/oauth2", self.base)
    }

    /// A client with the test credentials and no limiter of its own.
    fn client(&self) -> Client {
        Client::builder()
            .api_key(KEY)
            .access_token(TOKEN)
            .base_url(self.api())
            .requests_per_second(0)
            .build()
            .unwrap()
    }

    async fn http(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            r = r
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let text = r.send().await.unwrap().text().await.unwrap();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn reset(&self, files: usize) {
        self.http(
            "POST",
            "/_emulator/reset",
            Some(json!({ "files": files, "folders": 6 })),
        )
        .await;
    }
    async fn config(&self, v: Value) {
        self.http("POST", "/_emulator/config", Some(v)).await;
    }
    async fn fault(&self, v: Value) {
        self.http("POST", "/_emulator/faults", Some(v)).await;
    }
    async fn clear_faults(&self) {
        self.http("DELETE", "/_emulator/faults", None).await;
    }
    async fn only_fault(&self, v: Value) {
        self.clear_faults().await;
        self.fault(v).await;
    }
    async fn clear_log(&self) {
        self.http("DELETE", "/_emulator/log", None).await;
    }
    async fn raw_log(&self) -> Vec<Value> {
        match self.http("GET", "/_emulator/log", None).await {
            Value::Array(entries) => entries,
            other => panic!("the log: {other}"),
        }
    }
    /// (method, path, status) of every /v2/ request since the last clear.
    async fn log(&self) -> Vec<(String, String, u64)> {
        self.raw_log()
            .await
            .into_iter()
            .filter(|e| e["path"].as_str().unwrap().starts_with("/v2/"))
            .map(|e| {
                (
                    e["method"].as_str().unwrap().into(),
                    e["path"].as_str().unwrap().into(),
                    e["status"].as_u64().unwrap(),
                )
            })
            .collect()
    }
    /// Requests to the OAuth2 server in the log.
    async fn oauth_requests(&self) -> usize {
        self.raw_log()
            .await
            .iter()
            .filter(|e| e["path"].as_str().unwrap().starts_with("/oauth2/"))
            .count()
    }
    /// The files named `name`.
    async fn stored(&self, name: &str) -> usize {
        let all = self
            .client()
            .files()
            .list()
            .limit(1000)
            .send()
            .await
            .unwrap();
        all.items.iter().filter(|f| f.name == name).count()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A valid 2×2 RGB PNG.
fn png() -> Vec<u8> {
    vec![
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 2, 8, 2,
        0, 0, 0, 253, 212, 154, 115, 0, 0, 0, 21, 73, 68, 65, 84, 120, 156, 99, 56, 193, 192, 112,
        130, 161, 130, 225, 68, 20, 16, 85, 0, 0, 31, 188, 4, 197, 62, 85, 77, 112, 0, 0, 0, 0, 73,
        69, 78, 68, 174, 66, 96, 130,
    ]
}

/// Every text an error shows: message, Display, Debug, its API errors, request and causes.
fn all_text(e: &Error) -> String {
    let mut text = format!("{e} | {e:?} | {:?} | {:?}", e.errors(), e.request());
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(" | {s} {s:?}"));
        source = s.source();
    }
    text
}

fn assert_no_secret(e: &Error, secrets: &[&str]) {
    let text = all_text(e);
    for s in secrets {
        assert!(!text.contains(s), "{s} in {text}");
    }
}

// ---------------------------------------------------------------- the design's program

/// The program of the design (step 7), unchanged, natively.
async fn the_program(key: &str, token: &str, base: String) -> Result<(), Error> {
    let bytes = png();
    let client = Client::builder()
        .api_key(key)
        .access_token(token)
        .base_url(base)
        .build()?;
    let page = client.files().list().limit(9).send().await?;
    let all: Vec<_> = client
        .files()
        .list()
        .folder("-1")
        .stream()
        .try_collect()
        .await?;
    let folder = client.folders().create("Spring").send().await?;
    let id = client
        .files()
        .upload(bytes, "photo.png")
        .folder(&folder.id)
        .send()
        .await?;
    client.files().wait_until_active(&id).await?;

    assert_eq!(page.items.len(), 9);
    assert!(page.next.is_some());
    assert_eq!(all.len(), 2);
    assert_eq!((folder.name.as_str(), folder.level), ("Spring", 1));
    let info = client.info().await?;
    assert_eq!(info.usage_summary.file_count, 23);
    let file = client.files().get(&id).await?;
    assert_eq!(
        (file.status, file.folder_id.as_deref()),
        (FileStatus::Active, Some(folder.id.as_str()))
    );
    let err = client.files().get("404").await.unwrap_err();
    assert_eq!((err.code(), err.status()), (ErrorCode::Http, 404));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_design_program_runs() {
    // The emulator enforces the v2 limit of 4 requests a second; the client keeps to it.
    let em = Emulator::start(&["--qps", "4", "--upload-delay-ms", "300"]);
    em.reset(12).await;
    // Run on another task: the program's future is Send.
    let base = em.api();
    tokio::spawn(the_program(KEY, TOKEN, base))
        .await
        .unwrap()
        .unwrap();
    let log = em.log().await;
    assert!(log.iter().all(|e| e.2 != 403), "no over.qps: {log:?}");
}

// ---------------------------------------------------------------- every endpoint

/// The endpoint a logged request went to (the contract's 16), by method and path.
fn endpoint(method: &str, path: &str) -> &'static str {
    let p = path
        .trim_start_matches("/v2/library/")
        .split('?')
        .next()
        .unwrap();
    let s: Vec<&str> = p.split('/').collect();
    match (method, s.as_slice()) {
        ("GET", ["info"]) => "GET info",
        ("GET", ["files"]) => "GET files",
        ("POST", ["files"]) => "POST files (upload)",
        ("GET", ["files", "uploadstatus", _]) => "GET files/uploadstatus/{ids}",
        ("GET", ["files", _]) => "GET files/{id}",
        ("PUT", ["files", _]) => "PUT files/{id}",
        ("DELETE", ["files", _]) => "DELETE files/{ids}",
        ("GET", ["folders"]) => "GET folders",
        ("POST", ["folders"]) => "POST folders",
        ("GET", ["folders", "trash", "files"]) => "GET folders/trash/files",
        ("DELETE", ["folders", "trash", "files"]) => "DELETE folders/trash/files",
        ("GET", ["folders", _, "files"]) => "GET folders/{id}/files",
        ("PUT", ["folders", _, "files"]) => "PUT folders/{id}/files (move)",
        ("GET", ["folders", _]) => "GET folders/{id}",
        ("PUT", ["folders", _]) => "PUT folders/{id}",
        ("DELETE", ["folders", _]) => "DELETE folders/{id}",
        _ => "other",
    }
}

#[tokio::test]
async fn every_endpoint_and_option() {
    let em = Emulator::start(&[]);
    em.reset(12).await;
    em.clear_log().await;
    let c = em.client();
    // info
    let info = c.info().await.unwrap();
    assert_eq!(info.usage_summary.file_count, 22);
    // a cursor continues the listing it came from, even without the folder
    let in_folder = c.files().list().folder("-1").limit(1).send().await.unwrap();
    let rest = c
        .files()
        .list()
        .next(in_folder.next.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert!(
        rest.items
            .iter()
            .all(|f| f.folder_id.as_deref() == Some("-1"))
    );
    // folders: list, page cursor, get, create, update with and without payload, delete
    let first = c.folders().list().limit(2).send().await.unwrap();
    let next = first.next.clone().unwrap();
    assert_eq!(next.listing(), &Listing::Folders);
    let second = c.folders().list().next(&next).send().await.unwrap();
    assert!(second.items.iter().all(|f| !first.items.contains(f)));
    let parent = c.folders().create("Parent").send().await.unwrap();
    let child = c
        .folders()
        .create("Child")
        .parent(&parent.id)
        .send()
        .await
        .unwrap();
    assert_eq!(child.level, 2);
    let before = em.log().await.len();
    let moved = c
        .folders()
        .update(&child.id)
        .parent("0")
        .send()
        .await
        .unwrap();
    assert_eq!((moved.name.as_str(), moved.level), ("Child", 1));
    let methods: Vec<String> = em.log().await[before..]
        .iter()
        .map(|e| e.0.clone())
        .collect();
    assert_eq!(methods, ["GET", "PUT"], "the name was read first");
    c.folders()
        .update(&parent.id)
        .name("Renamed")
        .send_without_payload()
        .await
        .unwrap();
    assert_eq!(c.folders().get(&parent.id).await.unwrap().name, "Renamed");
    c.folders().delete(&child.id).await.unwrap();
    // files: filters, get, update (description kept), move, upload status, delete, trash
    let docs = c
        .files()
        .list()
        .kind(TypeFilter::Documents)
        .sort_by(FileSortBy::NameDesc)
        .limit(1000)
        .send()
        .await
        .unwrap();
    assert!(!docs.items.is_empty() && docs.items.iter().all(|f| !f.is_image));
    let renamed = c
        .files()
        .update("9")
        .name("steel.jpg")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.description.as_deref()),
        ("steel.jpg", Some("buildings_steel"))
    );
    c.files()
        .update("9")
        .description("quiet")
        .send_without_payload()
        .await
        .unwrap();
    assert_eq!(
        c.files().get("9").await.unwrap().description.as_deref(),
        Some("quiet")
    );
    let moved = c.files().move_to("-10", ["8", "9"]).await.unwrap();
    assert_eq!(moved.len(), 2);
    // an upload, its status, and names with any character
    let id = c
        .files()
        .upload(png(), "Café #2.png")
        .description("Café ✓ ?x=1&y=2 <b>")
        .send()
        .await
        .unwrap();
    let statuses = c
        .files()
        .upload_status([id.as_str(), "9", "424242"])
        .await
        .unwrap();
    assert_eq!(statuses.len(), 2, "ids the API does not know are left out");
    let up = c.files().get(&id).await.unwrap();
    assert_eq!(
        (
            up.name.as_str(),
            up.description.as_deref(),
            up.file_type,
            up.width
        ),
        ("Café #2.png", Some("Café ✓ ?x=1&y=2 <b>"), FileType::Png, 2)
    );
    assert!(
        c.files()
            .upload_status(Vec::<String>::new())
            .await
            .unwrap()
            .is_empty()
    );
    c.files().delete(["8", "9"]).await.unwrap();
    c.files().delete(Vec::<String>::new()).await.unwrap();
    let trash: Vec<_> = c.trash().list().stream().try_collect().await.unwrap();
    assert_eq!(trash.len(), 2);
    assert!(trash.iter().all(|f| f.status == FileStatus::Deleted));
    // restoring from the trash is a move
    c.files().move_to("0", ["8"]).await.unwrap();
    assert_eq!(c.trash().list().send().await.unwrap().items.len(), 1);
    c.trash().empty().await.unwrap();
    assert!(c.trash().list().send().await.unwrap().items.is_empty());
    // a long list of ids takes several requests, joined into one answer
    let many: Vec<String> = (0..250).map(|i| format!("90000{i}")).collect();
    let before = em.log().await.len();
    assert!(c.files().upload_status(many).await.unwrap().is_empty());
    assert_eq!(em.log().await.len() - before, 3, "100 ids a request");

    let log = em.log().await;
    let seen: std::collections::BTreeSet<&str> =
        log.iter().map(|(m, p, _)| endpoint(m, p)).collect();
    assert!(!seen.contains("other"), "{log:?}");
    assert_eq!(seen.len(), 16, "the 16 endpoints: {seen:?}");
    // the access token travels in the Authorization header only, never in a URL
    for e in em.raw_log().await {
        let q = e["query"].as_str().unwrap_or_default();
        assert!(!q.contains("access_token") && !q.contains(TOKEN), "{q}");
        assert!(
            e["headers"]
                .as_array()
                .unwrap()
                .contains(&json!("authorization"))
        );
    }
}

#[tokio::test]
async fn streams_walk_every_page_once() {
    let em = Emulator::start(&[]);
    em.reset(120).await;
    let c = em.client();
    let all = c.files().list().limit(1000).send().await.unwrap();
    assert!(all.next.is_none());
    em.clear_log().await;
    // A stream is Send: walk it on another task.
    let c2 = c.clone();
    let walked: Vec<_> = tokio::spawn(async move {
        c2.files()
            .list()
            .limit(50)
            .stream()
            .try_collect::<Vec<_>>()
            .await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(walked, all.items);
    let pages = em.log().await.len();
    assert_eq!(pages, all.items.len().div_ceil(50), "each page once");
    // a stream stops at its first error, after the items it has
    let mut s = c.folders().list().limit(2).stream();
    assert!(s.next().await.unwrap().is_ok());
    em.only_fault(json!({ "status": 404, "count": 10 })).await;
    let mut rest = Vec::new();
    while let Some(r) = s.next().await {
        rest.push(r.map(|f| f.id).map_err(|e| e.code()));
    }
    assert_eq!(rest.last(), Some(&Err(ErrorCode::Http)));
    assert_eq!(rest.iter().filter(|r| r.is_err()).count(), 1);
}

#[tokio::test]
async fn a_repeating_cursor_ends_the_walk_after_its_items() {
    let em = Emulator::start(&[]);
    let file = |id: &str| {
        json!({ "id": id, "name": format!("{id}.png"), "height": 1, "width": 1, "size": 1, "url": "u", "status": "Active",
                "created_date": "c", "modified_date": "m", "is_image": true, "file_type": "PNG" })
    };
    let page = |id: &str| {
        json!({ "meta": { "pagination": { "next_link": "/v2/library/files?next=SAME" } }, "results": [file(id)] }).to_string()
    };
    em.fault(json!({ "status": 200, "body": page("1"), "count": 1 }))
        .await;
    em.fault(json!({ "status": 200, "body": page("2"), "count": 5 }))
        .await;
    let c = em.client();
    let mut items = c.files().list().stream();
    let mut got = Vec::new();
    let mut last_err = None;
    while let Some(r) = items.next().await {
        match r {
            Ok(f) => got.push(f.id),
            Err(e) => last_err = Some(e.code()),
        }
    }
    assert_eq!(got, ["1", "2"]);
    assert_eq!(last_err, Some(ErrorCode::Decode));
    assert_eq!(
        em.log().await.len(),
        2,
        "the repeated page is never fetched"
    );
}

// ---------------------------------------------------------------- uploads and waiting

#[tokio::test]
async fn uploads_wait_and_fail_clearly() {
    let em = Emulator::start(&[]);
    em.config(json!({ "upload_delay_ms": 300 })).await;
    let c = em.client();
    let id = c
        .files()
        .upload(png(), "tiny.png")
        .folder("-1")
        .description("d")
        .send()
        .await
        .unwrap();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let h = heard.clone();
    let st = c
        .files()
        .wait_until_active(&id)
        .interval(Duration::from_millis(50))
        .on_status(move |s| h.lock().unwrap().push(s.status.clone()))
        .await
        .unwrap();
    assert_eq!(st.status, FileStatus::Active);
    let heard = heard.lock().unwrap().clone();
    assert_eq!(heard.last(), Some(&FileStatus::Active));
    assert!(heard.contains(&FileStatus::Uploaded), "{heard:?}");
    let f = c.files().get(&id).await.unwrap();
    assert_eq!(
        (f.width, f.file_type, f.folder_id.as_deref()),
        (2, FileType::Png, Some("-1"))
    );
    // a virus, an unknown id
    let mut eicar =
        b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*".to_vec();
    eicar.extend_from_slice(b" ");
    let vid = c.files().upload(eicar, "eicar.pdf").send().await.unwrap();
    let e = c
        .files()
        .wait_until_active(&vid)
        .interval(Duration::from_millis(50))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UploadFailed);
    assert!(e.message().contains("VirusFound"), "{e}");
    let e = c.files().wait_until_active("424242").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::UploadFailed);
    // a wait that runs out of time, and one cancelled by a token
    em.config(json!({ "upload_delay_ms": 60000 })).await;
    let sid = c.files().upload(png(), "slow.png").send().await.unwrap();
    let started = Instant::now();
    let e = c
        .files()
        .wait_until_active(&sid)
        .interval(Duration::from_millis(50))
        .timeout(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout);
    assert!(e.message().contains("within 300 ms"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // the wait's time holds inside a status request that hangs (its budget reaches the poll)
    em.only_fault(json!({ "action": "delay", "delay_ms": 3000, "path": "/v2/library/files/uploadstatus", "count": 5 }))
        .await;
    let started = Instant::now();
    let e = c
        .files()
        .wait_until_active(&sid)
        .timeout(Duration::from_millis(400))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout, "{e}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    em.clear_faults().await;
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        t.cancel();
    });
    let e = c
        .files()
        .wait_until_active(&sid)
        .interval(Duration::from_millis(50))
        .signal(&token)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Aborted);
}

#[tokio::test]
async fn an_upload_is_sent_once_whatever_happens() {
    let em = Emulator::start(&[]);
    let c = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .requests_per_second(0)
        .retries(3)
        .build()
        .unwrap();
    for (i, (fault, code)) in [
        (
            json!({ "status": 503, "method": "POST", "path": "/v2/library/files", "count": 5 }),
            ErrorCode::Http,
        ),
        (
            json!({ "action": "drop", "method": "POST", "path": "/v2/library/files", "count": 5 }),
            ErrorCode::Network,
        ),
        (
            json!({ "action": "delay", "delay_ms": 1500, "method": "POST", "path": "/v2/library/files", "count": 5 }),
            ErrorCode::Timeout,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        em.only_fault(fault).await;
        em.clear_log().await;
        let name = format!("once-{i}.png");
        let e = c
            .files()
            .upload(png(), name.as_str())
            .timeout(Duration::from_millis(300))
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        em.clear_faults().await;
        tokio::time::sleep(Duration::from_millis(1700)).await;
        let posts = em.log().await.into_iter().filter(|e| e.0 == "POST").count();
        assert_eq!(posts, 1, "{code:?}: one POST");
        assert!(em.stored(&name).await <= 1);
    }
    // after a 401, an upload is sent again with the token source's new token: nothing was stored
    let asked = Arc::new(AtomicUsize::new(0));
    let n = asked.clone();
    let c = Client::builder()
        .api_key(KEY)
        .access_token("stale-token-0000")
        .base_url(em.api())
        .token_source(move || {
            n.fetch_add(1, Ordering::SeqCst);
            async { Ok(TOKEN.to_string()) }
        })
        .build()
        .unwrap();
    em.clear_log().await;
    c.files()
        .upload(png(), "refreshed.png")
        .send()
        .await
        .unwrap();
    let statuses: Vec<u64> = em.log().await.into_iter().map(|e| e.2).collect();
    assert_eq!(statuses, [401, 202]);
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(em.stored("refreshed.png").await, 1);
}

// ---------------------------------------------------------------- the bad-input matrix

#[tokio::test]
async fn bad_arguments_name_the_argument_and_send_nothing() {
    let em = Emulator::start(&[]);
    let c = em.client();
    em.clear_log().await;
    let cursor = |s: &str| s.parse::<ctct_mylibrary::Cursor>().unwrap();
    let cases = [
        (c.files().list().limit(0).send().await.map(drop), "limit"),
        (c.files().list().limit(1001).send().await.map(drop), "limit"),
        (c.folders().create("写真").send().await.map(drop), "name"),
        (c.folders().create("").send().await.map(drop), "name"),
        (
            c.folders().create("n".repeat(41)).send().await.map(drop),
            "name",
        ),
        (c.folders().get("..").await.map(drop), "folder_id"),
        (c.folders().update("-1").send().await.map(drop), "changes"),
        (c.folders().delete("").await.map(drop), "folder_id"),
        (c.files().get("..").await.map(drop), "file_id"),
        (c.files().get("").await.map(drop), "file_id"),
        (
            c.files()
                .update("9")
                .description("d".repeat(101))
                .send()
                .await
                .map(drop),
            "description",
        ),
        (
            c.files()
                .update("9")
                .name("n".repeat(81))
                .send()
                .await
                .map(drop),
            "name",
        ),
        (c.files().update("9").send().await.map(drop), "changes"),
        (c.files().delete(["1,2"]).await.map(drop), "file_ids"),
        (c.files().move_to("", ["9"]).await.map(drop), "folder_id"),
        (c.files().move_to("-1", ["9,8"]).await.map(drop), "file_ids"),
        (c.files().upload_status([""]).await.map(drop), "file_ids"),
        (
            c.files().upload(png(), "x.webp").send().await.map(drop),
            "file_name",
        ),
        (
            c.files().upload(png(), "noext").send().await.map(drop),
            "file_type",
        ),
        (
            c.files().upload(Vec::new(), "a.png").send().await.map(drop),
            "data",
        ),
        (
            c.files()
                .upload(vec![0u8; 5_242_881], "a.png")
                .send()
                .await
                .map(drop),
            "data",
        ),
        (
            c.files()
                .upload(png(), "a.png")
                .description("d".repeat(101))
                .send()
                .await
                .map(drop),
            "description",
        ),
        (
            c.files()
                .list()
                .folder("-1")
                .next(cursor("folders/-2/files?next=abc"))
                .send()
                .await
                .map(drop),
            "folder",
        ),
        (
            c.files()
                .list()
                .limit(5)
                .next(cursor("files?next=abc"))
                .send()
                .await
                .map(drop),
            "limit",
        ),
        (
            c.trash()
                .list()
                .next(cursor("files?next=abc"))
                .send()
                .await
                .map(drop),
            "next",
        ),
        (
            c.folders()
                .list()
                .next(cursor("folders/trash/files?next=abc"))
                .send()
                .await
                .map(drop),
            "next",
        ),
        (
            c.files().wait_until_active("1,2").await.map(drop),
            "file_id",
        ),
    ];
    for (r, argument) in cases {
        let e = r.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument, "{e}");
        assert_eq!(e.argument(), Some(argument), "{e}");
        assert!(e.request().is_none());
    }
    // the builder and the token
    let builder = || Client::builder().api_key(KEY).access_token(TOKEN);
    for (r, argument) in [
        (Client::builder().build().map(drop), "api_key"),
        (
            Client::builder().api_key(KEY).build().map(drop),
            "access_token",
        ),
        (builder().api_key("").build().map(drop), "api_key"),
        (
            builder().access_token("a b").build().map(drop),
            "access_token",
        ),
        (
            builder().base_url("not a url").build().map(drop),
            "base_url",
        ),
        (builder().retries(11).build().map(drop), "retries"),
        (
            builder().max_upload_bytes(0).build().map(drop),
            "max_upload_bytes",
        ),
        (c.set_access_token(""), "token"),
        (c.set_access_token("tab\there"), "token"),
    ] {
        let e = r.unwrap_err();
        assert_eq!(
            (e.code(), e.argument()),
            (ErrorCode::InvalidArgument, Some(argument)),
            "{e}"
        );
    }
    assert!(em.log().await.is_empty(), "nothing was sent");
    // a lower upload limit of the client's own
    let small = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .max_upload_bytes(10)
        .build()
        .unwrap();
    let e = small
        .files()
        .upload(png(), "a.png")
        .send()
        .await
        .unwrap_err();
    assert!(e.message().contains("at most 10 "), "{e}");
    assert!(em.log().await.is_empty(), "nothing was sent");
    // an API error names the operation, the id and the request, without the key
    let e = c.files().get("missing-id").await.unwrap_err();
    assert!(
        e.message().starts_with("Files::get(\"missing-id\"): "),
        "{}",
        e.message()
    );
    let r = e.request().unwrap();
    assert_eq!(r.method, "GET");
    assert!(
        r.url
            .ends_with("/v2/library/files/missing-id?api_key=[REDACTED]"),
        "{}",
        r.url
    );
}

// ---------------------------------------------------------------- the fault matrix

#[tokio::test]
async fn server_errors_are_retried_with_backoff_and_posts_never() {
    let em = Emulator::start(&[]);
    let c = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .requests_per_second(0)
        .retries(2)
        .build()
        .unwrap();
    // 500, 502, 503: a GET is tried 1 + 2 times, waiting between, then the status is reported
    for status in [500, 502, 503] {
        em.only_fault(json!({ "status": status, "count": 10 }))
            .await;
        em.clear_log().await;
        let started = Instant::now();
        let e = c.info().await.unwrap_err();
        assert_eq!((e.code(), e.status()), (ErrorCode::Http, status));
        assert!(e.is_transient());
        assert_eq!(em.log().await.len(), 3, "{status}: three attempts");
        assert!(
            started.elapsed() >= Duration::from_millis(250),
            "two backoffs of at least 125 ms: {:?}",
            started.elapsed()
        );
    }
    // HTML with a 503: still HTTP 503
    em.only_fault(json!({ "status": 503, "body": "<html>busy</html>", "content_type": "text/html", "count": 10 }))
        .await;
    assert_eq!(c.info().await.unwrap_err().status(), 503);
    // a PUT is retried too, and succeeds on the second attempt
    em.only_fault(json!({ "status": 502, "method": "PUT" }))
        .await;
    em.clear_log().await;
    let u = c
        .files()
        .update("9")
        .description("retried")
        .send()
        .await
        .unwrap();
    assert_eq!(u.description.as_deref(), Some("retried"));
    let statuses: Vec<u64> = em.log().await.into_iter().map(|e| e.2).collect();
    assert_eq!(statuses, [502, 200]);
    // a folder creation is never retried: no duplicate after a 503
    em.only_fault(json!({ "status": 503, "method": "POST" }))
        .await;
    em.clear_log().await;
    let e = c.folders().create("Once").send().await.unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::Http, 503));
    assert_eq!(em.log().await.len(), 1);
    // Retry-After is waited out
    em.only_fault(json!({ "status": 503, "headers": { "Retry-After": "1" } }))
        .await;
    em.clear_log().await;
    let started = Instant::now();
    c.info().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1000));
    let statuses: Vec<u64> = em.log().await.into_iter().map(|e| e.2).collect();
    assert_eq!(statuses, [503, 200]);
    // a wait that would outlast the call's budget: the error at once, with what it asked
    em.only_fault(json!({ "status": 503, "headers": { "Retry-After": "5" }, "count": 5 }))
        .await;
    let started = Instant::now();
    let e = c.info().timeout(Duration::from_secs(2)).await.unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.retry_after_ms()),
        (ErrorCode::Http, 503, Some(5000))
    );
    assert!(started.elapsed() < Duration::from_millis(1000));
}

#[tokio::test]
async fn rate_limits() {
    let em = Emulator::start(&[]);
    let c = em.client();
    // the daily quota is RATE_LIMITED and not retried
    em.fault(json!({ "status": 403, "body": "[{\"error_key\":\"mashery.not.authorized.over.ratelimit\",\"error_message\":\"over its rate limit quota\"}]" }))
        .await;
    em.clear_log().await;
    let e = c.info().await.unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::RateLimited, 403));
    assert!(!e.is_transient());
    assert_eq!(em.log().await.len(), 1);
    // over.qps is retried after at least a second, and succeeds
    em.fault(json!({ "status": 403, "body": "[{\"error_key\":\"mashery.not.authorized.over.qps\",\"error_message\":\"qps\"}]" }))
        .await;
    em.clear_log().await;
    let started = Instant::now();
    c.info().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1000));
    let statuses: Vec<u64> = em.log().await.into_iter().map(|e| e.2).collect();
    assert_eq!(statuses, [403, 200]);
    // the emulator's own limit: a burst of 10 from a client at 4/s gets no 403
    em.config(json!({ "qps": 4 })).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let limited = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .retries(0)
        .build()
        .unwrap();
    em.clear_log().await;
    let calls = (0..10).map(|_| limited.info().into_future());
    for r in futures_util::future::join_all(calls).await {
        r.unwrap();
    }
    assert!(em.log().await.iter().all(|e| e.2 == 200));
    // and without the client's limiter, the emulator refuses the burst: the test can fail
    let unlimited = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .requests_per_second(0)
        .retries(0)
        .build()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let calls = (0..10).map(|_| unlimited.info().into_future());
    let refused = futures_util::future::join_all(calls)
        .await
        .into_iter()
        .filter(|r| {
            r.as_ref()
                .is_err_and(|e| e.code() == ErrorCode::RateLimited && e.is_transient())
        })
        .count();
    assert!(refused > 0, "the emulator limits to 4/s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthorized_and_token_refresh() {
    let em = Emulator::start(&[]);
    let with_token = |t: &str| {
        Client::builder()
            .api_key(KEY)
            .access_token(t)
            .base_url(em.api())
            .requests_per_second(0)
            .build()
            .unwrap()
    };
    let bad = with_token("wrong-token-0000");
    let e = bad.info().await.unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::Http, 401));
    assert!(e.is_unauthorized());
    assert_eq!(
        e.errors()[0].error_key,
        "http.status.authentication.invalid_token"
    );
    let bad_key = Client::builder()
        .api_key("wrong-key-0000")
        .access_token(TOKEN)
        .base_url(em.api())
        .build()
        .unwrap();
    assert_eq!(bad_key.info().await.unwrap_err().status(), 403);
    // a refreshed token on the same client (and its clones)
    let clone = bad.clone();
    bad.set_access_token(TOKEN).unwrap();
    clone.info().await.unwrap();
    // a token source: 8 tasks that meet the same 401 share one call of it
    let asked = Arc::new(AtomicUsize::new(0));
    let n = asked.clone();
    let c = Client::builder()
        .api_key(KEY)
        .access_token("stale-token-0000")
        .base_url(em.api())
        .requests_per_second(0)
        .token_source(move || {
            n.fetch_add(1, Ordering::SeqCst);
            async {
                tokio::time::sleep(Duration::from_millis(150)).await;
                Ok(TOKEN.to_string())
            }
        })
        .build()
        .unwrap();
    em.clear_log().await;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move {
                match i % 3 {
                    0 => c.info().await.map(drop),
                    1 => c.files().list().send().await.map(drop),
                    _ => c.folders().list().send().await.map(drop),
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "one call of the token source"
    );
    let log = em.log().await;
    assert_eq!(log.iter().filter(|e| e.2 == 200).count(), 8, "{log:?}");
    // a source that fails: the 401, with why the source failed
    let failing = Client::builder()
        .api_key(KEY)
        .access_token("stale-token-0000")
        .base_url(em.api())
        .token_source(|| async { Err(Error::new(ErrorCode::Token, "the vault is closed")) })
        .build()
        .unwrap();
    let e = failing.info().await.unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::Http, 401));
    assert!(e.message().contains("the vault is closed"), "{e}");
    // a client with only a token source asks it first
    let sourced = Client::builder()
        .api_key(KEY)
        .base_url(em.api())
        .token_source(|| async { Ok(TOKEN.to_string()) })
        .build()
        .unwrap();
    sourced.info().await.unwrap();
}

#[tokio::test]
async fn dropped_connections_truncated_bodies_and_no_answer() {
    let em = Emulator::start(&[]);
    let c = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .requests_per_second(0)
        .retries(1)
        .build()
        .unwrap();
    // a dropped connection, every time: NETWORK after the retry
    em.only_fault(json!({ "action": "drop", "count": 10 }))
        .await;
    em.clear_log().await;
    let e = c.info().await.unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::Network, 0));
    assert!(e.message().contains("No answer"), "{e}");
    assert!(e.cause().is_some(), "what failed underneath: {e:?}");
    assert_eq!(em.log().await.len(), 2);
    // once: the retry succeeds
    em.only_fault(json!({ "action": "drop" })).await;
    c.info().await.unwrap();
    // a truncated body, every time: NETWORK with the status
    em.only_fault(json!({ "action": "truncate", "count": 10 }))
        .await;
    let e = c.files().list().send().await.unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::Network, 200));
    assert!(e.message().contains("broke off"), "{e}");
    // once: the retry succeeds
    em.only_fault(json!({ "action": "truncate" })).await;
    c.files().list().send().await.unwrap();
    em.clear_faults().await;
    // nothing listening: NETWORK, what failed underneath, and no credential anywhere
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let nowhere = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}/v2"))
        .retries(0)
        .build()
        .unwrap();
    let e = nowhere.info().await.unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::Network, 0));
    let cause = e.cause().unwrap().to_string();
    assert!(cause.to_lowercase().contains("connect"), "{cause}");
    assert_no_secret(&e, &[KEY, TOKEN]);
    assert!(
        e.request()
            .unwrap()
            .url
            .ends_with("/v2/library/info?api_key=[REDACTED]")
    );
}

#[tokio::test]
async fn answers_that_are_not_what_the_api_sends() {
    let em = Emulator::start(&[]);
    let c = em.client();
    for (body, b64) in [
        ("<html><body>maintenance</body></html>", false),
        ("", false),
        ("{\"results\": [{\"id\": 9}]}", false),
        ("{\"meta\": {}, \"results\": {}}", false),
        (
            &format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
            false,
        ),
        ("/w==", true),
    ] {
        let f = if b64 {
            json!({ "status": 200, "body_base64": body })
        } else {
            json!({ "status": 200, "body": body, "content_type": "text/html" })
        };
        em.only_fault(f).await;
        let e = c.files().list().send().await.unwrap_err();
        assert_eq!(
            (e.code(), e.status()),
            (ErrorCode::Decode, 200),
            "{}",
            &body[..body.len().min(40)]
        );
    }
    // a 20 MB body of the wrong shape
    em.only_fault(
        json!({ "status": 200, "body": "{\"x\":[1,2,3,4,5,6,7,8,9]},", "repeat": 800_000 }),
    )
    .await;
    assert_eq!(
        c.files().list().send().await.unwrap_err().code(),
        ErrorCode::Decode
    );
    // an upload answer without the new file's id
    em.only_fault(json!({ "status": 202, "method": "POST", "body": "" }))
        .await;
    let e = c.files().upload(png(), "a.png").send().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Decode);
    // the same client still serves a normal call
    em.clear_faults().await;
    c.info().await.unwrap();
}

#[tokio::test]
async fn time_budgets() {
    let em = Emulator::start(&[]);
    let c = em.client();
    // slower than the call's budget
    em.only_fault(json!({ "action": "delay", "delay_ms": 2000 }))
        .await;
    let started = Instant::now();
    let e = c
        .info()
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout);
    assert!(e.message().contains("after 200 ms"), "{e}");
    assert!(started.elapsed() < Duration::from_millis(1000));
    // the client's default budget
    let quick = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    em.only_fault(json!({ "action": "delay", "delay_ms": 2000 }))
        .await;
    let e = quick.files().list().send().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout);
    // the budget holds the retries too
    em.only_fault(json!({ "action": "drop", "count": 100 }))
        .await;
    let started = Instant::now();
    let e = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .retries(10)
        .build()
        .unwrap()
        .info()
        .timeout(Duration::from_millis(700))
        .await
        .unwrap_err();
    assert!(
        matches!(e.code(), ErrorCode::Timeout | ErrorCode::Network),
        "{e}"
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
    // a budget of zero is none
    em.only_fault(json!({ "action": "delay", "delay_ms": 500 }))
        .await;
    c.info().timeout(Duration::ZERO).await.unwrap();
}

#[tokio::test]
async fn dropping_a_future_cancels_its_request() {
    let em = Emulator::start(&[]);
    let c = em.client();
    em.clear_log().await;
    em.fault(json!({ "action": "delay", "delay_ms": 1500, "path": "/v2/library/info" }))
        .await;
    // the call's future is dropped when the timer wins
    let r = tokio::time::timeout(Duration::from_millis(200), c.info().into_future()).await;
    assert!(r.is_err(), "the held answer came early");
    tokio::time::sleep(Duration::from_millis(1800)).await;
    let l = em.log().await;
    assert_eq!(l.len(), 1, "{l:?}");
    assert_eq!(
        l[0].2, 0,
        "the server saw the connection close before its answer"
    );
    // a token cancels a call: before it, nothing is sent
    let token = CancellationToken::new();
    token.cancel();
    em.clear_log().await;
    let e = c.info().signal(&token).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Aborted);
    assert!(e.request().is_none());
    // during it, the request stops at once
    em.fault(json!({ "action": "delay", "delay_ms": 1500, "path": "/v2/library/info" }))
        .await;
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        t.cancel();
    });
    let started = Instant::now();
    let e = c.info().signal(&token).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Aborted);
    assert!(started.elapsed() < Duration::from_millis(1000));
    // after a call, a cancelled token changes nothing
    let token = CancellationToken::new();
    c.info().signal(&token).await.unwrap();
    token.cancel();
    c.info().await.unwrap();
}

#[tokio::test]
async fn a_dropped_call_gives_back_its_rate_limit_slot() {
    let em = Emulator::start(&[]);
    // one request per second: the dropped call held the only slot
    let c = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .requests_per_second(1)
        .build()
        .unwrap();
    em.fault(json!({ "action": "delay", "delay_ms": 1500, "path": "/v2/library/info" }))
        .await;
    let r = tokio::time::timeout(Duration::from_millis(200), c.info().into_future()).await;
    assert!(r.is_err(), "the held answer came early");
    let e = c.info().timeout(Duration::from_secs(4)).await;
    assert!(e.is_ok(), "the next call got the slot back: {e:?}");
}

#[tokio::test]
async fn secrets_never_appear_in_errors() {
    let em = Emulator::start(&[]);
    let c = em.client();
    // an answer that echoes the credentials
    em.only_fault(json!({
        "status": 400,
        "body": format!("[{{\"error_key\":\"bad.{TOKEN}\",\"error_message\":\"token {TOKEN} with key {KEY}\"}}]"),
    }))
    .await;
    let e = c.files().get("9").await.unwrap_err();
    assert_no_secret(&e, &[KEY, TOKEN]);
    assert!(e.errors()[0].error_message.contains("[REDACTED]"), "{e:?}");
    // a token the source gave later is redacted too
    let c = Client::builder()
        .api_key(KEY)
        .access_token("stale-token-0000")
        .base_url(em.api())
        .token_source(|| async { Ok(TOKEN.to_string()) })
        .build()
        .unwrap();
    c.info().await.unwrap();
    em.only_fault(json!({
        "status": 500,
        "body": format!("[{{\"error_key\":\"x\",\"error_message\":\"was stale-token-0000, is {TOKEN}\"}}]"),
        "count": 10,
    }))
    .await;
    let e = c.info().await.unwrap_err();
    assert_no_secret(&e, &[KEY, TOKEN, "stale-token-0000"]);
    // a body that is not JSON, echoing them
    em.only_fault(json!({ "status": 502, "body": format!("<p>{KEY} {TOKEN}</p>"), "content_type": "text/html", "count": 10 }))
        .await;
    let e = c.info().await.unwrap_err();
    assert_no_secret(&e, &[KEY, TOKEN]);
}

// ---------------------------------------------------------------- sign-in (the oauth module)

/// Goes through the emulator's consent page as a person would, without a browser: reads the
/// page and its CSRF cookie, picks an account, presses Allow or Deny, and answers where the
/// emulator redirects (the callback URL).
async fn consent(authorize_url: &str, username: &str, allow: bool) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let html = page.text().await.unwrap();
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
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
    let origin: String = authorize_url
        .splitn(4, '/')
        .take(3)
        .collect::<Vec<_>>()
        .join("/");
    let action = if action.starts_with('/') {
        format!("{origin}{action}")
    } else {
        action
    };
    let body = form
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                ctct_mylibrary::url::encode_component(k),
                ctct_mylibrary::url::encode_component(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let answer = http
        .post(action)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_redirection(), "{}", answer.status());
    answer.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn sign_in_helpers() {
    let em = Emulator::start(&[]);
    let oauth_base = em.oauth();
    let redirect = format!("{}/", em.base);
    // the code flow: the authorization URL, the consent page, the callback
    let auth = oauth::authorization_url(KEY, &redirect, Flow::Code)
        .oauth_base_url(&oauth_base)
        .build()
        .unwrap();
    assert_eq!(auth.state.len(), 43, "a fresh random state");
    let back = consent(&auth.url, "demo_user_2", true).await;
    let Callback::Code(code) = oauth::parse_callback(&back, &auth.state)
        .flow(Flow::Code)
        .parse()
        .unwrap()
    else {
        panic!("a code callback");
    };
    assert_eq!(code.username, "demo_user_2");
    // a forged state is refused
    let e = oauth::parse_callback(&back, "another-state")
        .parse()
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::StateMismatch);
    // the exchange, on another task (its future is Send)
    let exchange = {
        let (code, redirect, base) = (code.code.clone(), redirect.clone(), oauth_base.clone());
        move || {
            oauth::exchange_code(KEY, SECRET, code.clone(), redirect.clone())
                .oauth_base_url(base.clone())
        }
    };
    let token = tokio::spawn(exchange().into_future())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (token.access_token.len(), token.token_type.as_str()),
        (36, "Bearer")
    );
    assert!(
        !format!("{token:?}").contains(&token.access_token),
        "Debug hides the token"
    );
    // whose token it is, and the library it opens
    let info = oauth::token_info(&token.access_token)
        .oauth_base_url(&oauth_base)
        .await
        .unwrap();
    assert_eq!(
        (info.client_id.as_str(), info.user_name.as_str()),
        (KEY, "demo_user_2")
    );
    let theirs = Client::builder()
        .api_key(KEY)
        .access_token(&token.access_token)
        .base_url(em.api())
        .build()
        .unwrap();
    let their_root = theirs.info().await.unwrap().image_root;
    assert!(their_root.ends_with("/a/demo_user_2"), "{their_root}");
    // the code again: invalid_grant, and the token it gave is revoked
    let e = exchange().await.unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.errors()[0].error_key.as_str()),
        (ErrorCode::OAuth, 400, "invalid_grant")
    );
    assert_no_secret(&e, &[SECRET, &code.code]);
    assert_eq!(
        e.request().unwrap().url,
        format!("{oauth_base}/oauth/token"),
        "the secret travels in the body, never in the URL"
    );
    let e = oauth::token_info(&token.access_token)
        .oauth_base_url(&oauth_base)
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::OAuth, 404));
    assert_no_secret(&e, &[&token.access_token]);
    // a wrong secret
    let auth = oauth::authorization_url(KEY, &redirect, Flow::Code)
        .oauth_base_url(&oauth_base)
        .build()
        .unwrap();
    let back = consent(&auth.url, "demo_user", true).await;
    let Callback::Code(code) = oauth::parse_callback(&back, &auth.state).parse().unwrap() else {
        panic!("a code callback");
    };
    let e = oauth::exchange_code(KEY, "not-the-secret-0000", &code.code, &redirect)
        .oauth_base_url(&oauth_base)
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.errors()[0].error_key.as_str()),
        (ErrorCode::OAuth, 401, "invalid_client")
    );
    assert_no_secret(&e, &["not-the-secret-0000", &code.code]);
    // the right secret still works: a refused exchange does not use the code up
    oauth::exchange_code(KEY, SECRET, &code.code, &redirect)
        .oauth_base_url(&oauth_base)
        .send()
        .await
        .unwrap();
    // Deny
    let auth = oauth::authorization_url(KEY, &redirect, Flow::Code)
        .oauth_base_url(&oauth_base)
        .state("state-of-our-own")
        .build()
        .unwrap();
    let back = consent(&auth.url, "demo_user", false).await;
    let e = oauth::parse_callback(&back, "state-of-our-own")
        .parse()
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::AccessDenied);
    // the client flow: the token in the fragment
    let auth = oauth::authorization_url(KEY, &redirect, Flow::Token)
        .oauth_base_url(&oauth_base)
        .build()
        .unwrap();
    let back = consent(&auth.url, "demo_user", true).await;
    let Callback::Token(t) = oauth::parse_callback(&back, &auth.state)
        .flow(Flow::Token)
        .parse()
        .unwrap()
    else {
        panic!("a token callback");
    };
    let info = oauth::token_info(&t.access_token)
        .oauth_base_url(&oauth_base)
        .await
        .unwrap();
    assert_eq!(info.user_name, "demo_user");
}

#[tokio::test]
async fn sign_in_refusals_failures_and_budgets() {
    let em = Emulator::start(&[]);
    let oauth_base = em.oauth();
    let redirect = format!("{}/", em.base);
    // arguments refused before anything is sent, named as Rust spells them
    em.clear_log().await;
    for (id, secret, code, redirect, name) in [
        (KEY, "", "c0de-1234", redirect.clone(), "client_secret"),
        (KEY, SECRET, "", redirect.clone(), "code"),
        (KEY, SECRET, "c0de-1234", "callback".into(), "redirect_uri"),
        (
            KEY,
            SECRET,
            "c0de-1234",
            format!("{redirect}#x"),
            "redirect_uri",
        ),
        (
            "with space",
            SECRET,
            "c0de-1234",
            redirect.clone(),
            "client_id",
        ),
    ] {
        let e = oauth::exchange_code(id, secret, code, redirect)
            .oauth_base_url(&oauth_base)
            .await
            .unwrap_err();
        assert_eq!(
            (e.code(), e.argument()),
            (ErrorCode::InvalidArgument, Some(name))
        );
        assert_no_secret(&e, &[SECRET, "c0de-1234"]);
    }
    let e = oauth::token_info("a token with spaces").await.unwrap_err();
    assert_eq!(e.argument(), Some("access_token"));
    assert!(!e.to_string().contains("a token with spaces"), "{e}");
    let e = oauth::exchange_code(KEY, SECRET, "c0de-1234", &redirect)
        .oauth_base_url("not a url")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(em.oauth_requests().await, 0, "nothing was sent");
    // an unknown code
    let e = oauth::exchange_code(KEY, SECRET, "no-such-code-1234", &redirect)
        .oauth_base_url(&oauth_base)
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.errors()[0].error_key.as_str()),
        (ErrorCode::OAuth, 400, "invalid_grant")
    );
    assert_eq!(em.oauth_requests().await, 1, "one request, no retry");
    // no answer: NETWORK, nothing secret in it or its cause
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let e = oauth::exchange_code(KEY, SECRET, "no-such-code-1234", &redirect)
        .oauth_base_url(format!("http://127.0.0.1:{port}/oauth2"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Network);
    assert!(e.cause().is_some());
    assert_no_secret(&e, &[SECRET, "no-such-code-1234"]);
    // a server that never answers: the budget, then a token
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_base = format!("http://{}/oauth2", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let started = Instant::now();
    let e = oauth::token_info(TOKEN)
        .oauth_base_url(&silent_base)
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout);
    assert!(started.elapsed() < Duration::from_millis(1000));
    assert_no_secret(&e, &[TOKEN]);
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        t.cancel();
    });
    let e = oauth::exchange_code(KEY, SECRET, "no-such-code-1234", &redirect)
        .oauth_base_url(&silent_base)
        .signal(&token)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Aborted);
    assert_no_secret(&e, &[SECRET, "no-such-code-1234"]);
    // a redirect is never followed with the secret: the 3xx is the answer
    let hop = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hop_base = format!("http://{}/oauth2", hop.local_addr().unwrap());
    let target = format!("{oauth_base}/oauth/token");
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = hop.accept().await {
            let mut buf = vec![0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    em.clear_log().await;
    let e = oauth::exchange_code(KEY, SECRET, "no-such-code-1234", &redirect)
        .oauth_base_url(&hop_base)
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::OAuth, 307), "{e}");
    assert_no_secret(&e, &[SECRET, "no-such-code-1234"]);
    assert_eq!(em.oauth_requests().await, 0, "the form went nowhere else");
}

// ---------------------------------------------------------------- one client, many tasks

/// `Send + Sync + Clone + 'static` clients; `Send` calls, streams and waits.
#[test]
fn clients_calls_and_streams_are_send() {
    fn shared<T: Send + Sync + Clone + 'static>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let c = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url("http://127.0.0.1:9/v2")
        .build()
        .unwrap();
    shared(&c);
    send(&c.files().list().send());
    send(&c.files().list().limit(9).stream());
    send(&c.info().into_future());
    send(&c.files().wait_until_active("1").into_future());
    send(&c.folders().update("1").name("x").send());
    send(&c.files().update("1").name("x.png").send_without_payload());
    send(&c.files().upload(vec![1u8], "a.png").into_future());
    send(&oauth::exchange_code("a", "b", "c", "d").into_future());
    send(&oauth::token_info("a").into_future());
}

/// Outside a Tokio runtime a call is an error, not a panic.
#[test]
fn outside_a_tokio_runtime_a_call_fails_cleanly() {
    let c = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url("http://127.0.0.1:9/v2")
        .build()
        .unwrap();
    let mut call = std::pin::pin!(c.info().into_future());
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match call.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Err(e)) => {
            assert_eq!(e.code(), ErrorCode::Network);
            assert!(e.message().contains("Tokio"), "{e}");
        }
        _ => panic!("a call outside a runtime should fail at once"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_tasks_share_one_client_at_four_requests_a_second() {
    // The emulator enforces the v2 limit (4 requests in any one-second window, per api key);
    // one client with its default limiter (4/s) serves 8 tasks.
    let em = Emulator::start(&["--qps", "4"]);
    em.reset(30).await;
    let client = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(em.api())
        .build()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    em.clear_log().await;
    const TASKS: usize = 8;
    const EACH: usize = 4;
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let c = client.clone();
            tokio::spawn(async move {
                let mut done = Vec::new();
                for j in 0..EACH {
                    let r = match (i + j) % 4 {
                        0 => c.info().await.map(drop),
                        1 => c.files().list().limit(5).send().await.map(drop),
                        2 => c.folders().list().send().await.map(drop),
                        _ => c.trash().list().send().await.map(drop),
                    };
                    done.push((r, started.elapsed()));
                }
                done
            })
        })
        .collect();
    let mut finished = Vec::new();
    for t in tasks {
        for (r, at) in t.await.unwrap() {
            r.unwrap();
            finished.push(at.as_secs_f64());
        }
    }
    finished.sort_by(f64::total_cmp);
    let n = finished.len();
    assert_eq!(n, TASKS * EACH);
    let log = em.log().await;
    let over_qps = log.iter().filter(|e| e.2 == 403).count();
    assert_eq!(log.len(), n, "no retries: {log:?}");
    assert_eq!(over_qps, 0, "no over.qps: {log:?}");
    // The first 4 start at once; after that the limiter lets 4 through per window. The steady
    // rate is the requests after the first window over the time they took.
    let elapsed = finished[n - 1];
    let steady = (n - 4) as f64 / (finished[n - 1] - finished[3]);
    println!(
        "native limiter: {TASKS} tasks × {EACH} requests on one client: {n} requests in {elapsed:.2} s \
         ({:.2} req/s overall, {steady:.2} req/s after the first window), {over_qps} over.qps",
        n as f64 / elapsed
    );
    // Measured by answers, not by starts: a little room for the first window's latency.
    assert!((3.0..=4.1).contains(&steady), "{steady} req/s");
}

// ---------------------------------------------------------------- fit before upload (feature fit)

#[cfg(feature = "fit")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_are_fitted_under_the_upload_limit_before_upload() {
    use ctct_mylibrary::client::Fit;
    use ctct_mylibrary_fit::test_image as img;
    let emu = Emulator::start(&[]);
    emu.config(json!({ "max_upload_size_limit": 300_000 }))
        .await;
    let client = emu.client();
    let photo = img::jpeg(1600, 1200, 95, Some(6));
    assert!(
        photo.len() > 300_000,
        "the photo is over the limit: {}",
        photo.len()
    );

    // Over the account's limit, which is read once (info), then fitted and sent.
    emu.clear_log().await;
    let up = client
        .files()
        .upload(photo.clone(), "IMG_0001.jpg")
        .fit(Fit::new())
        .await
        .unwrap();
    let r = up.fit.clone().expect("a report");
    assert!(r.bytes <= 300_000 && r.bytes_in == photo.len() as u64);
    assert_eq!((r.width_in, r.height_in, r.orientation), (1200, 1600, 6));
    let sent: Vec<_> = emu
        .log()
        .await
        .into_iter()
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    assert_eq!(sent, ["GET /v2/library/info", "POST /v2/library/files"]);
    client.files().wait_until_active(&up.file_id).await.unwrap();
    let file = client.files().get(&up.file_id).await.unwrap();
    assert_eq!((file.width, file.height), (r.width as u64, r.height as u64));
    assert_eq!(file.size, r.bytes);

    // The limit is known now; a dimension and a quality; the same call awaited with send().
    emu.clear_log().await;
    let sized = client
        .files()
        .upload(photo.clone(), "IMG_0002.jpg")
        .fit(Fit::new().max_dimension(800).quality(70))
        .send()
        .await
        .unwrap();
    let r = sized.fit.expect("a report");
    assert_eq!((r.width, r.height, r.quality), (600, 800, Some(70)));
    assert_eq!(emu.log().await.len(), 1, "no second info");

    // An opaque PNG becomes a JPEG, renamed; its type follows.
    let png = img::png(900, 600, false);
    let up = client
        .files()
        .upload(png, "chart.png")
        .file_type(FileType::Png)
        .fit(Fit::new().max_dimension(450))
        .await
        .unwrap();
    assert_eq!(
        up.fit.as_ref().map(|r| r.format),
        Some(ctct_mylibrary_fit::Format::Jpeg)
    );
    let file = client.files().get(&up.file_id).await.unwrap();
    assert_eq!(
        (file.name.as_str(), file.file_type),
        ("chart.jpg", FileType::Jpg)
    );

    // A document is sent as it is.
    let pdf = b"%PDF-1.4\n".to_vec();
    let doc = client
        .files()
        .upload(pdf.clone(), "terms.pdf")
        .fit(Fit::new())
        .await
        .unwrap();
    assert!(doc.fit.is_none());
    assert_eq!(
        client.files().get(&doc.file_id).await.unwrap().size,
        pdf.len() as u64
    );

    // What cannot be fitted is a typed error, and nothing is sent.
    emu.clear_log().await;
    let heic = b"\0\0\0\x1cftypheic\0\0\0\0mif1heicmiaf\0\0\0\0meta".to_vec();
    let e = client
        .files()
        .upload(heic, "p.jpg")
        .fit(Fit::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ImageUnsupported);
    assert!(
        e.message().starts_with("Files::upload: HEIC"),
        "{}",
        e.message()
    );
    let e = client
        .files()
        .upload(img::gif(400, 300, 3), "anim.gif")
        .fit(Fit::new().max_dimension(100))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ImageAnimated);
    let e = client
        .files()
        .upload(photo, "IMG_0003.jpg")
        .fit(Fit::new().max_dimension(4))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.argument()),
        (ErrorCode::InvalidArgument, Some("fit"))
    );
    assert_eq!(emu.log().await, [], "nothing sent");
}
