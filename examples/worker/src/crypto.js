// The Worker's cryptography, all WebCrypto: random ids, SHA-256 names, and the AES-GCM envelope
// of the stored access tokens under a key derived (HKDF-SHA-256) from the SESSION_SECRET.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `n` random bytes from crypto.getRandomValues, in unpadded base64url. */
export function randomId(n = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}

export function base64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Lowercase hex SHA-256 of a string. */
export async function sha256(text) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A session id as the cookie carries it: 32 random bytes, base64url (43 characters). */
export const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

let keyCache; // { secret, key }: one derivation per isolate and secret

/** The AES-GCM key of the token envelopes, derived from SESSION_SECRET (at least 32 characters). */
async function tokenKey(secret) {
  if (keyCache?.secret === secret) return keyCache.key;
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode("ctct-mylibrary edge worker"), info: encoder.encode("session token envelope v1") },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
  keyCache = { secret, key };
  return key;
}

/**
 * Encrypts a token for the session whose id hashes to `sessionHash`: a fresh 96-bit IV per
 * write, and the hash as additional data, so an envelope moved to another session's record does
 * not open.
 */
export async function sealToken(secret, sessionHash, token) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(sessionHash) }, await tokenKey(secret), encoder.encode(token));
  return { iv: base64url(iv), ct: base64url(new Uint8Array(sealed)) };
}

/** The token of an envelope, or undefined when it does not open (another secret, another session, altered). */
export async function openToken(secret, sessionHash, { iv, ct }) {
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64url(iv), additionalData: encoder.encode(sessionHash) }, await tokenKey(secret), fromBase64url(ct));
    return decoder.decode(plain);
  } catch {
    return undefined;
  }
}
