// Sign-in at the Worker (OAuth2's code flow with ctct-mylibrary/oauth), the session cookie, and
// the session lookup every /v2 request goes through.
import { authorizationUrl, parseCallback, exchangeCode, tokenInfo, MyLibraryError } from "ctct-mylibrary/oauth";
import { sha256, sealToken, openToken, newCookieId, isCookieId, accountId } from "./crypto.js";

/** The session cookie: an opaque random id. Named apart from the emulator's cookies (cookies ignore ports). */
export const SESSION_COOKIE = "__Host-mylibrary-edge-session";
/** The pre-session cookie of a sign-in under way. */
export const SIGNIN_COOKIE = "__Host-mylibrary-edge-signin";
const SIGNIN_MS = 10 * 60 * 1000;

const PRIVATE = { "cache-control": "private, no-store" };

/** `Set-Cookie` for a `__Host-` cookie: HttpOnly, Secure, SameSite=Lax, Path=/, no Domain. */
export function cookie(name, value, maxAgeSeconds) {
  return `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}
const clearCookie = (name) => cookie(name, "", 0);

/** The value of cookie `name` in the request (the first, when a name is repeated). */
export function readCookie(request, name) {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function json(status, value, headers = {}) {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...PRIVATE, ...headers } });
}

/** Does the request's Origin name the app's origin exactly? (The CSRF rule of every unsafe method.) */
export function sameOrigin(request, env) {
  return request.headers.get("origin") === new URL(env.APP_ORIGIN).origin;
}

/**
 * Where a sign-in may send the person afterwards: an absolute URL on the app's origin, made of
 * `next` when that is an on-site path (a single leading `/`, no backslash, no control
 * character, still on the app's origin once resolved, and not `//…` once normalised), else the
 * app's root. No open redirect.
 */
export function safeNext(next, appOrigin) {
  const origin = new URL(appOrigin).origin;
  if (typeof next !== "string" || next.length === 0 || next.length > 2000) return `${origin}/`;
  if (next[0] !== "/" || next[1] === "/" || next.includes("\\") || /[\u0000-\u001f\u007f\s]/.test(next)) return `${origin}/`;
  let u;
  try {
    u = new URL(next, origin);
  } catch {
    return `${origin}/`;
  }
  if (u.origin !== origin || u.pathname.startsWith("//")) return `${origin}/`;
  return `${origin}${u.pathname}${u.search}${u.hash}`;
}

const redirectUri = (env) => `${new URL(env.APP_ORIGIN).origin}/auth/callback`;

/** GET /auth/login[?next=/path]: a fresh state bound to a pre-session cookie, then the consent page. */
export async function login(request, env) {
  const url = new URL(request.url);
  const next = safeNext(url.searchParams.get("next"), env.APP_ORIGIN);
  const { url: authorize, state } = authorizationUrl({ clientId: env.API_KEY, redirectUri: redirectUri(env), flow: "code", oauthBaseUrl: env.OAUTH_BASE });
  const pre = await newCookieId(env.SESSION_SECRET, "signin");
  const stub = env.SIGNIN.get(env.SIGNIN.idFromName(await sha256(pre)));
  await stub.begin({ state, next, expires: Date.now() + SIGNIN_MS });
  const headers = new Headers({ location: authorize, "referrer-policy": "no-referrer", ...PRIVATE });
  headers.append("set-cookie", cookie(SIGNIN_COOKIE, pre, SIGNIN_MS / 1000));
  return new Response(null, { status: 302, headers });
}

/** A plain page for a sign-in that did not complete (no secret, no code, no state in it). */
function refusal(status, message, extra = new Headers()) {
  const html = `<!doctype html><meta charset="utf-8"><title>Sign-in failed</title><h1>Sign-in failed</h1><p>${message}</p><p><a href="/auth/login">Sign in again</a> · <a href="/">Back to the app</a></p>`;
  extra.set("content-type", "text/html; charset=utf-8");
  extra.set("content-security-policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  extra.set("referrer-policy", "no-referrer");
  extra.set("cache-control", PRIVATE["cache-control"]);
  return new Response(html, { status, headers: extra });
}

/**
 * GET /auth/callback: the pending sign-in of the pre-session cookie (taken once), the state
 * checked against it, the code exchanged with the client secret, whose token it is, a new
 * session, and a redirect into the app.
 */
export async function callback(request, env) {
  const headers = new Headers({ "referrer-policy": "no-referrer" });
  headers.append("set-cookie", clearCookie(SIGNIN_COOKIE));
  const pre = readCookie(request, SIGNIN_COOKIE);
  // a forged pre-session id fails its MAC: no SignIn object is asked
  const pending = (await isCookieId(env.SESSION_SECRET, "signin", pre)) ? await env.SIGNIN.get(env.SIGNIN.idFromName(await sha256(pre))).take() : null;
  if (!pending) return refusal(400, "This browser started no sign-in, or it was used already or is older than 10 minutes.", headers);
  let answer;
  try {
    answer = parseCallback(request.url, { state: pending.state, flow: "code" });
  } catch (e) {
    if (e instanceof MyLibraryError && e.code === "ACCESS_DENIED") return refusal(403, "Access was denied on the consent page.", headers);
    if (e instanceof MyLibraryError && e.code === "STATE_MISMATCH") return refusal(400, "The answer's state is missing or not the one of this browser's sign-in: it may be forged.", headers);
    return refusal(400, "The answer of the consent page could not be read.", headers);
  }
  let token, who;
  try {
    ({ accessToken: token } = await exchangeCode({ clientId: env.API_KEY, clientSecret: env.CLIENT_SECRET, code: answer.code, redirectUri: redirectUri(env), oauthBaseUrl: env.OAUTH_BASE, timeoutMs: 10_000 }));
    who = await tokenInfo(token, { oauthBaseUrl: env.OAUTH_BASE, timeoutMs: 10_000 });
  } catch (e) {
    if (e instanceof MyLibraryError && e.code === "OAUTH" && e.status >= 400 && e.status < 500) return refusal(400, "The sign-in server refused the code (it was used already, or it expired).", headers);
    console.error(JSON.stringify({ event: "signin.failed", code: e?.code ?? "ERROR", status: e?.status ?? 0 }));
    return refusal(502, "The sign-in server could not be reached. Please try again.", headers);
  }
  if (who.clientId !== env.API_KEY) return refusal(400, "The token was issued to another app.", headers);

  // A new session id at every sign-in (no fixation); an older session of this browser ends.
  const old = readCookie(request, SESSION_COOKIE);
  if (await isCookieId(env.SESSION_SECRET, "session", old)) await sessionStub(env, await sha256(old)).end();
  const id = await newCookieId(env.SESSION_SECRET, "session");
  const hash = await sha256(id);
  await sessionStub(env, hash).create({ userName: who.userName, envelope: await sealToken(env.SESSION_SECRET, hash, token) });
  headers.set("location", pending.next);
  headers.set("cache-control", PRIVATE["cache-control"]);
  headers.append("set-cookie", cookie(SESSION_COOKIE, id, maxAgeSeconds(env)));
  return new Response(null, { status: 302, headers });
}

function maxAgeSeconds(env) {
  const n = Number(env.SESSION_MAX_SECONDS);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 43200;
}

export const sessionStub = (env, hash) => env.SESSION.get(env.SESSION.idFromName(hash));

/**
 * The request's live session: { hash, userName, account, token }, or undefined (no cookie, a
 * malformed, forged, tampered, expired or ended one). `hash` names the Session object; `account`
 * (a keyed hash of the user name) names the account's cache, its Account object and its turn at
 * the limiter. The raw id goes no further than this function. An id whose MAC does not check out
 * is refused here, without asking any Durable Object.
 */
export async function currentSession(request, env) {
  const id = readCookie(request, SESSION_COOKIE);
  if (!(await isCookieId(env.SESSION_SECRET, "session", id))) return undefined;
  const hash = await sha256(id);
  const stub = sessionStub(env, hash);
  const live = await stub.touch();
  if (!live) return undefined;
  const token = await openToken(env.SESSION_SECRET, hash, live.envelope);
  if (token === undefined) {
    await stub.end(); // sealed under another secret: the session cannot be used
    return undefined;
  }
  return { hash, userName: live.userName, account: await accountId(env.SESSION_SECRET, live.userName), token, stub };
}

/** Whether the request carried a session cookie at all (to clear a dead one). */
export const hasSessionCookie = (request) => readCookie(request, SESSION_COOKIE) !== undefined;
export const clearSessionCookie = () => clearCookie(SESSION_COOKIE);

/** POST /auth/logout (same-origin only): the session and its stored token are deleted at once. */
export async function logout(request, env) {
  if (!sameOrigin(request, env)) return json(403, { error: "forbidden", error_description: "A logout must come from the app's own origin" });
  const id = readCookie(request, SESSION_COOKIE);
  if (await isCookieId(env.SESSION_SECRET, "session", id)) await sessionStub(env, await sha256(id)).end();
  return new Response(null, { status: 204, headers: { ...PRIVATE, "set-cookie": clearCookie(SESSION_COOKIE) } });
}

/** GET /auth/session: who is signed in ({ userName }), never a token; 401 when no one. */
export async function session(request, env) {
  const s = await currentSession(request, env);
  if (!s) return json(401, { error: "no_session", error_description: "No one is signed in" }, hasSessionCookie(request) ? { "set-cookie": clearSessionCookie() } : {});
  return json(200, { userName: s.userName });
}
