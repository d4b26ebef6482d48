//! List query parameters, their validation, and the `next` cursor token.

use crate::model::{ApiError, Source};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Created,
    Modified,
    Name,
    Size,
    Dimension,
}

/// A sort order: key and direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub desc: bool,
}

impl Sort {
    pub const DEFAULT: Sort = Sort {
        key: SortKey::Created,
        desc: true,
    };

    /// The API's spelling (`CREATED_DATE_DESC`, ...).
    pub fn as_str(self) -> String {
        let base = match self.key {
            SortKey::Created => "CREATED_DATE",
            SortKey::Modified => "MODIFIED_DATE",
            SortKey::Name => "NAME",
            SortKey::Size => "SIZE",
            SortKey::Dimension => "DIMENSION",
        };
        if self.desc {
            format!("{base}_DESC")
        } else {
            base.to_string()
        }
    }

    /// Parses a sort order; `ADDED_DATE*` are aliases of `CREATED_DATE*`. Folders sort only by
    /// date and name.
    pub fn parse(s: &str, for_files: bool) -> Option<Sort> {
        let upper = s.to_ascii_uppercase();
        let (base, desc) = match upper.strip_suffix("_DESC") {
            Some(b) => (b, true),
            None => (upper.as_str(), false),
        };
        let key = match base {
            "CREATED_DATE" | "ADDED_DATE" => SortKey::Created,
            "MODIFIED_DATE" => SortKey::Modified,
            "NAME" => SortKey::Name,
            "SIZE" if for_files => SortKey::Size,
            "DIMENSION" if for_files => SortKey::Dimension,
            _ => return None,
        };
        Some(Sort { key, desc })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeFilter {
    All,
    Images,
    Documents,
}

impl TypeFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            TypeFilter::All => "ALL",
            TypeFilter::Images => "IMAGES",
            TypeFilter::Documents => "DOCUMENTS",
        }
    }
    /// Case-insensitive; the docs' prose spelling `IMAGE`/`DOCUMENT` is accepted too.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "ALL" => Some(TypeFilter::All),
            "IMAGES" | "IMAGE" => Some(TypeFilter::Images),
            "DOCUMENTS" | "DOCUMENT" => Some(TypeFilter::Documents),
            _ => None,
        }
    }
}

/// The state of a list request: everything a `next` token carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    pub offset: usize,
    pub limit: usize,
    pub sort: Sort,
    /// `None` is `ALL`.
    pub source: Option<Source>,
    pub kind: TypeFilter,
}

/// Which collection a list request reads; it decides which parameters apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collection {
    Folders,
    Files,
    Trash,
}

impl ListQuery {
    /// Reads a list request's query pairs (already percent-decoded).
    pub fn from_params(
        params: &[(String, String)],
        coll: Collection,
    ) -> Result<ListQuery, ApiError> {
        let get = |k: &str| {
            params
                .iter()
                .rev()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
        };
        if let Some(token) = get("next") {
            return Self::from_token(token, coll);
        }
        Self::from_pairs(&get, coll, 0)
    }

    fn from_pairs<'a>(
        get: &dyn Fn(&str) -> Option<&'a str>,
        coll: Collection,
        offset: usize,
    ) -> Result<ListQuery, ApiError> {
        let limit = match get("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "limit must be an integer from 1 to {MAX_LIMIT}: {v:?}"
                    )));
                }
            },
        };
        let files = coll != Collection::Folders;
        let sort = match get("sort_by") {
            None => Sort::DEFAULT,
            Some(v) => Sort::parse(v, files)
                .ok_or_else(|| ApiError::bad_request(format!("invalid sort_by value: {v:?}")))?,
        };
        let source = match (coll, get("source")) {
            (Collection::Files, Some(v)) if !v.eq_ignore_ascii_case("ALL") => Some(
                Source::parse(v)
                    .ok_or_else(|| ApiError::bad_request(format!("invalid source value: {v:?}")))?,
            ),
            _ => None,
        };
        let kind = match (files, get("type")) {
            (true, Some(v)) => TypeFilter::parse(v)
                .ok_or_else(|| ApiError::bad_request(format!("invalid type value: {v:?}")))?,
            _ => TypeFilter::All,
        };
        Ok(ListQuery {
            offset,
            limit,
            sort,
            source,
            kind,
        })
    }

    /// The token for the page after this one: unpadded base64url of the query state.
    pub fn next_token(&self, coll: Collection) -> String {
        let mut s = format!(
            "offset={}&limit={}&sort_by={}",
            self.offset + self.limit,
            self.limit,
            self.sort.as_str()
        );
        if coll != Collection::Folders {
            if coll == Collection::Files {
                s.push_str(&format!(
                    "&source={}",
                    self.source.map_or("ALL", |x| x.as_str())
                ));
            }
            s.push_str(&format!("&type={}", self.kind.as_str()));
        }
        URL_SAFE_NO_PAD.encode(s)
    }

    fn from_token(token: &str, coll: Collection) -> Result<ListQuery, ApiError> {
        let garbled = || ApiError::bad_request("The next token is invalid or has expired");
        let raw = URL_SAFE_NO_PAD
            .decode(token.trim_end_matches('='))
            .map_err(|_| garbled())?;
        let text = String::from_utf8(raw).map_err(|_| garbled())?;
        let mut pairs = Vec::new();
        for pair in text.split('&') {
            let (k, v) = pair.split_once('=').ok_or_else(garbled)?;
            pairs.push((k.to_string(), v.to_string()));
        }
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let offset = get("offset")
            .and_then(|v| v.parse::<usize>().ok())
            .ok_or_else(garbled)?;
        if get("limit").is_none() {
            return Err(garbled());
        }
        Self::from_pairs(&get, coll, offset).map_err(|_| garbled())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn tokens_round_trip_and_ignore_other_params() {
        let q = ListQuery::from_params(
            &p(&[
                ("limit", "7"),
                ("sort_by", "size_desc"),
                ("source", "mycomputer"),
                ("type", "IMAGES"),
            ]),
            Collection::Files,
        )
        .unwrap();
        let token = q.next_token(Collection::Files);
        assert!(!token.contains('='));
        let next =
            ListQuery::from_params(&p(&[("next", &token), ("limit", "999")]), Collection::Files)
                .unwrap();
        assert_eq!(next, ListQuery { offset: 7, ..q });
        assert_eq!(
            URL_SAFE_NO_PAD.decode(&token).unwrap(),
            b"offset=7&limit=7&sort_by=SIZE_DESC&source=MyComputer&type=IMAGES"
        );
    }

    #[test]
    fn rejects_out_of_range_and_garbled() {
        for bad in [
            ("limit", "0"),
            ("limit", "1001"),
            ("limit", "1.5"),
            ("sort_by", "SIZE"),
            ("next", "%%%"),
        ] {
            assert_eq!(
                ListQuery::from_params(&p(&[bad]), Collection::Folders)
                    .unwrap_err()
                    .status,
                400,
                "{bad:?}"
            );
        }
        let q =
            ListQuery::from_params(&p(&[("sort_by", "ADDED_DATE")]), Collection::Trash).unwrap();
        assert_eq!(
            q.sort,
            Sort {
                key: SortKey::Created,
                desc: false
            }
        );
        // the real API's sample token (offset=4&limit=4)
        let q = ListQuery::from_params(
            &p(&[("next", "b2Zmc2V0PTQmbGltaXQ9NA")]),
            Collection::Folders,
        )
        .unwrap();
        assert_eq!((q.offset, q.limit), (4, 4));
    }
}
