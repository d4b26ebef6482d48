//! The wasm's interface: plain exports over linear memory, no imports, so that the same module
//! instantiates the same way in a browser's Web Worker, Node, Deno and workerd (the package's
//! `fit/core.js` drives it).
//!
//! 1. `fit_alloc(len)` returns where to write the input's `len` bytes;
//! 2. `fit_run(max_bytes, max_dimension, quality)` fits it (0: not given) and returns 0, or an
//!    error's kind (1 + its index in [`KINDS`]);
//! 3. `fit_out_ptr`/`fit_out_len` give the output (length 0: unchanged), or after an error the
//!    message; `fit_report(i)` the report's fields (see `REPORT` in core.js).

use crate::{ErrorKind, Format, Options, Report, fit};
use std::cell::RefCell;

/// The error kinds, in the order of their numbers.
pub const KINDS: [ErrorKind; 6] = [
    ErrorKind::Corrupt,
    ErrorKind::Unsupported,
    ErrorKind::Animated,
    ErrorKind::CannotFit,
    ErrorKind::BadOption,
    ErrorKind::TooLarge,
];

#[derive(Default)]
struct State {
    input: Vec<u8>,
    /// The input's length, once JavaScript has written it into `input`'s capacity.
    input_len: usize,
    output: Vec<u8>,
    report: Option<Report>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

#[unsafe(no_mangle)]
pub extern "C" fn fit_alloc(len: usize) -> *mut u8 {
    STATE.with_borrow_mut(|s| {
        s.input = Vec::new();
        s.output = Vec::new();
        s.report = None;
        if s.input.try_reserve_exact(len).is_err() {
            return std::ptr::null_mut();
        }
        // Not zeroed: JavaScript writes all `len` bytes before `fit_run` (6 MB of zeroing saved
        // for a 6 MB photo).
        s.input_len = len;
        s.input.as_mut_ptr()
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn fit_run(max_bytes: f64, max_dimension: u32, quality: u32) -> u32 {
    STATE.with_borrow_mut(|s| {
        let options = Options {
            max_bytes: if max_bytes.is_finite() && max_bytes >= 1.0 {
                max_bytes as u64
            } else {
                0
            },
            max_dimension: (max_dimension > 0).then_some(max_dimension),
            quality: (quality > 0).then(|| quality.min(255) as u8),
        };
        let mut input = std::mem::take(&mut s.input);
        // SAFETY: `fit_alloc` reserved `input_len` bytes and the driver (fit-engine.js) wrote
        // every one of them before calling this.
        unsafe { input.set_len(s.input_len.min(input.capacity())) };
        match fit(&input, &options) {
            Ok(f) => {
                s.report = Some(f.report.clone());
                s.output = f.into_bytes().unwrap_or_default();
                0
            }
            Err(e) => {
                s.output = e.message().as_bytes().to_vec();
                1 + KINDS.iter().position(|k| *k == e.kind()).unwrap_or(0) as u32
            }
        }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn fit_out_ptr() -> *const u8 {
    STATE.with_borrow(|s| s.output.as_ptr())
}

#[unsafe(no_mangle)]
pub extern "C" fn fit_out_len() -> usize {
    STATE.with_borrow(|s| s.output.len())
}

fn format_number(f: Format) -> f64 {
    match f {
        Format::Jpeg => 1.0,
        Format::Png => 2.0,
        Format::Gif => 3.0,
    }
}

/// The report's field `i` (NaN past the end, or before a success).
#[unsafe(no_mangle)]
pub extern "C" fn fit_report(i: u32) -> f64 {
    STATE.with_borrow(|s| {
        let Some(r) = &s.report else { return f64::NAN };
        match i {
            0 => format_number(r.format_in),
            1 => format_number(r.format),
            2 => r.width_in.into(),
            3 => r.height_in.into(),
            4 => r.width.into(),
            5 => r.height.into(),
            6 => r.decoded_width.into(),
            7 => r.decoded_height.into(),
            8 => r.quality.map(f64::from).unwrap_or(0.0),
            9 => r.bytes_in as f64,
            10 => r.bytes as f64,
            11 => r.orientation.into(),
            12 => r.attempts.into(),
            13 => f64::from(u8::from(r.unchanged)),
            _ => f64::NAN,
        }
    })
}

/// The system allocator, noting a failed allocation: the trap that follows (the allocation
/// error aborts) is then reported as too large, not as a corrupt file.
struct Noting;

static ALLOC_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

unsafe impl std::alloc::GlobalAlloc for Noting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let p = unsafe { std::alloc::System.alloc(layout) };
        if p.is_null() {
            ALLOC_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: forwarded as received.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as received.
        let p = unsafe { std::alloc::System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            ALLOC_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Noting = Noting;

/// 1 when an allocation failed (the module ran out of memory), else 0.
#[unsafe(no_mangle)]
pub extern "C" fn fit_oom() -> u32 {
    u32::from(ALLOC_FAILED.load(std::sync::atomic::Ordering::Relaxed))
}
