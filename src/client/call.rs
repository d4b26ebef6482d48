//! A call being built ([`Call`]) and how each operation runs in the Rust face ([`Run`]).

use super::{Client, Net, Page, Signal};
use crate::cursor::Listing;
use crate::error::Error;
use crate::exec::Ctx;
use crate::models::{
    FilePage, Folder, FolderPage, LibraryFile, LibraryInfo, MoveResult, UploadStatus,
};
use crate::ops::files::{GetFile, UpdateFile};
use crate::ops::folders::{GetFolder, UpdateFolder};
use crate::ops::uploads::UploadFile;
use crate::ops::{Face, HttpCall, Kind, Operation, Plan};
use crate::shared::{BoxFuture, MaybeSend};
use crate::transport::{Answer, ReadAs, Transport};
use serde::de::DeserializeOwned;
use std::future::{Future, IntoFuture};
use std::time::Duration;

/// What a request of the Rust face answers on this target.
type Reply = <Net as Transport>::Answer;

/// One call of an operation, with its parameters: set options with its setters, then
/// `.send().await` it (or `.await` it directly). Dropping the future cancels the call.
#[must_use = "a call does nothing until it is sent or awaited"]
pub struct Call<'c, O> {
    pub(crate) client: &'c Client,
    pub(crate) params: O,
    timeout_ms: Option<u64>,
    signal: Signal,
}

impl<'c, O: Clone> Clone for Call<'c, O> {
    fn clone(&self) -> Self {
        Call {
            client: self.client,
            params: self.params.clone(),
            timeout_ms: self.timeout_ms,
            signal: self.signal.clone(),
        }
    }
}

impl<'c, O> Call<'c, O> {
    pub(crate) fn new(client: &'c Client, params: O) -> Self {
        Call {
            client,
            params,
            timeout_ms: None,
            signal: Signal::default(),
        }
    }

    /// The parameters as they will be sent.
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// let client = Client::builder().api_key("my-api-key").access_token("my-access-token").build()?;
    /// let call = client.files().list().limit(9);
    /// assert_eq!(call.params().limit, Some(9.into()));
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn params(&self) -> &O {
        &self.params
    }

    /// This call's time budget, retries included (zero: none).
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// use std::time::Duration;
    /// let page = client.files().list().timeout(Duration::from_secs(5)).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn timeout(mut self, budget: Duration) -> Self {
        self.timeout_ms = Some(budget.as_millis().min(u64::MAX as u128) as u64);
        self
    }

    /// Cancels the call when `signal` aborts (`Aborted`, the signal's reason as the cause);
    /// dropping the call's future cancels it too. (wasm32)
    ///
    /// ```ignore
    /// // wasm32 only, so not compiled by the doctests (they run natively).
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// let controller = web_sys::AbortController::new().expect("AbortController");
    /// let call = client.files().list().signal(&controller.signal());
    /// // elsewhere, when the page no longer needs it: controller.abort();
    /// let page = call.send().await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(target_arch = "wasm32")]
    pub fn signal(mut self, signal: &web_sys::AbortSignal) -> Self {
        self.signal = signal.into();
        self
    }

    /// Cancels the call when `token` is cancelled (`Aborted`); dropping the call's future
    /// cancels it too. (native)
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// use ctct_mylibrary::CancellationToken;
    /// let cancel = CancellationToken::new();
    /// let call = client.files().list().signal(&cancel);
    /// // elsewhere (another task, a shutdown hook): cancel.cancel(); the call ends with `Aborted`
    /// let page = call.send().await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn signal(mut self, token: &tokio_util::sync::CancellationToken) -> Self {
        self.signal = token.clone().into();
        self
    }

    pub(crate) fn ctx(&self) -> Ctx<Signal> {
        Ctx {
            signal: self.signal.clone(),
            timeout_ms: self.timeout_ms,
        }
    }
}

/// How an operation runs in the Rust face, and what it gives back.
pub trait Run: Operation + Sized {
    /// What `send` resolves with.
    type Output;
    /// Runs the call (a `Send` future natively).
    ///
    /// ```
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// use ctct_mylibrary::client::Run;
    /// use ctct_mylibrary::ops::files::ListFiles;
    /// // what `send` and `.await` do
    /// let page = ListFiles::run(client.files().list().limit(9)).await?;
    /// # Ok(())
    /// # }
    /// ```
    fn run(call: Call<'_, Self>) -> impl Future<Output = Result<Self::Output, Error>> + MaybeSend;
}

impl<'c, O: Run> Call<'c, O> {
    /// Sends the call.
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// let page = client.files().list().limit(9).send().await?;
    /// // a call is also a future of its own: `.await` sends it as well
    /// let file = client.files().get("1234").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(self) -> Result<O::Output, Error> {
        O::run(self).await
    }
}

impl<'c, O: Run + 'c> IntoFuture for Call<'c, O> {
    type Output = Result<O::Output, Error>;
    type IntoFuture = BoxFuture<'c, Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(O::run(self))
    }
}

/// An answer as serde decodes it, and what the Rust face hands back for it.
pub trait Output: DeserializeOwned {
    /// What the caller gets.
    type Out;
    /// The caller's value; `listing` is the listing a page belongs to.
    ///
    /// ```
    /// use ctct_mylibrary::client::Output;
    /// use ctct_mylibrary::cursor::Listing;
    /// use ctct_mylibrary::models::FolderPage;
    /// let answer: FolderPage = serde_json::from_str(r#"{"meta":{"pagination":{}},"results":[]}"#)?;
    /// let page = answer.output(Some(Listing::Folders));
    /// assert!(page.items.is_empty() && page.next.is_none());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    fn output(self, listing: Option<Listing>) -> Self::Out;
    /// The answer of a plan with no request (an empty list of ids).
    ///
    /// ```
    /// use ctct_mylibrary::client::Output;
    /// use ctct_mylibrary::models::{LibraryInfo, MoveResult};
    /// // moving no files sends nothing and answers no results
    /// assert_eq!(<Vec<MoveResult>>::empty(), Some(Vec::new()));
    /// assert!(<LibraryInfo>::empty().is_none());
    /// ```
    fn empty() -> Option<Self> {
        None
    }
    /// Two answers of one plan as one (the parts of a long list of ids).
    ///
    /// ```
    /// use ctct_mylibrary::client::Output;
    /// use ctct_mylibrary::models::MoveResult;
    /// let first: Vec<MoveResult> = serde_json::from_str(r#"[{"id":"1","uri":"https://example.com/1"}]"#)?;
    /// let second: Vec<MoveResult> = serde_json::from_str(r#"[{"id":"2","uri":"https://example.com/2"}]"#)?;
    /// let all = first.join(second);
    /// assert_eq!(all.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["1", "2"]);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    fn join(self, next: Self) -> Self {
        next
    }
    /// The account's upload limit, from an info answer.
    ///
    /// ```
    /// use ctct_mylibrary::client::Output;
    /// use ctct_mylibrary::models::MoveResult;
    /// assert_eq!(Vec::<MoveResult>::new().upload_limit(), None);
    /// // a LibraryInfo answers its `max_upload_size_limit`
    /// ```
    fn upload_limit(&self) -> Option<u64> {
        None
    }
}

macro_rules! same_output {
    ($($t:ty),*) => {$(
        impl Output for $t {
            type Out = $t;
            fn output(self, _: Option<Listing>) -> $t {
                self
            }
        }
    )*};
}
same_output!(Folder, LibraryFile);

impl Output for LibraryInfo {
    type Out = LibraryInfo;
    fn output(self, _: Option<Listing>) -> LibraryInfo {
        self
    }
    fn upload_limit(&self) -> Option<u64> {
        Some(self.max_upload_size_limit)
    }
}

impl Output for () {
    type Out = ();
    fn output(self, _: Option<Listing>) {}
    fn empty() -> Option<()> {
        Some(())
    }
}

macro_rules! list_output {
    ($($t:ty),*) => {$(
        impl Output for Vec<$t> {
            type Out = Vec<$t>;
            fn output(self, _: Option<Listing>) -> Vec<$t> {
                self
            }
            fn empty() -> Option<Self> {
                Some(Vec::new())
            }
            fn join(mut self, next: Self) -> Self {
                self.extend(next);
                self
            }
        }
    )*};
}
list_output!(MoveResult, UploadStatus);

macro_rules! page_output {
    ($($page:ty => $item:ty),*) => {$(
        impl Output for $page {
            type Out = Page<$item>;
            fn output(self, listing: Option<Listing>) -> Page<$item> {
                Page::new(self.results, self.next, listing)
            }
        }
    )*};
}
page_output!(FilePage => LibraryFile, FolderPage => Folder);

/// The decoded answer of one request.
fn decode<A: DeserializeOwned>(reply: &Reply, call: &HttpCall) -> Result<A, Error> {
    let text = match call.kind {
        Kind::Nothing => "null".to_string(),
        _ => Answer::text(reply).unwrap_or_default(),
    };
    serde_json::from_str(&text).map_err(|e| Error::decode(Answer::status(reply), e))
}

/// Runs a plan of the Rust face; errors are named and redacted.
pub(crate) async fn run_plan<O: Operation>(
    client: &Client,
    plan: &Plan,
    listing: Option<Listing>,
    ctx: &Ctx<Signal>,
) -> Result<<O::Answer as Output>::Out, Error>
where
    O::Answer: Output,
{
    let core = &client.core;
    let mut answer: Option<O::Answer> = None;
    for call in &plan.calls {
        let reply = core.call(call, ReadAs::Text, ctx).await?;
        let part: O::Answer = decode(&reply, call).map_err(|e| e.with_request(call.info()))?;
        answer = Some(match answer {
            None => part,
            Some(a) => a.join(part),
        });
    }
    let answer = answer
        .or_else(O::Answer::empty)
        .ok_or_else(|| Error::decode(0, "no answer"))?;
    if let Some(limit) = answer.upload_limit() {
        core.learn_max_upload(limit);
    }
    Ok(answer.output(listing))
}

/// A one-step operation: plan, send, decode (what [`Run`] does for most operations).
#[doc(hidden)]
pub async fn one_step<O: Operation>(call: Call<'_, O>) -> Result<<O::Answer as Output>::Out, Error>
where
    O::Answer: Output,
{
    let client = call.client;
    let subject = call.params.subject();
    let out = async {
        let plan = call.params.plan(&client.core.target, Face::Rust)?;
        run_plan::<O>(client, &plan, call.params.listing(), &call.ctx()).await
    }
    .await;
    out.map_err(|e| client.core.finish(e, O::RUST_NAME, subject.as_deref()))
}

/// An update whose API requires a field the caller may leave out: it is read first.
pub(crate) trait ReadFirst: Operation {
    /// Fills what the API requires from the resource as it is.
    fn read_first(
        &mut self,
        client: &Client,
        ctx: &Ctx<Signal>,
    ) -> impl Future<Output = Result<(), Error>> + MaybeSend;
    /// Asks for the updated resource back (`include_payload`), or not.
    fn set_payload(&mut self, payload: bool);
}

impl ReadFirst for UpdateFolder {
    async fn read_first(&mut self, client: &Client, ctx: &Ctx<Signal>) -> Result<(), Error> {
        if self.name.is_none() {
            let get = GetFolder {
                folder_id: self.folder_id.clone(),
            };
            let plan = get.plan(&client.core.target, Face::Rust)?;
            let current: Folder = run_plan::<GetFolder>(client, &plan, None, ctx).await?;
            self.name = Some(current.name.into());
        }
        Ok(())
    }
    fn set_payload(&mut self, payload: bool) {
        self.include_payload = Some(payload);
    }
}

impl ReadFirst for UpdateFile {
    async fn read_first(&mut self, client: &Client, ctx: &Ctx<Signal>) -> Result<(), Error> {
        if self.description.is_none() {
            let get = GetFile {
                file_id: self.file_id.clone(),
            };
            let plan = get.plan(&client.core.target, Face::Rust)?;
            let current: LibraryFile = run_plan::<GetFile>(client, &plan, None, ctx).await?;
            self.description = Some(current.description.unwrap_or_default().into());
        }
        Ok(())
    }
    fn set_payload(&mut self, payload: bool) {
        self.include_payload = Some(payload);
    }
}

/// An update: checks everything, reads what the API requires, sends; with the payload, its
/// answer decoded.
async fn update<O>(
    call: Call<'_, O>,
    payload: bool,
) -> Result<Option<<O::Answer as Output>::Out>, Error>
where
    O: ReadFirst,
    O::Answer: Output,
{
    let client = call.client;
    let ctx = call.ctx();
    let subject = call.params.subject();
    let mut op = call.params;
    op.set_payload(payload);
    let out = async {
        op.plan(&client.core.target, Face::Rust)?; // everything is checked before the read
        op.read_first(client, &ctx).await?;
        let plan = op.plan(&client.core.target, Face::Rust)?;
        if payload {
            run_plan::<O>(client, &plan, None, &ctx).await.map(Some)
        } else {
            for c in &plan.without_answer().calls {
                client.core.call(c, ReadAs::Text, &ctx).await?;
            }
            Ok(None)
        }
    }
    .await;
    out.map_err(|e| client.core.finish(e, O::RUST_NAME, subject.as_deref()))
}

impl Run for UpdateFolder {
    type Output = Folder;
    /// Without a name, reads the folder first: the API requires one.
    async fn run(call: Call<'_, Self>) -> Result<Folder, Error> {
        update(call, true)
            .await?
            .ok_or_else(|| Error::decode(0, "no folder in the answer"))
    }
}

impl Run for UpdateFile {
    type Output = LibraryFile;
    /// Without a description, reads the file first: the API requires one.
    async fn run(call: Call<'_, Self>) -> Result<LibraryFile, Error> {
        update(call, true)
            .await?
            .ok_or_else(|| Error::decode(0, "no file in the answer"))
    }
}

impl Call<'_, UpdateFolder> {
    /// Sends the update without asking for the folder back (`include_payload=FALSE`).
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// client.folders().update("-1").name("Spring 2025").send_without_payload().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_without_payload(self) -> Result<(), Error> {
        update(self, false).await.map(drop)
    }
}

impl Call<'_, UpdateFile> {
    /// Sends the update without asking for the file back (`include_payload=FALSE`).
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// client.files().update("1234").description("Spring sale").send_without_payload().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_without_payload(self) -> Result<(), Error> {
        update(self, false).await.map(drop)
    }
}

impl Run for UploadFile {
    type Output = String;
    /// Sends the upload once; resolves with the new file's id.
    async fn run(call: Call<'_, Self>) -> Result<String, Error> {
        let client = call.client;
        let ctx = call.ctx();
        let op = call.params;
        let size = op.data.bytes.len() as u64;
        #[cfg(target_arch = "wasm32")]
        let upload = crate::transport::web::WebUpload {
            blob: crate::transport::web::to_blob(&js_sys::Uint8Array::from(
                op.data.bytes.as_slice(),
            )),
            file_name: op.file_name.0.clone(),
            on_progress: wasm_bindgen::JsValue::UNDEFINED,
        };
        #[cfg(not(target_arch = "wasm32"))]
        let upload = crate::transport::native::NativeUpload {
            bytes: op.data.bytes.clone(),
            file_name: op.file_name.0.clone(),
        };
        client
            .core
            .upload_file(op, (None, size), &upload, Face::Rust, &ctx)
            .await
            .map_err(|e| client.core.finish(e, UploadFile::RUST_NAME, None))
    }
}
