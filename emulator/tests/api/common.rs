use mylibrary_emulator::control::Runtime;
use mylibrary_emulator::data::Dataset;
use mylibrary_emulator::{Config, Running, start};
use reqwest::{Method, Response};
use serde_json::{Value, json};

pub const KEY: &str = "test-api-key";
pub const TOKEN: &str = "test-access-token";

pub struct Emu {
    /// Keeps the server task alive for the test.
    pub _running: Running,
    pub base: String,
    pub http: reqwest::Client,
}

/// Builder for a test emulator.
#[derive(Default)]
pub struct Setup {
    pub files: usize,
    pub folders: usize,
    pub qps: u32,
    pub upload_delay_ms: u64,
    /// Accounts (default: the emulator's, 2).
    pub accounts: Option<usize>,
    pub token_ttl_s: Option<u64>,
    pub revoke_on_reauthorize: bool,
    /// Authorization-code lifetime (default: the emulator's, 5 minutes).
    pub code_ttl_ms: Option<u64>,
    /// Registered redirect URIs (default: the emulator's, `{origin}/`).
    pub redirect_uris: Vec<String>,
    /// Apps registered beside the one of `KEY`.
    pub extra_apps: Vec<mylibrary_emulator::RegisteredApp>,
}

impl Setup {
    pub async fn start(self) -> Emu {
        let config = Config {
            port: 0,
            api_key: KEY.into(),
            access_token: TOKEN.into(),
            runtime: Runtime {
                qps: self.qps,
                daily_quota: 0,
                upload_delay_ms: self.upload_delay_ms,
                latency_ms: 0,
                max_upload_size_limit: 5_242_880,
            },
            dataset: Dataset {
                files: self.files,
                folders: self.folders,
                seed: 7,
                ..Dataset::default()
            },
            www: None,
            public_origin: None,
            token_ttl_s: self.token_ttl_s,
            revoke_on_reauthorize: self.revoke_on_reauthorize,
            redirect_uris: self.redirect_uris,
            extra_apps: self.extra_apps,
            ..Config::default()
        };
        let config = Config {
            accounts: self.accounts.unwrap_or(config.accounts),
            code_ttl_ms: self.code_ttl_ms.unwrap_or(config.code_ttl_ms),
            ..config
        };
        let running = start(config).await.expect("emulator starts");
        let base = running.url();
        Emu {
            _running: running,
            base,
            http: reqwest::Client::new(),
        }
    }
}

/// Seeds only, no rate limit, instant uploads.
pub async fn emu() -> Emu {
    Setup::default().start().await
}

impl Emu {
    /// `/v2/library{path}` with the api key appended.
    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}/v2/library{path}{sep}api_key={KEY}", self.base)
    }

    pub fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(TOKEN)
            .header("Accept", "application/json")
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut r = self.req(method, path);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.expect("request sent")
    }

    /// Status and JSON body (Null when empty).
    pub async fn json(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let resp = self.call(method, path, body).await;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.expect("body");
        let v = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("JSON body")
        };
        (status, v)
    }

    pub async fn get(&self, path: &str) -> Value {
        let (s, v) = self.json(Method::GET, path, None).await;
        assert_eq!(s, 200, "GET {path}: {v}");
        v
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}/_emulator/{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    pub async fn set(&self, config: Value) {
        self.control("config", config).await;
    }

    pub async fn log(&self) -> Vec<Value> {
        let r = self
            .http
            .get(format!("{}/_emulator/log", self.base))
            .send()
            .await
            .unwrap();
        r.json::<Vec<Value>>().await.unwrap()
    }

    /// Every result of a list, following `next_link`.
    pub async fn all(&self, path: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut page = self.get(path).await;
        loop {
            out.extend(page["results"].as_array().unwrap().iter().cloned());
            let Some(next) = page["meta"]["pagination"]["next_link"].as_str() else {
                break;
            };
            let next = next.strip_prefix("/v2/library").unwrap().to_string();
            page = self.get(&next).await;
        }
        out
    }

    /// A hosted file's or thumbnail's content type and bytes (an absolute `url` of a file).
    pub async fn hosted(&self, url: &str) -> (String, Vec<u8>) {
        let r = self.http.get(url).send().await.unwrap();
        assert_eq!(r.status(), 200, "GET {url}");
        let kind = r.headers()["content-type"].to_str().unwrap().to_string();
        (kind, r.bytes().await.unwrap().to_vec())
    }

    pub async fn info(&self) -> Value {
        self.get("/info").await
    }

    /// Uploads bytes; returns the new id.
    pub async fn upload(
        &self,
        name: &str,
        file_type: &str,
        folder: &str,
        data: Vec<u8>,
    ) -> Response {
        let form = reqwest::multipart::Form::new()
            .text("file_name", name.to_string())
            .text("folder_id", folder.to_string())
            .text("description", "uploaded by a test")
            .text("source", "MYCOMPUTER")
            .text("file_type", file_type.to_string())
            .part(
                "data",
                reqwest::multipart::Part::bytes(data).file_name(name.to_string()),
            );
        self.req(Method::POST, "/files")
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn upload_ok(
        &self,
        name: &str,
        file_type: &str,
        folder: &str,
        data: Vec<u8>,
    ) -> String {
        let r = self.upload(name, file_type, folder, data).await;
        assert_eq!(r.status().as_u16(), 202, "{:?}", r.text().await);
        r.headers()["id"].to_str().unwrap().to_string()
    }

    pub async fn create_folder(&self, name: &str, parent: Option<&str>) -> Value {
        let mut body = json!({ "name": name });
        if let Some(p) = parent {
            body["parent_id"] = json!(p);
        }
        let (s, v) = self.json(Method::POST, "/folders", Some(body)).await;
        assert_eq!(s, 201, "{v}");
        v
    }
}

/// The single error of a v2 error array.
pub fn error_key(v: &Value) -> &str {
    let arr = v
        .as_array()
        .unwrap_or_else(|| panic!("not an error array: {v}"));
    assert_eq!(arr.len(), 1);
    assert!(
        arr[0]["error_message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    arr[0]["error_key"].as_str().unwrap()
}

/// A small PNG of the given size.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = mylibrary_emulator::images::render_scene(width, height, 42);
    mylibrary_emulator::images::encode(
        &image::DynamicImage::ImageRgb8(img),
        image::ImageFormat::Png,
    )
}

pub fn fixture(name: &str) -> Value {
    let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn ids(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}
