//! A strict reader for the JavaScript face's option objects. It applies the rules the tsify
//! declarations state (known keys only, integers where numbers are counts, the known enum
//! values only; `null` and `undefined` are "not given") without serde-wasm-bindgen, whose
//! deserializer and error messages (float formatting among them) cost more wasm than the rest
//! of the argument handling together (see the README's size section).

use crate::error::Error;
use crate::transport::describe;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// An options object being read.
pub struct Args {
    obj: JsValue,
    what: &'static str,
}

fn bad(msg: String) -> Error {
    Error::invalid_argument(msg)
}

impl Args {
    /// `None` when the argument is undefined or null; an error when it is not a plain object
    /// or has a key outside `known`.
    pub fn new(v: &JsValue, what: &'static str, known: &[&str]) -> Result<Option<Args>, Error> {
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        if !v.is_object() || js_sys::Array::is_array(v) || v.is_function() {
            return Err(bad(format!(
                "{what} must be an object, not {}",
                describe(v)
            )));
        }
        for key in Object::keys(v.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(bad(format!(
                    "{what} has an unknown option \"{key}\"; known: {}",
                    known.join(", ")
                )));
            }
        }
        Ok(Some(Args {
            obj: v.clone(),
            what,
        }))
    }

    /// The raw value of a key (undefined when absent).
    pub fn raw(&self, key: &str) -> JsValue {
        Reflect::get(&self.obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn given(&self, key: &str) -> Option<JsValue> {
        let v = self.raw(key);
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }

    /// A string option.
    pub fn string(&self, key: &str) -> Result<Option<String>, Error> {
        match self.given(key) {
            None => Ok(None),
            Some(v) => v.as_string().map(Some).ok_or_else(|| {
                bad(format!(
                    "{}.{key} must be a string, not {}",
                    self.what,
                    describe(&v)
                ))
            }),
        }
    }

    /// A non-negative integer option no larger than `max`.
    pub fn integer(&self, key: &str, max: u64) -> Result<Option<u64>, Error> {
        match self.given(key) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) if n.fract() == 0.0 && n >= 0.0 && n <= max as f64 => Ok(Some(n as u64)),
                _ => Err(bad(format!(
                    "{}.{key} must be an integer from 0 to {max}, not {}",
                    self.what,
                    describe(&v)
                ))),
            },
        }
    }

    /// One of an enumeration's known values (exact spelling).
    pub fn one_of<T>(
        &self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        values: &[&str],
    ) -> Result<Option<T>, Error> {
        match self.string(key)? {
            None => Ok(None),
            Some(s) => parse(&s).map(Some).ok_or_else(|| {
                bad(format!(
                    "{}.{key} must be one of {}, not \"{s}\"",
                    self.what,
                    values.join(", ")
                ))
            }),
        }
    }
}
