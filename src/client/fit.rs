//! An upload with its image fitted first (feature `fit`): `client.files().upload(..).fit(..)`,
//! as `uploadFile(params, { fit })` in JavaScript. The image is brought under the upload limit
//! (the client's `max_upload_bytes`, else the account's from `info`, read once, else 5 MiB) by
//! `ctct-mylibrary-fit`; other files are sent as they are.

use super::{Call, Run};
use crate::error::{Error, ErrorCode};
use crate::models::FileType;
use crate::ops::Operation;
use crate::ops::params::FileName;
use crate::ops::uploads::UploadFile;
use ctct_mylibrary_fit as f;
use std::future::IntoFuture;

pub use f::Report as FitReport;

/// How to fit an image: a largest dimension and the JPEG quality tried first (the byte limit is
/// the upload limit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fit {
    /// The largest width or height, in pixels (none: only the bytes count).
    pub max_dimension: Option<u32>,
    /// The JPEG quality tried first, 1–100 (default 85).
    pub quality: Option<u8>,
}

impl Fit {
    /// Fits under the upload limit only.
    ///
    /// ```
    /// let fit = ctct_mylibrary::client::Fit::new().max_dimension(2048).quality(80);
    /// assert_eq!((fit.max_dimension, fit.quality), (Some(2048), Some(80)));
    /// ```
    pub fn new() -> Fit {
        Fit::default()
    }
    /// The largest width or height.
    ///
    /// ```
    /// let fit = ctct_mylibrary::client::Fit::new().max_dimension(2048);
    /// assert_eq!(fit.max_dimension, Some(2048));
    /// ```
    pub fn max_dimension(mut self, px: u32) -> Fit {
        self.max_dimension = Some(px);
        self
    }
    /// The JPEG quality tried first.
    ///
    /// ```
    /// let fit = ctct_mylibrary::client::Fit::new().quality(80);
    /// assert_eq!(fit.quality, Some(80));
    /// ```
    pub fn quality(mut self, quality: u8) -> Fit {
        self.quality = Some(quality);
        self
    }
}

/// An upload whose image is fitted first; `.send()` or `.await` it.
#[must_use = "an upload does nothing until it is sent or awaited"]
pub struct FitUpload<'c> {
    call: Call<'c, UploadFile>,
    fit: Fit,
}

/// What a fitted upload gives back: the new file's id and what the fit did (none for a file
/// that is not an image).
#[derive(Clone, Debug)]
pub struct FittedUpload {
    /// The new file's id.
    pub file_id: String,
    /// What the fit did.
    pub fit: Option<FitReport>,
}

impl<'c> Call<'c, UploadFile> {
    /// Fits a JPEG, PNG or GIF under the upload limit before sending it (feature `fit`); a PNG
    /// or GIF made JPEG is renamed `.jpg`. The fit runs on a blocking thread natively, in line
    /// on wasm32.
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client, bytes: Vec<u8>) -> Result<(), ctct_mylibrary::Error> {
    /// use ctct_mylibrary::client::Fit;
    /// let up = client.files().upload(bytes, "IMG_0001.jpg").fit(Fit::new().max_dimension(2048)).await?;
    /// if let Some(report) = &up.fit {
    ///     println!("{} -> {} bytes, {}x{}", report.bytes_in, report.bytes, report.width, report.height);
    /// }
    /// client.files().wait_until_active(&up.file_id).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn fit(self, fit: Fit) -> FitUpload<'c> {
        FitUpload { call: self, fit }
    }
}

/// The image type of an upload (its type, else its name's extension), if the fit reads it.
fn image_type(op: &UploadFile) -> Option<FileType> {
    let t = match &op.file_type {
        Some(t) => t.clone(),
        None => FileType::from_file_name(&op.file_name.0)?,
    };
    t.is_image().then_some(t)
}

fn fit_error(e: f::FitError) -> Error {
    let code = match e.kind() {
        f::ErrorKind::Corrupt => ErrorCode::ImageCorrupt,
        f::ErrorKind::Unsupported => ErrorCode::ImageUnsupported,
        f::ErrorKind::Animated => ErrorCode::ImageAnimated,
        f::ErrorKind::CannotFit => ErrorCode::ImageCannotFit,
        f::ErrorKind::TooLarge => ErrorCode::ImageTooLarge,
        _ => return Error::bad_argument("fit", e.message()),
    };
    Error::new(code, e.message())
}

/// Runs the fit off the async runtime's threads natively.
#[cfg(not(target_arch = "wasm32"))]
async fn run_fit(
    bytes: Vec<u8>,
    options: f::Options,
) -> Result<(Vec<u8>, Result<f::Fitted, f::FitError>), Error> {
    tokio::task::spawn_blocking(move || {
        let fitted = f::fit(&bytes, &options);
        (bytes, fitted)
    })
    .await
    .map_err(|e| {
        Error::new(ErrorCode::ImageCorrupt, "the image could not be fitted")
            .with_cause(e.to_string())
    })
}

#[cfg(target_arch = "wasm32")]
async fn run_fit(
    bytes: Vec<u8>,
    options: f::Options,
) -> Result<(Vec<u8>, Result<f::Fitted, f::FitError>), Error> {
    let fitted = f::fit(&bytes, &options);
    Ok((bytes, fitted))
}

impl<'c> FitUpload<'c> {
    /// Fits, then sends the upload once.
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client, bytes: Vec<u8>) -> Result<(), ctct_mylibrary::Error> {
    /// use ctct_mylibrary::client::Fit;
    /// let up = client.files().upload(bytes, "chart.png").fit(Fit::new()).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(self) -> Result<FittedUpload, Error> {
        let FitUpload { mut call, fit } = self;
        let client = call.client;
        let Some(kind) = image_type(&call.params) else {
            let file_id = UploadFile::run(call).await?;
            return Ok(FittedUpload { file_id, fit: None });
        };
        let finish = |e: Error| client.core.finish(e, UploadFile::RUST_NAME, None);
        // The limit: configured, else the account's (read once), else the default.
        if !client.core.knows_max_upload()
            && let Err(e) = client.info().send().await
            && matches!(e.code(), ErrorCode::Aborted | ErrorCode::Timeout)
        {
            return Err(e);
        }
        let (max_bytes, _) = client.core.max_upload();
        let options = f::Options {
            max_bytes,
            max_dimension: fit.max_dimension,
            quality: fit.quality,
        };
        let bytes = std::mem::take(&mut call.params.data.bytes);
        let (bytes, fitted) = run_fit(bytes, options).await.map_err(finish)?;
        let fitted = fitted.map_err(|e| finish(fit_error(e)))?;
        let report = fitted.report.clone();
        match fitted.into_bytes() {
            None => call.params.data.bytes = bytes,
            Some(out) => {
                call.params.data.bytes = out;
                if report.format != report.format_in {
                    let (ext, t) = match report.format {
                        f::Format::Png => ("png", FileType::Png),
                        _ => ("jpg", FileType::Jpg),
                    };
                    let name = call.params.file_name.0.clone();
                    // The part before the last dot (a name starting with its only dot is kept).
                    let stem = match name.rfind('.') {
                        Some(i) if i > 0 => name.get(..i).unwrap_or(&name),
                        _ => &name,
                    };
                    call.params.file_name = FileName::from(format!("{stem}.{ext}"));
                    if call.params.file_type.is_some() || kind != t {
                        call.params.file_type = Some(t);
                    }
                }
            }
        }
        let file_id = UploadFile::run(call).await?;
        Ok(FittedUpload {
            file_id,
            fit: Some(report),
        })
    }
}

impl<'c> IntoFuture for FitUpload<'c> {
    type Output = Result<FittedUpload, Error>;
    type IntoFuture = crate::shared::BoxFuture<'c, Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
