//! The two decoders agree on every input: the JavaScript validator (the JavaScript face's) and
//! serde (the Rust face's). Inputs are the seed examples and every recorded variant, mutated at
//! random (deterministically); the same text goes to `JSON.parse` and to `serde_json`.
#![cfg(target_arch = "wasm32")]

use ctct_mylibrary::models::*;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn scalar(r: &mut Rng) -> Value {
    match r.below(16) {
        0 => Value::Null,
        1 => json!(""),
        2 => json!("x"),
        3 => json!(0),
        4 => json!(-1),
        5 => json!(1.5),
        6 => json!(9_007_199_254_740_992u64),
        7 => json!(9_007_199_254_740_991u64),
        8 => json!(true),
        9 => json!([]),
        10 => json!({}),
        11 => json!("0"),
        12 => json!(64),
        13 => json!("Quarantined"),
        14 => json!(1e300),
        _ => json!(-0.0),
    }
}

/// One random change somewhere in the document.
fn mutate(v: &mut Value, r: &mut Rng, depth: u32) {
    let descend = depth < 6 && r.below(3) != 0;
    match v {
        Value::Object(m) if !m.is_empty() => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = keys[r.below(keys.len())].clone();
            if descend && (m[&k].is_object() || m[&k].is_array()) {
                return mutate(m.get_mut(&k).unwrap(), r, depth + 1);
            }
            match r.below(6) {
                0 => {
                    m.remove(&k);
                }
                1 => {
                    m.insert(k, scalar(r));
                }
                2 => {
                    if let Some(t) = m.remove("file_type") {
                        m.insert("type".into(), t);
                    } else {
                        m.insert("type".into(), scalar(r));
                    }
                }
                3 => {
                    m.insert(
                        "unknown_field".into(),
                        json!({ "deep": [1, { "x": null }] }),
                    );
                }
                4 => {
                    if m.contains_key("parent_id") || r.below(2) == 0 {
                        m.insert(
                            "parent_id".into(),
                            [json!(""), Value::Null, json!("-4"), json!(5)][r.below(4)].clone(),
                        );
                    }
                }
                _ => {
                    let val = m[&k].clone();
                    m.insert(k, json!([val]));
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let i = r.below(a.len());
            if descend {
                return mutate(&mut a[i], r, depth + 1);
            }
            match r.below(3) {
                0 => {
                    a.remove(i);
                }
                1 => a.push(scalar(r)),
                _ => a[i] = scalar(r),
            }
        }
        other => *other = scalar(r),
    }
}

#[wasm_bindgen(module = "/src/js/runtime.js")]
extern "C" {
    /// The JavaScript face's validator: `{ ok }` or `{ error }`.
    fn validate(kind: &str, value: &JsValue) -> JsValue;
}

fn parse(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

fn stringify(v: &JsValue) -> Value {
    serde_json::from_str(&js_sys::JSON::stringify(v).unwrap().as_string().unwrap()).unwrap()
}

/// Every key the Rust value has must hold the same in the JS value (which may keep unknown
/// fields); arrays must have the same length.
fn agrees(rust: &Value, js: &Value) -> bool {
    match (rust, js) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| agrees(v, w))),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| agrees(x, y))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => rust == js,
    }
}

fn check<T: DeserializeOwned + Serialize>(
    kind: &str,
    base: &Value,
    rounds: usize,
    seed: u64,
) -> (usize, usize) {
    let mut r = Rng(seed);
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..rounds {
        let mut doc = base.clone();
        if round > 0 {
            for _ in 0..1 + r.below(3) {
                mutate(&mut doc, &mut r, 0);
            }
        }
        let text = doc.to_string();
        let js = validate(kind, &parse(&text));
        let js_ok = js_sys::Reflect::get(&js, &"ok".into()).unwrap();
        let rust: Result<T, _> = serde_json::from_str(&text);
        match (rust, js_ok.is_undefined()) {
            (Ok(value), false) => {
                let rust_js = serde_json::to_value(&value).unwrap();
                let js_v = stringify(&js_ok);
                assert!(
                    agrees(&rust_js, &js_v),
                    "{kind}: different values for {text}\nrust: {rust_js}\njs:   {js_v}"
                );
                accepted += 1;
            }
            (Err(_), true) => refused += 1,
            (Ok(_), true) => panic!(
                "{kind}: Rust accepts, JS refuses ({}): {text}",
                stringify(&js_sys::Reflect::get(&js, &"error".into()).unwrap())
            ),
            (Err(e), false) => panic!("{kind}: JS accepts, Rust refuses ({e}): {text}"),
        }
    }
    (accepted, refused)
}

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

const ROUNDS: usize = 400;

#[wasm_bindgen_test]
fn file_pages_agree() {
    let seed = fixture(include_str!("fixtures/seed-files.json"));
    let mut with_next = seed.clone();
    with_next["meta"]["pagination"]["next_link"] =
        json!("/v2/library/files?next=b2Zmc2V0PTQmbGltaXQ9NA");
    let (a, r) = check::<FilePage>("filePage", &seed, ROUNDS, 1);
    let (a2, r2) = check::<FilePage>("filePage", &with_next, ROUNDS, 2);
    assert!(
        a + a2 > 100 && r + r2 > 100,
        "both outcomes are exercised: {a}/{r}, {a2}/{r2}"
    );
}

#[wasm_bindgen_test]
fn files_and_trash_variants_agree() {
    let seed = fixture(include_str!("fixtures/seed-files.json"));
    let mut trash_style = seed["results"][0].clone();
    let t = trash_style
        .as_object_mut()
        .unwrap()
        .remove("file_type")
        .unwrap();
    trash_style["type"] = t;
    trash_style["status"] = json!("Deleted");
    check::<LibraryFile>("file", &seed["results"][2], ROUNDS, 3);
    check::<LibraryFile>("file", &trash_style, ROUNDS, 4);
}

#[wasm_bindgen_test]
fn folders_agree() {
    let folder = fixture(include_str!("fixtures/seed-folder.json"));
    let mut no_parent = folder.clone();
    no_parent.as_object_mut().unwrap().remove("parent_id");
    no_parent["children"][0]["parent_id"] = json!("");
    check::<Folder>("folder", &folder, ROUNDS, 5);
    check::<Folder>("folder", &no_parent, ROUNDS, 6);
    let page = json!({ "meta": { "pagination": { "next_link": "/v2/library/folders?next=b2Zmc2V0PTQmbGltaXQ9NA" } }, "results": [folder, no_parent] });
    check::<FolderPage>("folderPage", &page, ROUNDS, 7);
}

#[wasm_bindgen_test]
fn info_statuses_and_moves_agree() {
    let info = fixture(include_str!("fixtures/seed-info.json"));
    check::<LibraryInfo>("info", &info, ROUNDS, 8);
    check::<LibraryInfo>("info", &json!([info]), ROUNDS, 9);
    let statuses = json!([
        { "file_id": "9", "status": "Active", "description": "Active" },
        { "file_id": 64, "status": "Uploaded", "description": "Uploaded" },
        { "file_id": "18", "status": "Processing" },
    ]);
    check::<Vec<UploadStatus>>("uploadStatuses", &statuses, ROUNDS, 10);
    let moves = json!([{ "id": "9", "uri": "https://api.constantcontact.com/v2/library/files/9" }]);
    check::<Vec<MoveResult>>("moveResults", &moves, ROUNDS, 11);
}
