//! The v2 MyLibrary API under `/v2/library/`: authentication, the Accept check, dispatch by
//! method and path to info, folders, files, trash and uploads, and the paged list envelope.

use super::http::{
    Resp, accepts_json, content_type, decode, error, json, query_pairs, read_body, read_json,
    response,
};
use super::{App, lock};
use crate::model::ApiError;
use crate::multipart;
use crate::query::{Collection, ListQuery};
use crate::store::{Library, NewUpload, Page, Scope};
use crate::{images, time};
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request};
use serde::Serialize;

/// A refused request's body is read up to this size before the answer.
const DRAIN_CAP: usize = 64 << 20;
use serde_json::Value;
use std::sync::{Arc, Mutex};

#[derive(Serialize)]
struct Pagination {
    #[serde(skip_serializing_if = "Option::is_none")]
    next_link: Option<String>,
}
#[derive(Serialize)]
struct Meta {
    pagination: Pagination,
}
#[derive(Serialize)]
struct Paged<T> {
    meta: Meta,
    results: Vec<T>,
}

fn paged<T: Serialize>(path: &str, page: Page<T>) -> Resp {
    let next_link = page.next.map(|t| format!("{path}?next={t}"));
    json(
        200,
        &Paged {
            meta: Meta {
                pagination: Pagination { next_link },
            },
            results: page.items,
        },
    )
}

/// A string field that may be absent, null, a string or a number (ids).
fn opt_field(
    obj: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<Option<String>>, ApiError> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
        Some(Value::Number(n)) if key.ends_with("_id") => Ok(Some(Some(n.to_string()))),
        Some(_) => Err(ApiError::invalid(format!("#/{key}: must be a string"))),
    }
}

fn include_payload(params: &[(String, String)]) -> Result<bool, ApiError> {
    match params
        .iter()
        .rev()
        .find(|(k, _)| k == "include_payload")
        .map(|(_, v)| v.as_str())
    {
        None => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ApiError::bad_request(format!(
            "include_payload must be TRUE or FALSE, not {v:?}"
        ))),
    }
}

fn split_ids(s: &str) -> Vec<&str> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .collect()
}

/// The token a v2 request carries: `Authorization: Bearer`, or the iOS SDK's `access_token`
/// query parameter.
pub(super) fn request_token<'a>(
    req: &'a Request<Incoming>,
    params: &'a [(String, String)],
) -> Option<&'a str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .or_else(|| {
            params
                .iter()
                .find(|(n, _)| n == "access_token")
                .map(|(_, v)| v.as_str())
        })
}

impl App {
    /// The account a request's token was issued for, live or not (to match faults).
    pub(super) fn token_account(
        &self,
        req: &Request<Incoming>,
        params: &[(String, String)],
    ) -> Option<usize> {
        let token = request_token(req, params)?;
        lock(&self.grants).token(token).map(|t| t.account)
    }

    /// The gateway's and the API's checks; the account whose library the request reads.
    fn authenticate(
        &self,
        req: &Request<Incoming>,
        params: &[(String, String)],
    ) -> Result<usize, ApiError> {
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let key = get("api_key").unwrap_or("");
        if key.is_empty() || self.app(key).is_none() {
            return Err(ApiError::new(
                403,
                "mashery.not.authorized.inactive",
                "Account Inactive",
            ));
        }
        self.check_rate(key)?;
        let now = time::now_ms();
        let account = request_token(req, params).and_then(|token| {
            lock(&self.grants)
                .token(token)
                .filter(|t| t.is_live(now) && t.client_id == key)
                .map(|t| t.account)
        });
        account.filter(|&a| a < self.accounts.len()).ok_or_else(|| {
            ApiError::new(
                401,
                "http.status.authentication.invalid_token",
                "Not Authorized",
            )
        })
    }

    pub(super) async fn api(
        self: &Arc<Self>,
        req: Request<Incoming>,
        path: &str,
        query: &str,
    ) -> Resp {
        let params = query_pairs(query);
        let checked = self.authenticate(&req, &params).and_then(|account| {
            if accepts_json(&req) {
                Ok(account)
            } else {
                Err(ApiError::new(
                    406,
                    "http.status.not_acceptable",
                    "Unsupported accept header value, must be application/json",
                ))
            }
        });
        let account = match checked {
            Ok(a) => a,
            Err(e) => {
                // Read the body first, as a server does: answering an upload before reading it
                // breaks the client's connection (EPIPE) instead of giving it the 401.
                let _ = read_body(req, DRAIN_CAP).await;
                return error(&e);
            }
        };
        match self.route(req, path, &params, account).await {
            Ok(r) => r,
            Err(e) => error(&e),
        }
    }

    async fn route(
        self: &Arc<Self>,
        req: Request<Incoming>,
        path: &str,
        params: &[(String, String)],
        account: usize,
    ) -> Result<Resp, ApiError> {
        let Some(acct) = self.accounts.get(account) else {
            return Err(ApiError::not_found("The supplied url was not found"));
        };
        let library = &acct.library;
        let Some(rest) = path.strip_prefix("/v2/library/") else {
            return Err(ApiError::not_found("The supplied url was not found"));
        };
        let segs: Vec<String> = rest.split('/').map(|s| decode(s, false)).collect();
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let method = req.method().clone();
        // Hosted URLs carry the account's prefix; API URLs do not.
        let origin = format!("{}{}", self.origin, acct.prefix);
        let api_origin = self.origin.as_str();
        let now = time::now_ms();
        let not_allowed = || {
            Err(ApiError::new(
                405,
                "http.status.method_not_allowed",
                format!("{method} is not supported on this resource"),
            ))
        };
        match (segs.as_slice(), &method) {
            (["info"], &Method::GET) => Ok(json(200, &lock(library).info(&origin))),
            (["info"], _) => not_allowed(),
            (["folders"], &Method::GET) => {
                let q = ListQuery::from_params(params, Collection::Folders)?;
                Ok(paged(path, lock(library).list_folders(&q)))
            }
            (["folders"], &Method::POST) => {
                let body = read_json(req).await?;
                let obj = body.as_object().ok_or_else(|| {
                    ApiError::bad_request("The request body must be a JSON object")
                })?;
                let name = opt_field(obj, "name")?.flatten().ok_or_else(|| {
                    ApiError::new(400, "json.field.required", "#/name: a value is required")
                })?;
                let parent = opt_field(obj, "parent_id")?.flatten();
                let mut lib = lock(library);
                let id = lib.create_folder(&name, parent.as_deref(), now)?;
                Ok(json(201, &lib.get_folder(&id.to_string())?))
            }
            (["folders"], _) => not_allowed(),
            (["folders", "trash", "files"], &Method::GET) => {
                let q = ListQuery::from_params(params, Collection::Trash)?;
                Ok(paged(
                    path,
                    lock(library).list_files(Scope::Trash, &q, &origin, now),
                ))
            }
            (["folders", "trash", "files"], &Method::DELETE) => {
                lock(library).empty_trash();
                Ok(response(204, None, Bytes::new()))
            }
            (["folders", "trash", "files"], _) => not_allowed(),
            (["folders", id], &Method::GET) => Ok(json(200, &lock(library).get_folder(id)?)),
            (["folders", id], &Method::PUT) => {
                let payload = include_payload(params)?;
                let body = read_json(req).await?;
                let obj = body.as_object().ok_or_else(|| {
                    ApiError::bad_request("The request body must be a JSON object")
                })?;
                let name = opt_field(obj, "name")?.flatten().ok_or_else(|| {
                    ApiError::new(400, "json.field.required", "#/name: a value is required")
                })?;
                let parent = opt_field(obj, "parent_id")?;
                let mut lib = lock(library);
                let fid =
                    lib.update_folder(id, &name, parent.as_ref().map(|p| p.as_deref()), now)?;
                if payload {
                    Ok(json(200, &lib.get_folder(&fid.to_string())?))
                } else {
                    Ok(response(204, None, Bytes::new()))
                }
            }
            (["folders", id], &Method::DELETE) => {
                lock(library).delete_folder(id, now)?;
                Ok(response(204, None, Bytes::new()))
            }
            (["folders", _], _) => not_allowed(),
            (["folders", id, "files"], &Method::GET) => {
                let lib = lock(library);
                let scope = lib.folder_scope(id)?;
                let coll = if scope == Scope::Trash {
                    Collection::Trash
                } else {
                    Collection::Files
                };
                let q = ListQuery::from_params(params, coll)?;
                Ok(paged(path, lib.list_files(scope, &q, &origin, now)))
            }
            (["folders", id, "files"], &Method::PUT) => {
                let id = id.to_string();
                let body = read_json(req).await?;
                let arr = body.as_array().ok_or_else(|| {
                    ApiError::bad_request("The request body must be a JSON array of file ids")
                })?;
                let ids = arr
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s.clone()),
                        Value::Number(n) => Ok(n.to_string()),
                        _ => Err(ApiError::bad_request(
                            "The request body must be a JSON array of file ids",
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(json(
                    200,
                    &lock(library).move_files(&id, &ids, api_origin, now)?,
                ))
            }
            (["folders", _, "files"], _) => not_allowed(),
            (["files"], &Method::GET) => {
                let q = ListQuery::from_params(params, Collection::Files)?;
                Ok(paged(
                    path,
                    lock(library).list_files(Scope::All, &q, &origin, now),
                ))
            }
            (["files"], &Method::POST) => self.upload(req, library).await,
            (["files"], _) => not_allowed(),
            (["files", "uploadstatus", ids], &Method::GET) => {
                let ids = split_ids(ids);
                if ids.is_empty() {
                    return Err(ApiError::not_found("The supplied url was not found"));
                }
                Ok(json(200, &lock(library).upload_status(&ids, now)))
            }
            (["files", "uploadstatus", _], _) => not_allowed(),
            (["files", id], &Method::GET) => {
                Ok(json(200, &lock(library).get_file(id, &origin, now)?))
            }
            (["files", id], &Method::PUT) => {
                let payload = include_payload(params)?;
                let id = id.to_string();
                let body = read_json(req).await?;
                let obj = body.as_object().ok_or_else(|| {
                    ApiError::bad_request("The request body must be a JSON object")
                })?;
                let description = opt_field(obj, "description")?.flatten().ok_or_else(|| {
                    ApiError::new(
                        400,
                        "json.field.required",
                        "#/description: a value is required",
                    )
                })?;
                let name = opt_field(obj, "name")?.flatten();
                let folder = opt_field(obj, "folder_id")?;
                let mut lib = lock(library);
                let fid = lib.update_file(
                    &id,
                    name.as_deref(),
                    &description,
                    folder.as_ref().map(|f| f.as_deref()),
                    now,
                )?;
                if payload {
                    Ok(json(200, &lib.get_file(&fid.to_string(), &origin, now)?))
                } else {
                    let mut r = response(204, None, Bytes::new());
                    if let Ok(v) =
                        HeaderValue::from_str(&format!("{api_origin}/v2/library/files/{fid}"))
                    {
                        r.headers_mut().insert(header::LOCATION, v);
                    }
                    Ok(r)
                }
            }
            (["files", ids], &Method::DELETE) => {
                let ids = split_ids(ids);
                if ids.is_empty() {
                    return Err(ApiError::not_found("The supplied url was not found"));
                }
                lock(library).delete_files(&ids, now)?;
                Ok(response(204, None, Bytes::new()))
            }
            (["files", _], _) => not_allowed(),
            _ => Err(ApiError::not_found("The supplied url was not found")),
        }
    }

    async fn upload(
        self: &Arc<Self>,
        req: Request<Incoming>,
        library: &Mutex<Library>,
    ) -> Result<Resp, ApiError> {
        let ct = content_type(&req);
        let Some(boundary) = multipart::boundary(&ct) else {
            return Err(ApiError::new(
                415,
                "http.status.unsupported_media_type",
                "Unsupported content-type in the header, must be multipart/form-data",
            ));
        };
        let (max_upload, delay) = {
            let rt = lock(&self.runtime);
            (rt.max_upload_size_limit, rt.upload_delay_ms)
        };
        let cap = (max_upload as usize)
            .saturating_mul(2)
            .saturating_add(1 << 20);
        let body = read_body(req, cap).await?;
        let parts = multipart::parse(&body, &boundary)
            .ok_or_else(|| ApiError::bad_request("The multipart body is malformed"))?;
        let text = |name: &str| -> Result<Option<String>, ApiError> {
            match parts.iter().find(|p| p.name == name) {
                None => Ok(None),
                Some(p) => String::from_utf8(p.data.to_vec())
                    .map(Some)
                    .map_err(|_| ApiError::invalid(format!("#/{name}: not valid UTF-8"))),
            }
        };
        let upload = NewUpload {
            file_name: text("file_name")?.unwrap_or_default(),
            folder_id: text("folder_id")?,
            description: text("description")?.unwrap_or_default(),
            source: text("source")?,
            file_type: text("file_type")?,
            data: parts
                .iter()
                .find(|p| p.name == "data")
                .map(|p| p.data.clone())
                .unwrap_or_default(),
        };
        let checked = {
            let mut lib = lock(library);
            lib.limits.max_upload_size_limit = max_upload;
            lib.check_upload(&upload)?
        };
        let data = upload.data.clone();
        let is_image = checked.file_type.is_image();
        let processed =
            tokio::task::spawn_blocking(move || images::process_upload(&data, is_image))
                .await
                .map_err(|_| {
                    ApiError::new(
                        500,
                        "http.status.internal_error",
                        "Internal server error occurred",
                    )
                })?;
        let id = lock(library).add_upload(upload, checked, processed, delay, time::now_ms())?;
        let mut r = response(202, None, Bytes::new());
        if let Ok(v) = HeaderValue::from_str(&format!("{}/v2/library/files/{id}", self.origin)) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        r.headers_mut().insert("id", HeaderValue::from(id));
        Ok(r)
    }
}
