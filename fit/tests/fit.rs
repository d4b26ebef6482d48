//! The fit, natively: orientations, formats, alpha, untouched inputs, typed errors, the quality
//! ladder, decode-time scaling. Every image is made here (ctct_mylibrary_fit::test_image).

use ctct_mylibrary_fit::test_image as img;
use ctct_mylibrary_fit::{ErrorKind, Fitted, Format, Options, fit};
use std::io::Cursor;

fn opts(max_bytes: u64, max_dimension: Option<u32>) -> Options {
    Options {
        max_bytes,
        max_dimension,
        quality: None,
    }
}

/// Decodes an output: (width, height, channels, pixels).
fn decode(bytes: &[u8]) -> (u32, u32, usize, Vec<u8>) {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut d = jpeg_decoder::Decoder::new(Cursor::new(bytes));
        let data = d.decode().expect("a JPEG");
        let info = d.info().expect("info");
        let c = data.len() / (info.width as usize * info.height as usize);
        (info.width.into(), info.height.into(), c, data)
    } else {
        let mut d = png::Decoder::new(Cursor::new(bytes));
        d.set_transformations(png::Transformations::normalize_to_color8());
        let mut r = d.read_info().expect("a PNG");
        let mut buf = vec![0; r.output_buffer_size().expect("size")];
        let info = r.next_frame(&mut buf).expect("frame");
        let c = info.color_type.samples();
        buf.truncate(info.buffer_size());
        (info.width, info.height, c, buf)
    }
}

fn pixel(p: &(u32, u32, usize, Vec<u8>), x: u32, y: u32) -> [u8; 3] {
    let i = (y as usize * p.0 as usize + x as usize) * p.2;
    [p.3[i], p.3[i + 1], p.3[i + 2]]
}

fn is_red(c: [u8; 3]) -> bool {
    c[0] > 160 && c[1] < 90 && c[2] < 90
}
fn is_blue(c: [u8; 3]) -> bool {
    c[2] > 160 && c[0] < 90 && c[1] < 90
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

/// The colour in the middle of a side of the output, a few pixels in.
fn side(p: &(u32, u32, usize, Vec<u8>), s: Side) -> [u8; 3] {
    let (w, h) = (p.0, p.1);
    match s {
        Side::Top => pixel(p, w / 2, 2),
        Side::Bottom => pixel(p, w / 2, h - 3),
        Side::Left => pixel(p, 2, h / 2),
        Side::Right => pixel(p, w - 3, h / 2),
    }
}

#[test]
fn every_exif_orientation_is_applied() {
    use Side::*;
    // The EXIF table: which visual side the stored image's 0th row and 0th column are.
    let table = [
        (1, Top, Left),
        (2, Top, Right),
        (3, Bottom, Right),
        (4, Bottom, Left),
        (5, Left, Top),
        (6, Right, Top),
        (7, Right, Bottom),
        (8, Left, Bottom),
    ];
    let (w, h) = (320, 200);
    let stored = img::banded_rgb(w, h, 24);
    for (o, row0, col0) in table {
        let jpeg = img::encode_jpeg(&stored, w, h, 95, Some(o));
        let f = fit(&jpeg, &opts(10_000_000, Some(160))).expect("fits");
        let out = decode(f.bytes().expect("re-encoded"));
        let turned = o >= 5;
        let (ew, eh) = if turned { (100, 160) } else { (160, 100) };
        assert_eq!((out.0, out.1), (ew, eh), "orientation {o}: dimensions");
        assert_eq!((f.report.width, f.report.height), (ew, eh));
        assert_eq!(
            (f.report.width_in, f.report.height_in),
            if turned { (200, 320) } else { (320, 200) }
        );
        assert_eq!(f.report.orientation, o);
        assert!(
            is_red(side(&out, row0)),
            "orientation {o}: stored row 0 at {row0:?}: {:?}",
            side(&out, row0)
        );
        assert!(
            is_blue(side(&out, col0)),
            "orientation {o}: stored column 0 at {col0:?}: {:?}",
            side(&out, col0)
        );
        // The other two sides are neither.
        for s in [Top, Bottom, Left, Right] {
            if s != row0 && s != col0 {
                let c = side(&out, s);
                assert!(!is_red(c) && !is_blue(c), "orientation {o}: {s:?} is {c:?}");
            }
        }
    }
}

#[test]
fn a_jpeg_stays_jpeg_and_is_decoded_scaled_down() {
    let photo = img::jpeg(1600, 1200, 92, None);
    let f = fit(&photo, &opts(5_000_000, Some(300))).expect("fits");
    let r = &f.report;
    assert_eq!((r.format_in, r.format), (Format::Jpeg, Format::Jpeg));
    assert_eq!((r.width, r.height), (300, 225));
    // 1600x1200 to 300 px: the decoder's 1/4 (400x300) is the smallest at least as large.
    assert_eq!((r.decoded_width, r.decoded_height), (400, 300));
    assert_eq!(r.quality, Some(85));
    assert_eq!(r.bytes, f.bytes().expect("bytes").len() as u64);
    assert_eq!(r.bytes_in, photo.len() as u64);
    assert!(!r.unchanged);
    let out = decode(f.bytes().expect("bytes"));
    assert_eq!((out.0, out.1), (300, 225));
}

#[test]
fn a_png_with_alpha_stays_png_with_its_transparency() {
    let png = img::png(600, 400, true);
    let f = fit(&png, &opts(10_000_000, Some(300))).expect("fits");
    assert_eq!(
        (f.report.format_in, f.report.format),
        (Format::Png, Format::Png)
    );
    assert_eq!(f.report.quality, None);
    let out = decode(f.bytes().expect("bytes"));
    assert_eq!((out.0, out.1, out.2), (300, 200, 4));
    // The middle is transparent, a corner opaque.
    let a = |x: u32, y: u32| out.3[(y as usize * 300 + x as usize) * 4 + 3];
    assert_eq!(a(150, 100), 0);
    assert_eq!(a(2, 2), 255);
}

#[test]
fn an_opaque_png_becomes_a_jpeg() {
    let png = img::png(600, 400, false);
    let f = fit(&png, &opts(10_000_000, Some(300))).expect("fits");
    assert_eq!(
        (f.report.format_in, f.report.format),
        (Format::Png, Format::Jpeg)
    );
    assert_eq!(decode(f.bytes().expect("bytes")).0, 300);
}

#[test]
fn a_gif_of_one_frame_is_fitted() {
    let gif = img::gif(400, 300, 1);
    let f = fit(&gif, &opts(10_000_000, Some(200))).expect("fits");
    assert_eq!(f.report.format_in, Format::Gif);
    assert_eq!((f.report.width, f.report.height), (200, 150));
    assert_eq!(
        f.report.format,
        Format::Jpeg,
        "an opaque GIF becomes a JPEG"
    );
}

#[test]
fn an_animated_gif_is_returned_when_it_fits_and_refused_when_not() {
    let gif = img::gif(200, 150, 4);
    let same = fit(&gif, &opts(10_000_000, None)).expect("already fits");
    assert!(same.bytes().is_none() && same.report.unchanged);
    let e = fit(&gif, &opts(10_000_000, Some(100))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Animated);
    assert!(
        e.message().starts_with("this animated GIF has 4 frames;"),
        "{}",
        e.message()
    );
    let e = fit(&gif, &opts(100, None)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Animated);
}

#[test]
fn an_image_that_fits_is_returned_untouched() {
    for (bytes, dim) in [
        (img::jpeg(800, 600, 90, Some(6)), Some(800)),
        (img::png(300, 200, true), None),
        (img::gif(50, 40, 1), Some(50)),
    ] {
        let f: Fitted = fit(&bytes, &opts(bytes.len() as u64, dim)).expect("fits");
        assert!(f.bytes().is_none(), "untouched");
        let r = &f.report;
        assert!(r.unchanged);
        assert_eq!(
            (r.bytes, r.bytes_in),
            (bytes.len() as u64, bytes.len() as u64)
        );
        assert_eq!(r.attempts, 0);
    }
}

#[test]
fn it_never_upscales() {
    // Over the bytes but under the dimension: the same dimensions, a lower size.
    let photo = img::jpeg(640, 480, 100, None);
    let f = fit(&photo, &opts(photo.len() as u64 - 1, Some(4000))).expect("fits");
    assert_eq!((f.report.width, f.report.height), (640, 480));
    assert!(f.report.bytes < photo.len() as u64);
}

#[test]
fn lower_quality_first_then_smaller_dimensions() {
    let rgb = img::photo_rgb(1000, 750, 120);
    let photo = img::encode_jpeg(&rgb, 1000, 750, 98, None);
    // Sizes at full dimensions, to aim between them.
    let at = |q: u8| {
        fit(
            &photo,
            &Options {
                max_bytes: u64::MAX / 2,
                max_dimension: Some(999),
                quality: Some(q),
            },
        )
        .expect("encodes")
        .report
        .bytes
    };
    let (q85, q65) = (at(85), at(65));
    assert!(q65 < q85);
    let f = fit(&photo, &opts((q85 + q65) / 2, None)).expect("fits");
    assert_eq!(
        (f.report.width, f.report.height),
        (1000, 750),
        "quality first"
    );
    assert!(f.report.quality.expect("jpeg") < 85);
    assert!(f.report.attempts >= 2);
    let g = fit(&photo, &opts(q65 / 3, None)).expect("fits");
    assert!(g.report.width < 1000, "then the dimensions");
    assert_eq!(g.report.quality, Some(60));
    assert!(g.report.bytes <= q65 / 3);
    // The aspect, to the pixel (each side rounded once).
    let (w, h) = (g.report.width as f64, g.report.height as f64);
    assert!((w - h * 4.0 / 3.0).abs() <= 1.0, "aspect kept: {w}x{h}");
}

#[test]
fn what_cannot_fit_or_be_read_is_a_typed_error() {
    let photo = img::jpeg(400, 300, 90, None);
    let e = fit(&photo, &opts(50, None)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CannotFit);
    assert!(
        e.message().contains("cannot be brought under 50 bytes"),
        "{}",
        e.message()
    );

    // A JPEG cut in the middle of its scan, and one with its frame header mangled.
    let cut = &photo[..photo.len() / 2];
    assert_eq!(
        fit(cut, &opts(100, None)).unwrap_err().kind(),
        ErrorKind::Corrupt
    );
    let mut header = photo.clone();
    let sof = header
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0");
    header[sof + 5..sof + 9].fill(0);
    assert_eq!(
        fit(&header, &opts(100, None)).unwrap_err().kind(),
        ErrorKind::Corrupt
    );
    // PNG and GIF with broken data.
    let mut png = img::png(100, 100, false);
    let n = png.len();
    png[n / 2..n - 12].fill(0x55);
    assert_eq!(
        fit(&png, &opts(100, Some(50))).unwrap_err().kind(),
        ErrorKind::Corrupt
    );
    let gif = img::gif(100, 100, 1);
    assert_eq!(
        fit(&gif[..40], &opts(100, Some(50))).unwrap_err().kind(),
        ErrorKind::Corrupt
    );

    let heic = b"\0\0\0\x1cftypheic\0\0\0\0mif1heicmiaf\0\0\0\0meta";
    let e = fit(heic, &opts(100, None)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(e.message().starts_with("HEIC"));
    assert_eq!(
        fit(b"", &opts(100, None)).unwrap_err().kind(),
        ErrorKind::Corrupt
    );

    for bad in [
        Options {
            max_bytes: 0,
            max_dimension: None,
            quality: None,
        },
        Options {
            max_bytes: 10,
            max_dimension: Some(3),
            quality: None,
        },
        Options {
            max_bytes: 10,
            max_dimension: None,
            quality: Some(0),
        },
        Options {
            max_bytes: 10,
            max_dimension: None,
            quality: Some(101),
        },
    ] {
        assert_eq!(
            fit(&photo, &bad).unwrap_err().kind(),
            ErrorKind::BadOption,
            "{bad:?}"
        );
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Every prefix of each format, and bytes flipped through a JPEG: errors or fits, no panic.
    let samples = [
        img::jpeg(64, 48, 90, Some(3)),
        img::png(40, 30, true),
        img::gif(40, 30, 2),
    ];
    for s in &samples {
        for n in (0..s.len()).step_by(7) {
            let _ = fit(&s[..n], &opts(10, Some(20)));
        }
    }
    let mut x = 12345u32;
    for _ in 0..300 {
        let mut j = samples[0].clone();
        for _ in 0..4 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let i = x as usize % j.len();
            j[i] = (x >> 8) as u8;
        }
        let _ = fit(&j, &opts(10, Some(20)));
    }
}

/// A PNG chunk with its CRC.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in kind.iter().chain(data) {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&(!crc).to_be_bytes());
    out
}

#[test]
fn hostile_headers_are_refused_without_allocating_what_they_claim() {
    // A GIF of a 1x1 screen whose one frame claims 65535x65535 (4 GB of pixels).
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&[1, 0, 1, 0, 0, 0, 0]);
    gif.extend_from_slice(&[0x2C, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0]);
    gif.extend_from_slice(&[2, 2, 0x4C, 0x01, 0, 0x3B]);
    let e = fit(&gif, &opts(10, Some(16))).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Corrupt | ErrorKind::TooLarge),
        "{e:?}"
    );
    // A GIF screen of 60000x60000.
    let mut big = b"GIF89a".to_vec();
    big.extend_from_slice(&[0x60, 0xEA, 0x60, 0xEA, 0, 0, 0]);
    big.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
    big.extend_from_slice(&[2, 2, 0x4C, 0x01, 0, 0x3B]);
    let e = fit(&big, &opts(10, Some(16))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooLarge, "{}", e.message());
}

/// A PNG header of `w`x`h` with an empty image: enough for the header, not for the pixels.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &[]));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[test]
fn an_image_that_fits_is_returned_whatever_its_pixel_count() {
    // 12000x9000 (108 MP, over what is decoded) but within the limits given: untouched.
    let png = png_header(12_000, 9_000);
    let f = fit(&png, &opts(1_000_000, None)).expect("fits as it is");
    assert!(f.report.unchanged);
    // Once it must be decoded, it is too large (a PNG is decoded whole).
    assert_eq!(
        fit(&png, &opts(10, None)).unwrap_err().kind(),
        ErrorKind::TooLarge
    );
    assert_eq!(
        fit(&png_header(4096, 3073), &opts(10, None))
            .unwrap_err()
            .kind(),
        ErrorKind::TooLarge
    );
}

#[test]
fn a_cmyk_jpeg_keeps_its_colours() {
    // No ink is white paper; full black ink is black.
    for (ink, want) in [([0u8, 0, 0, 0], 255u8), ([0, 0, 0, 255], 0)] {
        let data: Vec<u8> = (0..64 * 48).flat_map(|_| ink).collect();
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 95)
            .encode(&data, 64, 48, jpeg_encoder::ColorType::Cmyk)
            .expect("a CMYK JPEG");
        let f = fit(&jpeg, &opts(1_000_000, Some(32))).expect("fits");
        let out = decode(f.bytes().expect("re-encoded"));
        let c = pixel(&out, 16, 12);
        assert!(c.iter().all(|v| v.abs_diff(want) < 8), "ink {ink:?}: {c:?}");
    }
}

#[test]
fn an_animation_is_named_with_its_frame_count() {
    let e = fit(&img::gif(200, 150, 4), &opts(10_000_000, Some(100))).unwrap_err();
    assert!(
        e.message().starts_with(
            "this animated GIF has 4 frames; fitting it would flatten its animation (it is "
        ),
        "{}",
        e.message()
    );
    assert!(
        e.message()
            .ends_with(" bytes, 200x150: resize it with a tool that keeps the animation)"),
        "{}",
        e.message()
    );
}

#[test]
fn a_very_wide_image_is_brought_within_what_a_jpeg_can_hold() {
    let png = img::png(70_000, 2, false);
    let f = fit(&png, &opts(png.len() as u64 - 1, None)).expect("fits");
    assert_eq!(
        (f.report.width, f.report.height, f.report.format),
        (65_535, 2, Format::Jpeg)
    );
}
