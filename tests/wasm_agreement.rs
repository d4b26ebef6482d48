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

// ---------------------------------------------------------------- OAuth2 callbacks

#[wasm_bindgen(module = "/src/js/oauth.js")]
extern "C" {
    /// The JavaScript face's `parseCallback` (ctct-mylibrary/oauth).
    #[wasm_bindgen(js_name = parseCallback, catch)]
    fn js_parse_callback(url: &str, options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = authorizationUrl, catch)]
    fn js_authorization_url(options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = exchangeCode)]
    fn js_exchange_code(options: &JsValue) -> js_sys::Promise;
}

/// An argument's name in the Rust face: `options.redirectUri` is `redirect_uri`.
fn rust_name(js: &str) -> String {
    let bare = js.strip_prefix("options.").unwrap_or(js);
    let mut out = String::new();
    for c in bare.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A JavaScript `MyLibraryError` as the Rust face's error is described: code, argument (in
/// Rust's spelling), status, error list, and the message after the operation's name.
fn js_error(e: &JsValue) -> Value {
    let get = |k: &str| js_sys::Reflect::get(e, &JsValue::from_str(k)).unwrap();
    let errors = js_sys::Array::from(&get("errors"))
        .iter()
        .map(|x| {
            let f = |k: &str| {
                js_sys::Reflect::get(&x, &JsValue::from_str(k))
                    .unwrap()
                    .as_string()
                    .unwrap_or_default()
            };
            [f("error_key"), f("error_message")]
        })
        .collect::<Vec<_>>();
    let message = get("message").as_string().unwrap();
    let argument = get("argument").as_string();
    json!({
        "error": get("code").as_string(),
        "argument": argument.as_deref().map(rust_name),
        "status": get("status").as_f64(),
        "errors": errors,
        "message": message.split_once(": ").map(|(_, m)| m.to_string()),
    })
}

fn rust_error(e: &ctct_mylibrary::Error) -> Value {
    json!({
        "error": e.code().as_str(),
        "argument": e.argument(),
        "status": e.status() as f64,
        "errors": e.errors().iter().map(|x| [x.error_key.clone(), x.error_message.clone()]).collect::<Vec<_>>(),
        "message": e.message().split_once(": ").map(|(_, m)| m.to_string()),
    })
}

/// Messages that name an argument differ by its spelling (but for `url`); the rest are equal.
fn without_names(mut v: Value) -> Value {
    if v["argument"].is_string() && v["argument"] != "url" {
        v["message"] = Value::Null;
    }
    v
}

/// What a callback gives, the same way for both faces: the fields, or the error's code and
/// argument.
fn rust_callback(url: &str, flow: Option<&str>) -> Value {
    use ctct_mylibrary::oauth::{Callback, Flow, parse_callback};
    let mut p = parse_callback(url, "st4te");
    if let Some(f) = flow.and_then(Flow::from_name) {
        p = p.flow(f);
    }
    match p.parse() {
        Ok(Callback::Code(c)) => json!({ "flow": "code", "code": c.code, "username": c.username }),
        Ok(Callback::Token(t)) => json!({
            "flow": "token", "accessToken": t.access_token, "tokenType": t.token_type, "expiresIn": t.expires_in
        }),
        Err(e) => without_names(rust_error(&e)),
    }
}

fn js_callback(url: &str, flow: Option<&str>) -> Value {
    let options = match flow {
        Some(f) => json!({ "state": "st4te", "flow": f }),
        None => json!({ "state": "st4te" }),
    };
    let options = parse(&options.to_string());
    match js_parse_callback(url, &options) {
        Ok(v) => stringify(&v),
        Err(e) => without_names(js_error(&e)),
    }
}

const PARAMS: &[&str] = &[
    "code=c0de-1",
    "code=",
    "code=a%2Bb+c",
    "username=demo_user",
    "username=+%20jane%09",
    "username=",
    "state=st4te",
    "state=st4te",
    "state=st4t",
    "state=st4tee",
    "state=",
    "state=ST4TE",
    "state=st%34te",
    "error=access_denied",
    "error=server_error",
    "error_description=User+denied+authentication.",
    "access_token=0b6e-tok",
    "access_token=a%20b",
    "access_token=",
    "token_type=Bearer",
    "token_type=",
    "expires_in=315359999",
    "expires_in=9007199254740992",
    "expires_in=-1",
    "expires_in=1.5",
    "expires_in=",
    "tab=files",
    "tab=more",
    "x",
    "%zz=1",
    "a=%E0%A4",
    "=v",
    "%73tate=st4te",
    "caf%C3%A9=%E2%82%AC",
];

/// A callback's parameters: a genuine answer of one kind, then up to three random changes
/// (a parameter added from [`PARAMS`], one dropped, one replaced).
fn pick_params(r: &mut Rng) -> String {
    const ANSWERS: &[&[&str]] = &[
        &["code=c0de-1", "username=demo_user", "state=st4te"],
        &[
            "access_token=0b6e-tok",
            "token_type=Bearer",
            "expires_in=315359999",
            "state=st4te",
        ],
        &[
            "error=access_denied",
            "error_description=User+denied+authentication.",
            "state=st4te",
        ],
        &["error=server_error", "state=st4te"],
        &[],
    ];
    let mut p: Vec<&str> = ANSWERS[r.below(ANSWERS.len())].to_vec();
    for _ in 0..r.below(4) {
        match r.below(3) {
            0 => p.insert(r.below(p.len() + 1), PARAMS[r.below(PARAMS.len())]),
            1 if !p.is_empty() => {
                p.remove(r.below(p.len()));
            }
            _ if !p.is_empty() => {
                let i = r.below(p.len());
                p[i] = PARAMS[r.below(PARAMS.len())];
            }
            _ => {}
        }
    }
    p.join("&")
}

#[wasm_bindgen_test]
fn callbacks_agree() {
    let seeds = [
        "https://app.example.com/cb?code=c0de&username=demo_user&state=st4te",
        "https://app.example.com/cb#access_token=0b6e-tok&token_type=Bearer&expires_in=315359999&state=st4te",
        "https://app.example.com/cb?error=access_denied&error_description=User+denied+authentication.&state=st4te",
        "https://app.example.com/cb#error=access_denied&state=st4te",
        "https://app.example.com/cb?tab=1&tab=2&code=c0de&username=demo_user&state=st4te#section",
        "https://app.example.com/cb?code=c0de&username=demo_user&state=st4te&state=st4te",
        "https://app.example.com/cb",
    ];
    let mut urls: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
    let mut r = Rng(8);
    for _ in 0..800 {
        let mut url = "https://app.example.com/cb".to_string();
        // the answer in the query, in the fragment, or in both
        let (query, fragment) = match r.below(3) {
            0 => (pick_params(&mut r), String::new()),
            1 => (String::new(), pick_params(&mut r)),
            _ => (pick_params(&mut r), pick_params(&mut r)),
        };
        if !query.is_empty() || r.below(4) == 0 {
            url.push('?');
            url.push_str(&query);
        }
        if !fragment.is_empty() || r.below(4) == 0 {
            url.push('#');
            url.push_str(&fragment);
        }
        urls.push(url);
    }
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for url in &urls {
        for flow in [None, Some("code"), Some("token")] {
            let (rust, js) = (rust_callback(url, flow), js_callback(url, flow));
            assert_eq!(rust, js, "{url} (flow {flow:?})");
            let kind = rust["error"]
                .as_str()
                .or(rust["flow"].as_str())
                .unwrap_or("?")
                .to_string();
            *outcomes.entry(kind).or_default() += 1;
        }
    }
    // the inputs reach every outcome
    for kind in [
        "code",
        "token",
        "STATE_MISMATCH",
        "ACCESS_DENIED",
        "OAUTH",
        "INVALID_ARGUMENT",
        "DECODE",
    ] {
        assert!(
            outcomes.get(kind).is_some_and(|&n| n > 5),
            "{kind}: {outcomes:?}"
        );
    }
}

#[wasm_bindgen_test]
fn authorization_urls_agree() {
    use ctct_mylibrary::oauth::{Flow, authorization_url};
    let ok = "https://app.example.com/cb";
    // client id, redirect URI, flow, state, base URL
    type Case<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);
    let cases: &[Case] = &[
        ("key", ok, "code", Some("s"), None),
        (
            "k+y/1",
            "https://app.example.com/cb?next=/a&b=c",
            "token",
            Some("mine & yours!"),
            Some("http://127.0.0.1:8080/oauth2/"),
        ),
        (
            "key",
            ok,
            "code",
            Some("caf\u{e9} \u{1f600}"),
            Some("https://oauth.example.com"),
        ),
        ("", ok, "code", Some("s"), None),
        ("k y", ok, "code", Some("s"), None),
        ("key", "/cb", "code", Some("s"), None),
        ("key", "ftp://a/cb", "code", Some("s"), None),
        ("key", "https://a.example/cb#f", "token", Some("s"), None),
        ("key", "https://u:p@a.example/cb", "token", Some("s"), None),
        (
            "key",
            "https://a.example/c\u{7f}b",
            "token",
            Some("s"),
            None,
        ),
        ("key", "https://a.example/c b", "token", Some("s"), None),
        (
            "key",
            "https://a.example/c\u{a0}b",
            "token",
            Some("s"),
            None,
        ),
        ("key", ok, "code", Some(""), None),
        ("key", ok, "code", Some("s"), Some("oauth2.example.com")),
        (
            "key",
            ok,
            "code",
            Some("s"),
            Some("https://u:p@oauth2.example.com"),
        ),
        (
            "key",
            ok,
            "code",
            Some("s"),
            Some("https://oauth2.example.com/?x"),
        ),
        ("", "/cb", "code", Some(""), Some("nope")),
        ("key", ok, "code", None, None),
    ];
    for (id, uri, flow, state, base) in cases {
        let mut r = authorization_url(*id, *uri, Flow::from_name(flow).unwrap());
        if let Some(s) = state {
            r = r.state(*s);
        }
        if let Some(b) = base {
            r = r.oauth_base_url(*b);
        }
        let rust = match r.build() {
            Ok(a) => json!({ "url": a.url, "state": a.state }),
            Err(e) => without_names(rust_error(&e)),
        };
        let mut o = json!({ "clientId": id, "redirectUri": uri, "flow": flow });
        if let Some(s) = state {
            o["state"] = json!(s);
        }
        if let Some(b) = base {
            o["oauthBaseUrl"] = json!(b);
        }
        let js = match js_authorization_url(&parse(&o.to_string())) {
            Ok(v) => stringify(&v),
            Err(e) => without_names(js_error(&e)),
        };
        if state.is_none() {
            // a fresh random state each: the same shape, the same URL around it
            let (a, b) = (
                rust["state"].as_str().unwrap(),
                js["state"].as_str().unwrap(),
            );
            assert_eq!((a.len(), b.len()), (43, 43));
            assert_eq!(
                rust["url"].as_str().unwrap().replace(a, ""),
                js["url"].as_str().unwrap().replace(b, "")
            );
            continue;
        }
        assert_eq!(rust, js, "{id} {uri} {flow} {state:?} {base:?}");
    }
}

/// A fetch function that answers every request with `status` and `body`.
fn answering(
    status: u16,
    body: &'static str,
) -> (
    js_sys::Function,
    Closure<dyn FnMut(JsValue) -> js_sys::Promise>,
) {
    let f = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |_r: JsValue| {
        let init = web_sys::ResponseInit::new();
        init.set_status(status);
        let r = web_sys::Response::new_with_opt_str_and_init(Some(body), &init).unwrap();
        js_sys::Promise::resolve(&JsValue::from(r))
    });
    (f.as_ref().clone().into(), f)
}

#[wasm_bindgen_test]
async fn token_answers_agree() {
    use ctct_mylibrary::oauth::exchange_code;
    let answers: &[(u16, &str)] = &[
        (
            200,
            r#"{"access_token":"v6574b42-a5bc-4574-a87f-5c9d1202e316","expires_in":"308874923","token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":315359999,"token_type":"Bearer","refresh_token":"x"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":315359999.0,"token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":"0","token_type":"bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":"9007199254740991","token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":"9007199254740992","token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":9007199254740992,"token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":-1,"token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":1.5,"token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":"1.5","token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":"","token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","expires_in":null,"token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"tok3n-1234","token_type":"Bearer"}"#,
        ),
        (200, r#"{"access_token":"tok3n-1234","expires_in":1}"#),
        (
            200,
            r#"{"access_token":"a b","expires_in":1,"token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":"","expires_in":1,"token_type":"Bearer"}"#,
        ),
        (
            200,
            r#"{"access_token":7,"expires_in":1,"token_type":"Bearer"}"#,
        ),
        (200, r#"["access_token"]"#),
        (200, "null"),
        (200, "<html>maintenance</html>"),
        (
            400,
            r#"{"error":"invalid_grant","error_description":"The code is unknown"}"#,
        ),
        (401, r#"{"error":"invalid_client"}"#),
        (400, r#"[{"error_key":"x","error_message":"y"}]"#),
        (500, "<html>Server Error</html>"),
        (503, ""),
    ];
    for (status, body) in answers {
        let (f, _keep) = answering(*status, body);
        let rust = match exchange_code(
            "key-1234",
            "s3cret-5678",
            "c0de-9012",
            "https://app.example.com/cb",
        )
        .fetch(f.clone())
        .dangerously_allow_browser(true)
        .await
        {
            Ok(t) => {
                json!({ "accessToken": t.access_token, "expiresIn": t.expires_in, "tokenType": t.token_type })
            }
            Err(e) => {
                let d = rust_error(&e);
                json!({ "error": d["error"], "status": d["status"], "errors": d["errors"] })
            }
        };
        let o = js_sys::Object::new();
        for (k, v) in [
            ("clientId", "key-1234"),
            ("clientSecret", "s3cret-5678"),
            ("code", "c0de-9012"),
            ("redirectUri", "https://app.example.com/cb"),
        ] {
            js_sys::Reflect::set(&o, &k.into(), &v.into()).unwrap();
        }
        js_sys::Reflect::set(&o, &"fetch".into(), &f).unwrap();
        js_sys::Reflect::set(&o, &"dangerouslyAllowBrowser".into(), &JsValue::TRUE).unwrap();
        let js = match wasm_bindgen_futures::JsFuture::from(js_exchange_code(&o)).await {
            Ok(v) => stringify(&v),
            Err(e) => {
                let d = js_error(&e);
                json!({ "error": d["error"], "status": d["status"], "errors": d["errors"] })
            }
        };
        assert_eq!(rust, js, "HTTP {status}: {body}");
    }
}
