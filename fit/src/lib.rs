//! Fits an image under a byte limit (and, if asked, a largest dimension) before upload.
//!
//! - JPEG, PNG and GIF are read. A JPEG is decoded already scaled down (IDCT scaling to 1/2,
//!   1/4 or 1/8) when the target allows, which keeps time and memory low. An animated GIF is
//!   never flattened: unless it already fits, it is an [`ErrorKind::Animated`] error.
//! - The EXIF orientation is applied (the output carries no EXIF).
//! - Resizing is a Lanczos3 convolution (fast_image_resize; SIMD on wasm32 with `simd128`).
//! - Output: JPEG, but PNG for an image with transparency (a PNG or GIF whose alpha is used).
//! - A lower quality is tried first, then smaller dimensions, until the image fits. Nothing is
//!   ever upscaled, and an image that already fits is handed back unchanged (the same bytes).
//!
//! ```
//! use ctct_mylibrary_fit::{Options, fit};
//! # let photo = ctct_mylibrary_fit::test_image::jpeg(800, 600, 92, None);
//! let fitted = fit(&photo, &Options { max_bytes: 5_000_000, max_dimension: Some(400), quality: None })?;
//! assert_eq!((fitted.report.width, fitted.report.height), (400, 300));
//! assert!(fitted.bytes().unwrap_or(&photo).len() <= 5_000_000);
//! # Ok::<(), ctct_mylibrary_fit::FitError>(())
//! ```

mod decode;
mod encode;
mod orient;
#[doc(hidden)]
pub mod test_image;
/// The fit wasm's exports (and its allocator): only in the package's own build (feature
/// `exports`), never in a Rust program that links this crate.
#[cfg(all(target_arch = "wasm32", feature = "exports"))]
mod wasm;

use std::fmt;

/// What to fit the image to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The largest size the output may have, in bytes (the account's upload limit).
    pub max_bytes: u64,
    /// The largest width or height of the output, in pixels (none: only the bytes count).
    pub max_dimension: Option<u32>,
    /// The JPEG quality tried first, 1–100 (default [`DEFAULT_QUALITY`]).
    pub quality: Option<u8>,
}

/// The JPEG quality tried first when none is given.
pub const DEFAULT_QUALITY: u8 = 85;
/// The lowest JPEG quality tried before the dimensions shrink.
pub const MIN_QUALITY: u8 = 60;
/// Below this width or height, an image that still does not fit is refused.
pub const MIN_DIMENSION: u32 = 16;

/// An image format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// GIF.
    Gif,
}

impl Format {
    /// Its MIME type.
    ///
    /// ```
    /// assert_eq!(ctct_mylibrary_fit::Format::Png.mime(), "image/png");
    /// ```
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
        }
    }
}

/// What [`fit`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The input's format.
    pub format_in: Format,
    /// The output's format (the input's when unchanged).
    pub format: Format,
    /// The input's width and height, as displayed (after its EXIF orientation).
    pub width_in: u32,
    /// See `width_in`.
    pub height_in: u32,
    /// The output's width and height.
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// The width and height the decoder produced (smaller than the input's when the JPEG was
    /// decoded scaled down), before orientation.
    pub decoded_width: u32,
    /// See `decoded_width`.
    pub decoded_height: u32,
    /// The JPEG quality of the output (none for PNG, or unchanged).
    pub quality: Option<u8>,
    /// The input's size in bytes.
    pub bytes_in: u64,
    /// The output's size in bytes.
    pub bytes: u64,
    /// The EXIF orientation applied (1: none).
    pub orientation: u8,
    /// How many encodings were tried.
    pub attempts: u32,
    /// True when the input already fitted and is handed back as it is.
    pub unchanged: bool,
}

/// The fitted image.
#[derive(Clone, Debug)]
pub struct Fitted {
    encoded: Option<Vec<u8>>,
    /// What was done.
    pub report: Report,
}

impl Fitted {
    /// The new image's bytes; `None` when the input already fitted (use the input itself).
    ///
    /// ```
    /// use ctct_mylibrary_fit::{Options, fit};
    /// let small = ctct_mylibrary_fit::test_image::jpeg(64, 48, 90, None);
    /// let fitted = fit(&small, &Options { max_bytes: 1_000_000, max_dimension: None, quality: None })?;
    /// assert!(fitted.bytes().is_none() && fitted.report.unchanged);
    /// # Ok::<(), ctct_mylibrary_fit::FitError>(())
    /// ```
    pub fn bytes(&self) -> Option<&[u8]> {
        self.encoded.as_deref()
    }
    /// The new image's bytes, or `None` when unchanged.
    ///
    /// ```
    /// use ctct_mylibrary_fit::{Options, fit};
    /// let photo = ctct_mylibrary_fit::test_image::jpeg(640, 480, 90, None);
    /// let fitted = fit(&photo, &Options { max_bytes: 1_000_000, max_dimension: Some(320), quality: None })?;
    /// let bytes = fitted.into_bytes().expect("resized");
    /// assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
    /// # Ok::<(), ctct_mylibrary_fit::FitError>(())
    /// ```
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        self.encoded
    }
}

/// Why an image could not be fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes are not a readable image of a format this reads (JPEG, PNG, GIF).
    Corrupt,
    /// A format this does not read (HEIC, AVIF, WebP, BMP, TIFF, ...), named in the message.
    Unsupported,
    /// An animated GIF that does not already fit: flattening it would lose its animation.
    Animated,
    /// Even at the lowest quality and the smallest dimensions, the image is over the limit.
    CannotFit,
    /// An option is out of range.
    BadOption,
    /// The image is too large to decode in the memory available.
    TooLarge,
}

impl ErrorKind {
    /// The code the JavaScript entry gives its `MyLibraryError`.
    ///
    /// ```
    /// assert_eq!(ctct_mylibrary_fit::ErrorKind::Unsupported.code(), "IMAGE_UNSUPPORTED");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Corrupt => "IMAGE_CORRUPT",
            ErrorKind::Unsupported => "IMAGE_UNSUPPORTED",
            ErrorKind::Animated => "IMAGE_ANIMATED",
            ErrorKind::CannotFit => "IMAGE_CANNOT_FIT",
            ErrorKind::BadOption => "INVALID_ARGUMENT",
            ErrorKind::TooLarge => "IMAGE_TOO_LARGE",
        }
    }
}

/// An image that could not be fitted: its kind and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FitError {
    kind: ErrorKind,
    message: String,
}

impl FitError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> FitError {
        FitError {
            kind,
            message: message.into(),
        }
    }
    /// What went wrong, to branch on.
    ///
    /// ```
    /// use ctct_mylibrary_fit::{ErrorKind, Options, fit};
    /// let err = fit(b"not an image", &Options { max_bytes: 1000, max_dimension: None, quality: None }).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Unsupported);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// The explanation.
    ///
    /// ```
    /// use ctct_mylibrary_fit::{Options, fit};
    /// let err = fit(b"not an image", &Options { max_bytes: 0, max_dimension: None, quality: None }).unwrap_err();
    /// assert_eq!(err.message(), "max_bytes must be at least 1");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FitError {}

/// Decoded pixels: 1 (gray), 3 (RGB) or 4 (RGBA) bytes per pixel, rows top to bottom.
pub(crate) struct Pixels {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub channels: u8,
}

/// Fits `input` to `options`; see the crate's documentation.
///
/// ```
/// use ctct_mylibrary_fit::{ErrorKind, Options, fit};
/// let photo = ctct_mylibrary_fit::test_image::jpeg(1200, 900, 95, None);
/// let fitted = fit(&photo, &Options { max_bytes: 40_000, max_dimension: None, quality: None })?;
/// assert!(fitted.report.bytes <= 40_000);
/// assert!(fitted.report.width <= 1200);
/// # Ok::<(), ctct_mylibrary_fit::FitError>(())
/// ```
pub fn fit(input: &[u8], options: &Options) -> Result<Fitted, FitError> {
    if options.max_bytes == 0 {
        return Err(FitError::new(
            ErrorKind::BadOption,
            "max_bytes must be at least 1",
        ));
    }
    if let Some(d) = options.max_dimension
        && d < MIN_DIMENSION
    {
        return Err(FitError::new(
            ErrorKind::BadOption,
            format!("max_dimension must be at least {MIN_DIMENSION}"),
        ));
    }
    let first_quality = options.quality.unwrap_or(DEFAULT_QUALITY);
    if !(1..=100).contains(&first_quality) {
        return Err(FitError::new(
            ErrorKind::BadOption,
            "quality must be an integer from 1 to 100",
        ));
    }
    let header = decode::header(input)?;
    let orientation = header.orientation;
    let (width_in, height_in) = orient::displayed(header.width, header.height, orientation);
    let bytes_in = input.len() as u64;
    let limit = options.max_dimension.unwrap_or(u32::MAX);
    let mut report = Report {
        format_in: header.format,
        format: header.format,
        width_in,
        height_in,
        width: width_in,
        height: height_in,
        decoded_width: header.width,
        decoded_height: header.height,
        quality: None,
        bytes_in,
        bytes: bytes_in,
        orientation,
        attempts: 0,
        unchanged: true,
    };
    if bytes_in <= options.max_bytes && width_in.max(height_in) <= limit {
        return Ok(Fitted {
            encoded: None,
            report,
        });
    }
    if header.frames > 1 {
        return Err(FitError::new(
            ErrorKind::Animated,
            format!(
                "this animated {} has {} frames; fitting it would flatten its animation (it is {} bytes, {}x{}: resize it with a tool that keeps the animation)",
                if header.format == Format::Png {
                    "PNG"
                } else {
                    "GIF"
                },
                header.frames,
                bytes_in,
                width_in,
                height_in
            ),
        ));
    }
    // The first target: the largest dimensions within `max_dimension` and MAX_OUTPUT_PIXELS,
    // as displayed.
    // (and at most 65,535 on a side, the most a JPEG can have).
    let (tw, th) = within(width_in, height_in, limit.min(u16::MAX as u32));
    let (mut tw, mut th) = within_pixels(tw, th, MAX_OUTPUT_PIXELS);
    // The decoder works in the stored orientation; a JPEG at the largest reduction (1/8, 1/4,
    // 1/2 or none) that stays at least the target, within MAX_DECODE_PIXELS.
    let (sw, sh) = orient::stored(tw, th, orientation);
    let (dw, dh) = match header.format {
        Format::Jpeg => decode_size(header.width, header.height, sw, sh),
        _ => (header.width, header.height),
    };
    let pixels = decode::pixels(input, &header, dw, dh)?;
    report.decoded_width = pixels.width;
    report.decoded_height = pixels.height;
    // A decode smaller than the target (the pixel cap chose it): the target shrinks to it.
    if pixels.width < sw || pixels.height < sh {
        let (w, h) = orient::displayed(pixels.width, pixels.height, orientation);
        (tw, th) = within(tw, th, w.max(h));
        (tw, th) = (tw.min(w), th.min(h));
    }
    let alpha = pixels.channels == 4;
    let format = if alpha { Format::Png } else { Format::Jpeg };
    report.format = format;
    report.unchanged = false;

    let qualities: Vec<u8> = match format {
        Format::Jpeg => {
            let low = MIN_QUALITY.min(first_quality);
            let mut q = vec![first_quality];
            let mut next = first_quality.saturating_sub(10);
            while next > low {
                q.push(next);
                next = next.saturating_sub(10);
            }
            if *q.last().unwrap_or(&first_quality) != low {
                q.push(low);
            }
            q
        }
        _ => vec![0],
    };
    let mut resizer = encode::Resizer::new();
    // Each size is made from the one before (at least as large), which then goes: at most the
    // decoded image, its first resize and the resizer's buffer are held at once.
    let mut source = pixels;
    let mut first_size = true;
    let (first_w, first_h) = (tw, th);
    let mut scale = 1.0f64;
    loop {
        let (rw, rh) = orient::stored(tw, th, orientation);
        source = resizer.resize(source, rw, rh)?;
        let turned = orient::apply(&source, orientation);
        let shown = turned.as_ref().unwrap_or(&source);
        // At the first size every quality of the ladder; after that only the lowest.
        let ladder = if first_size {
            &qualities[..]
        } else {
            qualities.last().map(std::slice::from_ref).unwrap_or(&[])
        };
        let mut smallest = u64::MAX;
        for &q in ladder {
            report.attempts += 1;
            let out = encode::encode(shown, format, q)?;
            let size = out.len() as u64;
            smallest = smallest.min(size);
            if size <= options.max_bytes {
                report.width = shown.width;
                report.height = shown.height;
                report.quality = (format == Format::Jpeg).then_some(q);
                report.bytes = size;
                return Ok(Fitted {
                    encoded: Some(out),
                    report,
                });
            }
        }
        first_size = false;
        // Smaller dimensions: bytes grow about with the pixel count, so scale both sides by
        // the square root of the ratio still to lose (a little more, at most to half a side).
        let ratio = (options.max_bytes as f64 / smallest as f64).sqrt() * 0.95;
        scale *= ratio.clamp(0.5, 0.9);
        // From the first target each time, so that rounding does not drift the aspect.
        let (nw, nh) = (
            ((first_w as f64) * scale).round() as u32,
            ((first_h as f64) * scale).round() as u32,
        );
        if nw.min(nh) < MIN_DIMENSION {
            return Err(FitError::new(
                ErrorKind::CannotFit,
                format!(
                    "this image cannot be brought under {} bytes: at {}x{} it is still {} bytes",
                    options.max_bytes, tw, th, smallest
                ),
            ));
        }
        (tw, th) = (nw.max(1), nh.max(1));
    }
}

/// The most pixels decoded (4096×3072): with the input, the decoder's planes and the resize,
/// a fit then stays under the 128 MB of a Worker. A larger JPEG is decoded scaled down.
pub const MAX_DECODE_PIXELS: u64 = 4096 * 3072;
/// The most pixels written (2560×1920, 4.9 MP): the encoder holds about 7 bytes per pixel.
pub const MAX_OUTPUT_PIXELS: u64 = 2560 * 1920;

/// `w`×`h` scaled down (aspect kept) to at most `max` pixels.
fn within_pixels(w: u32, h: u32, max: u64) -> (u32, u32) {
    let n = w as u64 * h as u64;
    if n <= max {
        return (w, h);
    }
    let scale = (max as f64 / n as f64).sqrt();
    let side = |v: u32| ((v as f64 * scale).floor() as u32).max(1);
    (side(w), side(h))
}

/// The size to decode a stored `w`×`h` JPEG at, for a stored target of `tw`×`th`: the largest
/// IDCT reduction whose result is still at least the target and at most MAX_DECODE_PIXELS, else
/// the smallest reduction within MAX_DECODE_PIXELS (the target then shrinks to it).
fn decode_size(w: u32, h: u32, tw: u32, th: u32) -> (u32, u32) {
    let at = |d: u32| (w.div_ceil(d), h.div_ceil(d));
    let fits = |(a, b): (u32, u32)| (a as u64) * (b as u64) <= MAX_DECODE_PIXELS;
    // From the smallest decode up: the first large enough, within the cap.
    for d in [8, 4, 2, 1] {
        let size = at(d);
        if size.0 >= tw && size.1 >= th && fits(size) {
            return size;
        }
    }
    [1, 2, 4, 8]
        .into_iter()
        .map(at)
        .find(|s| fits(*s))
        .unwrap_or(at(8))
}

/// The largest dimensions with the aspect of `w`×`h` whose larger side is at most `limit`
/// (never larger than `w`×`h`).
fn within(w: u32, h: u32, limit: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= limit {
        return (w, h);
    }
    let scale = limit as f64 / long as f64;
    let side = |v: u32| ((v as f64 * scale).round() as u32).clamp(1, limit);
    (side(w), side(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_stays_within_the_pixel_cap() {
        // 4000x3000 to 2048: full size (1/2 would be smaller than the target).
        assert_eq!(decode_size(4000, 3000, 2048, 1536), (4000, 3000));
        // to 1100: 1/2 (2000x1500) is the most reduction still large enough; to 1000, 1/4.
        assert_eq!(decode_size(4000, 3000, 1100, 825), (2000, 1500));
        assert_eq!(decode_size(4000, 3000, 1000, 750), (1000, 750));
        // 20 MP to 3072: full size is over the cap, so 1/2, smaller than the target.
        assert_eq!(decode_size(5472, 3648, 3072, 2048), (2736, 1824));
        assert_eq!(within_pixels(5472, 3648, MAX_OUTPUT_PIXELS), (2715, 1810));
        assert_eq!(within_pixels(100, 50, MAX_OUTPUT_PIXELS), (100, 50));
    }

    #[test]
    fn within_keeps_the_aspect_and_never_upscales() {
        assert_eq!(within(4000, 3000, 2048), (2048, 1536));
        assert_eq!(within(3000, 4000, 2048), (1536, 2048));
        assert_eq!(within(100, 50, 2048), (100, 50));
        assert_eq!(within(5000, 1, 100), (100, 1));
    }
}
