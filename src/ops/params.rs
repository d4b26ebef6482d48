//! The types of the operations' parameters. Each knows its own rule (checked before anything is
//! sent, by both faces) and how it is written on the wire.

use crate::models::{FileSortBy, FileSource, FileType, FolderSortBy, SourceFilter, TypeFilter};
use crate::url::{check_id, check_list_id};
use std::borrow::Cow;

/// A parameter value: its rule and its form on the wire (a query value or a JSON string).
pub trait Param {
    /// `Err(what is wrong)`, phrased to follow the argument's name: "must not be empty".
    ///
    /// ```
    /// use ctct_mylibrary::ops::params::{FolderName, Id, Param};
    /// assert!(Id::from("1234").check().is_ok());
    /// assert_eq!(Id::from("").check().unwrap_err(), "must not be empty");
    /// assert!(FolderName::from("Spring").check().is_ok());
    /// assert!(FolderName::from("a name of more than forty characters, too long").check().is_err());
    /// ```
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
    /// The value as sent.
    ///
    /// ```
    /// use ctct_mylibrary::ops::params::{Id, Limit, Param};
    /// assert_eq!(Limit(9).wire(), "9");
    /// assert_eq!(Id::from("1234").wire(), "1234");
    /// assert_eq!(true.wire(), "TRUE"); // the API's spelling
    /// ```
    fn wire(&self) -> Cow<'_, str>;
}

/// Conversions from what a caller has at hand (`&str`, `String`, `&String`).
macro_rules! from_strings {
    ($t:ident) => {
        impl From<&str> for $t {
            fn from(s: &str) -> Self {
                $t(s.to_string())
            }
        }
        impl From<String> for $t {
            fn from(s: String) -> Self {
                $t(s)
            }
        }
        impl From<&String> for $t {
            fn from(s: &String) -> Self {
                $t(s.clone())
            }
        }
        impl std::ops::Deref for $t {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// A folder or file id: not empty, never `.` or `..`; percent-encoded as one path segment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Id(pub String);
from_strings!(Id);

impl Param for Id {
    fn check(&self) -> Result<(), String> {
        check_id(&self.0)
    }
    fn wire(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0)
    }
}

/// A list of file ids (each an [`Id`] without a comma). Long lists are split over several
/// requests; an empty list sends nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ids(pub Vec<String>);

impl Param for Ids {
    fn check(&self) -> Result<(), String> {
        self.0.iter().try_for_each(|id| check_list_id(id))
    }
    fn wire(&self) -> Cow<'_, str> {
        Cow::Owned(listed(&self.0, ","))
    }
}

/// The items joined by `sep` (by hand: the package has no general `join`).
///
/// ```
/// use ctct_mylibrary::ops::params::listed;
/// assert_eq!(listed(&["JPEG", "PNG"], ", "), "JPEG, PNG");
/// ```
pub fn listed<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (n, s) in items.iter().enumerate() {
        if n > 0 {
            out.push_str(sep);
        }
        out.push_str(s.as_ref());
    }
    out
}

impl From<&str> for Ids {
    fn from(id: &str) -> Self {
        Ids(vec![id.to_string()])
    }
}
impl From<String> for Ids {
    fn from(id: String) -> Self {
        Ids(vec![id])
    }
}
impl From<&String> for Ids {
    fn from(id: &String) -> Self {
        Ids(vec![id.clone()])
    }
}
impl From<Vec<String>> for Ids {
    fn from(ids: Vec<String>) -> Self {
        Ids(ids)
    }
}
impl<S: AsRef<str>> From<&[S]> for Ids {
    fn from(ids: &[S]) -> Self {
        Ids(ids.iter().map(|s| s.as_ref().to_string()).collect())
    }
}
impl<S: AsRef<str>, const N: usize> From<[S; N]> for Ids {
    fn from(ids: [S; N]) -> Self {
        Ids(ids.iter().map(|s| s.as_ref().to_string()).collect())
    }
}
impl From<Vec<&str>> for Ids {
    fn from(ids: Vec<&str>) -> Self {
        Ids(ids.into_iter().map(str::to_string).collect())
    }
}

/// Longest folder name, in characters (ISO-8859-1 only).
pub const FOLDER_NAME_MAX: usize = 40;
/// Longest file name, in characters.
pub const FILE_NAME_MAX: usize = 80;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 100;
/// Largest page.
pub const MAX_LIMIT: u32 = 1000;

fn text_rule(value: &str, max: usize) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("must not be empty".into());
    }
    let n = value.chars().count();
    if n > max {
        return Err(format!(
            "is {n} characters long; the API allows at most {max}"
        ));
    }
    Ok(())
}

/// A folder name: 1–40 ISO-8859-1 characters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderName(pub String);
from_strings!(FolderName);

impl Param for FolderName {
    fn check(&self) -> Result<(), String> {
        text_rule(&self.0, FOLDER_NAME_MAX)?;
        match self.0.chars().find(|&c| c as u32 > 0xFF) {
            Some(c) => Err(format!(
                "may hold only ISO-8859-1 characters (the API's rule); \"{c}\" is not one"
            )),
            None => Ok(()),
        }
    }
    fn wire(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0)
    }
}

/// A file name with its extension: 1–80 characters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileName(pub String);
from_strings!(FileName);

impl Param for FileName {
    fn check(&self) -> Result<(), String> {
        text_rule(&self.0, FILE_NAME_MAX)
    }
    fn wire(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0)
    }
}

/// A description: at most 100 characters (it may be empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Description(pub String);
from_strings!(Description);

impl Param for Description {
    fn check(&self) -> Result<(), String> {
        let n = self.0.chars().count();
        if n > DESCRIPTION_MAX {
            return Err(format!(
                "is {n} characters long; the API allows at most {DESCRIPTION_MAX}"
            ));
        }
        Ok(())
    }
    fn wire(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0)
    }
}

/// The rule of a page size, as a message ends it.
pub const LIMIT_RULE: &str = "must be an integer from 1 to 1000";

/// A page size: 1–1000.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limit(pub u32);

impl From<u32> for Limit {
    fn from(n: u32) -> Self {
        Limit(n)
    }
}

impl Param for Limit {
    fn check(&self) -> Result<(), String> {
        if (1..=MAX_LIMIT).contains(&self.0) {
            Ok(())
        } else {
            Err(format!("{LIMIT_RULE}, not {}", self.0))
        }
    }
    fn wire(&self) -> Cow<'_, str> {
        Cow::Owned(self.0.to_string())
    }
}

impl Param for crate::cursor::Cursor {
    /// The API's token (the listing goes into the path).
    fn wire(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.token())
    }
}

impl Param for bool {
    /// The API's spelling: `TRUE` or `FALSE`.
    fn wire(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "TRUE" } else { "FALSE" })
    }
}

macro_rules! enum_params {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn check(&self) -> Result<(), String> {
                if self.is_known() {
                    Ok(())
                } else {
                    Err(format!("must be one of {}, not \"{}\"", listed(<$t>::VALUES, ", "), self.as_str()))
                }
            }
            fn wire(&self) -> Cow<'_, str> {
                Cow::Borrowed(self.as_str())
            }
        }
    )*};
}
enum_params!(
    FileSortBy,
    FolderSortBy,
    SourceFilter,
    TypeFilter,
    FileSource,
    FileType
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(
            Limit(0).check().unwrap_err(),
            "must be an integer from 1 to 1000, not 0"
        );
        assert!(Limit(1000).check().is_ok());
        assert!(FolderName::from("Café Müller ½").check().is_ok());
        assert!(FolderName::from("é".repeat(40)).check().is_ok());
        for bad in ["", "   ", "写真", "€uro", &"x".repeat(41)] {
            assert!(FolderName::from(bad).check().is_err(), "{bad:?}");
        }
        assert!(FileName::from("日本語 #?.png").check().is_ok());
        assert!(FileName::from("n".repeat(81)).check().is_err());
        assert!(Description::from("").check().is_ok());
        assert!(Description::from("d".repeat(101)).check().is_err());
        for bad in ["", ".", ".."] {
            assert!(Id::from(bad).check().is_err(), "{bad:?}");
        }
        assert!(Ids::from(["1", "2"]).check().is_ok());
        assert!(Ids::from("1,2").check().is_err());
        assert!(
            Ids::default().check().is_ok(),
            "an empty list is no request"
        );
        assert_eq!(true.wire(), "TRUE");
        assert_eq!(FileSortBy::SizeDesc.wire(), "SIZE_DESC");
        assert!(FileSortBy::Other("ADDED_DATE".into()).check().is_err());
    }
}
