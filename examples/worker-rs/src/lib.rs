//! A Cloudflare Worker in Rust (workers-rs) that reads a MyLibrary through `ctct-mylibrary`'s
//! Rust face, built without the JavaScript face (no feature `js`).
//!
//! - `GET /overview`: the library's info, the whole folder tree, and the first page of files
//!   (`?limit=n`, default 50);
//! - `GET /grid?limit=n[&folder=id]`: the thumbnail grid's data, one page of files as `id`,
//!   `name` and `thumbnail` (`url`, `width`, `height`; `null` when the API gives none), and
//!   whether more follow.
//!
//! Configuration comes from the Worker's env: `API_BASE` (the API, `…/v2`), `API_KEY` and the
//! secret `ACCESS_TOKEN`. When a service binding `API` is bound, every request to the API goes
//! through it (the client's `fetch` option), else through the global `fetch`. The credentials
//! never appear in an answer: errors carry the client's redacted message.

use ctct_mylibrary::models::{Folder, LibraryFile, LibraryInfo, Thumbnail};
use ctct_mylibrary::{Client, ErrorCode};
use futures_util::TryStreamExt;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use worker::{Context, Env, Method, Request, Response, Result, event};

/// The page size of `/overview`'s files and of `/grid` when the query has none.
const DEFAULT_LIMIT: u32 = 50;
/// The folders' page size: the tree in as few requests as the API allows.
const FOLDER_PAGE: u32 = 1000;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let answer = match (req.method(), req.path().as_str()) {
        (Method::Get, "/overview") => overview(&req, &env).await,
        (Method::Get, "/grid") => grid(&req, &env).await,
        (_, "/overview" | "/grid") => Err(Failure::new(405, "METHOD", "use GET")),
        _ => Err(Failure::new(
            404,
            "NOT_FOUND",
            "GET /overview or /grid?limit=n",
        )),
    };
    let mut response = match answer {
        Ok(response) => response,
        Err(failure) => failure.response()?,
    };
    response.headers_mut().set("cache-control", "no-store")?;
    if response.status_code() == 405 {
        response.headers_mut().set("allow", "GET")?;
    }
    Ok(response)
}

/// The library at a glance.
#[derive(Serialize)]
struct Overview {
    /// Where the requests went: `"binding"` (the `API` service binding) or `"fetch"`.
    via: &'static str,
    info: LibraryInfo,
    /// Every top-level folder, each with its sub-folders in `children`.
    folders: Vec<Folder>,
    /// The first page of files.
    files: Vec<LibraryFile>,
    /// Whether files follow that page.
    more_files: bool,
}

async fn overview(req: &Request, env: &Env) -> Result<Response, Failure> {
    let limit = limit(req)?;
    let (client, via) = client(env)?;
    let info = client.info().send();
    let folders = client
        .folders()
        .list()
        .limit(FOLDER_PAGE)
        .stream()
        .try_collect::<Vec<_>>();
    let files = client.files().list().limit(limit).send();
    // The three start together; the client's limiter keeps them within the API's rate.
    let (info, folders, files) = futures_util::future::try_join3(info, folders, files).await?;
    json(&Overview {
        via,
        info,
        folders,
        more_files: files.next.is_some(),
        files: files.items,
    })
}

/// One page of the thumbnail grid.
#[derive(Serialize)]
struct Grid {
    via: &'static str,
    items: Vec<Cell>,
    /// Whether files follow this page.
    more: bool,
}

/// One cell of the grid.
#[derive(Serialize)]
struct Cell {
    id: String,
    name: String,
    thumbnail: Option<Thumbnail>,
}

async fn grid(req: &Request, env: &Env) -> Result<Response, Failure> {
    let limit = limit(req)?;
    let folder = query(req, "folder")?;
    let (client, via) = client(env)?;
    let mut list = client.files().list().limit(limit);
    if let Some(folder) = folder {
        list = list.folder(folder);
    }
    let page = list.send().await?;
    json(&Grid {
        via,
        more: page.next.is_some(),
        items: page
            .items
            .into_iter()
            .map(|f| Cell {
                id: f.id,
                name: f.name,
                thumbnail: f.thumbnail,
            })
            .collect(),
    })
}

/// A client for this request, from the env; it sends through the `API` service binding when
/// one is bound. (A client per request: its 4 req/s limiter covers this request's calls. A
/// limit shared by every isolate needs a Durable Object, as the JavaScript edge Worker has.)
fn client(env: &Env) -> Result<(Client, &'static str), Failure> {
    let base = setting(env, "API_BASE")?;
    let key = setting(env, "API_KEY")?;
    let token = setting(env, "ACCESS_TOKEN")?;
    let mut builder = Client::builder()
        .api_key(key)
        .access_token(token)
        .base_url(base);
    let via = match service_fetch(env) {
        Some(fetch) => {
            builder = builder.fetch(fetch);
            "binding"
        }
        None => "fetch",
    };
    let client = builder.build().map_err(|e| {
        Failure::new(
            500,
            "CONFIG",
            format!("the Worker's settings are wrong: {}", e.message()),
        )
    })?;
    Ok((client, via))
}

/// The `API` service binding's `fetch`, bound to the binding (the client calls it as a plain
/// function), when the Worker has that binding.
fn service_fetch(env: &Env) -> Option<js_sys::Function> {
    let binding: JsValue = env.service("API").ok()?.into();
    let fetch = js_sys::Reflect::get(&binding, &JsValue::from_str("fetch"))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    Some(fetch.bind0(&binding))
}

/// A var or secret of the env (a secret's value is never put in an answer).
fn setting(env: &Env, name: &str) -> Result<String, Failure> {
    match env.var(name) {
        Ok(value) if !value.to_string().is_empty() => Ok(value.to_string()),
        _ => Err(Failure::new(
            500,
            "CONFIG",
            format!("the Worker has no {name} binding"),
        )),
    }
}

fn query(req: &Request, name: &str) -> Result<Option<String>, Failure> {
    let url = req
        .url()
        .map_err(|_| Failure::new(400, "BAD_REQUEST", "unreadable URL"))?;
    Ok(url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned()))
}

/// `?limit=n`: a whole number (the client refuses one outside 1–1000 before sending).
fn limit(req: &Request) -> Result<u32, Failure> {
    match query(req, "limit")? {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => text.parse().map_err(|_| {
            Failure::new(
                400,
                "INVALID_ARGUMENT",
                "limit must be a whole number from 1 to 1000",
            )
        }),
    }
}

fn json<T: Serialize>(value: &T) -> Result<Response, Failure> {
    Response::from_json(value).map_err(|e| Failure::new(500, "INTERNAL", e.to_string()))
}

/// An answer other than 200: `{"error": {"code", "message", "status"}}`, `status` being the
/// API's when the API answered with an error.
struct Failure {
    status: u16,
    code: &'static str,
    message: String,
    /// The API's status, when the API answered with an error.
    upstream: Option<u16>,
    retry_after_s: Option<u64>,
}

impl Failure {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            code,
            message: message.into(),
            upstream: None,
            retry_after_s: None,
        }
    }

    fn response(self) -> Result<Response> {
        let mut error = serde_json::json!({ "code": self.code, "message": self.message });
        if let Some(status) = self.upstream {
            error["status"] = status.into();
        }
        let mut response =
            Response::from_json(&serde_json::json!({ "error": error }))?.with_status(self.status);
        if let Some(s) = self.retry_after_s {
            response.headers_mut().set("retry-after", &s.to_string())?;
        }
        Ok(response)
    }
}

/// The client's error as this Worker's answer: a refused argument is the caller's (400); the
/// API's rate limit is 429 with its wait; a call out of time 504; anything else the API or the
/// network did, 502. The message is the client's, whose URLs and texts are already redacted.
impl From<ctct_mylibrary::Error> for Failure {
    fn from(e: ctct_mylibrary::Error) -> Failure {
        let status = match e.code() {
            ErrorCode::InvalidArgument => 400,
            ErrorCode::RateLimited => 429,
            ErrorCode::Timeout => 504,
            _ => 502,
        };
        Failure {
            status,
            code: e.code().as_str(),
            message: e.message().to_owned(),
            upstream: (e.status() != 0).then_some(e.status()),
            retry_after_s: e.retry_after_ms().map(|ms| ms.div_ceil(1000)),
        }
    }
}
