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
}

impl Fault {
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.path.as_deref().is_none_or(|p| path.starts_with(p))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
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
    /// The query as received, with `api_key` and `access_token` values replaced by `REDACTED`.
    pub query: String,
    /// Header names, lower case, sorted.
    pub headers: Vec<String>,
    /// The status answered; 0 when the connection was dropped.
    pub status: u16,
}

/// The query string with credential values replaced.
pub fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _))
                if k.eq_ignore_ascii_case("api_key") || k.eq_ignore_ascii_case("access_token") =>
            {
                format!("{k}=REDACTED")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}
