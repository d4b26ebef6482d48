// A backend-for-frontend for the MyLibrary API on Cloudflare Workers (module syntax).
//
// One origin serves the web app (static assets), its sign-in (/auth/*) and the API (/v2/*):
// the browser holds no credential, only an HttpOnly session cookie; the Worker holds the api key,
// the client secret, and each session's token (encrypted, in a Durable Object).
//
//   GET  /auth/login[?next=/path]  → the consent page (OAuth2 code flow), state bound to a pre-session cookie
//   GET  /auth/callback            → state checked, code exchanged, session created, back into the app
//   POST /auth/logout              → same-origin only: the session and its token are deleted at once
//   GET  /auth/session             → { userName } or 401; never a token
//   *    /v2/library/...           → a live session, the CSRF rule, the allow-list, the body checks,
//                                    the account's cache, then upstream through ctct-mylibrary's
//                                    `forward` under the api key's shared limiter
//   GET  anything else             → the app (assets), with the demo's Content-Security-Policy
//
// See README.md beside this file for the deployment, the attack cases and the session notes.
import { login, callback, logout, session } from "./auth.js";
import { proxy, v2error } from "./proxy.js";

export { Session, SignIn, Account } from "./objects.js";
export { Limiter } from "./limiter.js";

/** The demo's Content-Security-Policy (the emulator's `--www`), `frame-ancestors 'none'` included. */
const APP_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob: http: https:; connect-src 'self' http: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const PRIVATE = "private, no-store";
const REQUIRED = ["API_BASE", "OAUTH_BASE", "APP_ORIGIN", "API_KEY", "CLIENT_SECRET", "SESSION_SECRET", "SESSION", "SIGNIN", "ACCOUNT", "LIMITER"];

/** The names of the settings missing or unusable (never their values). */
function misconfigured(env) {
  const missing = REQUIRED.filter((k) => !env[k]);
  if (env.SESSION_SECRET && String(env.SESSION_SECRET).length < 32) missing.push("SESSION_SECRET (at least 32 characters)");
  return missing;
}

/** An app page or file: the assets' answer, with the CSP on HTML; the page says it is served by the edge. */
async function app(request, env) {
  if (request.method !== "GET" && request.method !== "HEAD") return new Response("Method not allowed", { status: 405, headers: { allow: "GET, HEAD" } });
  const r = await env.ASSETS.fetch(request);
  const type = r.headers.get("content-type") ?? "";
  const out = new Response(r.body, r);
  out.headers.set("x-content-type-options", "nosniff");
  if (!type.startsWith("text/html")) return out;
  out.headers.set("content-security-policy", APP_CSP);
  out.headers.set("x-frame-options", "DENY");
  out.headers.set("cache-control", "no-cache");
  // The demo reads this attribute to run in its edge mode (sign-in here, baseUrl here, no token).
  return new HTMLRewriter().on("html", { element: (e) => e.setAttribute("data-edge", "") }).transform(out);
}

async function route(request, env, ctx) {
  const { pathname } = new URL(request.url);
  const isAuth = pathname.startsWith("/auth/");
  if (isAuth || pathname.startsWith("/v2/") || pathname === "/v2") {
    const missing = misconfigured(env);
    if (missing.length > 0) {
      console.error(JSON.stringify({ event: "misconfigured", missing }));
      return v2error(500, "proxy.misconfigured", "The Worker is not configured (see its log)");
    }
  }
  if (isAuth) {
    const routes = { "GET /auth/login": login, "GET /auth/callback": callback, "POST /auth/logout": logout, "GET /auth/session": session };
    const handler = routes[`${request.method} ${pathname}`];
    if (handler) return handler(request, env);
    const known = Object.keys(routes).some((k) => k.endsWith(` ${pathname}`));
    return new Response(JSON.stringify({ error: known ? "method_not_allowed" : "not_found" }), { status: known ? 405 : 404, headers: { "content-type": "application/json", "cache-control": PRIVATE } });
  }
  if (pathname.startsWith("/v2/") || pathname === "/v2") return proxy(request, env, ctx);
  return app(request, env);
}

/** The Content-Security-Policy of every /v2 and /auth answer that has none of its own. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** `response` with `X-Content-Type-Options: nosniff` and, unless it has one, API_CSP. */
function guarded(response) {
  let out = response;
  try {
    out.headers.set("x-content-type-options", "nosniff");
  } catch {
    out = new Response(response.body, response); // immutable headers (an answer as fetched)
    out.headers.set("x-content-type-options", "nosniff");
  }
  if (!out.headers.has("content-security-policy")) out.headers.set("content-security-policy", API_CSP);
  return out;
}

/** The most of an unread request body the Worker reads (and drops) before answering. */
const DRAIN_LIMIT = 32 * 1024 * 1024;

/**
 * Reads and drops the body of a request answered without it (a refusal), so the client can read
 * the answer: an HTTP/1.1 client still sending sees its connection reset otherwise. Past
 * DRAIN_LIMIT, it just answers.
 */
async function drain(request) {
  if (!request.body || request.body.locked) return;
  if (Number(request.headers.get("content-length") ?? 0) > DRAIN_LIMIT) return;
  let read = 0;
  try {
    for await (const chunk of request.body) {
      read += chunk.byteLength;
      if (read > DRAIN_LIMIT) break;
    }
  } catch {
    /* the client went away */
  }
}

export default {
  async fetch(request, env, ctx) {
    const started = Date.now();
    let response;
    try {
      response = await route(request, env, ctx);
    } catch (e) {
      console.error(JSON.stringify({ event: "error", name: e?.name ?? "Error", code: e?.code }));
      response = v2error(500, "proxy.internal", "The Worker failed on this request");
    }
    await drain(request);
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/v2/") || pathname === "/v2" || pathname.startsWith("/auth/")) {
      // No answer of the API or the sign-in is to be sniffed, rendered as a page or framed (a
      // refusal page keeps its own, stricter, policy).
      response = guarded(response);
      // One line per API or sign-in request: method, path (never the query: a callback's holds its code), status, time.
      console.log(JSON.stringify({ method: request.method, path: pathname, status: response.status, ms: Date.now() - started }));
    }
    return response;
  },
};
