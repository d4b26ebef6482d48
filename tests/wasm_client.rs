//! The client against the emulator, in Node and in headless Chromium (wasm-bindgen-test).
//! `make test` starts the emulator on a fixed port (the browser cannot read environment
//! variables; the address is also compiled in from MYLIBRARY_EMULATOR_URL).
#![cfg(target_arch = "wasm32")]

use ctct_mylibrary::js::MyLibraryClient;
use ctct_mylibrary::{Client, ErrorCode};
use futures_util::StreamExt;
use js_sys::{Array, Object, Reflect};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod wasm_common;
use wasm_common::*;

fn obj(v: Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap()
}
fn to_json(v: &JsValue) -> Value {
    if v.is_undefined() {
        return Value::Null;
    }
    serde_json::from_str(&js_sys::JSON::stringify(v).unwrap().as_string().unwrap()).unwrap()
}
fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}

fn client_with(extra: Value) -> MyLibraryClient {
    let mut o = json!({ "apiKey": KEY, "accessToken": TOKEN, "baseUrl": format!("{BASE}/v2"), "requestsPerSecond": 0 });
    for (k, v) in extra.as_object().unwrap() {
        o[k] = v.clone();
    }
    MyLibraryClient::new(obj(o)).unwrap()
}
fn client() -> MyLibraryClient {
    client_with(json!({}))
}

/// The code and status of a rejection, after checking it is a MyLibraryError free of secrets.
fn rejected(r: Result<JsValue, JsValue>) -> (String, u64) {
    let e = match r {
        Ok(v) => panic!("expected a rejection, got {}", to_json(&v)),
        Err(e) => e,
    };
    assert!(e.is_instance_of::<js_sys::Error>(), "a real Error");
    assert_eq!(
        get(&e, "name").as_string().as_deref(),
        Some("MyLibraryError")
    );
    let text = format!(
        "{} {} {}",
        js_sys::JSON::stringify(&e).unwrap().as_string().unwrap(),
        e.unchecked_ref::<js_sys::Error>()
            .to_string()
            .as_string()
            .unwrap(),
        get(&e, "cause")
            .as_string()
            .unwrap_or_else(|| js_sys::JSON::stringify(&get(&e, "cause"))
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default())
    );
    assert!(
        !text.contains(KEY) && !text.contains(TOKEN),
        "a credential leaked: {text}"
    );
    let cause = get(&e, "cause");
    if cause.is_object() {
        let m = get(&cause, "message").as_string().unwrap_or_default();
        assert!(!m.contains(KEY) && !m.contains(TOKEN));
    }
    (
        get(&e, "code").as_string().unwrap(),
        get(&e, "status").as_f64().unwrap() as u64,
    )
}

/// Every item of an iterator of pages (what the package's `files()` and friends yield).
async fn collect(iterable: JsValue) -> (Vec<Value>, Option<(String, u64)>) {
    let iter = Reflect::get(&iterable, &js_sys::Symbol::async_iterator()).unwrap();
    let it = iter
        .unchecked_ref::<js_sys::Function>()
        .call0(&iterable)
        .unwrap();
    let next: js_sys::Function = get(&it, "next").into();
    let mut out = Vec::new();
    loop {
        match JsFuture::from(js_sys::Promise::from(next.call0(&it).unwrap())).await {
            Ok(step) => {
                if get(&step, "done").as_bool() == Some(true) {
                    return (out, None);
                }
                let page = to_json(&get(&step, "value"));
                out.extend(page["results"].as_array().unwrap().iter().cloned());
            }
            Err(e) => return (out, Some(rejected(Err(e)))),
        }
    }
}

fn upload_params(name: &str, data: &[u8], extra: Value) -> JsValue {
    let p = obj(json!({ "fileName": name })
        .as_object()
        .map(|m| {
            let mut m = m.clone();
            for (k, v) in extra.as_object().unwrap() {
                m.insert(k.clone(), v.clone());
            }
            Value::Object(m)
        })
        .unwrap());
    Reflect::set(&p, &"data".into(), &js_sys::Uint8Array::from(data).into()).unwrap();
    p
}

#[wasm_bindgen_test]
async fn info_and_the_seed_examples() {
    reset(0).await;
    let c = client();
    let info = to_json(&c.get_info(None).await.unwrap());
    assert_eq!(info["max_upload_size_limit"], 5_242_880);
    assert_eq!(info["usage_summary"]["file_count"], 10);
    let page = to_json(
        &c.list_files(Some(obj(json!({ "limit": 9 }))), None)
            .await
            .unwrap(),
    );
    let ids: Vec<&str> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["9", "8", "7", "6", "5", "4", "3", "2", "1"]);
    assert!(page["next"].is_string());
    assert!(
        page.get("meta").is_none(),
        "the page is {{ results, next }}"
    );
    assert_eq!(page["results"][2]["folder_id"], Value::Null);
    let folder = to_json(&c.get_folder("-4".into(), None).await.unwrap());
    assert_eq!(folder["children"][0]["name"], "market_studies");
    assert_eq!(folder["parent_id"], "0");
}

#[wasm_bindgen_test]
async fn folders_every_operation() {
    reset(0).await;
    let c = client();
    let created = to_json(
        &c.create_folder(obj(json!({ "name": "Café" })), None)
            .await
            .unwrap(),
    );
    let id = created["id"].as_str().unwrap().to_string();
    let child = to_json(
        &c.create_folder(obj(json!({ "name": "child", "parentId": id })), None)
            .await
            .unwrap(),
    );
    assert_eq!(
        (child["level"].as_u64(), child["parent_id"].as_str()),
        (Some(2), Some(id.as_str()))
    );
    // moving only: the client reads the name first (GET then PUT)
    clear_log().await;
    let moved = to_json(
        &c.update_folder(
            child["id"].as_str().unwrap().into(),
            obj(json!({ "parentId": "0" })),
            None,
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        (moved["name"].as_str(), moved["level"].as_u64()),
        (Some("child"), Some(1))
    );
    let l = log().await;
    assert_eq!(
        l.iter().map(|(m, _, _)| m.as_str()).collect::<Vec<_>>(),
        ["GET", "PUT"]
    );
    // includePayload: false resolves with undefined
    let none = c
        .update_folder(
            id.clone().into(),
            obj(json!({ "name": "Renamed" })),
            Some(obj(json!({ "includePayload": false }))),
        )
        .await
        .unwrap();
    assert!(none.is_undefined());
    assert_eq!(
        to_json(&c.get_folder(id.clone().into(), None).await.unwrap())["name"],
        "Renamed"
    );
    // every folder, through the iterator
    let (all, err) =
        collect(c.pages("listFolders".into(), Some(obj(json!({ "limit": 1 }))), None)).await;
    assert!(err.is_none());
    let whole = to_json(
        &c.list_folders(Some(obj(json!({ "limit": 1000 }))), None)
            .await
            .unwrap(),
    );
    assert_eq!(all, *whole["results"].as_array().unwrap());
    assert!(all.len() >= 4);
    c.delete_folder(id.clone().into(), None).await.unwrap();
    assert_eq!(
        rejected(c.get_folder(id.into(), None).await),
        ("HTTP".into(), 404)
    );
    // the API's own errors come through
    let e = c
        .create_folder(obj(json!({ "name": "wildflowers" })), None)
        .await
        .unwrap_err();
    assert_eq!(get(&e, "status").as_f64(), Some(409.0));
    assert_eq!(
        to_json(&get(&e, "errors"))[0]["error_key"],
        "mylibrary.folder.name.exists"
    );
}

#[wasm_bindgen_test]
async fn files_every_operation() {
    reset(40).await;
    let c = client();
    let (all, err) =
        collect(c.pages("listFiles".into(), Some(obj(json!({ "limit": 7 }))), None)).await;
    assert!(err.is_none());
    assert_eq!(all.len(), 50);
    let docs = to_json(
        &c.list_files(
            Some(obj(json!({ "type": "DOCUMENTS", "limit": 1000 }))),
            None,
        )
        .await
        .unwrap(),
    );
    assert!(
        docs["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["is_image"] == false)
    );
    let wild = to_json(
        &c.list_files(
            Some(obj(json!({ "folderId": "-1", "sortBy": "NAME" }))),
            None,
        )
        .await
        .unwrap(),
    );
    assert_eq!(wild["results"].as_array().unwrap().len(), 2);
    let f = to_json(&c.get_file("9".into(), None).await.unwrap());
    assert_eq!(f["file_type"], "JPG");
    // a name change only: the description is read first and sent back unchanged
    let u = to_json(
        &c.update_file("9".into(), obj(json!({ "name": "steel.jpg" })), None)
            .await
            .unwrap(),
    );
    assert_eq!(
        (u["name"].as_str(), u["description"].as_str()),
        (Some("steel.jpg"), Some("buildings_steel"))
    );
    let u = to_json(
        &c.update_file(
            "9".into(),
            obj(json!({ "description": "a#b?c Café" })),
            None,
        )
        .await
        .unwrap(),
    );
    assert_eq!(u["description"], "a#b?c Café");
    let moved = to_json(
        &c.move_files("-10".into(), obj(json!(["8", "9"])), None)
            .await
            .unwrap(),
    );
    assert_eq!(moved.as_array().unwrap().len(), 2);
    assert!(
        moved[0]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/v2/library/files/8")
    );
    c.delete_files("8".into(), None).await.unwrap();
    c.delete_files(obj(json!(["9", "7"])), None).await.unwrap();
    let (trash, _) = collect(c.pages("listTrash".into(), None, None)).await;
    assert_eq!(trash.len(), 3);
    assert!(trash.iter().all(|f| f["status"] == "Deleted"));
    let t = to_json(
        &c.list_trash(Some(obj(json!({ "sortBy": "SIZE" }))), None)
            .await
            .unwrap(),
    );
    assert_eq!(t["results"][0]["id"], "7");
    c.empty_trash(None).await.unwrap();
    assert_eq!(
        to_json(&c.list_trash(None, None).await.unwrap())["results"],
        json!([])
    );
}

#[wasm_bindgen_test]
async fn uploads_wait_and_fail_clearly() {
    reset(0).await;
    config(json!({ "upload_delay_ms": 300 })).await;
    let c = client();
    let progress = Array::new();
    let p2 = progress.clone();
    let cb = Closure::<dyn FnMut(f64, f64)>::new(move |a: f64, b: f64| {
        p2.push(&JsValue::from(format!("{a}/{b}")));
    });
    let opts = Object::new();
    Reflect::set(&opts, &"onProgress".into(), cb.as_ref()).unwrap();
    let r = to_json(
        &c.upload_file(
            upload_params(
                "tiny.png",
                &png(),
                json!({ "folderId": "-1", "description": "d" }),
            ),
            Some(opts.into()),
        )
        .await
        .unwrap(),
    );
    let id = r["fileId"].as_str().unwrap().to_string();
    let n = png().len();
    assert_eq!(progress.get(0).as_string().unwrap(), format!("0/{n}"));
    assert_eq!(
        progress.get(progress.length() - 1).as_string().unwrap(),
        format!("{n}/{n}")
    );
    let st = to_json(
        &c.wait_for_upload(id.clone().into(), Some(obj(json!({ "intervalMs": 50 }))))
            .await
            .unwrap(),
    );
    assert_eq!(st["status"], "Active");
    let f = to_json(&c.get_file(id.clone().into(), None).await.unwrap());
    assert_eq!(
        (
            f["width"].as_u64(),
            f["file_type"].as_str(),
            f["folder_id"].as_str()
        ),
        (Some(2), Some("PNG"), Some("-1"))
    );
    let statuses = to_json(
        &c.get_upload_status(obj(json!([id, "9", "424242"])), None)
            .await
            .unwrap(),
    );
    assert_eq!(statuses.as_array().unwrap().len(), 2);
    // a virus, an unknown id and a wait that runs out of time
    let mut eicar =
        b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*".to_vec();
    eicar.extend_from_slice(b" ");
    let v = to_json(
        &c.upload_file(upload_params("eicar.pdf", &eicar, json!({})), None)
            .await
            .unwrap(),
    );
    let vid = v["fileId"].as_str().unwrap().to_string();
    assert_eq!(
        rejected(
            c.wait_for_upload(vid.into(), Some(obj(json!({ "intervalMs": 50 }))))
                .await
        )
        .0,
        "UPLOAD_FAILED"
    );
    assert_eq!(
        rejected(c.wait_for_upload("424242".into(), None).await).0,
        "UPLOAD_FAILED"
    );
    config(json!({ "upload_delay_ms": 60000 })).await;
    let slow = to_json(
        &c.upload_file(upload_params("slow.png", &png(), json!({})), None)
            .await
            .unwrap(),
    );
    let sid = slow["fileId"].as_str().unwrap().to_string();
    assert_eq!(
        rejected(
            c.wait_for_upload(
                sid.into(),
                Some(obj(json!({ "intervalMs": 50, "timeoutMs": 300 })))
            )
            .await
        )
        .0,
        "TIMEOUT"
    );
    // type inference from a Blob's type, and refusals before anything is sent
    clear_log().await;
    for (params, why) in [
        (upload_params("noext", &png(), json!({})), "no type"),
        (upload_params("a.bmp", &png(), json!({})), "unsupported"),
        (upload_params("a.png", &[], json!({})), "empty"),
        (
            upload_params(&format!("{}.png", "n".repeat(80)), &png(), json!({})),
            "long name",
        ),
        (
            upload_params("a.png", &vec![0u8; 5_242_881], json!({})),
            "too big",
        ),
    ] {
        assert_eq!(
            rejected(c.upload_file(params, None).await).0,
            "INVALID_ARGUMENT",
            "{why}"
        );
    }
    assert!(log().await.is_empty(), "nothing was sent");
    drop(cb);
}

#[wasm_bindgen_test]
async fn bad_arguments_send_nothing() {
    reset(0).await;
    let c = client();
    clear_log().await;
    let cases: Vec<Result<JsValue, JsValue>> = vec![
        c.list_files(Some(obj(json!({ "limit": 0 }))), None).await,
        c.list_files(Some(obj(json!({ "limit": 1001 }))), None)
            .await,
        c.list_files(Some(obj(json!({ "limit": 1.5 }))), None).await,
        c.list_files(Some(obj(json!({ "sortBy": "ADDED_DATE" }))), None)
            .await,
        c.list_files(Some(obj(json!({ "type": "images" }))), None)
            .await,
        c.list_files(Some(obj(json!({ "limt": 5 }))), None).await,
        c.list_files(Some("limit=5".into()), None).await,
        c.list_trash(Some(obj(json!({ "source": "ALL" }))), None)
            .await,
        c.get_file(JsValue::NULL, None).await,
        c.get_file(JsValue::from(9), None).await,
        c.get_file("".into(), None).await,
        c.get_file("..".into(), None).await,
        c.get_folder(JsValue::UNDEFINED, None).await,
        c.create_folder(obj(json!({ "name": "写真" })), None).await,
        c.create_folder(obj(json!({ "name": "x".repeat(41) })), None)
            .await,
        c.create_folder(obj(json!({})), None).await,
        c.create_folder(JsValue::NULL, None).await,
        c.update_folder("-1".into(), obj(json!({})), None).await,
        c.update_file(
            "9".into(),
            obj(json!({ "description": "d".repeat(101) })),
            None,
        )
        .await,
        c.update_file("9".into(), obj(json!({ "name": "" })), None)
            .await,
        c.move_files("-1".into(), obj(json!([9])), None).await,
        c.get_upload_status(obj(json!(["1,2"])), None).await,
        c.get_info(Some(obj(json!({ "timeoutMs": -1 })))).await,
        c.get_info(Some("fast".into())).await,
    ];
    for (i, r) in cases.into_iter().enumerate() {
        assert_eq!(rejected(r).0, "INVALID_ARGUMENT", "case {i}");
    }
    for r in [
        c.delete_files(JsValue::from(5), None).await,
        c.delete_folder(JsValue::NULL, None).await,
    ] {
        assert_eq!(
            rejected(r.map(|_| JsValue::UNDEFINED)).0,
            "INVALID_ARGUMENT"
        );
    }
    assert!(log().await.is_empty(), "nothing was sent");
    // ids that could change the path are encoded: the request stays on its endpoint
    for id in ["../info", "a/b?c#d", "%2F"] {
        assert_eq!(
            rejected(c.get_file(id.into(), None).await),
            ("HTTP".into(), 404)
        );
    }
    for (_, path, _) in log().await {
        assert!(
            path.starts_with("/v2/library/files/") && path.matches('/').count() == 4,
            "{path}"
        );
    }
    // the constructor refuses missing credentials for the real API
    assert!(MyLibraryClient::new(obj(json!({ "apiKey": "k" }))).is_err());
    assert!(MyLibraryClient::new(obj(json!({ "baseUrl": "not a url" }))).is_err());
}

#[wasm_bindgen_test]
async fn http_errors_and_rate_limits() {
    reset(0).await;
    let c = client();
    let bad_token = client_with(json!({ "accessToken": "wrong-token-0000" }));
    assert_eq!(
        rejected(bad_token.get_info(None).await),
        ("HTTP".into(), 401)
    );
    let bad_key = client_with(json!({ "apiKey": "wrong-key-0000" }));
    assert_eq!(rejected(bad_key.get_info(None).await), ("HTTP".into(), 403));
    // a refreshed token on the same client
    bad_token.set_access_token(TOKEN.into()).unwrap();
    bad_token.get_info(None).await.unwrap();
    // the daily quota is RATE_LIMITED and not retried
    clear_log().await;
    fault(json!({ "status": 403, "body": "[{\"error_key\":\"mashery.not.authorized.over.ratelimit\",\"error_message\":\"over its rate limit quota\"}]" })).await;
    assert_eq!(
        rejected(c.get_info(None).await),
        ("RATE_LIMITED".into(), 403)
    );
    assert_eq!(log().await.len(), 1);
    // over.qps is retried, and succeeds
    clear_log().await;
    fault(json!({ "status": 403, "body": "[{\"error_key\":\"mashery.not.authorized.over.qps\",\"error_message\":\"qps\"}]" })).await;
    c.get_info(None).await.unwrap();
    assert_eq!(
        log().await.iter().map(|e| e.2).collect::<Vec<_>>(),
        [403, 200]
    );
    // 5xx is retried 3 times, then reported with the status
    clear_log().await;
    fault(json!({ "status": 503, "body": "<html>busy</html>", "content_type": "text/html", "count": 10 })).await;
    assert_eq!(rejected(c.get_info(None).await), ("HTTP".into(), 503));
    assert_eq!(log().await.len(), 4);
    http("DELETE", "/_emulator/faults", None).await;
    // a folder creation is never retried: no duplicate after a 503
    clear_log().await;
    fault(json!({ "status": 503, "method": "POST" })).await;
    assert_eq!(
        rejected(c.create_folder(obj(json!({ "name": "Once" })), None).await),
        ("HTTP".into(), 503)
    );
    assert_eq!(log().await.len(), 1);
    // with the client's limiter at 4/s and the emulator enforcing 4/s, a burst gets no 403
    config(json!({ "qps": 4 })).await;
    // the server counts per key: let the requests of the other clients above leave its window
    JsFuture::from(js_sys::Promise::new(&mut |resolve, _| {
        let _ = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into())
            .unwrap()
            .unchecked_into::<js_sys::Function>()
            .call2(&JsValue::NULL, &resolve, &JsValue::from(1100));
    }))
    .await
    .unwrap();
    let limited = std::rc::Rc::new(client_with(json!({ "requestsPerSecond": 4, "retries": 0 })));
    clear_log().await;
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let l = limited.clone();
            async move { l.get_info(None).await }
        })
        .collect();
    for r in futures_join(calls).await {
        r.unwrap();
    }
    assert!(log().await.iter().all(|e| e.2 == 200));
    config(json!({ "qps": 0 })).await;
}

/// Awaits futures concurrently (no executor crate needed: JS promises run them).
async fn futures_join<F: std::future::Future<Output = Result<JsValue, JsValue>> + 'static>(
    fs: Vec<F>,
) -> Vec<Result<JsValue, JsValue>> {
    let promises: Vec<js_sys::Promise> = fs
        .into_iter()
        .map(|f| wasm_bindgen_futures::future_to_promise(f))
        .collect();
    let mut out = Vec::new();
    for p in promises {
        out.push(JsFuture::from(p).await);
    }
    out
}

#[wasm_bindgen_test]
async fn network_decode_timeout_and_abort() {
    reset(0).await;
    let c = client_with(json!({ "retries": 1 }));
    // a dropped connection, every time: NETWORK after the retry
    only_fault(json!({ "action": "drop", "count": 10 })).await;
    assert_eq!(rejected(c.get_info(None).await), ("NETWORK".into(), 0));
    // a truncated body, every time
    only_fault(json!({ "action": "truncate", "count": 10 })).await;
    assert_eq!(rejected(c.list_files(None, None).await).0, "NETWORK");
    // HTML with 200, an empty body, wrong types, deep nesting, invalid UTF-8
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
        (
            "{\"results\": [], \"meta\": {\"pagination\": {\"next_link\": \"/v2/library/files\"}}}",
            false,
        ),
    ] {
        let f = if b64 {
            json!({ "status": 200, "body_base64": body })
        } else {
            json!({ "status": 200, "body": body, "content_type": "text/html" })
        };
        only_fault(f).await;
        assert_eq!(
            rejected(c.list_files(None, None).await).0,
            "DECODE",
            "{}",
            &body[..body.len().min(40)]
        );
    }
    // a 20 MB body of the wrong shape
    only_fault(json!({ "status": 200, "body": "{\"x\":[1,2,3,4,5,6,7,8,9]},", "repeat": 800_000 }))
        .await;
    assert_eq!(rejected(c.list_files(None, None).await).0, "DECODE");
    // the same client still serves a normal call
    http("DELETE", "/_emulator/faults", None).await;
    c.get_info(None).await.unwrap();
    // slower than the time budget
    only_fault(json!({ "action": "delay", "delay_ms": 2000 })).await;
    assert_eq!(
        rejected(c.get_info(Some(obj(json!({ "timeoutMs": 200 })))).await).0,
        "TIMEOUT"
    );
    // abort with an Error reason, a string reason, no reason; before and during the call
    for reason in [
        JsValue::from(js_sys::Error::new("stop")),
        JsValue::from("a string reason"),
        JsValue::UNDEFINED,
    ] {
        let ac = web_sys::AbortController::new().unwrap();
        only_fault(json!({ "action": "delay", "delay_ms": 1000 })).await;
        let opts = Object::new();
        Reflect::set(&opts, &"signal".into(), &ac.signal()).unwrap();
        let p = wasm_bindgen_futures::future_to_promise({
            let c = client();
            let opts: JsValue = opts.clone().into();
            async move { c.get_info(Some(opts)).await }
        });
        if reason.is_undefined() {
            ac.abort()
        } else {
            ac.abort_with_reason(&reason)
        }
        assert_eq!(rejected(JsFuture::from(p).await).0, "ABORTED");
        let early = c.get_info(Some(opts.into())).await;
        assert_eq!(rejected(early).0, "ABORTED", "aborted before the call");
    }
    http("DELETE", "/_emulator/faults", None).await;
    c.get_info(None).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_repeating_cursor_ends_the_walk_after_its_items() {
    reset(0).await;
    let c = client();
    let page = |id: &str| {
        json!({ "meta": { "pagination": { "next_link": "/v2/library/files?next=SAME" } }, "results": [to_json_file(id)] }).to_string()
    };
    fault(json!({ "status": 200, "body": page("1"), "count": 1 })).await;
    fault(json!({ "status": 200, "body": page("2"), "count": 5 })).await;
    let (items, err) = collect(c.pages("listFiles".into(), None, None)).await;
    assert_eq!(
        items
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["1", "2"]
    );
    assert_eq!(err.unwrap().0, "DECODE");
    http("DELETE", "/_emulator/faults", None).await;
    // the Rust face's stream does the same
    fault(json!({ "status": 200, "body": page("1"), "count": 1 })).await;
    fault(json!({ "status": 200, "body": page("2"), "count": 5 })).await;
    let rc = rust_client();
    let mut items = rc.files().list().stream();
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
    http("DELETE", "/_emulator/faults", None).await;
}

fn to_json_file(id: &str) -> Value {
    json!({ "id": id, "name": format!("{id}.png"), "height": 1, "width": 1, "size": 1, "url": "u", "status": "Active",
            "created_date": "c", "modified_date": "m", "is_image": true, "file_type": "PNG" })
}

fn rust_client() -> Client {
    Client::builder()
        .api_key(KEY)
        .access_token(TOKEN)
        .base_url(format!("{BASE}/v2"))
        .requests_per_second(0)
        .build()
        .unwrap()
}

#[wasm_bindgen_test]
async fn fault_matrix_retries_and_no_duplicates() {
    reset(0).await;
    let c = client_with(json!({ "retries": 2 }));
    // 500, 502, 503: a GET is tried 1 + 2 times, then the status is reported
    for status in [500, 502, 503] {
        only_fault(json!({ "status": status, "count": 10 })).await;
        clear_log().await;
        assert_eq!(rejected(c.get_info(None).await), ("HTTP".into(), status));
        assert_eq!(log().await.len(), 3, "{status}: three attempts");
    }
    http("DELETE", "/_emulator/faults", None).await;
    // a PUT is retried too, and succeeds on the second attempt
    only_fault(json!({ "status": 502, "method": "PUT" })).await;
    clear_log().await;
    let u = to_json(
        &c.update_file("9".into(), obj(json!({ "description": "retried" })), None)
            .await
            .unwrap(),
    );
    assert_eq!(u["description"], "retried");
    assert_eq!(
        log().await.iter().map(|e| e.2).collect::<Vec<_>>(),
        [502, 200]
    );
    // an upload is never retried: after a 503, a dropped connection or a timeout, at most one
    // POST was processed and no file is stored twice. (A browser may itself re-send a request
    // whose kept-alive connection closed before any answer — it was never processed — so the
    // dropped case may also succeed there, with one file.)
    for (i, (f, code)) in [
        (json!({ "status": 503, "method": "POST", "path": "/v2/library/files", "count": 5 }), "HTTP"),
        (json!({ "action": "drop", "method": "POST", "path": "/v2/library/files", "count": 5 }), "NETWORK"),
        // Held ten times the budget: an answer arrives only if the budget failed to stop the
        // call (as it did in Node before the scope guarded fetch itself; see tests/node/gc).
        (json!({ "action": "delay", "delay_ms": 4000, "method": "POST", "path": "/v2/library/files", "count": 5 }), "TIMEOUT"),
    ]
    .into_iter()
    .enumerate()
    {
        // Each fault catches several requests: a stray request cannot use it up before the
        // upload arrives, and a retried upload would still show as a second processed POST.
        only_fault(f).await;
        clear_log().await;
        let name = format!("once-{i}.png");
        let started = js_sys::Date::now();
        let r = c.upload_file(upload_params(&name, &png(), json!({})), Some(obj(json!({ "timeoutMs": 400 })))).await;
        match r {
            Ok(_) => assert_eq!(
                code,
                "NETWORK",
                "only a dropped connection can be re-sent by the transport (answered after {} ms)",
                js_sys::Date::now() - started
            ),
            Err(e) => assert_eq!(rejected(Err(e)).0, code),
        }
        http("DELETE", "/_emulator/faults", None).await;
        // Long enough for a held request to reach the store, if the emulator still runs it.
        let settle = if code == "TIMEOUT" { 4500 } else { 1000 };
        JsFuture::from(js_sys::Promise::new(&mut |resolve, _| {
            let _ = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into()).unwrap().unchecked_into::<js_sys::Function>().call2(&JsValue::NULL, &resolve, &JsValue::from(settle));
        }))
        .await
        .unwrap();
        let processed = log().await.into_iter().filter(|e| e.0 == "POST" && e.2 != 0).count();
        assert!(processed <= 1, "{code}: {processed} POSTs processed");
        let stored = to_json(&c.list_files(Some(obj(json!({ "limit": 1000 }))), None).await.unwrap())["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["name"].as_str() == Some(name.as_str()))
            .count();
        assert!(stored <= 1, "{code}: {stored} copies of {name}");
    }
    // abort after the call settled: nothing happens, and the client serves the next call
    let ac = web_sys::AbortController::new().unwrap();
    let opts = Object::new();
    Reflect::set(&opts, &"signal".into(), &ac.signal()).unwrap();
    let done = c.get_info(Some(opts.into())).await;
    ac.abort_with_reason(&JsValue::from("too late"));
    assert!(done.is_ok());
    c.get_info(None).await.unwrap();
}

#[wasm_bindgen_test]
async fn every_method_refuses_bad_arguments_before_sending() {
    reset(0).await;
    let c = client();
    clear_log().await;
    let long = "x".repeat(200);
    let cases: Vec<(&str, Result<JsValue, JsValue>)> = vec![
        ("getInfo options", c.get_info(Some(JsValue::from(5))).await),
        (
            "listFolders null-ish wrong type",
            c.list_folders(Some(JsValue::from(true)), None).await,
        ),
        (
            "listFolders limit",
            c.list_folders(Some(obj(json!({ "limit": -1 }))), None)
                .await,
        ),
        ("getFolder null", c.get_folder(JsValue::NULL, None).await),
        ("getFolder empty", c.get_folder("".into(), None).await),
        (
            "createFolder wrong type",
            c.create_folder(JsValue::from("name"), None).await,
        ),
        (
            "createFolder empty",
            c.create_folder(obj(json!({ "name": "" })), None).await,
        ),
        (
            "createFolder over-long",
            c.create_folder(obj(json!({ "name": long })), None).await,
        ),
        (
            "createFolder not Latin-1",
            c.create_folder(obj(json!({ "name": "Ünïcødé ✓" })), None)
                .await,
        ),
        (
            "updateFolder null changes",
            c.update_folder("-1".into(), JsValue::NULL, None).await,
        ),
        (
            "updateFolder over-long",
            c.update_folder("-1".into(), obj(json!({ "name": long })), None)
                .await,
        ),
        (
            "updateFolder includePayload",
            c.update_folder(
                "-1".into(),
                obj(json!({ "name": "a" })),
                Some(obj(json!({ "includePayload": "yes" }))),
            )
            .await,
        ),
        (
            "deleteFolder number",
            c.delete_folder(JsValue::from(4), None).await,
        ),
        (
            "listFiles unknown enum",
            c.list_files(Some(obj(json!({ "source": "Dropbox" }))), None)
                .await,
        ),
        (
            "listFiles empty cursor",
            c.list_files(Some(obj(json!({ "next": "" }))), None).await,
        ),
        ("getFile null", c.get_file(JsValue::NULL, None).await),
        (
            "updateFile wrong type",
            c.update_file("9".into(), JsValue::from(1), None).await,
        ),
        (
            "updateFile over-long name",
            c.update_file("9".into(), obj(json!({ "name": long })), None)
                .await,
        ),
        (
            "updateFile nothing",
            c.update_file("9".into(), obj(json!({})), None).await,
        ),
        (
            "deleteFiles null",
            c.delete_files(JsValue::NULL, None).await,
        ),
        (
            "moveFiles null folder",
            c.move_files(JsValue::NULL, obj(json!(["9"])), None).await,
        ),
        (
            "moveFiles id with comma",
            c.move_files("-1".into(), obj(json!(["9,8"])), None).await,
        ),
        (
            "listTrash limit 1001",
            c.list_trash(Some(obj(json!({ "limit": 1001 }))), None)
                .await,
        ),
        (
            "emptyTrash options",
            c.empty_trash(Some(JsValue::from("now"))).await,
        ),
        ("uploadFile null", c.upload_file(JsValue::NULL, None).await),
        (
            "uploadFile no data",
            c.upload_file(obj(json!({ "fileName": "a.png" })), None)
                .await,
        ),
        (
            "uploadFile string data",
            c.upload_file(obj(json!({ "fileName": "a.png", "data": "abc" })), None)
                .await,
        ),
        (
            "uploadFile bad source",
            c.upload_file(
                upload_params("a.png", &png(), json!({ "source": "Dropbox" })),
                None,
            )
            .await,
        ),
        (
            "uploadFile bad type",
            c.upload_file(
                upload_params("a.exe", &png(), json!({ "fileType": "EXE" })),
                None,
            )
            .await,
        ),
        (
            "uploadFile description",
            c.upload_file(
                upload_params("a.png", &png(), json!({ "description": long })),
                None,
            )
            .await,
        ),
        (
            "getUploadStatus number",
            c.get_upload_status(JsValue::from(9), None).await,
        ),
        (
            "waitForUpload interval",
            c.wait_for_upload("9".into(), Some(obj(json!({ "intervalMs": 1.5 }))))
                .await,
        ),
        (
            "waitForUpload null id",
            c.wait_for_upload(JsValue::NULL, None).await,
        ),
    ];
    for (what, r) in cases {
        assert_eq!(rejected(r).0, "INVALID_ARGUMENT", "{what}");
    }
    assert!(log().await.is_empty(), "nothing was sent");
    // the access token travels in the Authorization header only, never in a URL
    c.get_info(None).await.unwrap();
    let raw = http("GET", "/_emulator/log", None).await;
    for e in raw.as_array().unwrap() {
        let q = e["query"].as_str().unwrap();
        assert!(!q.contains("access_token") && !q.contains(TOKEN), "{q}");
        assert!(
            e["headers"]
                .as_array()
                .unwrap()
                .contains(&json!("authorization"))
        );
    }
    // setAccessToken is synchronous: it throws the error
    assert!(c.set_access_token(JsValue::from("")).is_err());
    assert!(c.set_access_token(JsValue::NULL).is_err());
    // names and descriptions with any other character go through unharmed
    let f = to_json(
        &c.update_file(
            "9".into(),
            obj(json!({ "name": "a#b.png", "description": "Café ✓ ?x=1&y=2 <b>" })),
            None,
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        (f["name"].as_str(), f["description"].as_str()),
        (Some("a#b.png"), Some("Café ✓ ?x=1&y=2 <b>"))
    );
    let up = to_json(
        &c.upload_file(upload_params("Café #2.png", &png(), json!({})), None)
            .await
            .unwrap(),
    );
    let got = to_json(
        &c.get_file(up["fileId"].as_str().unwrap().into(), None)
            .await
            .unwrap(),
    );
    assert_eq!(got["name"], "Café #2.png");
}
