//! Removes credentials from text that leaves the client: error messages, the API's error
//! messages, request URLs, causes.

use crate::error::Error;
use crate::url::encode_component;

/// What a credential is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Secrets shorter than this are not searched for: no real credential is that short (a v2
/// access token is 36 characters), and replacing a one-letter test token would cut letters out
/// of every message.
pub const MIN_SECRET_LEN: usize = 8;

/// Replaces credentials (and their percent-encoded forms) with `[REDACTED]`.
///
/// ```
/// use ctct_mylibrary::redact::Redactor;
/// let r = Redactor::new(["key+/=1234", "t"]);
/// assert_eq!(r.apply("api_key=key%2B%2F%3D1234; the token t"), "api_key=[REDACTED]; the token t");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// Redacts these secrets (those shorter than [`MIN_SECRET_LEN`] are ignored).
    ///
    /// ```
    /// use ctct_mylibrary::redact::Redactor;
    /// let r = Redactor::new(["my-api-key-1234", "t"]); // "t" is too short to be a credential
    /// assert_eq!(r.apply("api_key=my-api-key-1234 at t"), "api_key=[REDACTED] at t");
    /// ```
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut all: Vec<String> = Vec::new();
        for s in secrets
            .into_iter()
            .filter(|s| s.chars().count() >= MIN_SECRET_LEN)
        {
            for form in [encode_component(s), s.to_string()] {
                // Longest first, so a secret inside another is not half-replaced. (A few
                // strings: an insertion keeps the wasm free of a general sort.)
                if !all.contains(&form) {
                    let at = all
                        .iter()
                        .position(|x| x.len() < form.len())
                        .unwrap_or(all.len());
                    all.insert(at, form);
                }
            }
        }
        Redactor { secrets: all }
    }

    /// True when there is nothing to redact.
    ///
    /// ```
    /// use ctct_mylibrary::redact::Redactor;
    /// assert!(Redactor::new(["short"]).is_empty());
    /// assert!(!Redactor::new(["a-real-secret-0b6e"]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// The text with every secret replaced by `[REDACTED]`.
    ///
    /// ```
    /// use ctct_mylibrary::redact::Redactor;
    /// let r = Redactor::new(["s3cret+token"]);
    /// // the plain form and the percent-encoded one
    /// assert_eq!(r.apply("s3cret+token, s3cret%2Btoken"), "[REDACTED], [REDACTED]");
    /// ```
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            let mut rest = out.as_str();
            let mut done = String::new();
            while let Some(at) = crate::url::find_str(rest, s) {
                done.push_str(&rest[..at]);
                done.push_str(REDACTED);
                rest = &rest[at + s.len()..];
            }
            if !done.is_empty() {
                done.push_str(rest);
                out = done;
            }
        }
        out
    }

    /// The secrets as searched for (each with its percent-encoded form), for the JavaScript
    /// side that redacts a cause's message and stack.
    ///
    /// ```
    /// use ctct_mylibrary::redact::Redactor;
    /// let r = Redactor::new(["s3cret+token"]);
    /// assert_eq!(r.forms(), ["s3cret%2Btoken", "s3cret+token"]);
    /// ```
    pub fn forms(&self) -> &[String] {
        &self.secrets
    }

    /// The error with every text it carries redacted.
    ///
    /// ```
    /// use ctct_mylibrary::Error;
    /// use ctct_mylibrary::redact::Redactor;
    /// let err = Error::invalid_argument("token 0b6e-secret-token must not hold spaces");
    /// let err = Redactor::new(["0b6e-secret-token"]).error(err);
    /// assert_eq!(err.message(), "token [REDACTED] must not hold spaces");
    /// ```
    pub fn error(&self, e: Error) -> Error {
        if self.is_empty() {
            return e;
        }
        e.map_text(|t| self.apply(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiErrorItem;

    #[test]
    fn redaction_covers_plain_and_encoded_secrets() {
        let r = Redactor::new(["key+/=1234", "token-5678", ""]);
        let text =
            "GET https://x/v2?api_key=key%2B%2F%3D1234 failed; bearer token-5678; key+/=1234";
        let out = r.apply(text);
        assert_eq!(
            out,
            "GET https://x/v2?api_key=[REDACTED] failed; bearer [REDACTED]; [REDACTED]"
        );
        let e = Error::from_response(
            500,
            vec![ApiErrorItem {
                error_key: "k".into(),
                error_message: "bad token-5678".into(),
            }],
            None,
        );
        let e = r.error(e);
        assert_eq!(e.errors()[0].error_message, "bad [REDACTED]");
        assert!(!e.to_string().contains("token-5678"));
    }

    #[test]
    fn short_test_secrets_never_mangle_a_message() {
        let r = Redactor::new(["t", "k"]);
        assert!(r.is_empty());
        assert_eq!(
            r.apply("The upload ended Failed"),
            "The upload ended Failed"
        );
    }
}
