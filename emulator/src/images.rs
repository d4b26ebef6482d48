//! Real images for the emulator: procedurally drawn scenes, exact-size seed JPEGs, thumbnails
//! (longest side 200 px, as the seed examples show), a document icon, and the processing of
//! uploaded bytes.

use bytes::Bytes;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, imageops::FilterType};
use std::io::Cursor;

/// Longest side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 200;
/// The document icon's size (the v2 docs' `mlui_document.png` is 178×200).
pub const DOC_ICON_SIZE: (u32, u32) = (178, 200);
/// The EICAR anti-virus test string; an upload containing it ends `VirusFound`.
pub const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// Stored bytes of a hosted image and its MIME type.
#[derive(Clone, Debug)]
pub struct Hosted {
    pub bytes: Bytes,
    pub content_type: &'static str,
    pub ext: &'static str,
}

/// A deterministic pseudo-random generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
}

fn hsv(h: f32, s: f32, v: f32) -> [f32; 3] {
    let h = h.rem_euclid(1.0) * 6.0;
    let i = h.floor();
    let f = h - i;
    let (p, q, t) = (v * (1.0 - s), v * (1.0 - s * f), v * (1.0 - s * (1.0 - f)));
    match i as u32 {
        0 => [v, t, p],
        1 => [q, v, p],
        2 => [p, v, t],
        3 => [p, q, v],
        4 => [t, p, v],
        _ => [v, p, q],
    }
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

/// Draws a landscape: a sky gradient, a sun, and three layers of hills, coloured by `seed`.
pub fn render_scene(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    let hue = rng.unit();
    let sky_top = hsv(hue + 0.55, 0.55, 0.55 + 0.3 * rng.unit());
    let sky_low = hsv(hue + 0.08, 0.35, 0.95);
    let sun = hsv(hue + 0.12, 0.5, 1.0);
    let (sun_x, sun_y, sun_r) = (
        0.2 + 0.6 * rng.unit(),
        0.15 + 0.25 * rng.unit(),
        0.05 + 0.07 * rng.unit(),
    );
    let layers: Vec<([f32; 3], f32, f32, f32, f32)> = (0..3)
        .map(|i| {
            let depth = i as f32 / 2.0;
            (
                hsv(
                    hue + 0.3 + 0.1 * rng.unit(),
                    0.45 + 0.2 * depth,
                    0.75 - 0.35 * depth,
                ),
                0.45 + 0.15 * depth + 0.08 * rng.unit(),
                2.0 + 5.0 * rng.unit(),
                rng.unit() * 6.3,
                0.04 + 0.05 * rng.unit(),
            )
        })
        .collect();
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    let aspect = w / h;
    // Each hill's ridge depends on x only: compute it once per column.
    let ridges: Vec<[f32; 3]> = (0..width)
        .map(|x| {
            let u = x as f32 / w;
            let mut r = [0.0; 3];
            for (slot, (_, base, freq, phase, amp)) in r.iter_mut().zip(&layers) {
                *slot = base
                    + amp * (u * freq + phase).sin()
                    + amp * 0.4 * (u * freq * 3.1 + phase).sin();
            }
            r
        })
        .collect();
    RgbImage::from_fn(width, height, |x, y| {
        let (u, v) = (x as f32 / w, y as f32 / h);
        let mut c = mix(sky_top, sky_low, v.min(1.0));
        let (dx, dy) = ((u - sun_x) * aspect, v - sun_y);
        let d = (dx * dx + dy * dy).sqrt();
        if d < sun_r {
            c = sun;
        } else if d < sun_r * 2.5 {
            c = mix(sun, c, (d - sun_r) / (sun_r * 1.5));
        }
        for ((colour, ..), ridge) in layers.iter().zip(ridges[x as usize]) {
            if v > ridge {
                let shade = 1.0 - 0.25 * ((v - ridge) * 2.0).min(1.0);
                c = [colour[0] * shade, colour[1] * shade, colour[2] * shade];
            }
        }
        Rgb([
            (c[0] * 255.0) as u8,
            (c[1] * 255.0) as u8,
            (c[2] * 255.0) as u8,
        ])
    })
}

/// Encodes as JPEG at `quality`.
pub fn encode_jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    // Encoding an in-memory RGB buffer cannot fail.
    let _ = img.write_with_encoder(enc);
    out
}

/// Encodes in `format` (PNG, GIF or JPEG at quality 82).
pub fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    if format == ImageFormat::Jpeg {
        return encode_jpeg(&img.to_rgb8(), 82);
    }
    let mut out = Cursor::new(Vec::new());
    if format == ImageFormat::Gif {
        // The default NeuQuant speed takes a second per picture; 30 is the fastest.
        let mut enc = image::codecs::gif::GifEncoder::new_with_speed(&mut out, 30);
        let _ = enc.encode(
            img.to_rgba8().as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgba8,
        );
        drop(enc);
        return out.into_inner();
    }
    let _ = img.write_to(&mut out, format);
    out.into_inner()
}

/// A JPEG of exactly `size` bytes: encoded at the best quality that fits, then padded with
/// comment (COM) segments, which every decoder skips.
pub fn jpeg_of_exact_size(img: &RgbImage, size: usize) -> Vec<u8> {
    let mut quality = 90u8;
    let mut jpeg = encode_jpeg(img, quality);
    while quality > 5 && jpeg.len() != size && jpeg.len() + 4 > size {
        quality -= 5;
        jpeg = encode_jpeg(img, quality);
    }
    if jpeg.len() + 4 > size {
        return jpeg; // cannot shrink further; the caller's size is unreachable
    }
    let mut rem = size - jpeg.len();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&jpeg[..2]); // SOI
    while rem > 0 {
        let seg = if rem > 65_537 {
            if rem - 65_537 >= 4 { 65_537 } else { rem - 4 }
        } else {
            rem
        };
        let len = (seg - 2) as u16;
        out.extend_from_slice(&[0xFF, 0xFE, (len >> 8) as u8, len as u8]);
        out.extend(std::iter::repeat_n(b' ', seg - 4));
        rem -= seg;
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Thumbnail dimensions: the longest side scaled to 200 px (up or down), rounding down.
pub fn thumb_dims(width: u32, height: u32) -> (u32, u32) {
    if width == 0 || height == 0 {
        return (0, 0);
    }
    if width >= height {
        (
            THUMB_SIDE,
            ((height as u64 * THUMB_SIDE as u64) / width as u64).max(1) as u32,
        )
    } else {
        (
            ((width as u64 * THUMB_SIDE as u64) / height as u64).max(1) as u32,
            THUMB_SIDE,
        )
    }
}

/// A thumbnail of `img` and its hosting details (PNG for PNG and GIF sources, JPEG otherwise).
pub fn thumbnail(img: &DynamicImage, source_format: ImageFormat) -> (Hosted, u32, u32) {
    let (tw, th) = thumb_dims(img.width(), img.height());
    let small = img.resize_exact(tw, th, FilterType::Triangle);
    let format = if source_format == ImageFormat::Jpeg {
        ImageFormat::Jpeg
    } else {
        ImageFormat::Png
    };
    (hosted(Bytes::from(encode(&small, format)), format), tw, th)
}

/// Hosting details for bytes of a known image format.
pub fn hosted(bytes: Bytes, format: ImageFormat) -> Hosted {
    let (content_type, ext) = match format {
        ImageFormat::Png => ("image/png", "png"),
        ImageFormat::Gif => ("image/gif", "gif"),
        _ => ("image/jpeg", "jpg"),
    };
    Hosted {
        bytes,
        content_type,
        ext,
    }
}

/// The generic document icon (a page with a folded corner and text lines), 178×200 PNG.
pub fn document_icon() -> Hosted {
    let (w, h) = DOC_ICON_SIZE;
    let img = RgbImage::from_fn(w, h, |x, y| {
        let (x, y) = (x as i32, y as i32);
        let (l, r, t, b, fold) = (24, 154, 12, 188, 34);
        let inside = x >= l && x <= r && y >= t && y <= b && (x - (r - fold)) <= (y - t);
        if !inside {
            return Rgb([255, 255, 255]);
        }
        let edge = x - l < 3
            || r - x < 3
            || b - y < 3
            || y - t < 3
            || ((x - (r - fold)) - (y - t)).abs() < 2;
        let in_fold = x >= r - fold && y <= t + fold;
        let text = (48..=130).contains(&x)
            && y > 60
            && y < 170
            && (y - 60) % 14 < 5
            && !(y > 150 && x > 100);
        if edge {
            Rgb([96, 110, 130])
        } else if in_fold {
            Rgb([205, 215, 228])
        } else if text {
            Rgb([150, 165, 185])
        } else {
            Rgb([244, 247, 251])
        }
    });
    hosted(
        Bytes::from(encode(&DynamicImage::ImageRgb8(img), ImageFormat::Png)),
        ImageFormat::Png,
    )
}

/// What processing an uploaded file found.
#[derive(Debug)]
pub enum Processed {
    /// A decodable image: its format, dimensions and thumbnail.
    Image {
        content_type: &'static str,
        width: u32,
        height: u32,
        thumb: Hosted,
        thumb_w: u32,
        thumb_h: u32,
    },
    /// A document: stored as sent, shown with the document icon.
    Document,
    /// The bytes hold the EICAR test string.
    VirusFound,
    /// An image type whose bytes do not decode.
    Failed,
}

/// Scans and, for images, decodes an upload.
pub fn process_upload(data: &[u8], is_image: bool) -> Processed {
    if data.windows(EICAR.len()).any(|w| w == EICAR) {
        return Processed::VirusFound;
    }
    if !is_image {
        return Processed::Document;
    }
    let Ok(format) = image::guess_format(data) else {
        return Processed::Failed;
    };
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif
    ) {
        return Processed::Failed;
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(data), format);
    reader.limits(image::Limits::default()); // 512 MiB allocation cap
    let Ok(img) = reader.decode() else {
        return Processed::Failed;
    };
    let (thumb, thumb_w, thumb_h) = thumbnail(&img, format);
    Processed::Image {
        content_type: hosted(Bytes::new(), format).content_type,
        width: img.width(),
        height: img.height(),
        thumb,
        thumb_w,
        thumb_h,
    }
}

/// A small valid one-page PDF whose text is `title`.
pub fn pdf(title: &str) -> Vec<u8> {
    let text: String = title
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '_')
        .collect();
    let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_size_jpeg_decodes_at_its_size() {
        let img = render_scene(320, 240, 7);
        for size in [39_952usize, 118_608, 70_000] {
            let jpeg = jpeg_of_exact_size(&img, size);
            assert_eq!(jpeg.len(), size);
            let back = image::load_from_memory(&jpeg).unwrap();
            assert_eq!((back.width(), back.height()), (320, 240));
        }
    }

    #[test]
    fn thumbnails_follow_the_seed_examples() {
        assert_eq!(thumb_dims(792, 612), (200, 154));
        assert_eq!(thumb_dims(640, 480), (200, 150));
        assert_eq!(thumb_dims(320, 240), (200, 150));
        assert_eq!(thumb_dims(240, 320), (150, 200));
    }

    #[test]
    fn processing_classifies_uploads() {
        let png = encode(
            &DynamicImage::ImageRgb8(render_scene(64, 32, 1)),
            ImageFormat::Png,
        );
        match process_upload(&png, true) {
            Processed::Image {
                width,
                height,
                thumb_w,
                thumb_h,
                ..
            } => {
                assert_eq!((width, height, thumb_w, thumb_h), (64, 32, 200, 100))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            process_upload(b"not an image", true),
            Processed::Failed
        ));
        let mut virus = b"hello ".to_vec();
        virus.extend_from_slice(EICAR);
        assert!(matches!(
            process_upload(&virus, true),
            Processed::VirusFound
        ));
        assert!(matches!(
            process_upload(&pdf("x"), false),
            Processed::Document
        ));
    }
}
