//! What the wasm suites share: the emulator's address and credentials, its control endpoints,
//! and a PNG.
#![allow(dead_code)]

use js_sys::{Object, Reflect};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub const BASE: &str = match option_env!("MYLIBRARY_EMULATOR_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:18931",
};
pub const KEY: &str = "wasm-test-key-1234";
pub const TOKEN: &str = "wasm-test-token-5678";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    pub fn global_fetch(url: &str, init: &JsValue) -> js_sys::Promise;
}

pub async fn http(method: &str, path: &str, body: Option<Value>) -> Value {
    let init = Object::new();
    Reflect::set(&init, &"method".into(), &method.into()).unwrap();
    if let Some(b) = body {
        Reflect::set(&init, &"body".into(), &b.to_string().into()).unwrap();
        let h = Object::new();
        Reflect::set(&h, &"content-type".into(), &"application/json".into()).unwrap();
        Reflect::set(&init, &"headers".into(), &h).unwrap();
    }
    let resp: web_sys::Response = JsFuture::from(global_fetch(&format!("{BASE}{path}"), &init))
        .await
        .unwrap()
        .into();
    let text = JsFuture::from(resp.text().unwrap())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

pub async fn reset(files: usize) {
    http("DELETE", "/_emulator/faults", None).await;
    http(
        "POST",
        "/_emulator/reset",
        Some(json!({ "files": files, "folders": 6 })),
    )
    .await;
}
pub async fn config(v: Value) {
    http("POST", "/_emulator/config", Some(v)).await;
}
pub async fn fault(v: Value) {
    http("POST", "/_emulator/faults", Some(v)).await;
}
/// Clears pending faults, then scripts one (browsers may re-send a request on a dropped
/// keep-alive connection by themselves, so counts from an earlier case can be left over).
pub async fn only_fault(v: Value) {
    http("DELETE", "/_emulator/faults", None).await;
    fault(v).await;
}
pub async fn clear_log() {
    http("DELETE", "/_emulator/log", None).await;
}
/// (method, path, status) of every /v2/ request since the last clear, preflights left out.
pub async fn log() -> Vec<(String, String, u64)> {
    let v = http("GET", "/_emulator/log", None).await;
    v.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["method"] != "OPTIONS" && e["path"].as_str().unwrap().starts_with("/v2/"))
        .map(|e| {
            (
                e["method"].as_str().unwrap().into(),
                e["path"].as_str().unwrap().into(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A valid 2×2 RGB PNG.
pub fn png() -> Vec<u8> {
    vec![
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 2, 8, 2,
        0, 0, 0, 253, 212, 154, 115, 0, 0, 0, 21, 73, 68, 65, 84, 120, 156, 99, 56, 193, 192, 112,
        130, 161, 130, 225, 68, 20, 16, 85, 0, 0, 31, 188, 4, 197, 62, 85, 77, 112, 0, 0, 0, 0, 73,
        69, 78, 68, 174, 66, 96, 130,
    ]
}
