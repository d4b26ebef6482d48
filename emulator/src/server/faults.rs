//! Scripted faults, added latency and rate limits: the per-key rate state and the code that
//! applies them around the v2 API.

use super::http::{Resp, Truncated, query_pairs, read_body, response};
use super::{App, lock};
use crate::control::{Fault, FaultAction};
use crate::model::ApiError;
use crate::time;
use base64::Engine;
use http_body_util::{BodyExt, combinators::BoxBody};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response};
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::Notify;

/// One API key's recent requests: the last second's timestamps and the count since reset.
#[derive(Default)]
pub(super) struct RateState {
    window: VecDeque<i64>,
    today: u64,
}

impl App {
    fn take_fault(&self, method: &Method, path: &str, account: Option<&str>) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let idx = faults
            .iter()
            .position(|f| f.matches(method.as_str(), path, account))?;
        let f = faults.get_mut(idx)?;
        let remaining = f.count.unwrap_or(1).saturating_sub(1);
        let fault = f.clone();
        if remaining == 0 {
            faults.remove(idx);
        } else {
            f.count = Some(remaining);
        }
        Some(fault)
    }

    pub(super) async fn api_with_faults(
        self: &Arc<Self>,
        req: Request<Incoming>,
        method: &Method,
        path: &str,
        query: &str,
        kill: Arc<Notify>,
    ) -> Option<Resp> {
        let latency = lock(&self.runtime).latency_ms;
        if latency > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
        }
        // The account of the request's token, for faults scoped to one account; no check here:
        // the API's own checks answer as usual.
        let account = self
            .token_account(&req, &query_pairs(query))
            .and_then(|a| self.accounts.get(a))
            .map(|a| a.username.as_str());
        let fault = self.take_fault(method, path, account);
        if let Some(ms) = fault.as_ref().and_then(|f| f.delay_ms) {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        match fault {
            None => Some(self.api(req, path, query).await),
            Some(f) => match f.action {
                FaultAction::Delay => Some(self.api(req, path, query).await),
                FaultAction::Drop => {
                    kill.notify_one();
                    None
                }
                FaultAction::Respond => {
                    // Read the request first, as a server does: answering while a client is
                    // still sending makes it see a reset connection instead of the answer.
                    let _ = read_body(req, 64 << 20).await;
                    let mut body = match &f.body_base64 {
                        Some(b) => base64::engine::general_purpose::STANDARD
                            .decode(b)
                            .unwrap_or_default(),
                        None => f.body.clone().unwrap_or_default().into_bytes(),
                    };
                    if let Some(n) = f.repeat.filter(|&n| n > 1) {
                        body = body.repeat(n.min(1 << 24));
                    }
                    let mut r = response(
                        f.status.unwrap_or(500),
                        Some(f.content_type.as_deref().unwrap_or("application/json")),
                        body,
                    );
                    for (k, v) in &f.headers {
                        if let (Ok(k), Ok(v)) = (
                            header::HeaderName::from_bytes(k.as_bytes()),
                            HeaderValue::from_str(v),
                        ) {
                            r.headers_mut().insert(k, v);
                        }
                    }
                    Some(r)
                }
                FaultAction::Truncate => {
                    let r = self.api(req, path, query).await;
                    let (mut parts, body) = r.into_parts();
                    let bytes = body
                        .collect()
                        .await
                        .map(|c| c.to_bytes())
                        .unwrap_or_default();
                    parts
                        .headers
                        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
                    let half = bytes.slice(..bytes.len() / 2);
                    Some(Response::from_parts(
                        parts,
                        BoxBody::new(Truncated::new(half)),
                    ))
                }
            },
        }
    }

    pub(super) fn check_rate(&self, key: &str) -> Result<(), ApiError> {
        let rt = *lock(&self.runtime);
        let now = time::now_ms();
        let mut rates = lock(&self.rate);
        let state = rates.entry(key.to_string()).or_default();
        while state.window.front().is_some_and(|&t| now - t >= 1000) {
            state.window.pop_front();
        }
        if rt.qps > 0 && state.window.len() >= rt.qps as usize {
            return Err(ApiError::new(
                403,
                "mashery.not.authorized.over.qps",
                "The Mashery account associated with this request is over its queries-per-second quota",
            ));
        }
        if rt.daily_quota > 0 && state.today >= rt.daily_quota {
            return Err(ApiError::new(
                403,
                "mashery.not.authorized.over.ratelimit",
                "The Mashery account associated with this request is over its rate limit quota.",
            ));
        }
        state.window.push_back(now);
        state.today += 1;
        Ok(())
    }
}
