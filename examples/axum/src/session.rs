//! Sessions kept in memory: an opaque random id (the cookie) names the signed-in person's
//! client, which holds their access token. Nothing of the token ever goes to the browser.

use axum::http::HeaderMap;
use ctct_mylibrary::Client;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A session unused this long ends.
pub const IDLE: Duration = Duration::from_secs(2 * 60 * 60);
/// A session ends this long after the sign-in, however used (and so does its cookie).
pub const LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// Sessions kept at most; past it, the least recently used one ends.
const MAX_SESSIONS: usize = 10_000;
/// File ids remembered per session (from its listings); past it, they are forgotten.
const MAX_KNOWN_FILES: usize = 5_000;

/// One signed-in person.
pub struct Session {
    /// Their MyLibrary client (their token inside; cheap to clone).
    pub client: Client,
    /// Their user name, as the OAuth2 server's token information gives it.
    pub user: String,
    created: Instant,
    last_seen: Mutex<Instant>,
    /// Id → thumbnail URL of the files this session's listings returned: the files of the
    /// person's own library, whose thumbnails `/thumbs/{id}` may serve without asking again.
    known: Mutex<HashMap<String, Option<String>>>,
}

impl Session {
    pub fn new(client: Client, user: String) -> Session {
        let now = Instant::now();
        Session {
            client,
            user,
            created: now,
            last_seen: Mutex::new(now),
            known: Mutex::new(HashMap::new()),
        }
    }

    fn live(&self, now: Instant) -> bool {
        now.duration_since(self.created) < LIFETIME
            && now.duration_since(*lock(&self.last_seen)) < IDLE
    }

    /// Remembers files that the API listed for this person.
    pub fn remember<'a>(&self, files: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) {
        let mut known = lock(&self.known);
        for (id, thumb) in files {
            if known.len() >= MAX_KNOWN_FILES {
                known.clear();
            }
            known.insert(id.to_string(), thumb.map(str::to_string));
        }
    }

    /// The thumbnail URL of a file of this person's library that a listing returned:
    /// `Some(Some(url))`, `Some(None)` (a file without a thumbnail), or `None` (not seen yet:
    /// ask the API).
    pub fn known(&self, id: &str) -> Option<Option<String>> {
        lock(&self.known).get(id).cloned()
    }
}

/// Every session, by id.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Arc<Session>>>,
}

impl Sessions {
    /// Starts a session; its new random id, for the cookie.
    pub fn insert(&self, session: Session) -> Result<String, getrandom::Error> {
        let id = random_id()?;
        let now = Instant::now();
        let mut map = lock(&self.map);
        map.retain(|_, s| s.live(now));
        if map.len() >= MAX_SESSIONS {
            let oldest = map
                .iter()
                .min_by_key(|(_, s)| *lock(&s.last_seen))
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                map.remove(&k);
            }
        }
        map.insert(id.clone(), Arc::new(session));
        Ok(id)
    }

    /// The live session of `id` (and it was used now), or none.
    pub fn get(&self, id: &str) -> Option<Arc<Session>> {
        let now = Instant::now();
        let mut map = lock(&self.map);
        let session = map.get(id)?.clone();
        if !session.live(now) {
            map.remove(id);
            return None;
        }
        *lock(&session.last_seen) = now;
        Some(session)
    }

    /// Ends the session of `id`, if any.
    pub fn remove(&self, id: &str) {
        lock(&self.map).remove(id);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// 32 bytes from the system's secure random source, in base64url (43 characters).
pub fn random_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(base64url(&bytes))
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 2);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The values of the cookie `name` in the request, in the order the browser sent them.
pub fn cookies<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(move |pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when the origin is https.
/// `max_age` zero deletes the cookie.
pub fn set_cookie(name: &str, value: &str, path: &str, max_age: Duration, secure: bool) -> String {
    format!(
        "{name}={value}; Path={path}; Max-Age={}; HttpOnly; SameSite=Lax{}",
        max_age.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_43_characters_of_base64url_and_differ() {
        let a = random_id().unwrap();
        let b = random_id().unwrap();
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a, b);
        assert_eq!(base64url(b"\xff\xee\xdd\xcc"), "_-7dzA");
    }

    #[test]
    fn cookies_are_read_from_every_header() {
        let mut h = HeaderMap::new();
        h.append("cookie", "a=1; sid=first".parse().unwrap());
        h.append("cookie", "sid=second;b=2".parse().unwrap());
        assert_eq!(cookies(&h, "sid").collect::<Vec<_>>(), ["first", "second"]);
        assert_eq!(cookies(&h, "b").collect::<Vec<_>>(), ["2"]);
        assert_eq!(cookies(&h, "c").count(), 0);
    }

    #[test]
    fn cookie_attributes() {
        assert_eq!(
            set_cookie("s", "v", "/", Duration::from_secs(60), true),
            "s=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
        );
        assert_eq!(
            set_cookie("s", "", "/auth/callback", Duration::ZERO, false),
            "s=; Path=/auth/callback; Max-Age=0; HttpOnly; SameSite=Lax"
        );
    }
}
