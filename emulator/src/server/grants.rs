//! Grants: the access tokens, the authorization codes and the consent form's CSRF tokens, and
//! the unpredictable values they are made of.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};

/// The v2 token lifetime: "Tokens are initially valid for 10 years (315359999 seconds)".
pub(super) const V2_TOKEN_LIFETIME_S: u64 = 315_359_999;
/// How long a consent form's CSRF token may be used.
pub(super) const CSRF_TTL_MS: i64 = 600_000;
/// Used codes are remembered this long after they expire, so that a replay revokes.
const USED_CODE_MEMORY_MS: i64 = 3_600_000;

/// An access token's grant.
#[derive(Clone, Debug)]
pub(super) struct Token {
    /// The api key (OAuth `client_id`) it was issued to.
    pub client_id: String,
    /// The account (index, 0 = account 1).
    pub account: usize,
    /// `None`: never expires (the fixed `--access-token`).
    pub expires_ms: Option<i64>,
    pub revoked: bool,
}

impl Token {
    pub fn is_live(&self, now_ms: i64) -> bool {
        !self.revoked && self.expires_ms.is_none_or(|e| now_ms < e)
    }

    /// Whole seconds left, rounded up (`expires_in` of the token info).
    pub fn seconds_left(&self, now_ms: i64) -> u64 {
        match self.expires_ms {
            None => V2_TOKEN_LIFETIME_S,
            Some(e) => (e.saturating_sub(now_ms).max(0) as u64).div_ceil(1000),
        }
    }
}

/// A token about to be issued: its value, when it expires, and whether it revokes the
/// account's other tokens for the same client.
#[derive(Clone, Debug)]
pub(super) struct NewToken {
    pub token: String,
    pub expires_ms: i64,
    pub revoke_others: bool,
}

/// An authorization code.
#[derive(Clone, Debug)]
struct Code {
    client_id: String,
    redirect_uri: String,
    account: usize,
    expires_ms: i64,
    /// The token it was exchanged for, once used.
    token: Option<String>,
}

/// Why a code was refused (all `invalid_grant`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CodeRefusal {
    Unknown,
    /// Used before; the token it gave has now been revoked.
    Replayed,
    Expired,
    OtherClient,
    RedirectMismatch,
}

impl CodeRefusal {
    pub fn description(self) -> &'static str {
        match self {
            CodeRefusal::Unknown => "Invalid authorization code",
            CodeRefusal::Replayed => {
                "The authorization code was already used; the token it issued has been revoked"
            }
            CodeRefusal::Expired => "The authorization code has expired",
            CodeRefusal::OtherClient => "The authorization code was issued to another client",
            CodeRefusal::RedirectMismatch => {
                "The redirect_uri does not match the one of the authorization request"
            }
        }
    }
}

/// The authorization request a consent form's CSRF token was issued for: `client_id`,
/// `redirect_uri`, `response_type` and `state` (empty when none), as the form carries them.
pub(super) type CsrfBinding = [String; 4];

/// Every grant the server has made.
#[derive(Debug, Default)]
pub(super) struct Grants {
    tokens: HashMap<String, Token>,
    codes: HashMap<String, Code>,
    /// Issued, unused CSRF tokens: when each expires and the authorization request it was
    /// issued for.
    csrf: HashMap<String, (i64, CsrfBinding)>,
    /// The fixed token and its client, restored by a reset.
    fixed: (String, String),
}

impl Grants {
    /// The grants at start-up: the fixed `token` of account 1, bound to `api_key`.
    pub fn new(token: &str, api_key: &str) -> Self {
        let mut g = Grants {
            fixed: (token.to_string(), api_key.to_string()),
            ..Grants::default()
        };
        g.restore_fixed();
        g
    }

    /// Makes the fixed token valid again (after a revocation), as at start-up.
    pub fn restore_fixed(&mut self) {
        let (token, client_id) = self.fixed.clone();
        self.tokens.insert(
            token,
            Token {
                client_id,
                account: 0,
                expires_ms: None,
                revoked: false,
            },
        );
    }

    /// A token, live or not.
    pub fn token(&self, token: &str) -> Option<&Token> {
        self.tokens.get(token)
    }

    /// Records a new token; with `revoke_others`, revokes the account's other tokens for the
    /// same client first.
    pub fn issue_token(
        &mut self,
        token: &str,
        client_id: &str,
        account: usize,
        expires_ms: i64,
        revoke_others: bool,
    ) {
        if revoke_others {
            for t in self.tokens.values_mut() {
                if t.account == account && t.client_id == client_id {
                    t.revoked = true;
                }
            }
        }
        self.tokens.insert(
            token.to_string(),
            Token {
                client_id: client_id.to_string(),
                account,
                expires_ms: Some(expires_ms),
                revoked: false,
            },
        );
    }

    /// Revokes a token; false if unknown.
    pub fn revoke(&mut self, token: &str) -> bool {
        match self.tokens.get_mut(token) {
            Some(t) => {
                t.revoked = true;
                true
            }
            None => false,
        }
    }

    pub fn issue_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        account: usize,
        expires_ms: i64,
        now_ms: i64,
    ) {
        self.codes
            .retain(|_, c| now_ms < c.expires_ms.saturating_add(USED_CODE_MEMORY_MS));
        self.codes.insert(
            code.to_string(),
            Code {
                client_id: client_id.to_string(),
                redirect_uri: redirect_uri.to_string(),
                account,
                expires_ms,
                token: None,
            },
        );
    }

    /// Checks a code for an exchange by `client_id` (already authenticated) with the
    /// `redirect_uri` it sent. The code must be the presenting client's before anything else
    /// is said about it: a code of another client is refused whether used or not, and revokes
    /// nothing. A used code presented again by its own client is refused and the token it gave
    /// revoked.
    fn check_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: Option<&str>,
        now_ms: i64,
    ) -> Result<usize, CodeRefusal> {
        let c = self.codes.get(code).ok_or(CodeRefusal::Unknown)?;
        if c.client_id != client_id {
            return Err(CodeRefusal::OtherClient);
        }
        if let Some(token) = c.token.clone() {
            self.revoke(&token);
            return Err(CodeRefusal::Replayed);
        }
        if now_ms >= c.expires_ms {
            return Err(CodeRefusal::Expired);
        }
        if redirect_uri != Some(c.redirect_uri.as_str()) {
            return Err(CodeRefusal::RedirectMismatch);
        }
        Ok(c.account)
    }

    /// Exchanges a code for `new`, all at once (one lock held by the caller, so two exchanges
    /// of one code cannot both pass the check): checks the code as `check_code` does,
    /// issues the token (see [`Grants::issue_token`]) and marks the code used,
    /// remembering the token so that a replay revokes it. Returns the account.
    pub fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: Option<&str>,
        new: &NewToken,
        now_ms: i64,
    ) -> Result<usize, CodeRefusal> {
        let account = self.check_code(code, client_id, redirect_uri, now_ms)?;
        self.issue_token(
            &new.token,
            client_id,
            account,
            new.expires_ms,
            new.revoke_others,
        );
        if let Some(c) = self.codes.get_mut(code) {
            c.token = Some(new.token.clone());
        }
        Ok(account)
    }

    /// Records a CSRF token issued for the authorization request `binding`.
    pub fn issue_csrf(&mut self, token: &str, binding: CsrfBinding, now_ms: i64) {
        self.csrf.retain(|_, (exp, _)| now_ms < *exp);
        self.csrf.insert(
            token.to_string(),
            (now_ms.saturating_add(CSRF_TTL_MS), binding),
        );
    }

    /// Uses up a CSRF token: true if it was issued for the request `binding`, and is unexpired
    /// and unused. A token presented with another request is refused and left as it was, so
    /// that the page it was issued for still works.
    pub fn take_csrf(&mut self, token: &str, binding: &CsrfBinding, now_ms: i64) -> bool {
        let ok = self
            .csrf
            .get(token)
            .is_some_and(|(exp, b)| now_ms < *exp && b == binding);
        if ok {
            self.csrf.remove(token);
        }
        ok
    }
}

/// A source of unpredictable values: the system's random device, or else SipHash under the
/// random keys the standard library draws for `HashMap`, over a counter and the clock.
pub(super) struct Secrets {
    keyed: RandomState,
    counter: AtomicU64,
}

impl Secrets {
    pub fn new() -> Self {
        Secrets {
            keyed: RandomState::new(),
            counter: AtomicU64::new(0),
        }
    }

    fn fill(&self, buf: &mut [u8]) {
        let from_device = std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(buf))
            .is_ok();
        if from_device {
            return;
        }
        for chunk in buf.chunks_mut(8) {
            let mut h = self.keyed.build_hasher();
            h.write_u64(self.counter.fetch_add(1, Ordering::Relaxed));
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
            let bytes = h.finish().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    /// A random UUID (version 4), 36 characters: the v2 token shape.
    pub fn uuid(&self) -> String {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// `n` random bytes as unpadded base64url (codes, CSRF tokens).
    pub fn token(&self, n: usize) -> String {
        use base64::Engine;
        let mut b = vec![0u8; n];
        self.fill(&mut b);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4_and_differ() {
        let s = Secrets::new();
        let a = s.uuid();
        let b = s.uuid();
        assert_eq!(a.len(), 36);
        assert_ne!(a, b);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    fn new(token: &str) -> NewToken {
        NewToken {
            token: token.into(),
            expires_ms: 10_000,
            revoke_others: false,
        }
    }

    #[test]
    fn a_used_code_is_refused_and_revokes_its_token() {
        let mut g = Grants::new("fixed", "key");
        g.issue_code("c", "key", "http://x/", 1, 1000, 0);
        assert_eq!(
            g.redeem_code("c", "key", Some("http://x/"), &new("t"), 10),
            Ok(1)
        );
        assert!(g.token("t").is_some_and(|t| t.is_live(20)));
        assert_eq!(
            g.redeem_code("c", "key", Some("http://x/"), &new("u"), 20),
            Err(CodeRefusal::Replayed)
        );
        assert!(g.token("t").is_some_and(|t| t.revoked));
        assert!(g.token("u").is_none());
        assert!(g.token("fixed").is_some_and(|t| t.is_live(20)));
    }

    #[test]
    fn another_clients_replay_revokes_nothing() {
        let mut g = Grants::new("fixed", "key");
        g.issue_code("c", "key", "http://x/", 1, 1000, 0);
        assert_eq!(
            g.redeem_code("c", "key", Some("http://x/"), &new("t"), 10),
            Ok(1)
        );
        assert_eq!(
            g.redeem_code("c", "other", Some("http://x/"), &new("u"), 20),
            Err(CodeRefusal::OtherClient)
        );
        assert!(g.token("t").is_some_and(|t| t.is_live(20)));
    }

    #[test]
    fn csrf_tokens_are_single_use_bound_to_their_request_and_expire() {
        let mut g = Grants::default();
        let req = |state: &str| {
            [
                "key".to_string(),
                "http://x/".to_string(),
                "code".to_string(),
                state.to_string(),
            ]
        };
        g.issue_csrf("a", req("s"), 0);
        g.issue_csrf("b", req("s"), 0);
        assert!(!g.take_csrf("a", &req("other"), 1));
        assert!(g.take_csrf("a", &req("s"), 1));
        assert!(!g.take_csrf("a", &req("s"), 2));
        assert!(!g.take_csrf("b", &req("s"), CSRF_TTL_MS));
        assert!(!g.take_csrf("never", &req("s"), 1));
    }
}
