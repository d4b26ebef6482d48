//! Percent-encoding and URL building. Ids are always encoded as one path segment, so an id such
//! as `../info` or `a/b?c#d` cannot change the request path.

/// Encodes everything but the unreserved characters `A-Z a-z 0-9 - . _ ~`.
///
/// ```
/// use ctct_mylibrary::url::encode_component;
/// assert_eq!(encode_component("Café #1/2"), "Caf%C3%A9%20%231%2F2");
/// ```
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where `needle` first occurs in `hay` (a plain byte search: the package's texts are short,
/// and it keeps the two-way searcher of `str::find` out of the wasm).
///
/// ```
/// use ctct_mylibrary::url::find_str;
/// assert_eq!(find_str("files?next=b2Zm", "?next="), Some(5));
/// assert_eq!(find_str("files", "?next="), None);
/// ```
pub fn find_str(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len().saturating_sub(n.len())).find(|&i| h[i..].starts_with(n))
}

/// Decodes `%XX` escapes (not `+`); `None` for a malformed escape or invalid UTF-8, as
/// JavaScript's `decodeURIComponent` refuses them.
///
/// ```
/// use ctct_mylibrary::url::percent_decode;
/// assert_eq!(percent_decode("a%2Fb+c").as_deref(), Some("a/b+c"));
/// assert_eq!(percent_decode("%zz"), None);
/// ```
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            let hi = hex(*b.get(i + 1)?)?;
            let lo = hex(*b.get(i + 2)?)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Checks an id for use as a path segment: not empty, not a dot-segment (`.`/`..`, which URL
/// parsers resolve even when encoded). The error follows the argument's name.
///
/// ```
/// use ctct_mylibrary::url::check_id;
/// assert!(check_id("-1").is_ok());
/// assert_eq!(check_id("..").unwrap_err(), "must be an id, not \"..\"");
/// ```
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("must not be empty".into());
    }
    if id.chars().all(|c| c == '.') && id.len() <= 2 {
        return Err(format!("must be an id, not \"{id}\""));
    }
    Ok(())
}

/// Checks an id that goes into a comma-separated list.
///
/// ```
/// use ctct_mylibrary::url::check_list_id;
/// assert!(check_list_id("1234").is_ok());
/// assert!(check_list_id("1,2").is_err());
/// ```
pub fn check_list_id(id: &str) -> Result<(), String> {
    check_id(id).map_err(|e| format!("must hold ids only: one {e}"))?;
    if id.contains(',') {
        return Err(format!("must hold ids without commas, not \"{id}\""));
    }
    Ok(())
}

/// Checks and normalises a base URL: absolute `http(s)`, no query or fragment, no trailing `/`.
/// The error follows the argument's name.
///
/// ```
/// use ctct_mylibrary::url::normalize_base;
/// assert_eq!(normalize_base("http://127.0.0.1:8080/v2/").as_deref(), Ok("http://127.0.0.1:8080/v2"));
/// assert!(normalize_base("127.0.0.1:8080/v2").is_err());
/// ```
pub fn normalize_base(base: &str) -> Result<String, String> {
    let b = base.trim();
    let rest = b
        .strip_prefix("https://")
        .or_else(|| b.strip_prefix("http://"));
    let authority = rest.map(|r| r.bytes().take_while(|b| !matches!(b, b'/' | b'?' | b'#')));
    if authority.is_some_and(|mut a| a.any(|b| b == b'@')) {
        // The URL is never repeated: what precedes the @ is a user name and password.
        return Err("must not hold a user name or password (an @ before the path)".into());
    }
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !b.contains(['?', '#', ' ']) => {
            Ok(b.trim_end_matches('/').to_string())
        }
        _ => Err(format!(
            "must be an absolute http(s) URL without query or fragment, not \"{base}\""
        )),
    }
}

/// Where a proxy forwards a request: `base` followed by the request's path below the base's own
/// path (`/v2/library/files` under `…/v2`), the request's query (`query`, its credentials already
/// taken out: the client's own are used), then the client's `api_key`. The error follows the
/// argument's name.
///
/// ```
/// use ctct_mylibrary::url::forward_url;
/// let url = forward_url("https://api.constantcontact.com/v2", Some("k"), "/v2/library/files", "limit=9")?;
/// assert_eq!(url, "https://api.constantcontact.com/v2/library/files?limit=9&api_key=k");
/// assert!(forward_url("https://api.constantcontact.com/v2", None, "/v3/x", "").is_err());
/// # Ok::<(), String>(())
/// ```
pub fn forward_url(
    base: &str,
    api_key: Option<&str>,
    path: &str,
    query: &str,
) -> Result<String, String> {
    let after = find_str(base, "://").map_or(0, |at| at + 3);
    let base_path = base[after..]
        .bytes()
        .position(|b| b == b'/')
        .map_or("", |at| &base[after + at..]);
    let below = path
        .strip_prefix(base_path)
        .filter(|p| p.len() > 1 && p.starts_with('/'))
        .ok_or_else(|| format!("must have a path below {base_path}/, not {path}"))?;
    let mut out = format!("{base}{below}");
    let mut sep = '?';
    if !query.is_empty() {
        out.push(sep);
        out.push_str(query);
        sep = '&';
    }
    if let Some(k) = api_key {
        out.push(sep);
        out.push_str("api_key=");
        out.push_str(&encode_component(k));
    }
    Ok(out)
}

/// One segment of a request path.
#[derive(Clone, Copy, Debug)]
pub enum Seg<'a> {
    /// A fixed part of the path (`files`, `uploadstatus`), sent as is.
    Lit(&'static str),
    /// An id, percent-encoded.
    Id(&'a str),
    /// Several ids, each percent-encoded, joined by literal commas.
    Ids(&'a [&'a str]),
}

/// `base` + `/library` + the segments + the query, with `api_key` last.
///
/// ```
/// use ctct_mylibrary::url::{Seg, build};
/// let url = build(
///     "https://api.constantcontact.com/v2",
///     &[Seg::Lit("folders"), Seg::Id("-1"), Seg::Lit("files")],
///     &[("limit", "9".to_string())],
///     Some("k"),
/// );
/// assert_eq!(url, "https://api.constantcontact.com/v2/library/folders/-1/files?limit=9&api_key=k");
/// ```
pub fn build(
    base: &str,
    segments: &[Seg<'_>],
    query: &[(&str, String)],
    api_key: Option<&str>,
) -> String {
    let mut url = String::from(base);
    url.push_str("/library");
    for s in segments {
        url.push('/');
        match s {
            Seg::Lit(l) => url.push_str(l),
            Seg::Id(id) => url.push_str(&encode_component(id)),
            Seg::Ids(ids) => {
                for (n, id) in ids.iter().enumerate() {
                    if n > 0 {
                        url.push(',');
                    }
                    url.push_str(&encode_component(id));
                }
            }
        }
    }
    let mut first = true;
    let key = api_key
        .filter(|k| !k.is_empty())
        .map(|k| ("api_key", k.to_string()));
    for (k, v) in query.iter().cloned().chain(key) {
        url.push(if first { '?' } else { '&' });
        first = false;
        url.push_str(k);
        url.push('=');
        url.push_str(&encode_component(&v));
    }
    url
}

/// Splits ids into groups whose comma-separated, encoded form stays within `max_chars`
/// and `max_ids`, so no URL grows past what servers accept.
///
/// ```
/// use ctct_mylibrary::url::chunk_ids;
/// let groups = chunk_ids(&["1", "2", "3"], 1500, 2);
/// assert_eq!(groups, [vec!["1", "2"], vec!["3"]]);
/// ```
pub fn chunk_ids<'a>(ids: &[&'a str], max_chars: usize, max_ids: usize) -> Vec<Vec<&'a str>> {
    let mut chunks: Vec<Vec<&str>> = Vec::new();
    let mut len = 0;
    for id in ids {
        let add = encode_component(id).len() + 1; // and a comma
        match chunks.last_mut() {
            Some(c) if c.len() < max_ids && len + add <= max_chars => {
                c.push(id);
                len += add;
            }
            _ => {
                chunks.push(vec![id]);
                len = add;
            }
        }
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_segment() {
        let url = build(
            "https://api.constantcontact.com/v2",
            &[Seg::Lit("files"), Seg::Id("../info")],
            &[],
            Some("k"),
        );
        assert_eq!(
            url,
            "https://api.constantcontact.com/v2/library/files/..%2Finfo?api_key=k"
        );
        let url = build(
            "http://h/v2",
            &[Seg::Lit("folders"), Seg::Id("a/b?c#d"), Seg::Lit("files")],
            &[("limit", "5".into())],
            Some("k y"),
        );
        assert_eq!(
            url,
            "http://h/v2/library/folders/a%2Fb%3Fc%23d/files?limit=5&api_key=k%20y"
        );
        assert_eq!(
            build(
                "http://h/v2",
                &[Seg::Lit("files"), Seg::Id("%2F")],
                &[],
                None
            ),
            "http://h/v2/library/files/%252F"
        );
        let ids = ["1", "a b", "x/y"];
        assert_eq!(
            build(
                "http://h/v2",
                &[Seg::Lit("files"), Seg::Ids(&ids)],
                &[],
                None
            ),
            "http://h/v2/library/files/1,a%20b,x%2Fy"
        );
        for bad in ["", ".", ".."] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
        assert!(check_id("...").is_ok());
        assert!(check_list_id("1,2").is_err());
        assert_eq!(encode_component("Café #1"), "Caf%C3%A9%20%231");
    }

    #[test]
    fn plain_search_finds_what_find_finds() {
        for (hay, needle) in [
            ("a?next=b", "?next="),
            ("", ""),
            ("ab", "abc"),
            ("xx", "x"),
            ("é?next=", "?next="),
            ("abc", ""),
        ] {
            assert_eq!(find_str(hay, needle), hay.find(needle), "{hay} {needle}");
        }
    }

    #[test]
    fn forwarded_urls_go_below_the_base() {
        let f = |p: &str, q: &str| forward_url("http://up:8080/v2", Some("k+1"), p, q);
        assert_eq!(
            f("/v2/library/files", "limit=5&sort_by=NAME").unwrap(),
            "http://up:8080/v2/library/files?limit=5&sort_by=NAME&api_key=k%2B1"
        );
        assert_eq!(
            f("/v2/library/info", "").unwrap(),
            "http://up:8080/v2/library/info?api_key=k%2B1"
        );
        for bad in [
            "/v3/library/info",
            "/v2",
            "/v2/",
            "v2/library",
            "/v2x/library",
        ] {
            assert!(f(bad, "").is_err(), "{bad}");
        }
        assert_eq!(
            forward_url("http://up/v2", None, "/v2/library/files", "x=1").unwrap(),
            "http://up/v2/library/files?x=1"
        );
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            normalize_base("http://127.0.0.1:8080/v2/").unwrap(),
            "http://127.0.0.1:8080/v2"
        );
        for bad in [
            "/v2",
            "ftp://x",
            "http://",
            "https://x/v2?a=1",
            "http:///x",
            "x",
        ] {
            assert!(normalize_base(bad).is_err(), "{bad}");
        }
        let with_password = normalize_base("https://me:s3cret-pass@edge.example.com/v2");
        assert!(!with_password.unwrap_err().contains("s3cret"));
        assert!(normalize_base("https://edge.example.com/v2/@me").is_ok());
    }

    #[test]
    fn decoding_agrees_with_decode_uri_component() {
        assert_eq!(percent_decode("a%2Fb+c").as_deref(), Some("a/b+c"));
        assert_eq!(percent_decode("%"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%FF"), None);
        assert_eq!(percent_decode("%C3%A9").as_deref(), Some("é"));
    }

    #[test]
    fn long_id_lists_are_split() {
        let ids: Vec<String> = (0..500).map(|i| format!("{}", 100_000 + i)).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let chunks = chunk_ids(&refs, 1500, 100);
        assert_eq!(chunks.iter().map(Vec::len).sum::<usize>(), 500);
        assert!(
            chunks
                .iter()
                .all(|c| c.len() <= 100 && c.join(",").len() <= 1500)
        );
        assert_eq!(chunks.concat(), refs);
        assert_eq!(chunk_ids(&["1"], 10, 10), vec![vec!["1"]]);
    }
}
