// The Worker's cryptography, all WebCrypto: random ids, SHA-256 names, and the keys derived
// (HKDF-SHA-256) from the SESSION_SECRET: the AES-GCM envelope of the stored access tokens, the
// MAC of the cookies' ids (a forged id is refused before any Durable Object is asked), and the
// keyed names of accounts (cache keys, the Account object, the limiter's turns).

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

/** A cookie's id: 32 random bytes and a 16-byte MAC of them, base64url (64 characters). */
export const COOKIE_ID = /^[A-Za-z0-9_-]{64}$/;
const RANDOM_BYTES = 32;
const MAC_BYTES = 16;

const keyCache = new Map(); // `${purpose}` → { secret, key }: one derivation per isolate, secret and purpose

/** A key derived from SESSION_SECRET (at least 32 characters) for one purpose (HKDF-SHA-256, `info` = the purpose). */
async function derivedKey(secret, purpose, algorithm, usages) {
  const cached = keyCache.get(purpose);
  if (cached?.secret === secret) return cached.key;
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: encoder.encode("ctct-mylibrary edge worker"), info: encoder.encode(purpose) }, material, algorithm, false, usages);
  keyCache.set(purpose, { secret, key });
  return key;
}

/** The AES-GCM key of the token envelopes. */
const tokenKey = (secret) => derivedKey(secret, "session token envelope v1", { name: "AES-GCM", length: 256 }, ["encrypt", "decrypt"]);
/** The HMAC-SHA-256 key of one kind of id ("session", "signin", "account"). */
const macKey = (secret, kind) => derivedKey(secret, `${kind} id mac v1`, { name: "HMAC", hash: "SHA-256" }, ["sign"]);

/**
 * A new id for a cookie of `kind` ("session" or "signin"): 32 random bytes, then the first 16
 * bytes of their HMAC under a key derived from SESSION_SECRET for that kind, base64url.
 */
export async function newCookieId(secret, kind) {
  const random = crypto.getRandomValues(new Uint8Array(RANDOM_BYTES));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await macKey(secret, kind), random)).subarray(0, MAC_BYTES);
  const id = new Uint8Array(RANDOM_BYTES + MAC_BYTES);
  id.set(random);
  id.set(mac, RANDOM_BYTES);
  return base64url(id);
}

/**
 * Whether `id` can be a cookie id of `kind` this Worker made: the form, then the MAC compared in
 * constant time. Needs no storage: a forged or altered id is refused before any Durable Object
 * is asked.
 */
export async function isCookieId(secret, kind, id) {
  if (typeof id !== "string" || !COOKIE_ID.test(id)) return false;
  let bytes;
  try {
    bytes = fromBase64url(id);
  } catch {
    return false;
  }
  if (bytes.length !== RANDOM_BYTES + MAC_BYTES) return false;
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", await macKey(secret, kind), bytes.subarray(0, RANDOM_BYTES)));
  let diff = 0;
  for (let i = 0; i < MAC_BYTES; i++) diff |= expected[i] ^ bytes[RANDOM_BYTES + i];
  return diff === 0;
}

/**
 * An account's name everywhere in the Worker (its cache keys, its Account object, its turn at the
 * limiter): the hex HMAC-SHA-256 of the user name under a key derived from SESSION_SECRET, so
 * that a name cannot be turned back into a user name, nor guessed from one without the secret.
 */
export async function accountId(secret, userName) {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await macKey(secret, "account"), encoder.encode(userName)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
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
