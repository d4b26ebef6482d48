//! String enumerations with the API's exact values.
//!
//! Request parameters accept the known values only. In responses an unknown value is kept as
//! its string (`Other`), so the TypeScript types of response fields are the known values plus
//! `(string & {})`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
#[cfg(feature = "js")]
use wasm_bindgen::prelude::wasm_bindgen;

macro_rules! api_enum {
    ($(#[$m:meta])* $name:ident, open = $open:tt, example $ex:ident = $ex_text:literal, { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vm])* #[doc = concat!("`", $text, "`")] $variant,)+
            /// A value this version of the client does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// Every known value.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The API's spelling of every known value, in the order of [`Self::KNOWN`].
            pub const VALUES: &'static [&'static str] = &[$($text),+];

            /// The API's spelling.
            ///
            #[doc = api_enum!(@example $name, concat!(
                "assert_eq!(", stringify!($name), "::", stringify!($ex), ".as_str(), ", stringify!($ex_text), ");"
            ))]
            pub fn as_str(&self) -> &str {
                match self { $($name::$variant => $text,)+ $name::Other(s) => s }
            }

            /// The known value with exactly this spelling.
            ///
            #[doc = api_enum!(@example $name, concat!(
                "assert_eq!(", stringify!($name), "::known(", stringify!($ex_text), "), Some(", stringify!($name), "::", stringify!($ex), "));\n",
                "assert_eq!(", stringify!($name), "::known(\"NOT_A_VALUE\"), None);"
            ))]
            pub fn known(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }

            /// Parses any string: an unknown value becomes `Other`.
            ///
            #[doc = api_enum!(@example $name, concat!(
                "assert_eq!(", stringify!($name), "::from_wire(", stringify!($ex_text), "), ", stringify!($name), "::", stringify!($ex), ");\n",
                "let other = ", stringify!($name), "::from_wire(\"NOT_A_VALUE\");\n",
                "assert_eq!(other, ", stringify!($name), "::Other(\"NOT_A_VALUE\".into()));"
            ))]
            pub fn from_wire(s: &str) -> Self {
                Self::known(s).unwrap_or_else(|| $name::Other(s.to_string()))
            }

            /// True for a value of the documented set.
            ///
            #[doc = api_enum!(@example $name, concat!(
                "assert!(", stringify!($name), "::", stringify!($ex), ".is_known());\n",
                "assert!(!", stringify!($name), "::from_wire(\"NOT_A_VALUE\").is_known());"
            ))]
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                api_enum!(@parse $name, open = $open, s)
            }
        }
    };
    (@parse $name:ident, open = true, $s:ident) => { Ok($name::from_wire(&$s)) };
    // A doc example: `$body` after the enum's import. (Raw lines: no leading space, as the
    // `///` lines beside them lose theirs.)
    (@example $name:ident, $body:expr) => {
        concat!("```\n", "use ctct_mylibrary::models::", stringify!($name), ";\n", $body, "\n```")
    };
    (@parse $name:ident, open = false, $s:ident) => {
        $name::known(&$s).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown value \"{}\", expected one of {}", $s, $name::VALUES.join(", ")))
        })
    };
}

api_enum!(
    /// How files are sorted. `DIMENSION` is height × width.
    FileSortBy, open = false, example NameDesc = "NAME_DESC", {
        CreatedDate = "CREATED_DATE", CreatedDateDesc = "CREATED_DATE_DESC",
        ModifiedDate = "MODIFIED_DATE", ModifiedDateDesc = "MODIFIED_DATE_DESC",
        Name = "NAME", NameDesc = "NAME_DESC", Size = "SIZE", SizeDesc = "SIZE_DESC",
        Dimension = "DIMENSION", DimensionDesc = "DIMENSION_DESC",
    }
);
api_enum!(
    /// How folders are sorted.
    FolderSortBy, open = false, example CreatedDateDesc = "CREATED_DATE_DESC", {
        CreatedDate = "CREATED_DATE", CreatedDateDesc = "CREATED_DATE_DESC",
        ModifiedDate = "MODIFIED_DATE", ModifiedDateDesc = "MODIFIED_DATE_DESC",
        Name = "NAME", NameDesc = "NAME_DESC",
    }
);
api_enum!(
    /// Where a file came from.
    FileSource, open = true, example MyComputer = "MyComputer", {
        MyComputer = "MyComputer", StockImage = "StockImage", Facebook = "Facebook",
        Instagram = "Instagram", Shutterstock = "Shutterstock", Mobile = "Mobile",
    }
);
api_enum!(
    /// The `source` filter of a file list: a source or `ALL`.
    SourceFilter, open = false, example All = "ALL", {
        All = "ALL", MyComputer = "MyComputer", StockImage = "StockImage", Facebook = "Facebook",
        Instagram = "Instagram", Shutterstock = "Shutterstock", Mobile = "Mobile",
    }
);
api_enum!(
    /// The `type` filter of a file list.
    TypeFilter, open = false, example Images = "IMAGES", { All = "ALL", Images = "IMAGES", Documents = "DOCUMENTS" }
);
api_enum!(
    /// A file's status: `Active` is available; `Uploaded` and `Processing` are on the way;
    /// `VirusFound` and `Failed` ended an upload; `Deleted` is in the trash.
    FileStatus, open = true, example VirusFound = "VirusFound", {
        Active = "Active", Processing = "Processing", Uploaded = "Uploaded",
        VirusFound = "VirusFound", Failed = "Failed", Deleted = "Deleted",
    }
);
api_enum!(
    /// A file's type.
    FileType, open = true, example Png = "PNG", {
        Jpeg = "JPEG", Jpg = "JPG", Gif = "GIF", Png = "PNG", Pdf = "PDF", Doc = "DOC",
        Docx = "DOCX", Xls = "XLS", Xlsx = "XLSX", Ppt = "PPT", Pptx = "PPTX",
    }
);

impl FileType {
    /// True for the image types.
    ///
    /// ```
    /// use ctct_mylibrary::models::FileType;
    /// assert!(FileType::Gif.is_image());
    /// assert!(!FileType::Pdf.is_image());
    /// ```
    pub fn is_image(&self) -> bool {
        matches!(
            self,
            FileType::Jpeg | FileType::Jpg | FileType::Gif | FileType::Png
        )
    }

    /// The type for a file name's extension (case-insensitive).
    ///
    /// ```
    /// use ctct_mylibrary::models::FileType;
    /// assert_eq!(FileType::from_file_name("banner.Jpeg"), Some(FileType::Jpeg));
    /// assert_eq!(FileType::from_file_name("archive.zip"), None);
    /// ```
    pub fn from_file_name(name: &str) -> Option<Self> {
        let (_, ext) = name.rsplit_once('.')?;
        Self::known(&ext.to_ascii_uppercase())
    }

    /// The type for a MIME type (as the Java SDK maps them).
    ///
    /// ```
    /// use ctct_mylibrary::models::FileType;
    /// assert_eq!(FileType::from_mime("image/png"), Some(FileType::Png));
    /// assert_eq!(FileType::from_mime("application/pdf; charset=binary"), Some(FileType::Pdf));
    /// assert_eq!(FileType::from_mime("image/webp"), None);
    /// ```
    pub fn from_mime(mime: &str) -> Option<Self> {
        let mime = mime
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Some(match mime.as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => FileType::Jpg,
            "image/png" => FileType::Png,
            "image/gif" => FileType::Gif,
            "application/pdf" => FileType::Pdf,
            "application/msword" | "application/vnd.ms-word" => FileType::Doc,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                FileType::Docx
            }
            "application/vnd.ms-excel" => FileType::Xls,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => FileType::Xlsx,
            "application/vnd.ms-powerpoint" => FileType::Ppt,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
                FileType::Pptx
            }
            _ => return None,
        })
    }
}

#[cfg(feature = "js")]
#[wasm_bindgen(typescript_custom_section)]
const TS_ENUMS: &str = r#"
/** How files are sorted. `DIMENSION` is height × width. */
export type FileSortBy = "CREATED_DATE" | "CREATED_DATE_DESC" | "MODIFIED_DATE" | "MODIFIED_DATE_DESC" | "NAME" | "NAME_DESC" | "SIZE" | "SIZE_DESC" | "DIMENSION" | "DIMENSION_DESC";
/** How folders are sorted. */
export type FolderSortBy = "CREATED_DATE" | "CREATED_DATE_DESC" | "MODIFIED_DATE" | "MODIFIED_DATE_DESC" | "NAME" | "NAME_DESC";
/** Where a file came from. */
export type FileSource = "MyComputer" | "StockImage" | "Facebook" | "Instagram" | "Shutterstock" | "Mobile";
/** The `source` filter of a file list: a source or `ALL`. */
export type SourceFilter = "ALL" | FileSource;
/** The `type` filter of a file list. */
export type TypeFilter = "ALL" | "IMAGES" | "DOCUMENTS";
/** A file's status. */
export type FileStatus = "Active" | "Processing" | "Uploaded" | "VirusFound" | "Failed" | "Deleted";
/** A file's type. */
export type FileType = "JPEG" | "JPG" | "GIF" | "PNG" | "PDF" | "DOC" | "DOCX" | "XLS" | "XLSX" | "PPT" | "PPTX";
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_keep_unknown_values_and_closed_ones_refuse_them() {
        let s: FileStatus = serde_json::from_str("\"Quarantined\"").unwrap();
        assert_eq!(s, FileStatus::Other("Quarantined".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"Quarantined\"");
        assert_eq!(
            serde_json::from_str::<FileStatus>("\"Active\"").unwrap(),
            FileStatus::Active
        );
        assert!(serde_json::from_str::<FileSortBy>("\"ADDED_DATE\"").is_err());
        assert!(serde_json::from_str::<TypeFilter>("\"images\"").is_err());
        assert_eq!(FileType::from_file_name("photo.Jpeg"), Some(FileType::Jpeg));
        assert_eq!(FileType::from_mime("image/png; q=1"), Some(FileType::Png));
        assert_eq!(FileType::from_file_name("archive.zip"), None);
    }
}
