//! Writes the test images of the JavaScript tests and the benchmark into a folder (nothing
//! large is committed): `cargo run --release -p ctct-mylibrary-fit --example make-images -- DIR [--big]`.
//! With `--big`, also the 12 MP and 20 MP photos.

use ctct_mylibrary_fit::test_image as img;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = Path::new(
        args.first()
            .map(String::as_str)
            .unwrap_or("build/fit-images"),
    );
    std::fs::create_dir_all(dir)?;
    let write = |name: &str, bytes: Vec<u8>| std::fs::write(dir.join(name), bytes);
    let stored = img::banded_rgb(320, 200, 24);
    for o in 1..=8u8 {
        write(
            &format!("orientation-{o}.jpg"),
            img::encode_jpeg(&stored, 320, 200, 95, Some(o)),
        )?;
    }
    write("photo.jpg", img::jpeg(1600, 1200, 92, None))?;
    write("small.jpg", img::jpeg(320, 240, 85, None))?;
    write("alpha.png", img::png(600, 400, true))?;
    write("opaque.png", img::png(600, 400, false))?;
    write("one.gif", img::gif(400, 300, 1))?;
    write("animated.gif", img::gif(400, 300, 4))?;
    let photo = img::jpeg(400, 300, 90, None);
    write("corrupt.jpg", photo[..photo.len() / 2].to_vec())?;
    write(
        "photo.heic",
        b"\0\0\0\x1cftypheic\0\0\0\0mif1heicmiaf\0\0\0\0meta".to_vec(),
    )?;
    if args.iter().any(|a| a == "--big") {
        // Grain that compresses like a phone photo: 12 MP at quality 92 is several MB.
        let (w, h) = (4000, 3000);
        write(
            "photo-12mp.jpg",
            img::encode_jpeg(&img::photo_rgb(w, h, 45), w, h, 92, Some(1)),
        )?;
        let (w, h) = (5472, 3648);
        let rgb = img::photo_rgb(w, h, 45);
        write("photo-20mp.jpg", img::encode_jpeg(&rgb, w, h, 92, Some(6)))?;
        // The same, progressive (its decoder keeps every coefficient until the end).
        let mut progressive = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut progressive, 92);
        e.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        e.set_progressive(true);
        if e.encode(&rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
            .is_ok()
        {
            write("photo-20mp-progressive.jpg", progressive)?;
        }
    }
    Ok(())
}
