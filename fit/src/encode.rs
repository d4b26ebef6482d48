//! Resizing (fast_image_resize, Lanczos3; SIMD on wasm32 with simd128) and encoding.

use crate::{ErrorKind, FitError, Format, Pixels};
use fast_image_resize as fr;

pub(crate) struct Resizer(fr::Resizer);

fn failed(what: &str, e: impl std::fmt::Display) -> FitError {
    FitError::new(ErrorKind::Corrupt, format!("{what} failed: {e}"))
}

impl Resizer {
    pub fn new() -> Resizer {
        Resizer(fr::Resizer::new())
    }

    fn typed<P>(
        &mut self,
        p: &Pixels,
        w: u32,
        h: u32,
        options: &fr::ResizeOptions,
    ) -> Result<Vec<u8>, FitError>
    where
        P: fr::PixelTrait + fr::pixels::InnerPixel,
    {
        let src = fr::images::TypedImageRef::<P>::from_buffer(p.width, p.height, &p.data)
            .map_err(|e| failed("resizing", e))?;
        let mut out = vec![0u8; w as usize * h as usize * usize::from(p.channels)];
        let mut dst = fr::images::TypedImage::<P>::from_buffer(w, h, &mut out)
            .map_err(|e| failed("resizing", e))?;
        self.0
            .resize_typed(&src, &mut dst, options)
            .map_err(|e| failed("resizing", e))?;
        Ok(out)
    }

    /// `p` brought to `w`×`h` (`p` itself when it already has that size). Taking `p` lets the
    /// larger image go as soon as the smaller exists, which bounds the memory a fit needs.
    pub fn resize(&mut self, p: Pixels, w: u32, h: u32) -> Result<Pixels, FitError> {
        if (w, h) == (p.width, p.height) {
            return Ok(p);
        }
        // RGBA is resized premultiplied (the default), so that transparent pixels' colours do
        // not bleed into their neighbours. Typed, so that only these pixel types are compiled.
        let options = fr::ResizeOptions::new()
            .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
        let data = match p.channels {
            1 => self.typed::<fr::pixels::U8>(&p, w, h, &options)?,
            3 => self.typed::<fr::pixels::U8x3>(&p, w, h, &options)?,
            _ => self.typed::<fr::pixels::U8x4>(&p, w, h, &options)?,
        };
        Ok(Pixels {
            data,
            width: w,
            height: h,
            channels: p.channels,
        })
    }
}

/// `p` encoded as `format` (JPEG at `quality`).
pub(crate) fn encode(p: &Pixels, format: Format, quality: u8) -> Result<Vec<u8>, FitError> {
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            let (w, h) = (
                u16::try_from(p.width).map_err(|e| failed("JPEG encoding", e))?,
                u16::try_from(p.height).map_err(|e| failed("JPEG encoding", e))?,
            );
            let mut e = jpeg_encoder::Encoder::new(&mut out, quality);
            e.set_optimized_huffman_tables(true);
            e.encode_image(Rows { p, w, h })
                .map_err(|e| failed("JPEG encoding", e))?;
        }
        Format::Png | Format::Gif => {
            let mut e = png::Encoder::new(&mut out, p.width, p.height);
            e.set_color(match p.channels {
                1 => png::ColorType::Grayscale,
                3 => png::ColorType::Rgb,
                _ => png::ColorType::Rgba,
            });
            e.set_depth(png::BitDepth::Eight);
            e.set_compression(png::Compression::Balanced);
            let mut w = e.write_header().map_err(|e| failed("PNG encoding", e))?;
            w.write_image_data(&p.data)
                .map_err(|e| failed("PNG encoding", e))?;
            w.finish().map_err(|e| failed("PNG encoding", e))?;
        }
    }
    Ok(out)
}

/// Gray or RGB pixels as the JPEG encoder reads them: one type for both, so that the encoder
/// is compiled once (its `encode` compiles it for nine colour types).
struct Rows<'a> {
    p: &'a Pixels,
    w: u16,
    h: u16,
}

impl jpeg_encoder::ImageBuffer for Rows<'_> {
    fn get_jpeg_color_type(&self) -> jpeg_encoder::JpegColorType {
        if self.p.channels == 1 {
            jpeg_encoder::JpegColorType::Luma
        } else {
            jpeg_encoder::JpegColorType::Ycbcr
        }
    }
    fn width(&self) -> u16 {
        self.w
    }
    fn height(&self) -> u16 {
        self.h
    }
    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let c = usize::from(self.p.channels);
        let row = usize::from(self.w) * c;
        let start = usize::from(y) * row;
        let Some(line) = self.p.data.get(start..start + row) else {
            return;
        };
        if c == 1 {
            buffers[0].extend_from_slice(line);
            return;
        }
        for px in line.chunks_exact(c) {
            let (l, cb, cr) = jpeg_encoder::rgb_to_ycbcr(px[0], px[1], px[2]);
            buffers[0].push(l);
            buffers[1].push(cb);
            buffers[2].push(cr);
        }
    }
}
