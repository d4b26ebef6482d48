//! Test control under `/_emulator/`: scripted faults, runtime settings and the request log.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a scripted fault does to the request it catches.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FaultAction {
    /// Answer with `status`, `headers` and `body` instead of the API.
    #[default]
    Respond,
    /// Close the connection without answering.
    Drop,
    /// Answer normally but cut the body in half (the `Content-Length` promises all of it).
    Truncate,
    /// Only wait `delay_ms`, then answer normally.
    Delay,
}

/// A fault for the next matching `/v2/` requests.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    #[serde(default)]
    pub action: FaultAction,
    pub status: Option<u16>,
    /// Body text (`respond`).
    pub body: Option<String>,
    /// Body bytes in base64, for bodies that are not UTF-8 (`respond`).
    pub body_base64: Option<String>,
    /// Repeat the body this many times (for very large bodies).
    pub repeat: Option<usize>,
    /// Content type of a `respond` body (default `application/json`).
    pub content_type: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Wait before acting, in milliseconds.
    pub delay_ms: Option<u64>,
    /// How many requests this fault catches (default 1).
    pub count: Option<u32>,
    /// Only requests whose path starts with this.
    pub path: Option<String>,
    /// Only requests with this method.
    pub method: Option<String>,
    /// Only requests whose token belongs to the account of this user name (default: every
    /// account, and requests with no known token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl Fault {
    /// Whether the fault catches a request; `account` is the user name of the account the
    /// request's token was issued for, if the token is known.
    pub fn matches(&self, method: &str, path: &str, account: Option<&str>) -> bool {
        self.path.as_deref().is_none_or(|p| path.starts_with(p))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.account.as_deref().is_none_or(|a| account == Some(a))
    }
}

/// Settings that tests may change while the emulator runs.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct Runtime {
    /// Requests per key in any one-second window; 0 disables the limit.
    pub qps: u32,
    /// Requests per key until the next reset; 0 disables the quota.
    pub daily_quota: u64,
    /// How long an upload stays `Uploaded`, then `Processing`, before its final status.
    pub upload_delay_ms: u64,
    /// Added to every `/v2/` request.
    pub latency_ms: u64,
    /// `max_upload_size_limit` reported and enforced.
    pub max_upload_size_limit: u64,
}

/// A partial update of [`Runtime`].
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimePatch {
    pub qps: Option<u32>,
    pub daily_quota: Option<u64>,
    pub upload_delay_ms: Option<u64>,
    pub latency_ms: Option<u64>,
    pub max_upload_size_limit: Option<u64>,
}

impl Runtime {
    pub fn apply(&mut self, p: RuntimePatch) {
        self.qps = p.qps.unwrap_or(self.qps);
        self.daily_quota = p.daily_quota.unwrap_or(self.daily_quota);
        self.upload_delay_ms = p.upload_delay_ms.unwrap_or(self.upload_delay_ms);
        self.latency_ms = p.latency_ms.unwrap_or(self.latency_ms);
        self.max_upload_size_limit = p
            .max_upload_size_limit
            .unwrap_or(self.max_upload_size_limit);
    }
}

/// The dataset a reset builds; missing fields keep the start-up values.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub files: Option<usize>,
    pub folders: Option<usize>,
    pub seed: Option<u64>,
}

/// One request as the log keeps it: no secret values.
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub seq: u64,
    pub method: String,
    /// The path exactly as received (still percent-encoded).
    pub path: String,
    /// The query as received, with the values of `api_key`, `access_token`, `client_secret`,
    /// `code` and `state` replaced by `REDACTED`.
    pub query: String,
    /// Header names, lower case, sorted.
    pub headers: Vec<String>,
    /// The status answered; 0 when the connection was dropped.
    pub status: u16,
}

/// Query parameters whose values the log never keeps (`state` ties a sign-in to its browser
/// session, so it is kept out too).
const SECRET_PARAMS: [&str; 5] = ["api_key", "access_token", "client_secret", "code", "state"];

/// The query string with credential values replaced.
pub fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _))
                if SECRET_PARAMS
                    .iter()
                    .any(|s| key_name(k).eq_ignore_ascii_case(s)) =>
            {
                format!("{k}=REDACTED")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A parameter name with its percent-escapes decoded (`client%5Fsecret` is `client_secret`).
fn key_name(k: &str) -> String {
    let b = k.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `POST /_emulator/revoke`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    pub access_token: String,
}

/// One entry of `GET /_emulator/accounts`.
#[derive(Clone, Debug, Serialize)]
pub struct AccountJson {
    pub username: String,
}
