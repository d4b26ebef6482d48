//! The HTML: one small page, no script. Every value from outside is escaped.

use ctct_mylibrary::models::LibraryFile;
use ctct_mylibrary::url::encode_component;
use std::fmt::Write;

const STYLE: &str = "\
body{font:16px/1.4 system-ui,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}\
header{display:flex;align-items:center;gap:1rem;padding:.75rem 1.5rem;background:#fff;border-bottom:1px solid #dde1e6}\
header h1{font-size:1.2rem;margin:0;flex:1}\
main{padding:1.5rem}\
.notice{background:#fff6db;border:1px solid #f0d98c;padding:.6rem 1rem;border-radius:6px}\
.signin{display:inline-block;background:#1856ed;color:#fff;padding:.6rem 1.2rem;border-radius:6px;text-decoration:none;font-weight:600}\
button{font:inherit;padding:.35rem .9rem;border-radius:6px;border:1px solid #9aa5b1;background:#fff;cursor:pointer}\
ul.files{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:1rem}\
ul.files li{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:.5rem;display:flex;flex-direction:column;gap:.3rem}\
.thumb{height:140px;display:flex;align-items:center;justify-content:center;background:#eef0f3;border-radius:4px;overflow:hidden}\
.thumb img{max-width:100%;max-height:140px;width:auto;height:auto}\
.doc{font-weight:700;color:#5b6672}\
.name{overflow-wrap:anywhere;font-size:.9rem}\
.meta{color:#5b6672;font-size:.8rem}\
nav{margin-top:1.5rem;display:flex;gap:1rem}";

/// `<`, `>`, `&`, `"` and `'` as entities: safe in text and in quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole document around `body` (already HTML).
pub fn document(title: &str, header: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head>\n<body><header><h1>MyLibrary</h1>{header}</header>\n<main>{body}</main></body></html>\n",
        escape(title)
    )
}

/// The signed-out page: a notice (plain text, or empty) and the sign-in link.
pub fn signed_out(notice: &str) -> String {
    let notice = if notice.is_empty() {
        String::new()
    } else {
        format!("<p class=\"notice\">{}</p>", escape(notice))
    };
    document(
        "MyLibrary — sign in",
        "",
        &format!(
            "{notice}<p>See the files of your Constant Contact MyLibrary.</p>\
<p><a class=\"signin\" href=\"/auth/login\">Sign in with Constant Contact</a></p>"
        ),
    )
}

/// A short page for an error or a refusal: a sentence (plain text) and a way back.
pub fn message(title: &str, text: &str) -> String {
    document(
        title,
        "",
        &format!(
            "<p class=\"notice\">{}</p><p><a href=\"/\">Back to the start</a></p>",
            escape(text)
        ),
    )
}

/// The signed-in page: who, the sign-out button, one page of files, and the links to the
/// next page (`next`: the cursor, as text) and back to the first.
pub fn library(user: &str, files: &[LibraryFile], next: Option<&str>, later_page: bool) -> String {
    let header = format!(
        "<span>Signed in as <strong class=\"user\">{}</strong></span>\
<form method=\"post\" action=\"/auth/logout\"><button type=\"submit\">Sign out</button></form>",
        escape(user)
    );
    let mut body = String::new();
    if files.is_empty() {
        body.push_str("<p>No files here.</p>");
    } else {
        body.push_str("<ul class=\"files\">");
        for f in files {
            let id = escape(&f.id);
            let thumb = match &f.thumbnail {
                Some(t) => format!(
                    "<img src=\"/thumbs/{}\" width=\"{}\" height=\"{}\" alt=\"\" loading=\"lazy\">",
                    escape(&encode_component(&f.id)),
                    t.width,
                    t.height
                ),
                None => format!(
                    "<span class=\"doc\">{}</span>",
                    escape(&f.file_type.to_string())
                ),
            };
            let _ = write!(
                body,
                "<li data-file-id=\"{id}\"><div class=\"thumb\">{thumb}</div>\
<span class=\"name\">{}</span><span class=\"meta\">{} · {}</span></li>",
                escape(&f.name),
                escape(f.folder.as_deref().unwrap_or("")),
                size(f.size),
            );
        }
        body.push_str("</ul>");
    }
    body.push_str("<nav>");
    if later_page {
        body.push_str("<a href=\"/\">First page</a>");
    }
    if let Some(next) = next {
        let _ = write!(
            body,
            "<a rel=\"next\" href=\"/?next={}\">Next page</a>",
            escape(&encode_component(next))
        );
    }
    body.push_str("</nav>");
    document(&format!("MyLibrary — {user}"), &header, &body)
}

/// Bytes as people read them.
fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_leave_a_text_or_an_attribute() {
        assert_eq!(
            escape("<img src=x onerror='a'>\"&"),
            "&lt;img src=x onerror=&#39;a&#39;&gt;&quot;&amp;"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(size(12), "12 B");
        assert_eq!(size(2048), "2.0 KB");
        assert_eq!(size(3 * 1024 * 1024), "3.0 MB");
    }
}
