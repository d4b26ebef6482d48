//! What a client's calls share, as each target needs it: on wasm32 (one thread) `Rc` and
//! `RefCell`, and futures that need not be `Send`; natively `Arc` and `Mutex`, and `Send`
//! futures, so that a client can be shared between the tasks of a multi-threaded runtime. The
//! executor and the Rust face are written once against these names.
#![cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]

use std::future::Future;
use std::pin::Pin;

/// A value shared by the clones of a client.
#[cfg(target_arch = "wasm32")]
pub(crate) type Shared<T> = std::rc::Rc<T>;
/// A value shared by the clones of a client.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Shared<T> = std::sync::Arc<T>;

/// A boxed future (`Send` natively).
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;
/// A boxed future (`Send` natively).
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// `Send`, natively; nothing on wasm32 (JavaScript values are not `Send`).
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}
/// `Send`, natively; nothing on wasm32 (JavaScript values are not `Send`).
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: ?Sized + Send> MaybeSend for T {}

/// `Sync`, natively; nothing on wasm32.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSync for T {}
/// `Sync`, natively; nothing on wasm32.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSync: Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: ?Sized + Sync> MaybeSync for T {}

/// A value the calls of a client change: a `RefCell` on wasm32, a `Mutex` natively. It is only
/// ever reached through [`Lock::with`], so that no borrow or lock is held across an `await`.
#[derive(Debug, Default)]
pub(crate) struct Lock<T>(
    #[cfg(target_arch = "wasm32")] std::cell::RefCell<T>,
    #[cfg(not(target_arch = "wasm32"))] std::sync::Mutex<T>,
);

impl<T> Lock<T> {
    pub(crate) fn new(value: T) -> Lock<T> {
        #[cfg(target_arch = "wasm32")]
        let inner = std::cell::RefCell::new(value);
        #[cfg(not(target_arch = "wasm32"))]
        let inner = std::sync::Mutex::new(value);
        Lock(inner)
    }

    /// Runs `f` on the value. (Inlined: on wasm32 it is the `RefCell` borrow the code had
    /// before there was a native target, and the package's size budget is tight.)
    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        #[cfg(target_arch = "wasm32")]
        let mut guard = self.0.borrow_mut();
        // A panic elsewhere while the lock was held (in a caller's code: this crate's closures
        // do not panic) leaves the value as it was: use it.
        #[cfg(not(target_arch = "wasm32"))]
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// The value (the lock is no longer needed).
    #[cfg(feature = "edge")]
    pub(crate) fn into_inner(self) -> T {
        #[cfg(target_arch = "wasm32")]
        let value = self.0.into_inner();
        #[cfg(not(target_arch = "wasm32"))]
        let value = self
            .0
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        value
    }
}

impl<T: Clone> Lock<T> {
    /// A copy of the value.
    #[inline(always)]
    pub(crate) fn get(&self) -> T {
        self.with(|v| v.clone())
    }
}

/// A `Copy` value the calls of a client change: a `Cell` on wasm32, a `Mutex` natively.
#[derive(Debug, Default)]
pub(crate) struct CopyCell<T: Copy>(
    #[cfg(target_arch = "wasm32")] std::cell::Cell<T>,
    #[cfg(not(target_arch = "wasm32"))] std::sync::Mutex<T>,
);

impl<T: Copy> CopyCell<T> {
    pub(crate) fn new(value: T) -> CopyCell<T> {
        #[cfg(target_arch = "wasm32")]
        let inner = std::cell::Cell::new(value);
        #[cfg(not(target_arch = "wasm32"))]
        let inner = std::sync::Mutex::new(value);
        CopyCell(inner)
    }

    /// The value.
    #[inline(always)]
    pub(crate) fn get(&self) -> T {
        #[cfg(target_arch = "wasm32")]
        let value = self.0.get();
        #[cfg(not(target_arch = "wasm32"))]
        let value = *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        value
    }

    /// Replaces the value.
    #[inline(always)]
    pub(crate) fn set(&self, value: T) {
        #[cfg(target_arch = "wasm32")]
        self.0.set(value);
        #[cfg(not(target_arch = "wasm32"))]
        {
            *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = value;
        }
    }
}
