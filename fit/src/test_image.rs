//! Synthetic test images, made in the tests (nothing large is committed): photo-like JPEGs
//! (gradients and grain, an EXIF orientation if asked), PNGs with or without alpha, GIFs of one
//! or several frames. Not part of the API.

/// A deterministic grain (xorshift).
struct Grain(u32);

impl Grain {
    fn next(&mut self) -> u8 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 24) as u8
    }
}

/// RGB pixels of a photo-like scene: smooth gradients, a few shapes, and grain of `amount`
/// (0–255), which sets how hard it is to compress.
pub fn photo_rgb(w: u32, h: u32, amount: u8) -> Vec<u8> {
    let mut g = Grain(0x9E37_79B9 ^ w ^ (h << 16));
    let mut out = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h {
        for x in 0..w {
            let fx = x as f32 / w as f32;
            let fy = y as f32 / h as f32;
            let ring = (((fx - 0.6).powi(2) + (fy - 0.4).powi(2)).sqrt() * 40.0).sin();
            let base = [
                200.0 * fx + 30.0 * ring,
                180.0 * fy + 40.0 * (fx * 7.0).sin(),
                150.0 * (1.0 - fx * fy) + 30.0 * ring,
            ];
            for b in base {
                let n = (g.next() as f32 / 255.0 - 0.5) * amount as f32;
                out.push((b + 30.0 + n).clamp(0.0, 255.0) as u8);
            }
        }
    }
    out
}

/// The APP1 payload of an EXIF block holding `orientation` (little-endian TIFF).
pub fn exif_orientation(orientation: u8) -> Vec<u8> {
    let mut t = b"Exif\0\0II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&u16::from(orientation).to_le_bytes());
    t.extend_from_slice(&[0, 0]);
    t.extend_from_slice(&0u32.to_le_bytes());
    t
}

/// `rgb` (`w`×`h`) as a JPEG at `quality`, with an EXIF orientation if given.
pub fn encode_jpeg(rgb: &[u8], w: u32, h: u32, quality: u8, orientation: Option<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, quality);
    // 4:2:0, as cameras write (the encoder's default above quality 90 is 4:4:4).
    e.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    if let Some(o) = orientation {
        let _ = e.add_app_segment(1, &exif_orientation(o));
    }
    let (w, h) = (w.min(65_535) as u16, h.min(65_535) as u16);
    let _ = e.encode(rgb, w, h, jpeg_encoder::ColorType::Rgb);
    out
}

/// A photo-like JPEG (moderate grain).
pub fn jpeg(w: u32, h: u32, quality: u8, orientation: Option<u8>) -> Vec<u8> {
    encode_jpeg(&photo_rgb(w, h, 40), w, h, quality, orientation)
}

/// A stored image for orientation tests: gray, with its first rows red and its first columns
/// blue (`band` pixels wide).
pub fn banded_rgb(w: u32, h: u32, band: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h {
        for x in 0..w {
            out.extend_from_slice(if y < band {
                &[220, 20, 20]
            } else if x < band {
                &[20, 20, 220]
            } else {
                &[128, 128, 128]
            });
        }
    }
    out
}

/// A PNG: RGBA with a transparent circle when `alpha`, else RGB.
pub fn png(w: u32, h: u32, alpha: bool) -> Vec<u8> {
    let rgb = photo_rgb(w, h, 40);
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, w, h);
    e.set_depth(png::BitDepth::Eight);
    let data: Vec<u8> = if alpha {
        e.set_color(png::ColorType::Rgba);
        rgb.chunks_exact(3)
            .enumerate()
            .flat_map(|(i, p)| {
                let (x, y) = ((i as u32 % w) as f32, (i as u32 / w) as f32);
                let inside = (x - w as f32 / 2.0).powi(2) + (y - h as f32 / 2.0).powi(2)
                    < (w.min(h) as f32 / 3.0).powi(2);
                [p[0], p[1], p[2], if inside { 0 } else { 255 }]
            })
            .collect()
    } else {
        e.set_color(png::ColorType::Rgb);
        rgb
    };
    if let Ok(mut writer) = e.write_header() {
        let _ = writer.write_image_data(&data);
        let _ = writer.finish();
    }
    out
}

/// A GIF of `frames` frames (a moving bar on a gradient; 64 gray levels).
pub fn gif(w: u32, h: u32, frames: u32) -> Vec<u8> {
    let (w16, h16) = (w.min(65_535) as u16, h.min(65_535) as u16);
    let palette: Vec<u8> = (0..64u8)
        .flat_map(|i| [i * 4, i * 4, 255 - i * 4])
        .collect();
    let mut out = Vec::new();
    if let Ok(mut e) = gif::Encoder::new(&mut out, w16, h16, &palette) {
        if frames > 1 {
            let _ = e.set_repeat(gif::Repeat::Infinite);
        }
        for f in 0..frames {
            let mut pixels = Vec::with_capacity(w as usize * h as usize);
            for y in 0..h {
                for x in 0..w {
                    let bar = (x + f * 7) % w < w / 8;
                    pixels.push(if bar {
                        63
                    } else {
                        ((x + y) * 63 / (w + h)) as u8
                    });
                }
            }
            let frame = gif::Frame {
                width: w16,
                height: h16,
                buffer: std::borrow::Cow::Owned(pixels),
                delay: 10,
                ..gif::Frame::default()
            };
            let _ = e.write_frame(&frame);
        }
    }
    out
}
