//! Lenient pieces of decoding shared by the models.

use serde::de::{self, Deserializer, Unexpected, Visitor};
use std::fmt;

/// The largest integer a JavaScript number holds exactly; larger counts are refused, as the
/// JavaScript validator refuses them.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

struct Count;

impl Visitor<'_> for Count {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a non-negative integer")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        if v <= MAX_SAFE_INTEGER {
            Ok(v)
        } else {
            Err(E::invalid_value(Unexpected::Unsigned(v), &self))
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v)
            .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
            .and_then(|v| self.visit_u64(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        // A JSON number written with a fraction (`1.0`) is the integer 1, as JavaScript reads it.
        if v.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER as f64).contains(&v) {
            Ok(v as u64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

/// A non-negative safe integer (a count, a size, a dimension).
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(Count)
}

/// Like [`count`], for a field that may be missing.
pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    count(d).map(Some)
}

struct IdString;

impl Visitor<'_> for IdString {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an id (a string, or an integer)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Count.visit_u64(v).map(|v| v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        if v.unsigned_abs() <= MAX_SAFE_INTEGER {
            Ok(v.to_string())
        } else {
            Err(E::invalid_value(Unexpected::Signed(v), &self))
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        if v.fract() == 0.0 && v.abs() <= MAX_SAFE_INTEGER as f64 {
            Ok(format!("{}", v as i64))
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

/// An id that one recorded response sends as a number (`"file_id": 64`): always a string here.
pub fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(IdString)
}

struct ParentId;

impl Visitor<'_> for ParentId {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a folder id, \"\" or null")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(if v.is_empty() {
            "0".into()
        } else {
            v.to_string()
        })
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok("0".into())
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok("0".into())
    }
}

/// `parent_id`: null or `""` is the top level, `"0"`.
pub fn parent_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(ParentId)
}

pub fn top_level() -> String {
    "0".into()
}

struct MapOnly<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for MapOnly<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
}

/// An optional object. serde would also build a struct whose fields are all optional from an
/// array (serde reads a sequence into a struct field by field); an array is not
/// what the API sends, so it is refused, as the JavaScript validator refuses it.
pub fn opt_object<'de, D: Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    d.deserialize_any(MapOnly(std::marker::PhantomData))
}
