//! The `/_emulator/...` control endpoints: health, reset, faults, runtime config, the
//! request log, the accounts and token revocation. The types they read and return live in [`crate::control`].

use super::http::{Resp, error, json, preflight, read_body, response};
use super::{App, account_dataset, lock};
use crate::control::{AccountJson, Fault, ResetRequest, RevokeRequest, RuntimePatch};
use crate::data::{self, Dataset};
use crate::model::ApiError;
use crate::store::Limits;
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::{Method, Request};
use serde_json::Value;

impl App {
    pub(super) async fn control(&self, req: Request<Incoming>, path: &str) -> Resp {
        let method = req.method().clone();
        let body = if method == Method::POST {
            read_body(req, 64 << 20).await.unwrap_or_default()
        } else {
            Bytes::new()
        };
        let parse = |b: &Bytes| -> Result<Value, ApiError> {
            if b.is_empty() {
                Ok(Value::Object(Default::default()))
            } else {
                serde_json::from_slice(b).map_err(|e| ApiError::bad_request(e.to_string()))
            }
        };
        let result: Result<Resp, ApiError> = (|| match (path, &method) {
            ("/_emulator/health", _) => Ok(json(
                200,
                &serde_json::json!({ "ok": true, "origin": self.origin }),
            )),
            ("/_emulator/reset", &Method::POST) => {
                let r: ResetRequest = serde_json::from_value(parse(&body)?)
                    .map_err(|e| ApiError::bad_request(e.to_string()))?;
                let d = self.config.dataset;
                let dataset = Dataset {
                    files: r.files.unwrap_or(d.files),
                    folders: r.folders.unwrap_or(d.folders),
                    seed: r.seed.unwrap_or(d.seed),
                    ..d
                };
                let rt = self.config.runtime;
                *lock(&self.runtime) = rt;
                let limits = Limits {
                    max_upload_size_limit: rt.max_upload_size_limit,
                    ..Limits::default()
                };
                for (i, account) in self.accounts.iter().enumerate() {
                    *lock(&account.library) =
                        data::build(&account_dataset(&dataset, i + 1), limits);
                }
                // Issued tokens stay valid; the fixed token is valid again if it was revoked.
                lock(&self.grants).restore_fixed();
                lock(&self.faults).clear();
                lock(&self.log).clear();
                lock(&self.rate).clear();
                Ok(json(
                    200,
                    &serde_json::json!({ "ok": true, "files": dataset.files, "folders": dataset.folders, "seed": dataset.seed }),
                ))
            }
            ("/_emulator/faults", &Method::POST) => {
                let v = parse(&body)?;
                let list: Vec<Fault> = match v {
                    Value::Array(_) => serde_json::from_value(v),
                    other => serde_json::from_value(other).map(|f| vec![f]),
                }
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
                let mut faults = lock(&self.faults);
                faults.extend(list);
                Ok(json(200, &serde_json::json!({ "pending": faults.len() })))
            }
            ("/_emulator/faults", &Method::GET) => Ok(json(200, &*lock(&self.faults))),
            ("/_emulator/faults", &Method::DELETE) => {
                lock(&self.faults).clear();
                Ok(json(200, &serde_json::json!({ "pending": 0 })))
            }
            ("/_emulator/config", &Method::GET) => Ok(json(200, &*lock(&self.runtime))),
            ("/_emulator/config", &Method::POST) => {
                let p: RuntimePatch = serde_json::from_value(parse(&body)?)
                    .map_err(|e| ApiError::bad_request(e.to_string()))?;
                let mut rt = lock(&self.runtime);
                rt.apply(p);
                for account in &self.accounts {
                    lock(&account.library).limits.max_upload_size_limit = rt.max_upload_size_limit;
                }
                Ok(json(200, &*rt))
            }
            ("/_emulator/accounts", &Method::GET) => {
                let list: Vec<AccountJson> = self
                    .accounts
                    .iter()
                    .map(|a| AccountJson {
                        username: a.username.clone(),
                    })
                    .collect();
                Ok(json(200, &list))
            }
            ("/_emulator/revoke", &Method::POST) => {
                let r: RevokeRequest = serde_json::from_value(parse(&body)?)
                    .map_err(|e| ApiError::bad_request(e.to_string()))?;
                if lock(&self.grants).revoke(&r.access_token) {
                    Ok(response(204, None, Bytes::new()))
                } else {
                    Err(ApiError::not_found("Unknown access token"))
                }
            }
            ("/_emulator/log", &Method::GET) => Ok(json(200, &*lock(&self.log))),
            ("/_emulator/log", &Method::DELETE) => {
                lock(&self.log).clear();
                Ok(json(200, &serde_json::json!({ "ok": true })))
            }
            (
                "/_emulator/faults"
                | "/_emulator/config"
                | "/_emulator/log"
                | "/_emulator/reset"
                | "/_emulator/accounts"
                | "/_emulator/revoke",
                &Method::OPTIONS,
            ) => Ok(preflight()),
            _ => Err(ApiError::not_found("Unknown emulator control endpoint")),
        })();
        result.unwrap_or_else(|e| error(&e))
    }
}
