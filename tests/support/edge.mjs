// Signing in at the edge Worker (examples/worker) without a browser: a small cookie jar, and the
// whole code flow — /auth/login, the emulator's consent page (./consent.mjs), /auth/callback —
// as a browser would run it. For tests and benchmarks.
import { consent } from "./consent.mjs";

/** The cookies one browser holds for the Worker's origin (names → values), from Set-Cookie. */
export class Jar {
  constructor() {
    this.cookies = new Map();
  }
  /** Takes the Set-Cookie headers of a response (Max-Age=0 deletes). */
  take(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
  get(name) {
    return this.cookies.get(name);
  }
  set(name, value) {
    this.cookies.set(name, value);
  }
  /** The Cookie request header ("" when empty). */
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  clone() {
    const j = new Jar();
    j.cookies = new Map(this.cookies);
    return j;
  }
}

export const SESSION_COOKIE = "__Host-mylibrary-edge-session";
export const SIGNIN_COOKIE = "__Host-mylibrary-edge-signin";

/** GET `url` with the jar's cookies, no redirect followed; the jar takes the answer's cookies. */
export async function get(url, jar, headers = {}) {
  const cookie = jar.header();
  return jar.take(await fetch(url, { redirect: "manual", headers: { ...(cookie ? { cookie } : {}), ...headers } }));
}

/**
 * Starts a sign-in at the Worker `base`: GET /auth/login[?next=…]. Resolves with the login
 * response and the consent page's answer (the callback URL) for `username` (Allow, or Deny).
 */
export async function startSignIn(base, { jar = new Jar(), username = "demo_user", next, allow = true } = {}) {
  const login = await get(`${base}/auth/login${next === undefined ? "" : `?next=${encodeURIComponent(next)}`}`, jar);
  if (login.status !== 302) throw new Error(`/auth/login: HTTP ${login.status}`);
  const callbackUrl = await consent(login.headers.get("location"), { username, allow });
  return { jar, login, callbackUrl };
}

/**
 * Signs `username` in at the Worker `base`. Resolves with { jar, callback } (the callback's
 * response: a 302 into the app, with the session cookie in the jar); throws if no session came.
 */
export async function signIn(base, options = {}) {
  const { jar, callbackUrl } = await startSignIn(base, options);
  const callback = await get(callbackUrl, jar);
  if (callback.status !== 302 || !jar.get(SESSION_COOKIE)) throw new Error(`/auth/callback: HTTP ${callback.status}: ${await callback.text()}`);
  return { jar, callback, callbackUrl };
}
