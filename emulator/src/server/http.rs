//! HTTP plumbing shared by every handler: response builders, JSON and error responses, CORS
//! and preflight, body reading, query parsing, content-type checks and the [`Truncated`] body.

use crate::model::ApiError;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited, combinators::BoxBody};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use serde::Serialize;
use serde_json::Value;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub(super) type Resp = Response<BoxBody<Bytes, std::io::Error>>;

const JSON_BODY_CAP: usize = 1 << 20;

fn full(bytes: impl Into<Bytes>) -> BoxBody<Bytes, std::io::Error> {
    Full::new(bytes.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

pub(super) fn response(status: u16, content_type: Option<&str>, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(full(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
        r.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    r
}

pub(super) fn json<T: Serialize>(status: u16, value: &T) -> Resp {
    match serde_json::to_vec(value) {
        Ok(body) => response(status, Some("application/json"), body),
        Err(e) => error(&ApiError::new(
            500,
            "http.status.internal_error",
            format!("Internal server error occurred: {e}"),
        )),
    }
}

pub(super) fn error(e: &ApiError) -> Resp {
    response(e.status, Some("application/json"), e.body())
}

/// Percent-decodes; `plus` turns `+` into a space (query strings).
pub(super) fn decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit() =>
            {
                let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 3;
                continue;
            }
            b'+' if plus => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn query_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

/// A body that sends its first half, waits for it to be flushed, then fails, so the client
/// gets the status, the headers and part of the body before the connection closes.
pub(super) struct Truncated {
    chunk: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl Truncated {
    pub(super) fn new(chunk: Bytes) -> Self {
        Truncated {
            chunk: Some(chunk),
            pause: Box::pin(tokio::time::sleep(std::time::Duration::from_millis(50))),
        }
    }
}

impl Body for Truncated {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        if let Some(b) = this.chunk.take() {
            return Poll::Ready(Some(Ok(Frame::data(b))));
        }
        match this.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::other(
                "emulator fault: truncated body",
            )))),
        }
    }
}

pub(super) fn with_cors(mut r: Resp) -> Resp {
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Location, Id"),
    );
    r
}

pub(super) fn preflight() -> Resp {
    let mut r = response(204, None, Bytes::new());
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, DELETE, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Authorization, Content-Type, Accept"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    r
}

pub(super) fn accepts_json(req: &Request<Incoming>) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    if accept.trim().is_empty() {
        return true;
    }
    accept.split(',').any(|item| {
        let mime = item
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let q_zero = item
            .split(';')
            .skip(1)
            .any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        !q_zero
            && (mime == "application/json"
                || mime == "application/*"
                || mime == "*/*"
                || mime.ends_with("+json"))
    })
}

pub(super) fn content_type(req: &Request<Incoming>) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn is_json_type(ct: &str) -> bool {
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/json")
}

pub(super) async fn read_body(req: Request<Incoming>, cap: usize) -> Result<Bytes, ApiError> {
    match Limited::new(req.into_body(), cap).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ApiError::new(
            413,
            "http.status.request_entity_too_large",
            format!("The request body is larger than {cap} bytes"),
        )),
        Err(_) => Err(ApiError::bad_request("The request body could not be read")),
    }
}

pub(super) async fn read_json(req: Request<Incoming>) -> Result<Value, ApiError> {
    if !is_json_type(&content_type(&req)) {
        return Err(ApiError::new(
            415,
            "http.status.unsupported_media_type",
            "Unsupported content-type in the header, must be application/json",
        ));
    }
    let body = read_body(req, JSON_BODY_CAP).await?;
    serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!("The JSON in the request body is malformed: {e}"))
    })
}
