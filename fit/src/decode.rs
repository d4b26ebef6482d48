//! Reading: the format from the first bytes, the header (dimensions, orientation, frames)
//! without decoding pixels, then the pixels, a JPEG already scaled down where the target allows.

use crate::{ErrorKind, FitError, Format, Pixels, orient};
use std::io::Cursor;

/// The largest pixel count decoded (a 100 MP image; its RGB is 300 MB): larger is refused
/// before any allocation.
pub const MAX_PIXELS: u64 = 100_000_000;

pub(crate) struct Header {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub orientation: u8,
    pub frames: u32,
}

fn corrupt(format: &str, e: impl std::fmt::Display) -> FitError {
    FitError::new(
        ErrorKind::Corrupt,
        format!("this {format} cannot be read: {e}"),
    )
}

/// The format, from the first bytes.
pub(crate) fn sniff(b: &[u8]) -> Result<Format, FitError> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return Ok(Format::Gif);
    }
    let name = if b.get(4..8) == Some(b"ftyp") {
        match b.get(8..12) {
            Some(
                b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"hevm" | b"hevs"
                | b"mif1" | b"msf1",
            ) => "HEIC (HEIF)",
            Some(b"avif" | b"avis") => "AVIF",
            _ => "an ISO media file (MP4, MOV, HEIF)",
        }
    } else if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        "WebP"
    } else if b.starts_with(b"BM") {
        "BMP"
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        "TIFF"
    } else if b.starts_with(b"%PDF") {
        "PDF"
    } else if b.is_empty() {
        return Err(FitError::new(ErrorKind::Corrupt, "the file is empty"));
    } else {
        "not an image format this reads"
    };
    Err(FitError::new(
        ErrorKind::Unsupported,
        format!("{name}: only JPEG, PNG and GIF can be fitted"),
    ))
}

/// Refuses an image with no pixels, or more than MAX_PIXELS.
pub(crate) fn check_size(w: u32, h: u32) -> Result<(), FitError> {
    if w == 0 || h == 0 {
        return Err(FitError::new(
            ErrorKind::Corrupt,
            "the image has no pixels (a width or height of 0)",
        ));
    }
    if (w as u64) * (h as u64) > MAX_PIXELS {
        return Err(FitError::new(
            ErrorKind::TooLarge,
            format!("{w}x{h} is more than the {MAX_PIXELS} pixels this decodes"),
        ));
    }
    Ok(())
}

/// The header: format, stored dimensions, EXIF orientation, frame count.
pub(crate) fn header(b: &[u8]) -> Result<Header, FitError> {
    let format = sniff(b)?;
    let h = match format {
        Format::Jpeg => {
            let mut d = jpeg_decoder::Decoder::new(Cursor::new(b));
            d.read_info().map_err(|e| corrupt("JPEG", e))?;
            let info = d.info().ok_or_else(|| corrupt("JPEG", "no frame header"))?;
            Header {
                format,
                width: info.width.into(),
                height: info.height.into(),
                orientation: d.exif_data().map(orient::from_exif).unwrap_or(1),
                frames: 1,
            }
        }
        Format::Png => {
            let d = png::Decoder::new(Cursor::new(b));
            let r = d.read_info().map_err(|e| corrupt("PNG", e))?;
            let info = r.info();
            Header {
                format,
                width: info.width,
                height: info.height,
                orientation: info
                    .exif_metadata
                    .as_deref()
                    .map(orient::from_exif)
                    .unwrap_or(1),
                // An APNG's frames (the default image first).
                frames: info.animation_control.map(|a| a.num_frames).unwrap_or(1),
            }
        }
        Format::Gif => {
            // Frames counted without decoding them (nothing allocated for their pixels), each
            // checked against the screen, so that a few bytes cannot ask for gigabytes.
            let mut o = gif::DecodeOptions::new();
            o.set_color_output(gif::ColorOutput::Indexed);
            o.skip_frame_decoding(true);
            o.check_frame_consistency(true);
            let mut d = o.read_info(Cursor::new(b)).map_err(gif_error)?;
            let (width, height): (u32, u32) = (d.width().into(), d.height().into());
            check_size(width, height)?;
            let mut frames = 0;
            while d.read_next_frame().map_err(gif_error)?.is_some() {
                frames += 1;
            }
            if frames == 0 {
                return Err(corrupt("GIF", "it has no frame"));
            }
            Header {
                format,
                width,
                height,
                orientation: 1,
                frames,
            }
        }
    };
    if h.width == 0 || h.height == 0 {
        return Err(FitError::new(
            ErrorKind::Corrupt,
            "the image has no pixels (a width or height of 0)",
        ));
    }
    Ok(h)
}

/// A GIF decoder's error: its memory limit is a size, not a corruption.
fn gif_error(e: gif::DecodingError) -> FitError {
    match e {
        gif::DecodingError::OutOfMemory | gif::DecodingError::MemoryLimit => FitError::new(
            ErrorKind::TooLarge,
            "this GIF is too large to decode in the memory a fit allows",
        ),
        e => corrupt("GIF", e),
    }
}

/// The pixels, in the stored orientation: at least `want_w`×`want_h` when the decoder can
/// scale (a JPEG's IDCT scaling), else at full size. Gray stays 1 channel; RGB 3; an image whose
/// alpha is used 4 (an opaque alpha channel is dropped).
pub(crate) fn pixels(b: &[u8], h: &Header, want_w: u32, want_h: u32) -> Result<Pixels, FitError> {
    check_size(h.width, h.height)?;
    // A PNG or GIF is decoded at full size: over the decode cap, it is refused.
    if h.format != Format::Jpeg && (h.width as u64) * (h.height as u64) > crate::MAX_DECODE_PIXELS {
        return Err(FitError::new(
            ErrorKind::TooLarge,
            format!(
                "this image is {}x{}: a PNG or GIF is decoded whole, and at most {} pixels are decoded",
                h.width,
                h.height,
                crate::MAX_DECODE_PIXELS
            ),
        ));
    }
    match h.format {
        Format::Jpeg => jpeg(b, want_w, want_h),
        Format::Png => png_pixels(b),
        Format::Gif => gif_pixels(b),
    }
}

fn jpeg(b: &[u8], want_w: u32, want_h: u32) -> Result<Pixels, FitError> {
    let mut d = jpeg_decoder::Decoder::new(Cursor::new(b));
    d.read_info().map_err(|e| corrupt("JPEG", e))?;
    let clamp = |v: u32| v.clamp(1, u16::MAX as u32) as u16;
    let (w, h) = d
        .scale(clamp(want_w), clamp(want_h))
        .map_err(|e| corrupt("JPEG", e))?;
    let info = d.info().ok_or_else(|| corrupt("JPEG", "no frame header"))?;
    let data = d.decode().map_err(|e| corrupt("JPEG", e))?;
    let (width, height) = (u32::from(w), u32::from(h));
    let count = width as usize * height as usize;
    use jpeg_decoder::PixelFormat as P;
    let (data, channels) = match info.pixel_format {
        P::L8 => (data, 1),
        // Native-endian samples of the frame's precision (a lossless JPEG of 9 to 16 bits).
        P::L16 => {
            let shift = lossless_precision(b).unwrap_or(16).clamp(8, 16) - 8;
            (
                data.chunks_exact(2)
                    .map(|p| (u16::from_ne_bytes([p[0], p[1]]) >> shift).min(255) as u8)
                    .collect(),
                1,
            )
        }
        P::RGB24 => (data, 3),
        // Ink amounts (jpeg-decoder undoes Adobe's inversion): white paper is no ink.
        P::CMYK32 => (
            data.chunks_exact(4)
                .flat_map(|p| {
                    let k = 255 - p[3] as u16;
                    [0, 1, 2].map(|i| (((255 - p[i] as u16) * k) / 255) as u8)
                })
                .collect(),
            3,
        ),
    };
    if data.len() != count * channels as usize {
        return Err(corrupt("JPEG", "its pixel data is incomplete"));
    }
    Ok(Pixels {
        data,
        width,
        height,
        channels,
    })
}

/// The sample precision of a lossless JPEG (its SOF3 segment), if it has one.
fn lossless_precision(b: &[u8]) -> Option<u32> {
    let at = b.windows(2).position(|w| w == [0xFF, 0xC3])?;
    b.get(at + 4).map(|p| u32::from(*p))
}

/// RGBA or gray-alpha pixels without a used alpha become RGB or gray.
fn settle_alpha(data: Vec<u8>, width: u32, height: u32, channels: u8) -> Pixels {
    match channels {
        4 if data.chunks_exact(4).all(|p| p[3] == 255) => Pixels {
            data: data
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect(),
            width,
            height,
            channels: 3,
        },
        2 if data.chunks_exact(2).all(|p| p[1] == 255) => Pixels {
            data: data.chunks_exact(2).map(|p| p[0]).collect(),
            width,
            height,
            channels: 1,
        },
        2 => Pixels {
            data: data
                .chunks_exact(2)
                .flat_map(|p| [p[0], p[0], p[0], p[1]])
                .collect(),
            width,
            height,
            channels: 4,
        },
        _ => Pixels {
            data,
            width,
            height,
            channels,
        },
    }
}

fn png_pixels(b: &[u8]) -> Result<Pixels, FitError> {
    let mut d = png::Decoder::new(Cursor::new(b));
    d.set_transformations(png::Transformations::normalize_to_color8());
    let mut r = d.read_info().map_err(|e| corrupt("PNG", e))?;
    let size = r
        .output_buffer_size()
        .ok_or_else(|| FitError::new(ErrorKind::TooLarge, "this PNG is too large to decode"))?;
    let mut buf = Vec::new();
    buf.try_reserve_exact(size)
        .map_err(|_| FitError::new(ErrorKind::TooLarge, "not enough memory to decode this PNG"))?;
    buf.resize(size, 0);
    let info = r.next_frame(&mut buf).map_err(|e| corrupt("PNG", e))?;
    buf.truncate(info.buffer_size());
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err(corrupt("PNG", "its palette was not expanded")),
    };
    // Rows may be padded past width * channels: keep each row's pixels.
    let row = info.width as usize * channels as usize;
    if info.line_size != row {
        buf = buf
            .chunks_exact(info.line_size)
            .flat_map(|l| l.get(..row).unwrap_or(l).iter().copied())
            .collect();
    }
    Ok(settle_alpha(buf, info.width, info.height, channels))
}

fn gif_pixels(b: &[u8]) -> Result<Pixels, FitError> {
    let mut o = gif::DecodeOptions::new();
    o.set_color_output(gif::ColorOutput::RGBA);
    o.check_frame_consistency(true);
    if let Some(limit) = std::num::NonZeroU64::new(crate::MAX_DECODE_PIXELS * 4) {
        o.set_memory_limit(gif::MemoryLimit::Bytes(limit));
    }
    let mut d = o.read_info(Cursor::new(b)).map_err(gif_error)?;
    let (width, height) = (u32::from(d.width()), u32::from(d.height()));
    // The logical screen, transparent, with the one frame drawn at its place.
    let size = width as usize * height as usize * 4;
    let mut canvas = Vec::new();
    canvas
        .try_reserve_exact(size)
        .map_err(|_| FitError::new(ErrorKind::TooLarge, "not enough memory to decode this GIF"))?;
    canvas.resize(size, 0);
    let frame = d
        .read_next_frame()
        .map_err(gif_error)?
        .ok_or_else(|| corrupt("GIF", "it has no frame"))?;
    let (fl, ft, fw, fh) = (
        frame.left as usize,
        frame.top as usize,
        frame.width as usize,
        frame.height as usize,
    );
    for y in 0..fh {
        let cy = ft + y;
        if cy >= height as usize {
            break;
        }
        for x in 0..fw {
            let cx = fl + x;
            if cx >= width as usize {
                break;
            }
            let s = (y * fw + x) * 4;
            let t = (cy * width as usize + cx) * 4;
            if let (Some(src), Some(dst)) = (frame.buffer.get(s..s + 4), canvas.get_mut(t..t + 4)) {
                dst.copy_from_slice(src);
            }
        }
    }
    Ok(settle_alpha(canvas, width, height, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_what_it_does_not_read() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        let e = sniff(heic).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        assert!(e.message().starts_with("HEIC"), "{}", e.message());
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap_err().message(),
            "WebP: only JPEG, PNG and GIF can be fitted"
        );
        assert_eq!(sniff(b"").unwrap_err().kind(), ErrorKind::Corrupt);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), Format::Jpeg);
    }
}
