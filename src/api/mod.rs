//! One module per resource: the arguments of each operation, their validation (before anything
//! is sent), and the request they become. Nothing here does I/O.

/// The `limit`, `sort_by` and `next` setters the list options share.
macro_rules! list_builders {
    ($ty:ty, $sort:ty) => {
        impl $ty {
            /// Page size, 1–1000.
            #[must_use]
            pub fn limit(mut self, limit: u32) -> Self {
                self.limit = Some(limit);
                self
            }
            /// Sort order.
            #[must_use]
            pub fn sort_by(mut self, sort: $sort) -> Self {
                self.sort_by = Some(sort);
                self
            }
            /// Continue from a previous page's cursor (the other options are then ignored).
            #[must_use]
            pub fn next(mut self, cursor: impl Into<String>) -> Self {
                self.next = Some(cursor.into());
                self
            }
        }
    };
}

pub mod files;
pub mod folders;
pub mod info;
pub mod trash;
pub mod uploads;

use crate::error::Error;
use crate::url::{self, Seg};

/// What a call expects back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A JSON body.
    Json,
    /// Nothing (204), or a JSON body the caller does not need.
    Nothing,
}

/// A planned request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The full URL (with `api_key` when the client has one).
    pub url: String,
    /// A JSON body, already serialised.
    pub json_body: Option<String>,
    /// What the caller wants back.
    pub expect: Expect,
}

/// Where calls go and with which key.
#[derive(Clone, Debug)]
pub struct Target {
    /// Base URL without a trailing slash, e.g. `https://api.constantcontact.com/v2`.
    pub base: String,
    /// The api key, sent as the `api_key` query parameter.
    pub api_key: Option<String>,
}

impl Target {
    pub(crate) fn call(
        &self,
        method: &'static str,
        segs: &[Seg<'_>],
        query: &[(&str, String)],
        body: Option<String>,
        expect: Expect,
    ) -> Call {
        Call {
            method,
            url: url::build(&self.base, segs, query, self.api_key.as_deref()),
            json_body: body,
            expect,
        }
    }
}

/// Page size bounds.
pub const MAX_LIMIT: u32 = 1000;
/// Longest folder name, in characters (ISO-8859-1 only).
pub const FOLDER_NAME_MAX: usize = 40;
/// Longest file name, in characters.
pub const FILE_NAME_MAX: usize = 80;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 100;
/// Ids per request for lists of ids (delete, upload status, move).
pub const IDS_PER_REQUEST: usize = 100;
/// Characters of ids per URL, so that no URL grows past what servers accept.
pub const ID_CHARS_PER_URL: usize = 1500;

pub(crate) fn check_limit(limit: Option<u32>) -> Result<(), Error> {
    match limit {
        Some(l) if !(1..=MAX_LIMIT).contains(&l) => Err(Error::invalid_argument(format!(
            "limit must be an integer from 1 to {MAX_LIMIT}, not {l}"
        ))),
        _ => Ok(()),
    }
}

/// A list request: the cursor alone when continuing (the API requires `next` by itself), else
/// `limit` and the filters that are set.
pub(crate) fn list_call(
    t: &Target,
    segs: &[Seg<'_>],
    next: &Option<String>,
    limit: Option<u32>,
    filters: &[(&'static str, Option<&str>)],
) -> Result<Call, Error> {
    if let Some(next) = next {
        check_cursor(next)?;
        return Ok(t.call("GET", segs, &[("next", next.clone())], None, Expect::Json));
    }
    check_limit(limit)?;
    let mut q = Vec::new();
    if let Some(l) = limit {
        q.push(("limit", l.to_string()));
    }
    for (k, v) in filters {
        if let Some(v) = v {
            q.push((*k, v.to_string()));
        }
    }
    Ok(t.call("GET", segs, &q, None, Expect::Json))
}

pub(crate) fn check_cursor(next: &str) -> Result<(), Error> {
    if next.is_empty() {
        return Err(Error::invalid_argument(
            "next must be a cursor from a previous page, not an empty string",
        ));
    }
    Ok(())
}

pub(crate) fn check_text(what: &str, value: &str, max: usize) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_argument(format!("{what} must not be empty")));
    }
    let n = value.chars().count();
    if n > max {
        return Err(Error::invalid_argument(format!(
            "{what} is {n} characters long; the API allows at most {max}"
        )));
    }
    Ok(())
}

pub(crate) fn check_description(value: &str) -> Result<(), Error> {
    let n = value.chars().count();
    if n > DESCRIPTION_MAX {
        return Err(Error::invalid_argument(format!(
            "description is {n} characters long; the API allows at most {DESCRIPTION_MAX}"
        )));
    }
    Ok(())
}

/// A JSON string literal, escaped as `JSON.stringify` does.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON object of string fields, in order; `None` values are left out.
pub(crate) fn json_object(fields: &[(&str, Option<&str>)]) -> String {
    let mut out = String::from("{");
    for (k, v) in fields {
        if let Some(v) = v {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&json_string(k));
            out.push(':');
            out.push_str(&json_string(v));
        }
    }
    out.push('}');
    out
}

/// The target of the request-plan tests: base `http://h/v2`, api key `k`.
#[cfg(test)]
pub(crate) fn test_target() -> Target {
    Target {
        base: "http://h/v2".into(),
        api_key: Some("k".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_match_json_stringify() {
        assert_eq!(
            json_string("a\"b\\c\nd\u{1}é😀"),
            r#""a\"b\\c\nd\u0001é😀""#
        );
        let parsed: String =
            serde_json::from_str(&json_string("tab\there \u{7f} </script>")).unwrap();
        assert_eq!(parsed, "tab\there \u{7f} </script>");
        assert_eq!(
            json_object(&[("name", Some("x")), ("parent_id", None)]),
            r#"{"name":"x"}"#
        );
    }
}
