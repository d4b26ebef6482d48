//! Waiting for an upload to become `Active`.

use super::call::run_plan;
use super::{Files, Signal};
use crate::error::Error;
use crate::exec::Ctx;
use crate::models::UploadStatus;
use crate::ops::params::Id;
use crate::ops::uploads::GetUploadStatus;
use crate::ops::{Face, Operation};
use crate::shared::{BoxFuture, MaybeSend, MaybeSync};
use std::future::IntoFuture;
use std::time::Duration;

/// A caller's status listener.
#[cfg(target_arch = "wasm32")]
type Listener<'c> = Box<dyn Fn(&UploadStatus) + 'c>;
/// A caller's status listener.
#[cfg(not(target_arch = "wasm32"))]
type Listener<'c> = Box<dyn Fn(&UploadStatus) + Send + Sync + 'c>;

/// Waits until an upload is `Active`: `.await` it. `UploadFailed` on `VirusFound`, `Failed`,
/// `Deleted` or an id the API does not know; `Timeout` after its time (default 2 minutes).
#[must_use = "waiting does nothing until it is awaited"]
pub struct WaitUntilActive<'c> {
    files: Files<'c>,
    id: Id,
    interval: Duration,
    timeout: Duration,
    signal: Signal,
    on_status: Option<Listener<'c>>,
}

impl<'c> Files<'c> {
    /// Waits until the upload `file_id` is `Active`, checking its status every second.
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client, bytes: Vec<u8>) -> Result<(), ctct_mylibrary::Error> {
    /// let id = client.files().upload(bytes, "photo.png").send().await?;
    /// let status = client.files().wait_until_active(&id).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_until_active(&self, file_id: impl Into<Id>) -> WaitUntilActive<'c> {
        WaitUntilActive {
            files: *self,
            id: file_id.into(),
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(120),
            signal: Signal::default(),
            on_status: None,
        }
    }
}

impl<'c> WaitUntilActive<'c> {
    /// Time between status checks (default 1 s, at least 50 ms).
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// use std::time::Duration;
    /// let status = client.files().wait_until_active("1234").interval(Duration::from_millis(500)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn interval(mut self, every: Duration) -> Self {
        self.interval = every;
        self
    }
    /// How long to wait in all (default 2 minutes).
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// use std::time::Duration;
    /// let status = client.files().wait_until_active("1234").timeout(Duration::from_secs(30)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn timeout(mut self, budget: Duration) -> Self {
        self.timeout = budget;
        self
    }
    /// Hears every status read, `Uploaded` and `Processing` included (natively the listener is
    /// `Send + Sync`).
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// let status = client
    ///     .files()
    ///     .wait_until_active("1234")
    ///     .on_status(|s| println!("{}: {}", s.file_id, s.status))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_status(mut self, f: impl Fn(&UploadStatus) + MaybeSend + MaybeSync + 'c) -> Self {
        self.on_status = Some(Box::new(f));
        self
    }
    /// Cancels the wait when `signal` aborts. (wasm32)
    ///
    /// ```ignore
    /// // wasm32 only, so not compiled by the doctests (they run natively).
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// let controller = web_sys::AbortController::new().expect("AbortController");
    /// let status = client.files().wait_until_active("1234").signal(&controller.signal()).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(target_arch = "wasm32")]
    pub fn signal(mut self, signal: &web_sys::AbortSignal) -> Self {
        self.signal = signal.into();
        self
    }
    /// Cancels the wait when `token` is cancelled. (native)
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// use ctct_mylibrary::CancellationToken;
    /// let cancel = CancellationToken::new();
    /// // elsewhere: cancel.cancel() stops the wait with `Aborted`
    /// let status = client.files().wait_until_active("1234").signal(&cancel).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn signal(mut self, token: &tokio_util::sync::CancellationToken) -> Self {
        self.signal = token.clone().into();
        self
    }

    async fn run(self) -> Result<UploadStatus, Error> {
        let client = self.files.client;
        let core = &client.core;
        let out = async {
            crate::url::check_list_id(&self.id)
                .map_err(|what| Error::bad_argument("file_id", what))?;
            let op = GetUploadStatus {
                file_ids: vec![self.id.0.clone()].into(),
            };
            let plan = op.plan(&core.target, Face::Rust)?;
            let poll = |ctx: Ctx<Signal>| {
                let plan = &plan;
                let id = &self.id.0;
                async move {
                    let all: Vec<UploadStatus> =
                        run_plan::<GetUploadStatus>(client, plan, None, &ctx).await?;
                    Ok(all
                        .into_iter()
                        .find(|s| s.file_id == *id)
                        .map(|s| (s.status.clone(), s)))
                }
            };
            let tell = |s: &UploadStatus| {
                if let Some(f) = &self.on_status {
                    f(s);
                }
            };
            let interval = (self.interval.as_millis() as u64).max(50);
            let timeout = self.timeout.as_millis().min(u64::MAX as u128) as u64;
            core.wait_active(&self.id, interval, timeout, &self.signal, poll, tell)
                .await
        }
        .await;
        out.map_err(|e| core.finish(e, "files::wait_until_active", Some(&self.id)))
    }
}

impl<'c> IntoFuture for WaitUntilActive<'c> {
    type Output = Result<UploadStatus, Error>;
    type IntoFuture = BoxFuture<'c, Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
