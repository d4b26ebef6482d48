//! The Rust face against the emulator, in Node and in headless Chromium (wasm-bindgen-test):
//! the program of the design (builder, handlers, pages, streams), every other operation and
//! option, cancellation by dropping a future, the fetch option and the token source.
#![cfg(target_arch = "wasm32")]

use ctct_mylibrary::cursor::Listing;
use ctct_mylibrary::models::{FileSortBy, FileStatus, TypeFilter};
use ctct_mylibrary::{Client, ErrorCode};
use futures_util::{StreamExt, TryStreamExt};
use js_sys::Reflect;
use serde_json::json;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod wasm_common;
use wasm_common::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &js_sys::Function, ms: u32);
}

async fn sleep(ms: u32) {
    JsFuture::from(js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms)
    }))
    .await
    .unwrap();
}

fn client() -> Client {
    Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(format!("{BASE}/v2"))
        .requests_per_second(0)
        .build()
        .unwrap()
}

/// The program the design asks to run unchanged on every transport.
async fn the_program(key: &str, token: &str, base: String) -> Result<(), ctct_mylibrary::Error> {
    let bytes = png();
    let client = Client::builder()
        .api_key(key)
        .access_token(token)
        .base_url(base)
        .build()?;
    let info = client.info().await?;
    assert_eq!(info.usage_summary.file_count, 22);
    let page = client.files().list().limit(9).send().await?;
    assert_eq!(page.items.len(), 9);
    assert!(page.next.is_some());
    let all: Vec<_> = client
        .files()
        .list()
        .folder("-1")
        .stream()
        .try_collect()
        .await?;
    assert_eq!(all.len(), 2);
    let folder = client.folders().create("Spring").send().await?;
    assert_eq!((folder.name.as_str(), folder.level), ("Spring", 1));
    let id = client
        .files()
        .upload(bytes, "photo.png")
        .folder(&folder.id)
        .send()
        .await?;
    let status = client.files().wait_until_active(&id).await?;
    assert_eq!(status.status, FileStatus::Active);
    let err = client.files().get("404").await.unwrap_err();
    assert_eq!((err.code(), err.status()), (ErrorCode::Http, 404));
    Ok(())
}

#[wasm_bindgen_test]
async fn the_design_program_runs() {
    reset(12).await;
    the_program(KEY, TOKEN, format!("{BASE}/v2")).await.unwrap();
}

#[wasm_bindgen_test]
async fn every_operation_and_option() {
    reset(12).await;
    let c = client();
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
    // folders: list, page cursor, get, update with and without payload, delete
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
    clear_log().await;
    let moved = c
        .folders()
        .update(&child.id)
        .parent("0")
        .send()
        .await
        .unwrap();
    assert_eq!((moved.name.as_str(), moved.level), ("Child", 1));
    let methods: Vec<String> = log().await.into_iter().map(|e| e.0).collect();
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
    assert!(docs.items.iter().all(|f| !f.is_image));
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
    let statuses = c.files().upload_status(["9", "424242"]).await.unwrap();
    assert_eq!(statuses.len(), 1);
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
    // restoring from the trash is a move
    c.files().move_to("0", ["8"]).await.unwrap();
    assert_eq!(c.trash().list().send().await.unwrap().items.len(), 1);
    c.trash().empty().await.unwrap();
    assert!(c.trash().list().send().await.unwrap().items.is_empty());
    // a time budget per call
    fault(json!({ "action": "delay", "delay_ms": 2000, "path": "/v2/library/info" })).await;
    let e = c
        .info()
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout);
    http("DELETE", "/_emulator/faults", None).await;
}

#[wasm_bindgen_test]
async fn bad_arguments_name_the_argument_and_send_nothing() {
    reset(0).await;
    let c = client();
    clear_log().await;
    let cases = [
        (c.files().list().limit(0).send().await.map(drop), "limit"),
        (c.folders().create("写真").send().await.map(drop), "name"),
        (c.folders().create("").send().await.map(drop), "name"),
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
        (c.files().update("9").send().await.map(drop), "changes"),
        (c.files().delete(["1,2"]).await.map(drop), "file_ids"),
        (
            c.files().upload(png(), "x.webp").send().await.map(drop),
            "file_name",
        ),
        (
            c.files().upload(Vec::new(), "a.png").send().await.map(drop),
            "data",
        ),
        (
            c.files()
                .list()
                .folder("-1")
                .next(
                    "folders/-2/files?next=abc"
                        .parse::<ctct_mylibrary::Cursor>()
                        .unwrap(),
                )
                .send()
                .await
                .map(drop),
            "folder",
        ),
        (
            c.trash()
                .list()
                .next("files?next=abc".parse::<ctct_mylibrary::Cursor>().unwrap())
                .send()
                .await
                .map(drop),
            "next",
        ),
    ];
    for (r, argument) in cases {
        let e = r.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument, "{e}");
        assert_eq!(e.argument(), Some(argument), "{e}");
        assert!(e.request().is_none());
    }
    assert!(log().await.is_empty(), "nothing was sent");
    let e = Client::builder().build().err().unwrap();
    assert_eq!(e.argument(), Some("api_key"));
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

#[wasm_bindgen_test]
async fn dropping_a_future_cancels_its_request() {
    reset(0).await;
    let c = client();
    clear_log().await;
    fault(json!({ "action": "delay", "delay_ms": 1500, "path": "/v2/library/info" })).await;
    {
        let call = c.info().into_future();
        let timer = sleep(200);
        futures_util::pin_mut!(call, timer);
        match futures_util::future::select(call, timer).await {
            futures_util::future::Either::Left(_) => panic!("the held answer came early"),
            futures_util::future::Either::Right(_) => {} // the call's future is dropped here
        }
    }
    sleep(1800).await;
    let l = log().await;
    assert_eq!(l.len(), 1, "{l:?}");
    assert_eq!(
        l[0].2, 0,
        "the server saw the connection close before its answer"
    );
    // and an AbortSignal cancels a call too, its reason the cause
    fault(json!({ "action": "delay", "delay_ms": 1500, "path": "/v2/library/info" })).await;
    let ac = web_sys::AbortController::new().unwrap();
    let call = c.info().signal(&ac.signal()).into_future();
    let reason = js_sys::Error::new("the user left");
    ac.abort_with_reason(&reason);
    let e = call.await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Aborted);
    assert_eq!(e.cause(), Some(&JsValue::from(reason)));
    // gloo-net panics when fetch rejects with something that is not an Error, as an abort
    // with a string reason would make it: the caller's signal never reaches it
    let ac = web_sys::AbortController::new().unwrap();
    let call = c.info().signal(&ac.signal()).into_future();
    ac.abort_with_reason(&JsValue::from("a string reason"));
    let e = call.await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Aborted);
    assert_eq!(
        e.cause().and_then(|c| c.as_string()).as_deref(),
        Some("a string reason")
    );
    http("DELETE", "/_emulator/faults", None).await;
    c.info().await.unwrap();
}

#[wasm_bindgen_test]
async fn a_dropped_call_gives_back_its_rate_limit_slot() {
    reset(0).await;
    // one request per second: the dropped call held the only slot
    let c = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(format!("{BASE}/v2"))
        .requests_per_second(1)
        .build()
        .unwrap();
    fault(json!({ "action": "delay", "delay_ms": 1500, "path": "/v2/library/info" })).await;
    {
        let call = c.info().into_future();
        let timer = sleep(200);
        futures_util::pin_mut!(call, timer);
        if let futures_util::future::Either::Left(_) =
            futures_util::future::select(call, timer).await
        {
            panic!("the held answer came early");
        }
    }
    let e = c.info().timeout(std::time::Duration::from_secs(4)).await;
    assert!(e.is_ok(), "the next call got the slot back: {e:?}");
    http("DELETE", "/_emulator/faults", None).await;
}

#[wasm_bindgen_test]
async fn calls_that_meet_the_same_401_share_one_token_refresh() {
    reset(0).await;
    let asked = Rc::new(Cell::new(0));
    let n = asked.clone();
    let c = Client::builder()
        .api_key(KEY)
        .access_token("stale-token-0000")
        .base_url(format!("{BASE}/v2"))
        .requests_per_second(0)
        .token_source(move || {
            n.set(n.get() + 1);
            async {
                sleep(150).await;
                Ok(TOKEN.to_string())
            }
        })
        .build()
        .unwrap();
    let (a, b, d) = futures_util::future::join3(
        c.info().into_future(),
        c.files().list().send(),
        c.folders().list().send(),
    )
    .await;
    assert!(a.is_ok() && b.is_ok() && d.is_ok());
    assert_eq!(asked.get(), 1, "three 401s, one call of the token source");
}

#[wasm_bindgen_test]
async fn a_fetch_function_and_a_token_source() {
    reset(0).await;
    // a caller's fetch function (as a Worker's service binding is) sees every request
    let seen = Rc::new(Cell::new(0));
    let counter = seen.clone();
    let f = Closure::<dyn FnMut(web_sys::Request) -> js_sys::Promise>::new(
        move |r: web_sys::Request| {
            counter.set(counter.get() + 1);
            let g: js_sys::Function = Reflect::get(&js_sys::global(), &"fetch".into())
                .unwrap()
                .into();
            g.call1(&JsValue::NULL, &r).unwrap().into()
        },
    );
    let fetch: js_sys::Function = f.as_ref().clone().into();
    let c = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(format!("{BASE}/v2"))
        .fetch(fetch)
        .build()
        .unwrap();
    c.info().await.unwrap();
    c.files().list().send().await.unwrap();
    assert_eq!(seen.get(), 2);
    // a stale token: the 401 asks the source once, and the call is sent again
    let asked = Rc::new(Cell::new(0));
    let n = asked.clone();
    let c = Client::builder()
        .api_key(KEY)
        .access_token("stale-token-0000")
        .base_url(format!("{BASE}/v2"))
        .token_source(move || {
            n.set(n.get() + 1);
            async { Ok(TOKEN.to_string()) }
        })
        .build()
        .unwrap();
    clear_log().await;
    let all: Vec<_> = c.files().list().limit(3).stream().collect().await;
    assert!(all.iter().all(Result::is_ok));
    assert_eq!(asked.get(), 1);
    let statuses: Vec<u64> = log().await.into_iter().map(|e| e.2).collect();
    assert_eq!(statuses[..2], [401, 200]);
    drop(f);
}

// ---------------------------------------------------------------- sign-in (the oauth module)

/// A fetch function that answers every request with this status and JSON body, and records the
/// request's method, URL, Content-Type and body.
fn answering(
    status: u16,
    body: &'static str,
    seen: Rc<std::cell::RefCell<Vec<String>>>,
) -> (
    js_sys::Function,
    Closure<dyn FnMut(web_sys::Request) -> js_sys::Promise>,
) {
    let f = Closure::<dyn FnMut(web_sys::Request) -> js_sys::Promise>::new(
        move |r: web_sys::Request| {
            let seen = seen.clone();
            wasm_bindgen_futures::future_to_promise(async move {
                let text = JsFuture::from(r.text().unwrap()).await.unwrap();
                seen.borrow_mut().push(format!(
                    "{} {} {:?} {} {}",
                    r.method(),
                    r.url(),
                    r.redirect(),
                    r.headers().get("content-type").unwrap().unwrap_or_default(),
                    text.as_string().unwrap()
                ));
                let init = web_sys::ResponseInit::new();
                init.set_status(status);
                let response =
                    web_sys::Response::new_with_opt_str_and_init(Some(body), &init).unwrap();
                Ok(response.into())
            })
        },
    );
    (f.as_ref().clone().into(), f)
}

/// Requests to the OAuth2 server in the emulator's log.
async fn oauth_requests() -> usize {
    let v = http("GET", "/_emulator/log", None).await;
    v.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"].as_str().unwrap().starts_with("/oauth2/"))
        .count()
}

#[wasm_bindgen_test]
async fn sign_in_helpers() {
    use ctct_mylibrary::oauth::{self, Callback, Flow};
    let oauth_base = format!("{BASE}/oauth2");
    // the authorization URL and its callback (the parsing is the same on every target; the
    // native unit tests and the agreement suite cover its rules)
    let auth = oauth::authorization_url(KEY, format!("{BASE}/"), Flow::Token)
        .oauth_base_url(&oauth_base)
        .build()
        .unwrap();
    assert_eq!(auth.state.len(), 43, "a state from crypto.getRandomValues");
    let back = format!(
        "{BASE}/#access_token={TOKEN}&token_type=Bearer&expires_in=60&state={}",
        auth.state
    );
    let Callback::Token(t) = oauth::parse_callback(&back, &auth.state).parse().unwrap() else {
        panic!("a token callback");
    };
    assert_eq!((t.access_token.as_str(), t.expires_in), (TOKEN, Some(60)));

    // token information from the emulator: the fixed token is demo_user's
    let info = oauth::token_info(TOKEN)
        .oauth_base_url(&oauth_base)
        .await
        .unwrap();
    assert_eq!(
        (info.client_id.as_str(), info.user_name.as_str()),
        (KEY, "demo_user")
    );
    let e = oauth::token_info("00000000-0000-4000-8000-000000000000")
        .oauth_base_url(&oauth_base)
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::OAuth, 404));
    assert!(!e.to_string().contains("00000000-0000-4000-8000"), "{e}");

    // the exchange: refused in a browser page unless allowed, sent in a form body elsewhere
    let exchange = || {
        oauth::exchange_code(
            KEY,
            "demo-client-secret",
            "no-such-code-1234",
            format!("{BASE}/"),
        )
        .oauth_base_url(&oauth_base)
    };
    let in_page = js_sys::Reflect::has(&js_sys::global(), &"document".into()).unwrap();
    let no_secret = |e: &ctct_mylibrary::Error| {
        let cause = e.cause().map(|c| format!("{c:?}")).unwrap_or_default();
        let text = format!("{e} {e:?} {cause}");
        for s in ["demo-client-secret", "no-such-code-1234", TOKEN] {
            assert!(!text.contains(s), "{s} in {text}");
        }
    };
    clear_log().await;
    if in_page {
        // a page holds no client secret: refused, and nothing reached the server
        let e = exchange().await.unwrap_err();
        assert_eq!(
            (e.code(), e.argument()),
            (
                ErrorCode::InvalidArgument,
                Some("dangerously_allow_browser")
            )
        );
        no_secret(&e);
        assert_eq!(oauth_requests().await, 0, "nothing was sent");
    } else {
        // a server: sent, without a flag
        let e = exchange().await.unwrap_err();
        assert_eq!((e.code(), e.status()), (ErrorCode::OAuth, 400));
        assert_eq!(oauth_requests().await, 1);
    }
    let e = exchange()
        .dangerously_allow_browser(true)
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::OAuth, 400));
    assert_eq!(e.errors()[0].error_key, "invalid_grant");
    no_secret(&e);
    assert_eq!(
        e.request().unwrap().url,
        format!("{BASE}/oauth2/oauth/token")
    );
    let e = oauth::exchange_code(
        KEY,
        "not-the-secret-0000",
        "no-such-code-1234",
        format!("{BASE}/"),
    )
    .oauth_base_url(&oauth_base)
    .dangerously_allow_browser(true)
    .await
    .unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.errors()[0].error_key.as_str()),
        (ErrorCode::OAuth, 401, "invalid_client")
    );
    assert!(!e.to_string().contains("not-the-secret-0000"));
    // arguments refused before anything is sent, named as Rust spells them
    clear_log().await;
    for (secret, code, redirect, name) in [
        ("", "c0de-1234", format!("{BASE}/"), "client_secret"),
        ("demo-client-secret", "", format!("{BASE}/"), "code"),
        (
            "demo-client-secret",
            "c0de-1234",
            "callback".to_string(),
            "redirect_uri",
        ),
        (
            "demo-client-secret",
            "c0de-1234",
            format!("{BASE}/#x"),
            "redirect_uri",
        ),
    ] {
        let e = oauth::exchange_code(KEY, secret, code, redirect)
            .oauth_base_url(&oauth_base)
            .dangerously_allow_browser(true)
            .await
            .unwrap_err();
        assert_eq!(
            (e.code(), e.argument()),
            (ErrorCode::InvalidArgument, Some(name))
        );
        no_secret(&e);
    }
    let e = oauth::exchange_code(
        "with space",
        "demo-client-secret",
        "c0de-1234",
        format!("{BASE}/"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.argument(), Some("client_id"));
    let e = oauth::token_info("a token with spaces").await.unwrap_err();
    assert_eq!(e.argument(), Some("access_token"));
    assert_eq!(oauth_requests().await, 0, "nothing was sent");
    // no answer: NETWORK, and nothing secret in it or its cause
    let e = exchange()
        .dangerously_allow_browser(true)
        .oauth_base_url("http://127.0.0.1:9/oauth2")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Network);
    no_secret(&e);

    // what a fetch function receives, and answers the emulator does not give
    let seen = Rc::new(std::cell::RefCell::new(Vec::new()));
    let (f, _keep) = answering(
        200,
        r#"{"access_token":"v6574b42-a5bc-4574-a87f-5c9d1202e316","expires_in":"308874923","token_type":"Bearer"}"#,
        seen.clone(),
    );
    let token = exchange()
        .dangerously_allow_browser(true)
        .fetch(f)
        .await
        .unwrap();
    assert_eq!(token.expires_in, 308_874_923, "a string expires_in");
    assert!(
        !format!("{token:?}").contains("v6574b42"),
        "Debug hides the token"
    );
    assert_eq!(
        seen.borrow()[0],
        format!(
            "POST {BASE}/oauth2/oauth/token Manual application/x-www-form-urlencoded grant_type=authorization_code&client_id={KEY}&client_secret=demo-client-secret&code=no-such-code-1234&redirect_uri={}",
            js_sys::encode_uri_component(&format!("{BASE}/"))
        )
    );
    let (f, _keep2) = answering(
        200,
        r#"{"access_token":"a b","expires_in":1}"#,
        seen.clone(),
    );
    let e = exchange()
        .dangerously_allow_browser(true)
        .fetch(f)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Decode);
    no_secret(&e);
    // a redirect is an answer, never followed with the form
    let (f, _keep3) = answering(307, "", seen.clone());
    let sent_before = seen.borrow().len();
    let e = exchange()
        .dangerously_allow_browser(true)
        .fetch(f)
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::OAuth, 307));
    assert!(e.message().contains("redirect"), "{e}");
    assert_eq!(seen.borrow().len(), sent_before + 1, "sent once");
    no_secret(&e);
    // a time budget and a signal
    let never = Closure::<dyn FnMut(web_sys::Request) -> js_sys::Promise>::new(|_| {
        js_sys::Promise::new(&mut |_, _| {})
    });
    let never_fn: js_sys::Function = never.as_ref().clone().into();
    let e = oauth::token_info(TOKEN)
        .fetch(never_fn.clone())
        .timeout(Duration::from_millis(50))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Timeout);
    no_secret(&e);
    let ac = web_sys::AbortController::new().unwrap();
    ac.abort_with_reason(&JsValue::from("gone"));
    let e = oauth::token_info(TOKEN)
        .fetch(never_fn)
        .signal(&ac.signal())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Aborted);
    no_secret(&e);
}

#[cfg(feature = "edge")]
#[wasm_bindgen_test]
async fn forward_and_a_shared_limiter() {
    reset(0).await;
    let counts = Rc::new(Cell::new((0, 0)));
    let seen = counts.clone();
    let client = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(format!("{BASE}/v2"))
        .limiter(move |_signal| {
            let c = seen.clone();
            c.set((c.get().0 + 1, c.get().1));
            async move {
                let release = move || c.set((c.get().0, c.get().1 + 1));
                Ok(Some(Box::new(release) as Box<dyn FnOnce()>))
            }
        })
        .build()
        .unwrap();
    let request = |url: &str| web_sys::Request::new_with_str(url).unwrap();
    let r = client
        .forward(&request(
            "https://edge.example/v2/library/files?limit=2&api_key=theirs",
        ))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = JsFuture::from(r.text().unwrap())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["results"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let missing = client
        .forward(&request("https://edge.example/v2/library/files/no-such"))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404, "an error answer is passed on");
    assert_eq!(counts.get(), (2, 2), "each attempt acquired and released");
    let e = client
        .forward(&request("https://edge.example/v3/library/info"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.argument()),
        (ErrorCode::InvalidArgument, Some("request.url"))
    );
    let refusing = Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(format!("{BASE}/v2"))
        .limiter(|_| async {
            Err(ctct_mylibrary::Error::new(
                ErrorCode::RateLimited,
                "over the daily quota",
            ))
        })
        .build()
        .unwrap();
    assert_eq!(
        refusing.info().await.unwrap_err().code(),
        ErrorCode::RateLimited
    );
}
