//! The one reader of the JavaScript face's arguments and option objects. It applies the rules
//! the TypeScript declarations state: known keys only (an unknown key is refused by name),
//! `null` and a missing key mean the same thing, numbers that are counts must be integers in
//! range, enumerations take their known values. It is generated per operation from the
//! operation's declaration (`ReadParams`), never serde-wasm-bindgen, whose deserializer and
//! error messages once cost 19.8 KB of the package.

use crate::cursor::{CURSOR_RULE, Cursor};
use crate::error::Error;
use crate::models::{
    FileSortBy, FileSource, FileType, FolderSortBy, MAX_SAFE_INTEGER, SourceFilter, TypeFilter,
};
use crate::ops::params::{Description, FileName, FolderName, Id, Ids, LIMIT_RULE, Limit};
use crate::ops::uploads::Data;
use crate::transport::web::describe;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Reads a value of this type from JavaScript; `name` is the argument's path, for messages.
pub trait FromJs: Sized {
    /// The value, or INVALID_ARGUMENT naming `name`.
    fn from_js(v: &JsValue, name: &str) -> Result<Self, Error>;
}

fn refuse(name: &str, rule: &str, v: &JsValue) -> Error {
    Error::bad_argument(name, format_args!("{rule}, not {}", describe(v)))
}

fn string(v: &JsValue, name: &str) -> Result<String, Error> {
    v.as_string()
        .ok_or_else(|| refuse(name, "must be a string", v))
}

impl FromJs for String {
    fn from_js(v: &JsValue, name: &str) -> Result<Self, Error> {
        string(v, name)
    }
}

macro_rules! from_js_strings {
    ($($t:ty),*) => {$(
        impl FromJs for $t {
            fn from_js(v: &JsValue, name: &str) -> Result<Self, Error> {
                string(v, name).map(<$t>::from)
            }
        }
    )*};
}
from_js_strings!(Id, FolderName, FileName, Description);

impl FromJs for Ids {
    /// One id, or an array of ids.
    fn from_js(v: &JsValue, name: &str) -> Result<Self, Error> {
        if let Some(s) = v.as_string() {
            return Ok(Ids(vec![s]));
        }
        if !Array::is_array(v) {
            return Err(refuse(name, "must be an id or an array of ids", v));
        }
        Array::from(v)
            .iter()
            .enumerate()
            .map(|(i, id)| {
                id.as_string()
                    .ok_or_else(|| refuse(&format!("{name}[{i}]"), "must be a string", &id))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Ids)
    }
}

/// A non-negative integer no larger than `max`.
fn integer(v: &JsValue, name: &str, rule: &str, max: u64) -> Result<u64, Error> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && n >= 0.0 && n <= max as f64 => Ok(n as u64),
        _ => Err(refuse(name, rule, v)),
    }
}

impl FromJs for Limit {
    fn from_js(v: &JsValue, name: &str) -> Result<Self, Error> {
        // Range and type share one message: "must be an integer from 1 to 1000, not 1.5".
        integer(v, name, LIMIT_RULE, u32::MAX as u64).map(|n| Limit(n as u32))
    }
}

impl FromJs for bool {
    fn from_js(v: &JsValue, name: &str) -> Result<Self, Error> {
        v.as_bool()
            .ok_or_else(|| refuse(name, "must be true or false", v))
    }
}

impl FromJs for Cursor {
    fn from_js(v: &JsValue, name: &str) -> Result<Self, Error> {
        let s = v.as_string().ok_or_else(|| refuse(name, CURSOR_RULE, v))?;
        s.parse()
            .map_err(|what: String| Error::bad_argument(name, what))
    }
}

macro_rules! from_js_enums {
    (exact: $($t:ty),*) => {$(
        impl FromJs for $t {
            fn from_js(v: &JsValue, name: &str) -> Result<Self, Error> {
                let s = string(v, name)?;
                <$t>::known(&s).ok_or_else(|| Error::bad_argument(name, format_args!(
                    "must be one of {}, not \"{s}\"", crate::ops::params::listed(<$t>::VALUES, ", "))))
            }
        }
    )*};
    (any case: $($t:ty),*) => {$(
        impl FromJs for $t {
            fn from_js(v: &JsValue, name: &str) -> Result<Self, Error> {
                let s = string(v, name)?;
                <$t>::KNOWN.iter().find(|k| k.as_str().eq_ignore_ascii_case(&s)).cloned()
                    .ok_or_else(|| Error::bad_argument(name, format_args!(
                        "must be one of {}, not \"{s}\"", crate::ops::params::listed(<$t>::VALUES, ", "))))
            }
        }
    )*};
}
from_js_enums!(exact: FileSortBy, FolderSortBy, SourceFilter, TypeFilter);
// Upload fields: the API reads them case-insensitively (its own example sends "MYCOMPUTER").
from_js_enums!(any case: FileSource, FileType);

impl FromJs for Data {
    /// A Blob, an ArrayBuffer or a typed array (a Node `Buffer` is one).
    fn from_js(v: &JsValue, name: &str) -> Result<Self, Error> {
        if crate::transport::web::to_blob(v).is_undefined() {
            return Err(refuse(
                name,
                "must be a Blob, an ArrayBuffer or a typed array such as a Uint8Array",
                v,
            ));
        }
        Ok(Data {
            js: Some(v.clone()),
            ..Data::default()
        })
    }
}

/// A plain object: `{ ... }`, or one made with `Object.create(null)` (of any realm); not an
/// array, a function, a Date or another class's instance.
fn is_plain(v: &JsValue) -> bool {
    if !v.is_object() || Array::is_array(v) {
        return false;
    }
    let proto = Object::get_prototype_of(v);
    proto.is_null() || Object::get_prototype_of(&proto).is_null()
}

/// An options object being read.
pub struct Args {
    obj: JsValue,
    what: &'static str,
}

impl Args {
    /// `None` when the argument is undefined or null; an error when it is not a plain object
    /// or has a key outside `known` (empty names in `known` are positional arguments).
    pub fn new(v: &JsValue, what: &'static str, known: &[&str]) -> Result<Option<Args>, Error> {
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        if !is_plain(v) {
            return Err(refuse(what, "must be a plain object", v));
        }
        for key in Object::keys(v.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if key.is_empty() || !known.contains(&key.as_str()) {
                let named: Vec<&str> = known.iter().copied().filter(|k| !k.is_empty()).collect();
                let listed = crate::ops::params::listed(&named, ", ");
                return Err(Error::bad_argument(
                    &format!("{what}.{key}"),
                    format_args!("is not an option of {what}; its options are: {listed}"),
                ));
            }
        }
        Ok(Some(Args {
            obj: v.clone(),
            what,
        }))
    }

    /// The value of a key; `None` when it is missing, undefined or null.
    pub fn get(&self, key: &str) -> Option<JsValue> {
        let v = Reflect::get(&self.obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }

    fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.what)
    }

    /// An optional option.
    pub fn optional<T: FromJs>(&self, key: &str) -> Result<Option<T>, Error> {
        self.get(key)
            .map(|v| T::from_js(&v, &self.path(key)))
            .transpose()
    }

    /// A required option.
    pub fn required<T: FromJs>(&self, key: &str) -> Result<T, Error> {
        let v = self
            .get(key)
            .ok_or_else(|| Error::bad_argument(&self.path(key), "is required"))?;
        T::from_js(&v, &self.path(key))
    }

    /// A non-negative integer number of milliseconds.
    pub fn ms(&self, key: &str) -> Result<Option<u64>, Error> {
        self.integer(
            key,
            "must be a non-negative integer number of milliseconds",
            MAX_SAFE_INTEGER,
        )
    }

    /// A non-negative integer no larger than `max`; `rule` says so in a message.
    pub fn integer(&self, key: &str, rule: &str, max: u64) -> Result<Option<u64>, Error> {
        self.get(key)
            .map(|v| integer(&v, &self.path(key), rule, max))
            .transpose()
    }

    /// A count no larger than `max`.
    pub fn count(&self, key: &str, max: u32) -> Result<Option<u32>, Error> {
        self.get(key)
            .map(|v| {
                let rule = format!("must be an integer from 0 to {max}");
                integer(&v, &self.path(key), &rule, max as u64).map(|n| n as u32)
            })
            .transpose()
    }

    /// A function.
    pub fn function(&self, key: &str) -> Result<Option<js_sys::Function>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.is_function() => Ok(Some(v.unchecked_into())),
            Some(v) => Err(refuse(&self.path(key), "must be a function", &v)),
        }
    }

    /// An `AbortSignal` (an object with `aborted` and `addEventListener`, as every runtime's
    /// signals have).
    pub fn signal(&self, key: &str) -> Result<JsValue, Error> {
        let field = |v: &JsValue, k: &str| Reflect::get(v, &JsValue::from_str(k)).ok();
        match self.get(key) {
            None => Ok(JsValue::UNDEFINED),
            Some(v)
                if v.is_object()
                    && field(&v, "aborted").is_some_and(|a| a.as_bool().is_some())
                    && field(&v, "addEventListener").is_some_and(|f| f.is_function()) =>
            {
                Ok(v)
            }
            Some(v) => Err(refuse(&self.path(key), "must be an AbortSignal", &v)),
        }
    }
}

/// An operation's parameter object, read by the code its declaration generates.
pub trait ReadParams {
    /// The object's keys (empty names stand for positional arguments).
    fn keys(&self) -> &'static [&'static str];
    /// Reads the object's fields into the operation.
    fn read_params(&mut self, a: &Args) -> Result<(), Error>;
}

/// Reads an operation's parameter object `what` (required or not). Not generic: compiled once
/// for every operation.
pub fn read_params(
    op: &mut dyn ReadParams,
    v: Option<&JsValue>,
    what: &'static str,
    required: bool,
) -> Result<(), Error> {
    match Args::new(v.unwrap_or(&JsValue::UNDEFINED), what, op.keys())? {
        Some(a) => op.read_params(&a),
        None if required => Err(Error::bad_argument(
            what,
            format_args!(
                "is required, not {}",
                describe(v.unwrap_or(&JsValue::UNDEFINED))
            ),
        )),
        None => Ok(()),
    }
}
