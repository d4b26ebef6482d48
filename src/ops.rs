//! Every operation over validated JavaScript values, shared by the JavaScript face and the
//! Rust API: one place for reading before a partial update, splitting long id lists, learning
//! the upload limit and waiting for an upload.

use crate::api::{
    self, Expect,
    files::FileUpdate,
    uploads::{UploadRequest, WaitStep},
};
use crate::api::{files::ListFiles, folders::ListFolders, trash::ListTrash};
use crate::error::{Error, ErrorCode};
use crate::exec::{CallCtx, Inner};
use crate::models::FileStatus;
use crate::transport::{self, AbortScope};
use js_sys::{Array, Reflect};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsValue;

fn field(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The calls of a one-step operation, in order, and how their answers are read.
pub(crate) struct Plan {
    calls: Vec<api::Call>,
    /// What the answers are checked as; `None`: they are not read (the result is undefined).
    kind: Option<&'static str>,
    /// The answers are arrays, joined into one.
    join: bool,
}

impl Plan {
    /// One call answering JSON of `kind`.
    pub fn json(call: api::Call, kind: &'static str) -> Plan {
        Plan {
            calls: vec![call],
            kind: Some(kind),
            join: false,
        }
    }
    /// Calls whose answers are not needed.
    pub fn exec(calls: Vec<api::Call>) -> Plan {
        Plan {
            calls,
            kind: None,
            join: false,
        }
    }
    /// Calls answering arrays of `kind`, joined.
    pub fn join(calls: Vec<api::Call>, kind: &'static str) -> Plan {
        Plan {
            calls,
            kind: Some(kind),
            join: true,
        }
    }
    /// One call whose JSON answer is read only when the call asks for a payload.
    fn payload(call: api::Call, kind: &'static str) -> Plan {
        if call.expect == Expect::Json {
            Plan::json(call, kind)
        } else {
            Plan::exec(vec![call])
        }
    }
}

impl Inner {
    /// Runs a plan; its validated, normalised answer. Every one-step operation of both faces
    /// goes through this one boxed future, so its state machine is compiled once.
    pub fn run_plan<'a>(
        &'a self,
        plan: &'a Plan,
        ctx: &'a CallCtx,
    ) -> Pin<Box<dyn Future<Output = Result<JsValue, Error>> + 'a>> {
        Box::pin(async move {
            let joined = Array::new();
            let mut last = JsValue::UNDEFINED;
            for call in &plan.calls {
                let reply = self.run(call, ctx).await?;
                let Some(kind) = plan.kind else { continue };
                let v = self.check(kind, &reply.value)?;
                if plan.join {
                    for item in Array::from(&v).iter() {
                        joined.push(&item);
                    }
                } else {
                    last = v;
                }
            }
            if plan.join {
                return Ok(joined.into());
            }
            if plan.kind == Some("info") {
                if let Some(limit) = field(&last, "max_upload_size_limit").as_f64() {
                    self.max_upload_learned.set(Some(limit as u64));
                }
            }
            Ok(last)
        })
    }

    // The plans of the one-step operations, for both faces to run with `run_plan`.

    pub fn info_plan(&self) -> Result<Plan, Error> {
        Ok(Plan::json(api::info::get(&self.target), "info"))
    }

    pub fn folder_plan(&self, id: &str) -> Result<Plan, Error> {
        Ok(Plan::json(api::folders::get(&self.target, id)?, "folder"))
    }

    pub fn create_folder_plan(&self, name: &str, parent: Option<&str>) -> Result<Plan, Error> {
        let call = api::folders::create(&self.target, name, parent)?;
        Ok(Plan::json(call, "folder"))
    }

    pub fn delete_folder_plan(&self, id: &str) -> Result<Plan, Error> {
        Ok(Plan::exec(vec![api::folders::delete(&self.target, id)?]))
    }

    pub fn file_plan(&self, id: &str) -> Result<Plan, Error> {
        Ok(Plan::json(api::files::get(&self.target, id)?, "file"))
    }

    pub fn delete_files_plan(&self, ids: &[String]) -> Result<Plan, Error> {
        Ok(Plan::exec(api::files::delete(&self.target, ids)?))
    }

    pub fn move_files_plan(&self, folder: &str, ids: &[String]) -> Result<Plan, Error> {
        let calls = api::files::move_to(&self.target, folder, ids)?;
        Ok(Plan::join(calls, "moveResults"))
    }

    pub fn upload_status_plan(&self, ids: &[String]) -> Result<Plan, Error> {
        let calls = api::uploads::status(&self.target, ids)?;
        Ok(Plan::join(calls, "uploadStatuses"))
    }

    pub fn empty_trash_plan(&self) -> Result<Plan, Error> {
        Ok(Plan::exec(vec![api::trash::empty(&self.target)]))
    }

    /// `name: None` reads the folder first, since the API requires a name.
    pub async fn update_folder(
        &self,
        id: &str,
        name: Option<&str>,
        parent: Option<&str>,
        payload: bool,
        ctx: &CallCtx,
    ) -> Result<JsValue, Error> {
        if name.is_none() && parent.is_none() {
            return Err(Error::invalid_argument(
                "updateFolder needs a name or a parentId to change",
            ));
        }
        if let Some(n) = name {
            api::folders::check_name(n)?;
        }
        let current;
        let name = match name {
            Some(n) => n,
            None => {
                api::folders::update(&self.target, id, "placeholder", parent, payload)?; // check the arguments before reading
                current = field(&self.run_plan(&self.folder_plan(id)?, ctx).await?, "name")
                    .as_string()
                    .unwrap_or_default();
                &current
            }
        };
        let call = api::folders::update(&self.target, id, name, parent, payload)?;
        self.run_plan(&Plan::payload(call, "folder"), ctx).await
    }

    /// `description: None` reads the file first, since the API requires a description.
    pub async fn update_file(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        folder: Option<&str>,
        payload: bool,
        ctx: &CallCtx,
    ) -> Result<JsValue, Error> {
        if name.is_none() && description.is_none() && folder.is_none() {
            return Err(Error::invalid_argument(
                "updateFile needs a name, a description or a folderId to change",
            ));
        }
        let probe = FileUpdate {
            name,
            description: description.unwrap_or(""),
            folder_id: folder,
        };
        api::files::update(&self.target, id, &probe, payload)?; // check everything before sending anything
        let current;
        let description = match description {
            Some(d) => d,
            None => {
                current = field(
                    &self.run_plan(&self.file_plan(id)?, ctx).await?,
                    "description",
                )
                .as_string()
                .unwrap_or_default();
                &current
            }
        };
        let call = api::files::update(
            &self.target,
            id,
            &FileUpdate {
                description,
                ..probe
            },
            payload,
        )?;
        self.run_plan(&Plan::payload(call, "file"), ctx).await
    }

    /// Uploads `data` (a Blob, an ArrayBuffer or a typed array); the new file's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn upload(
        &self,
        data: &JsValue,
        file_name: &str,
        file_type: Option<&str>,
        folder: Option<&str>,
        description: Option<&str>,
        source: Option<&str>,
        on_progress: &JsValue,
        ctx: &CallCtx,
    ) -> Result<String, Error> {
        let blob = transport::to_blob(data, "");
        if blob.is_undefined() {
            return Err(Error::invalid_argument(
                "data must be a Blob, an ArrayBuffer or a Uint8Array",
            ));
        }
        let mime = transport::blob_type(data);
        let size = transport::blob_size(&blob) as u64;
        let request = UploadRequest {
            file_name,
            file_type,
            folder_id: folder,
            description,
            source,
            mime: Some(mime.as_str()).filter(|m| !m.is_empty()),
            size,
        };
        let form = api::uploads::check(&request, self.max_upload_bytes())?;
        let fields = [
            ("file_name", form.file_name.as_str()),
            ("folder_id", form.folder_id.as_str()),
            ("description", form.description.as_str()),
            ("source", form.source.as_str()),
            ("file_type", form.file_type.as_str()),
        ];
        let total = size as f64;
        transport::progress(on_progress, 0.0, total);
        let reply = self
            .run_upload(
                &api::uploads::upload_url(&self.target),
                &fields,
                &blob,
                file_name,
                on_progress,
                ctx,
            )
            .await?;
        transport::progress(on_progress, total, total);
        api::uploads::new_file_id(reply.id.as_deref(), reply.location.as_deref()).ok_or_else(|| {
            Error::decode("the upload answer has neither an Id nor a Location header")
        })
    }

    /// Polls the upload status until `Active`.
    pub async fn wait_for_upload(
        &self,
        id: &str,
        interval_ms: u64,
        timeout_ms: u64,
        signal: &JsValue,
    ) -> Result<JsValue, Error> {
        crate::url::check_list_id("fileId", id)?;
        let scope = AbortScope::new(signal, timeout_ms as f64);
        let out = self.poll(id, interval_ms, timeout_ms, &scope).await;
        scope.dispose();
        out
    }

    async fn poll(
        &self,
        id: &str,
        interval_ms: u64,
        timeout_ms: u64,
        scope: &AbortScope,
    ) -> Result<JsValue, Error> {
        let plan = self.upload_status_plan(&[id.to_string()])?;
        loop {
            let ctx = CallCtx {
                signal: scope.signal().into(),
                timeout_ms: None,
            };
            let statuses: Array = match self.run_plan(&plan, &ctx).await {
                Ok(v) => v.into(),
                Err(e) => return Err(self.wait_stopped(scope, timeout_ms).unwrap_or(e)),
            };
            let mine = statuses
                .iter()
                .find(|s| field(s, "file_id").as_string().as_deref() == Some(id));
            let status = mine.as_ref().map(|s| {
                FileStatus::from_wire(&field(s, "status").as_string().unwrap_or_default())
            });
            match api::uploads::wait_step(status.as_ref()) {
                WaitStep::Done => return mine.ok_or_else(|| Error::decode("no status")),
                WaitStep::Failed(why) => {
                    return Err(Error::new(
                        ErrorCode::UploadFailed,
                        format!("Upload \"{id}\" failed: {why}"),
                    ));
                }
                WaitStep::Again => {
                    transport::sleep(interval_ms as f64, scope).await;
                    if let Some(e) = self.wait_stopped(scope, timeout_ms) {
                        return Err(e);
                    }
                }
            }
        }
    }

    fn wait_stopped(&self, scope: &AbortScope, timeout_ms: u64) -> Option<Error> {
        match scope.why() {
            0 => None,
            1 => Some(Error::new(
                ErrorCode::Aborted,
                "Waiting for the upload was aborted",
            )),
            _ => Some(Error::new(
                ErrorCode::Timeout,
                format!("The upload did not become Active within {timeout_ms} ms"),
            )),
        }
    }
}

/// Which list a walk over pages reads (the JavaScript iterators and the Rust `Items`).
#[derive(Clone, Debug)]
pub(crate) enum Walk {
    Folders(ListFolders),
    Files(ListFiles),
    Trash(ListTrash),
}

impl Inner {
    pub fn list_folders_plan(&self, o: &ListFolders) -> Result<Plan, Error> {
        Ok(Plan::json(
            api::folders::list(&self.target, o)?,
            "folderPage",
        ))
    }

    pub fn list_files_plan(&self, o: &ListFiles) -> Result<Plan, Error> {
        Ok(Plan::json(api::files::list(&self.target, o)?, "filePage"))
    }

    pub fn list_trash_plan(&self, o: &ListTrash) -> Result<Plan, Error> {
        Ok(Plan::json(api::trash::list(&self.target, o)?, "filePage"))
    }

    /// The plan of one page of a walk: the walk's first page, or the page of `cursor`.
    pub fn page_plan(&self, walk: &Walk, cursor: Option<String>) -> Result<Plan, Error> {
        match walk {
            Walk::Folders(o) => self.list_folders_plan(&ListFolders {
                next: cursor.or(o.next.clone()),
                ..o.clone()
            }),
            Walk::Files(o) => self.list_files_plan(&ListFiles {
                next: cursor.or(o.next.clone()),
                ..o.clone()
            }),
            Walk::Trash(o) => self.list_trash_plan(&ListTrash {
                next: cursor.or(o.next.clone()),
                ..o.clone()
            }),
        }
    }
}
