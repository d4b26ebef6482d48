//! Runs every method of the JavaScript face: each builds a `Job` synchronously (reading and
//! checking its arguments), and `dispatch` runs it behind one future — a single compiled state
//! machine instead of one per method. Every error leaves as a `MyLibraryError` that names the
//! operation, carries the request, and holds no credential.

use super::MyLibraryClient;
use super::options::{Args, ReadParams};
use crate::error::Error;
use crate::exec::{Core, Ctx};
use crate::models::FileStatus;
use crate::ops::files::{GetFile, UpdateFile};
use crate::ops::folders::{GetFolder, UpdateFolder};
use crate::ops::uploads::{GetUploadStatus, UploadFile};
use crate::ops::{Face, Kind, Method, Operation, Plan, Wire};
use crate::redact::Redactor;
use crate::transport::ReadAs;
use crate::transport::web::{Fetch, WebUpload, blob_size, blob_type, progress, to_blob};
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/runtime.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    #[allow(clippy::too_many_arguments)]
    fn make_error(
        code: &str,
        message: &str,
        status: u16,
        keys: Vec<String>,
        messages: Vec<String>,
        retry_after_ms: Option<f64>,
        method: Option<String>,
        url: Option<String>,
        argument: Option<String>,
        cause: &JsValue,
        forms: Vec<String>,
    ) -> JsValue;
    fn concat(parts: Vec<JsValue>) -> JsValue;

    /// A checked info answer.
    type InfoView;
    #[wasm_bindgen(method, getter)]
    fn max_upload_size_limit(this: &InfoView) -> Option<f64>;
    /// A checked folder or file answer (read before a partial update).
    type ResourceView;
    #[wasm_bindgen(method, getter)]
    fn name(this: &ResourceView) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn description(this: &ResourceView) -> Option<String>;
    /// One checked upload status.
    type StatusView;
    #[wasm_bindgen(method, getter)]
    fn file_id(this: &StatusView) -> String;
    #[wasm_bindgen(method, getter)]
    fn status(this: &StatusView) -> String;
    /// A checked page.
    pub(crate) type PageView;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn next(this: &PageView) -> Option<String>;
}

/// The `MyLibraryError` of an [`Error`], redacted.
pub(crate) fn to_js(r: &Redactor, e: Error) -> JsValue {
    let e = r.error(e);
    let (keys, messages) = e
        .errors()
        .iter()
        .map(|x| (x.error_key.clone(), x.error_message.clone()))
        .unzip();
    let request = e.request();
    make_error(
        e.code().as_str(),
        e.message(),
        e.status(),
        keys,
        messages,
        e.retry_after_ms().map(|ms| ms as f64),
        request.map(|r| r.method.to_string()),
        request.map(|r| r.url.clone()),
        e.argument().map(str::to_string),
        e.cause().unwrap_or(&JsValue::UNDEFINED),
        r.forms().to_vec(),
    )
}

/// What a method does, its arguments checked.
pub(crate) enum Op {
    /// A one-step operation.
    Plan(Plan),
    /// An update: the name is read first when it is not given.
    UpdateFolder(UpdateFolder),
    /// An update: the description is read first when it is not given.
    UpdateFile(UpdateFile),
    /// An upload, with its progress callback.
    Upload(UploadFile, JsValue),
    /// Waiting for an upload.
    Wait {
        id: String,
        interval_ms: u64,
        timeout_ms: u64,
        signal: JsValue,
        on_status: JsValue,
    },
    /// The next page of a walk.
    Page(Rc<super::client::Walk>),
}

/// A method's work: what to do, within which call options.
pub(crate) struct Job {
    pub op: Op,
    pub ctx: Ctx<JsValue>,
}

/// The call options' keys.
pub(crate) const CALL_KEYS: &[&str] = &["signal", "timeoutMs"];

/// Reads the call options (`keys` are the ones this method takes); the reader for the
/// method's own options, if any.
pub(crate) fn call_options(
    options: Option<&JsValue>,
    keys: &[&str],
) -> Result<(Ctx<JsValue>, Option<Args>), Error> {
    let a = Args::new(options.unwrap_or(&JsValue::UNDEFINED), "options", keys)?;
    let ctx = match &a {
        Some(a) => Ctx {
            signal: a.signal("signal")?,
            timeout_ms: a.ms("timeoutMs")?,
        },
        None => Ctx {
            signal: JsValue::UNDEFINED,
            timeout_ms: None,
        },
    };
    Ok((ctx, a))
}

impl MyLibraryClient {
    /// Starts a one-step operation: reads its arguments with `read`, plans it and runs it.
    /// Only the reading is generic; the rest is compiled once for every method.
    pub(crate) fn start<O: Operation + ReadParams>(
        &self,
        options: Option<JsValue>,
        read: impl FnOnce(&mut O) -> Result<(), Error>,
    ) -> Promise {
        let mut op = O::default();
        let read = read(&mut op);
        self.start_planned(&op, O::JS_NAME, O::METHOD, O::KIND, read, options)
    }

    fn start_planned(
        &self,
        op: &dyn Wire,
        name: &'static str,
        method: Method,
        kind: Kind,
        read: Result<(), Error>,
        options: Option<JsValue>,
    ) -> Promise {
        let subject = read.is_ok().then(|| op.subject()).flatten();
        let job = (|| {
            let (ctx, _) = call_options(options.as_ref(), CALL_KEYS)?;
            read?;
            let plan = crate::ops::plan(op, method, kind, &self.core.target, Face::Js)?;
            Ok(Job {
                op: Op::Plan(plan),
                ctx,
            })
        })();
        self.spawn(name, subject, job)
    }

    /// The promise of a job: rejected at once with an argument error, or settled by
    /// [`dispatch`].
    pub(crate) fn spawn(
        &self,
        name: &'static str,
        subject: Option<String>,
        job: Result<Job, Error>,
    ) -> Promise {
        match job {
            Err(e) => Promise::reject(&self.to_js(e, name, subject.as_deref())),
            Ok(job) => {
                let core = self.core.clone();
                wasm_bindgen_futures::future_to_promise(async move {
                    dispatch(&core, job).await.map_err(|e| {
                        to_js(&core.redactor(), e.in_operation(name, subject.as_deref()))
                    })
                })
            }
        }
    }
}

/// Runs a plan; its checked answer (arrays of several calls joined).
pub(crate) async fn run_plan(
    core: &Core<Fetch>,
    plan: &Plan,
    ctx: &Ctx<JsValue>,
) -> Result<JsValue, Error> {
    let mut parts = Vec::new();
    let mut last = JsValue::UNDEFINED;
    for call in &plan.calls {
        let reply = core.call(call, ReadAs::Checked, ctx).await?;
        if plan.kind == Kind::Nothing {
            continue;
        }
        if plan.join {
            parts.push(reply.value());
        } else {
            last = reply.value();
        }
    }
    if plan.kind == Kind::Nothing {
        return Ok(JsValue::UNDEFINED);
    }
    if plan.join {
        return Ok(concat(parts));
    }
    if plan.kind == Kind::Info {
        if let Some(limit) = last.unchecked_ref::<InfoView>().max_upload_size_limit() {
            core.learn_max_upload(limit as u64);
        }
    }
    Ok(last)
}

/// Runs one method's work.
async fn dispatch(core: &Core<Fetch>, job: Job) -> Result<JsValue, Error> {
    let Job { op, ctx } = job;
    match op {
        Op::Plan(plan) => run_plan(core, &plan, &ctx).await,
        Op::UpdateFolder(mut op) => {
            if op.name.is_none() {
                let get = GetFolder {
                    folder_id: op.folder_id.clone(),
                };
                let current = run_plan(core, &get.plan(&core.target, Face::Js)?, &ctx).await?;
                op.name = current
                    .unchecked_ref::<ResourceView>()
                    .name()
                    .map(Into::into);
            }
            let plan = update_plan(&op, op.include_payload != Some(false), core)?;
            run_plan(core, &plan, &ctx).await
        }
        Op::UpdateFile(mut op) => {
            if op.description.is_none() {
                let get = GetFile {
                    file_id: op.file_id.clone(),
                };
                let current = run_plan(core, &get.plan(&core.target, Face::Js)?, &ctx).await?;
                op.description = Some(
                    current
                        .unchecked_ref::<ResourceView>()
                        .description()
                        .unwrap_or_default()
                        .into(),
                );
            }
            let plan = update_plan(&op, op.include_payload != Some(false), core)?;
            run_plan(core, &plan, &ctx).await
        }
        Op::Upload(op, on_progress) => upload(core, op, on_progress, &ctx).await,
        Op::Wait {
            id,
            interval_ms,
            timeout_ms,
            signal,
            on_status,
        } => {
            let status_plan = GetUploadStatus {
                file_ids: crate::ops::params::Ids(vec![id.clone()]),
            }
            .plan(&core.target, Face::Js)?;
            let poll = |ctx: Ctx<JsValue>| {
                let (plan, id) = (&status_plan, &id);
                async move {
                    let all = js_sys::Array::from(&run_plan(core, plan, &ctx).await?);
                    Ok(all.iter().find_map(|s| {
                        let view = s.unchecked_ref::<StatusView>();
                        let status = FileStatus::from_wire(&view.status());
                        (view.file_id() == *id).then_some((status, s))
                    }))
                }
            };
            let tell = |s: &JsValue| {
                if let Some(f) = on_status.dyn_ref::<js_sys::Function>() {
                    // A throwing listener must not stop the wait; report it asynchronously.
                    if let Err(e) = f.call1(&JsValue::UNDEFINED, s) {
                        let _ = Promise::reject(&e);
                    }
                }
            };
            core.wait_active(&id, interval_ms, timeout_ms, &signal, poll, tell)
                .await
        }
        Op::Page(walk) => walk.page(core, &ctx).await,
    }
}

/// An update's plan; without a payload (`include_payload=FALSE`, a 204) nothing is read.
fn update_plan<O: Operation>(op: &O, payload: bool, core: &Core<Fetch>) -> Result<Plan, Error> {
    let plan = op.plan(&core.target, Face::Js)?;
    Ok(if payload { plan } else { plan.without_answer() })
}

/// Sends an upload and resolves with `{ fileId }`.
async fn upload(
    core: &Core<Fetch>,
    op: UploadFile,
    on_progress: JsValue,
    ctx: &Ctx<JsValue>,
) -> Result<JsValue, Error> {
    let blob = to_blob(&op.data.js.clone().unwrap_or(JsValue::UNDEFINED));
    let size = blob_size(&blob);
    let mime = blob_type(&blob);
    let upload = WebUpload {
        blob,
        file_name: op.file_name.0.clone(),
        on_progress: on_progress.clone(),
    };
    progress(&on_progress, 0.0, size);
    let id = core
        .upload_file(op, (Some(&mime), size as u64), &upload, Face::Js, ctx)
        .await?;
    progress(&on_progress, size, size);
    let out = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&out, &JsValue::from_str("fileId"), &JsValue::from_str(&id));
    Ok(out.into())
}
