//! The most bytes live at once while fitting a file (no fragmentation counted), natively:
//! `cargo run --release -p ctct-mylibrary-fit --example peak -- FILE [MAX_DIMENSION]`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(now, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: peak FILE [MAX_DIMENSION]");
        return;
    };
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("cannot read {path}");
        return;
    };
    let max_dimension = args.get(1).and_then(|d| d.parse().ok());
    if args.iter().any(|a| a == "--decode-only") {
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let mut d = jpeg_decoder::Decoder::new(std::io::Cursor::new(&bytes));
        let t = std::time::Instant::now();
        let px = d.decode().map(|p| p.len()).unwrap_or(0);
        println!("decode: {:?}", t.elapsed());
        println!(
            "decode: {} pixel bytes, peak live {}",
            px,
            PEAK.load(Relaxed) - base
        );
        return;
    }
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let options = ctct_mylibrary_fit::Options {
        max_bytes: 5_000_000,
        max_dimension,
        quality: None,
    };
    let t = std::time::Instant::now();
    let fitted = ctct_mylibrary_fit::fit(&bytes, &options);
    println!("fit: {:?}", t.elapsed());
    match fitted {
        Ok(f) => println!("{:?}", f.report),
        Err(e) => println!("error: {e}"),
    }
    println!(
        "peak live bytes: {} (input {} included)",
        PEAK.load(Relaxed) - base + bytes.len(),
        bytes.len()
    );
}
