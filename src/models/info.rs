use super::de;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
#[cfg(feature = "js")]
use tsify::Tsify;

/// Storage used and left in the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct UsageSummary {
    /// Number of folders.
    #[serde(deserialize_with = "de::count")]
    pub folder_count: u64,
    /// Number of files.
    #[serde(deserialize_with = "de::count")]
    pub file_count: u64,
    /// Number of images.
    #[serde(deserialize_with = "de::count")]
    pub image_count: u64,
    /// Number of documents.
    #[serde(deserialize_with = "de::count")]
    pub document_count: u64,
    /// Bytes used by every file.
    #[serde(deserialize_with = "de::count")]
    pub total_bytes_used: u64,
    /// Bytes used by images.
    #[serde(deserialize_with = "de::count")]
    pub image_bytes_used: u64,
    /// Bytes used by documents.
    #[serde(deserialize_with = "de::count")]
    pub document_bytes_used: u64,
    /// Bytes left.
    #[serde(deserialize_with = "de::count")]
    pub total_bytes_remaining: u64,
    /// Free files left (0 for MyLibrary Plus accounts).
    #[serde(deserialize_with = "de::count")]
    pub free_files_remaining: u64,
}

/// The library's limits and usage (`GET /library/info`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct LibraryInfo {
    /// Root URL of the image host.
    pub image_root: String,
    /// Maximum number of free files; 0 means the account has MyLibrary Plus storage.
    pub max_free_file_num: u64,
    /// MyLibrary Plus storage in bytes.
    pub max_premium_space_limit: u64,
    /// Largest upload in bytes.
    pub max_upload_size_limit: u64,
    /// Usage.
    pub usage_summary: UsageSummary,
}

#[derive(Deserialize)]
struct RawInfo {
    image_root: String,
    #[serde(deserialize_with = "de::count")]
    max_free_file_num: u64,
    #[serde(deserialize_with = "de::count")]
    max_premium_space_limit: u64,
    #[serde(deserialize_with = "de::count")]
    max_upload_size_limit: u64,
    usage_summary: UsageSummary,
}

impl From<RawInfo> for LibraryInfo {
    fn from(r: RawInfo) -> Self {
        LibraryInfo {
            image_root: r.image_root,
            max_free_file_num: r.max_free_file_num,
            max_premium_space_limit: r.max_premium_space_limit,
            max_upload_size_limit: r.max_upload_size_limit,
            usage_summary: r.usage_summary,
        }
    }
}

struct InfoVisitor;

impl<'de> Visitor<'de> for InfoVisitor {
    type Value = LibraryInfo;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the library info object (or a one-element array of it)")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LibraryInfo, A::Error> {
        RawInfo::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Into::into)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LibraryInfo, A::Error> {
        use serde::de::Error;
        let first: RawInfo = seq
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(0, &self))?;
        if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
            return Err(A::Error::custom("expected a one-element array"));
        }
        Ok(first.into())
    }
}

impl<'de> Deserialize<'de> for LibraryInfo {
    /// Accepts the object, or the object wrapped in a one-element array (the Ruby SDK's fixture).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(InfoVisitor)
    }
}
