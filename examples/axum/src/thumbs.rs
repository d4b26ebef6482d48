//! Fetching a thumbnail from the URL the API gave (`thumbnail.url`), on the server: without
//! the person's token (the hosting needs none, and it may be another host), within a size and
//! a time budget, and only as an image of a raster type the page may show.

use std::time::Duration;

/// The largest thumbnail passed on.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// Why a thumbnail could not be had.
#[derive(Debug)]
pub enum Failure {
    /// The URL is not http(s).
    NotHttp,
    /// No answer, or not in time.
    Unreachable,
    /// An error status (the status).
    Status(u16),
    /// Larger than [`MAX_BYTES`].
    TooLarge,
    /// Not a JPEG, PNG, GIF or WebP.
    NotAnImage,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NotHttp => f.write_str("its URL is not http(s)"),
            Failure::Unreachable => f.write_str("no answer in time"),
            Failure::Status(s) => write!(f, "HTTP {s}"),
            Failure::TooLarge => write!(f, "larger than {MAX_BYTES} bytes"),
            Failure::NotAnImage => f.write_str("not a JPEG, PNG, GIF or WebP"),
        }
    }
}

/// The client that fetches thumbnails: no cookies, no credentials, few redirects, a budget.
pub fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(concat!("mylibrary-axum/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::limited(3))
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .build()
}

/// The thumbnail's bytes and their content type.
pub async fn fetch(http: &reqwest::Client, url: &str) -> Result<(Vec<u8>, &'static str), Failure> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(Failure::NotHttp);
    }
    let mut answer = http
        .get(url)
        .header(reqwest::header::ACCEPT, "image/*")
        .send()
        .await
        .map_err(|_| Failure::Unreachable)?;
    if !answer.status().is_success() {
        return Err(Failure::Status(answer.status().as_u16()));
    }
    if answer
        .content_length()
        .is_some_and(|n| n > MAX_BYTES as u64)
    {
        return Err(Failure::TooLarge);
    }
    let declared = answer
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let mut bytes = Vec::new();
    while let Some(chunk) = answer.chunk().await.map_err(|_| Failure::Unreachable)? {
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(Failure::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    // The bytes decide (never, say, an SVG or an HTML page served as an image): a declared
    // type is kept only when it agrees with them.
    let sniffed = sniff(&bytes).ok_or(Failure::NotAnImage)?;
    match declared.as_deref() {
        Some(d) if d == sniffed || (sniffed == "image/jpeg" && d == "image/jpg") => {
            Ok((bytes, sniffed))
        }
        None | Some("application/octet-stream" | "binary/octet-stream") => Ok((bytes, sniffed)),
        Some(_) => Err(Failure::NotAnImage),
    }
}

/// The raster type of an image by its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn sniffs_the_raster_types_only() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"GIF89a.."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(sniff(b"<!doctype html>"), None);
        assert_eq!(sniff(b""), None);
    }
}
