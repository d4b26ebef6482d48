use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[tokio::test]
async fn respond_with_a_scripted_status_and_body() {
    let emu = emu().await;
    emu.control("faults", json!({ "status": 503, "body": "<html>down</html>", "content_type": "text/html", "headers": { "Retry-After": "2" } })).await;
    let r = emu.call(Method::GET, "/info", None).await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "2");
    assert_eq!(r.headers()["content-type"], "text/html");
    assert_eq!(r.text().await.unwrap(), "<html>down</html>");
    // consumed: the next request is normal
    assert_eq!(emu.call(Method::GET, "/info", None).await.status(), 200);
}

#[tokio::test]
async fn faults_match_path_method_and_count() {
    let emu = emu().await;
    emu.control(
        "faults",
        json!([
            { "status": 500, "path": "/v2/library/files", "method": "PUT", "count": 2 },
            { "status": 502, "body": "[]", "path": "/v2/library/folders" },
        ]),
    )
    .await;
    assert_eq!(emu.call(Method::GET, "/info", None).await.status(), 200);
    assert_eq!(emu.call(Method::GET, "/files/9", None).await.status(), 200);
    for _ in 0..2 {
        assert_eq!(
            emu.call(Method::PUT, "/files/9", Some(json!({ "description": "x" })))
                .await
                .status(),
            500
        );
    }
    assert_eq!(
        emu.call(Method::PUT, "/files/9", Some(json!({ "description": "x" })))
            .await
            .status(),
        200
    );
    assert_eq!(emu.call(Method::GET, "/folders", None).await.status(), 502);
    assert_eq!(emu.call(Method::GET, "/folders", None).await.status(), 200);
}

#[tokio::test]
async fn drop_closes_the_connection_without_an_answer() {
    let emu = emu().await;
    emu.control("faults", json!({ "action": "drop" })).await;
    let err = emu.req(Method::GET, "/info").send().await.unwrap_err();
    assert!(
        !err.is_status()
            && (err.is_request() || err.is_connect() || err.to_string().contains("connection")),
        "{err:?}"
    );
    assert_eq!(emu.call(Method::GET, "/info", None).await.status(), 200);
    let log = emu.log().await;
    assert_eq!(log[0]["status"], 0);
}

#[tokio::test]
async fn truncate_cuts_the_body() {
    let emu = emu().await;
    emu.control("faults", json!({ "action": "truncate" })).await;
    let r = emu.call(Method::GET, "/files", None).await;
    assert_eq!(r.status(), 200);
    let promised: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(promised > 1000);
    assert!(r.bytes().await.is_err(), "the body must fail part-way");
    assert_eq!(emu.call(Method::GET, "/files", None).await.status(), 200);
}

#[tokio::test]
async fn delays_and_latency() {
    let emu = emu().await;
    emu.control("faults", json!({ "action": "delay", "delay_ms": 300 }))
        .await;
    let t = Instant::now();
    assert_eq!(emu.call(Method::GET, "/info", None).await.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    emu.set(json!({ "latency_ms": 150 })).await;
    let t = Instant::now();
    emu.get("/info").await;
    assert!(t.elapsed() >= Duration::from_millis(150));
    // a scripted answer can be slow too, and very large, and not UTF-8
    emu.set(json!({ "latency_ms": 0 })).await;
    emu.control(
        "faults",
        json!([
            { "status": 200, "body": "{\"x\":1}", "repeat": 1000000 },
            { "status": 200, "body_base64": "/w==" },
        ]),
    )
    .await;
    let big = emu
        .call(Method::GET, "/files", None)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(big.len(), 7_000_000);
    let bin = emu
        .call(Method::GET, "/files", None)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bin[..], &[0xFF]);
}

#[tokio::test]
async fn reset_restores_the_dataset_and_clears_faults() {
    let emu = emu().await;
    emu.json(Method::DELETE, "/files/1,2,3", None).await;
    emu.control("faults", json!({ "status": 500, "count": 100 }))
        .await;
    emu.set(json!({ "qps": 1 })).await;
    let r = emu.control("reset", json!({ "files": 25 })).await;
    assert_eq!(r["files"], 25);
    let pending: Value = emu
        .http
        .get(format!("{}/_emulator/faults", emu.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pending, json!([]));
    assert_eq!(emu.info().await["usage_summary"]["file_count"], 35);
    assert_eq!(emu.get("/files/1").await["status"], "Active");
    assert_eq!(
        emu.call(Method::GET, "/info", None).await.status(),
        200,
        "qps back to the start-up value (0)"
    );
    let (s, _) = emu.json(Method::GET, "/info", None).await;
    assert_eq!(s, 200);
}
