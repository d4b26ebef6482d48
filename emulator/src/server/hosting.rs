//! Hosting: the stored file and thumbnail bytes under `/ih/` (account 1) and
//! `/a/{username}/ih/` (the other accounts), and static files from `--www`.

use super::http::{Resp, decode, error, response};
use super::{App, lock};
use crate::model::ApiError;
use crate::store;
use bytes::Bytes;
use hyper::Method;
use hyper::header::{self, HeaderValue};
use std::path::{Component, Path};

fn mime_for(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "ts" => "text/plain; charset=utf-8",
        "map" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The Content-Security-Policy of the demo: no inline script; WebAssembly may compile.
pub const DEMO_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob: http: https:; connect-src 'self' http: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

impl App {
    /// Hosted bytes of `account` (index): `rest` is the path after its `/ih/`.
    pub(super) fn hosted(&self, account: usize, rest: &str, method: &Method) -> Resp {
        if method != Method::GET && method != Method::HEAD {
            return error(&ApiError::new(
                405,
                "http.status.method_not_allowed",
                "Only GET and HEAD are supported",
            ));
        }
        let item = if rest == "ui/mlui_document.png" {
            Some(store::document_icon())
        } else {
            rest.split_once('/').and_then(|(kind, name)| {
                let acct = self.accounts.get(account)?;
                lock(&acct.library).hosted(kind, name)
            })
        };
        match item {
            Some(h) => {
                let body = if method == Method::HEAD {
                    Bytes::new()
                } else {
                    h.bytes.clone()
                };
                let mut r = response(200, Some(h.content_type), body);
                r.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                );
                r.headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(h.bytes.len()));
                r
            }
            None => error(&ApiError::not_found("The requested image was not found")),
        }
    }

    pub(super) async fn static_file(&self, path: &str, method: &Method) -> Resp {
        let not_found = || error(&ApiError::not_found("The supplied url was not found"));
        let Some(root) = &self.config.www else {
            return not_found();
        };
        if method != Method::GET && method != Method::HEAD {
            return not_found();
        }
        let rel = decode(path.trim_start_matches('/'), false);
        let rel = Path::new(&rel);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return not_found();
        }
        let mut file = root.join(rel);
        if path.ends_with('/') || tokio::fs::metadata(&file).await.is_ok_and(|m| m.is_dir()) {
            file = file.join("index.html");
        }
        match tokio::fs::read(&file).await {
            Ok(bytes) => {
                let mime = mime_for(&file);
                let mut r = response(
                    200,
                    Some(mime),
                    if method == Method::HEAD {
                        Vec::new()
                    } else {
                        bytes
                    },
                );
                let h = r.headers_mut();
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                h.insert(
                    "x-content-type-options",
                    HeaderValue::from_static("nosniff"),
                );
                if mime.starts_with("text/html") {
                    h.insert(
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static(DEMO_CSP),
                    );
                }
                r
            }
            Err(_) => not_found(),
        }
    }
}
