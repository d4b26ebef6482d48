use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

async fn status_and_key(r: reqwest::Response) -> (u16, String) {
    let s = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    (s, error_key(&v).to_string())
}

#[tokio::test]
async fn api_key_and_token_are_required() {
    let emu = emu().await;
    let base = format!("{}/v2/library/info", emu.base);
    let c = &emu.http;
    let cases = [
        (
            c.get(&base).bearer_auth(TOKEN),
            403,
            "mashery.not.authorized.inactive",
        ),
        (
            c.get(format!("{base}?api_key=wrong")).bearer_auth(TOKEN),
            403,
            "mashery.not.authorized.inactive",
        ),
        (
            c.get(format!("{base}?api_key={KEY}")),
            401,
            "http.status.authentication.invalid_token",
        ),
        (
            c.get(format!("{base}?api_key={KEY}")).bearer_auth("wrong"),
            401,
            "http.status.authentication.invalid_token",
        ),
    ];
    for (req, status, key) in cases {
        assert_eq!(
            status_and_key(req.send().await.unwrap()).await,
            (status, key.to_string())
        );
    }
    // the token as a query parameter (the iOS SDK's way) is accepted too
    let r = c
        .get(format!("{base}?api_key={KEY}&access_token={TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // hosted images and the control API need no credentials
    let f = emu.get("/files/9").await;
    assert_eq!(
        c.get(f["url"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        c.get(format!("{}/_emulator/health", emu.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn accept_and_content_type_are_checked() {
    let emu = emu().await;
    let r = emu
        .http
        .get(emu.url("/info"))
        .bearer_auth(TOKEN)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_key(r).await,
        (406, "http.status.not_acceptable".into())
    );
    for accept in [
        "*/*",
        "application/json",
        "text/html, application/json;q=0.5",
        "application/*",
    ] {
        let r = emu
            .http
            .get(emu.url("/info"))
            .bearer_auth(TOKEN)
            .header("Accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{accept}");
    }
    let r = emu
        .req(Method::POST, "/folders")
        .header("Content-Type", "text/plain")
        .body(r#"{"name":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_key(r).await,
        (415, "http.status.unsupported_media_type".into())
    );
    let r = emu
        .req(Method::PUT, "/files/9")
        .body(r#"{"description":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_key(r).await,
        (415, "http.status.unsupported_media_type".into())
    );
    let r = emu
        .req(Method::POST, "/files")
        .json(&json!({"file_name": "a.png"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_key(r).await,
        (415, "http.status.unsupported_media_type".into())
    );
}

#[tokio::test]
async fn four_requests_a_second_per_key() {
    let emu = Setup {
        qps: 4,
        ..Setup::default()
    }
    .start()
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(emu.call(Method::GET, "/info", None).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(codes, [200, 200, 200, 200, 403, 403]);
    let last = statuses.pop().unwrap();
    assert_eq!(
        status_and_key(last).await,
        (403, "mashery.not.authorized.over.qps".into())
    );
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(emu.call(Method::GET, "/info", None).await.status(), 200);
    // a bad key is refused before it can count
    let r = emu
        .http
        .get(format!("{}/v2/library/info?api_key=other", emu.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn daily_quota() {
    let emu = emu().await;
    emu.set(json!({ "daily_quota": 3 })).await;
    for _ in 0..3 {
        assert_eq!(emu.call(Method::GET, "/info", None).await.status(), 200);
    }
    let r = emu.call(Method::GET, "/info", None).await;
    assert_eq!(
        status_and_key(r).await,
        (403, "mashery.not.authorized.over.ratelimit".into())
    );
}

#[tokio::test]
async fn cors_preflight_and_exposed_headers() {
    let emu = emu().await;
    let r = emu
        .http
        .request(Method::OPTIONS, emu.url("/files"))
        .header("Origin", "http://example.test")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    let allowed = h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"));
    assert!(
        h["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("DELETE")
    );
    let r = emu.upload_ok_response().await;
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("Location") && exposed.contains("Id"));
    // errors carry CORS headers too, so a browser can read them
    let r = emu
        .http
        .get(format!("{}/v2/library/info", emu.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
}

impl Emu {
    async fn upload_ok_response(&self) -> reqwest::Response {
        let r = self.upload("cors.png", "PNG", "0", png(8, 8)).await;
        assert_eq!(r.status(), 202);
        r
    }
}

#[tokio::test]
async fn unknown_paths_and_methods_get_v2_errors() {
    let emu = emu().await;
    for (m, path, status) in [
        (Method::GET, "/nothing", 404),
        (Method::GET, "/files/999999", 404),
        (Method::GET, "/files/abc", 404),
        (Method::GET, "/folders/-999", 404),
        (Method::GET, "/folders/-999/files", 404),
        (Method::POST, "/info", 405),
        (Method::PATCH, "/files/9", 405),
        (Method::PUT, "/files/9?include_payload=maybe", 400),
        (Method::GET, "/files/uploadstatus/", 404),
    ] {
        let (s, v) = emu.json(m.clone(), path, None).await;
        assert_eq!(s, status, "{m} {path}");
        error_key(&v);
    }
    // an encoded slash stays inside its segment
    let (s, _) = emu.json(Method::GET, "/files/..%2Finfo", None).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn no_input_makes_a_500() {
    let emu = emu().await;
    let bodies = [
        "",
        "null",
        "[]",
        "{}",
        "\"x\"",
        "{\"name\": 5}",
        "{\"name\": null}",
        "{\"name\": \"\"}",
        "[1, {}]",
        "{\"description\": []}",
        "{\"name\": \"ok\", \"parent_id\": {}}",
        "not json",
        "{\"name\": \"a\u{0}b\"}",
        "{\"folder_id\": \"x\", \"description\": \"d\"}",
    ];
    let paths = [
        "/folders",
        "/folders/-4",
        "/folders/-4/files",
        "/files/9",
        "/files/9,8",
        "/folders/trash/files",
        "/files/uploadstatus/9,x",
    ];
    for path in paths {
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            for body in bodies {
                let r = emu
                    .req(method.clone(), path)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert!(
                    r.status().as_u16() < 500,
                    "{method} {path} {body:?} -> {}",
                    r.status()
                );
            }
        }
        emu.control("reset", json!({})).await;
    }
    for q in [
        "limit=-1",
        "limit=99999999999999999999",
        "sort_by=",
        "type=x",
        "source=x",
        "next=",
        "next=AAAA",
        "next=%FF",
        "limit=10&limit=x",
    ] {
        let (s, v) = emu.json(Method::GET, &format!("/files?{q}"), None).await;
        assert_eq!(s, 400, "{q}");
        assert_eq!(error_key(&v), "http.status.bad_request");
    }
}

#[tokio::test]
async fn the_request_log_redacts_secrets() {
    let emu = emu().await;
    emu.get("/files?limit=2").await;
    let _ = emu
        .http
        .get(format!(
            "{}/v2/library/info?api_key={KEY}&access_token={TOKEN}",
            emu.base
        ))
        .send()
        .await
        .unwrap();
    let log = emu.log().await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["path"], "/v2/library/files");
    assert_eq!(log[0]["query"], "limit=2&api_key=REDACTED");
    assert_eq!(log[0]["status"], 200);
    assert!(
        log[0]["headers"]
            .as_array()
            .unwrap()
            .contains(&json!("authorization"))
    );
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains(KEY) && !text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn serves_a_www_folder_with_a_strict_csp() {
    let dir = std::env::temp_dir().join(format!("emu-www-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(dir.join("pkg/x.wasm"), b"\0asm").unwrap();
    let mut config = mylibrary_emulator::Config {
        port: 0,
        www: Some(dir.clone()),
        ..Default::default()
    };
    config.dataset.files = 0;
    let running = mylibrary_emulator::start(config).await.unwrap();
    let c = reqwest::Client::new();
    let r = c.get(running.url() + "/").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"));
    let r = c.get(running.url() + "/pkg/x.wasm").send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/wasm");
    for evil in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/pkg/..%2F..%2Fetc%2Fpasswd",
    ] {
        assert_eq!(
            c.get(running.url() + evil).send().await.unwrap().status(),
            404,
            "{evil}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
