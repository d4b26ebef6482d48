// /v2/...: the signed-in session's requests, checked (allow-list, CSRF, bodies), answered from
// the account's cache or sent upstream through the package with the session's token and the
// app's api key, under the api key's shared limiter.
import { MyLibraryClient, MyLibraryError } from "ctct-mylibrary";
import { currentSession, sameOrigin, hasSessionCookie, clearSessionCookie } from "./auth.js";
import { limiterStub, sessionLimiter } from "./limiter.js";
import { sha256 } from "./crypto.js";

/** [method, path pattern] pairs that may pass; everything else is refused. */
const ALLOWED = [
  ["GET", /^\/v2\/library\/info$/],
  ["GET", /^\/v2\/library\/folders$/],
  ["POST", /^\/v2\/library\/folders$/],
  ["GET", /^\/v2\/library\/folders\/trash\/files$/],
  ["DELETE", /^\/v2\/library\/folders\/trash\/files$/],
  ["GET", /^\/v2\/library\/folders\/[^/]+$/],
  ["PUT", /^\/v2\/library\/folders\/[^/]+$/],
  ["DELETE", /^\/v2\/library\/folders\/[^/]+$/],
  ["GET", /^\/v2\/library\/folders\/[^/]+\/files$/],
  ["PUT", /^\/v2\/library\/folders\/[^/]+\/files$/],
  ["GET", /^\/v2\/library\/files$/],
  ["POST", /^\/v2\/library\/files$/],
  ["GET", /^\/v2\/library\/files\/uploadstatus\/[^/]+$/],
  ["GET", /^\/v2\/library\/files\/[^/]+$/],
  ["PUT", /^\/v2\/library\/files\/[^/]+$/],
  ["DELETE", /^\/v2\/library\/files\/[^/]+$/],
];
/** Reads that may be served from the account's cache (never upload status, never info). */
const CACHEABLE = [/^\/v2\/library\/folders(\/[^/]+)?$/, /^\/v2\/library\/folders\/[^/]+\/files$/, /^\/v2\/library\/files(\/[^/]+)?$/];
const UNSAFE = new Set(["POST", "PUT", "DELETE"]);
const JSON_BODY_LIMIT = 64 * 1024;
const MULTIPART_OVERHEAD = 16 * 1024;
const PRIVATE = "private, no-store";

export function v2error(status, key, message, headers = {}) {
  return new Response(JSON.stringify([{ error_key: key, error_message: message }]), {
    status,
    headers: { "content-type": "application/json", "cache-control": PRIVATE, ...headers },
  });
}

const number = (v, d) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);

/** Removes every credential from text that could reach a client. */
function scrub(text, secrets) {
  let out = text;
  for (const secret of secrets) {
    if (secret) for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join("[REDACTED]");
  }
  return out;
}

/**
 * Sends `request` (its method, path below /v2, query and body) upstream with `token` and the
 * app's api key, under `limiter`, through the package's `forward`: its retries (GET, PUT and
 * DELETE after network errors, 5xx and over.qps; never POST) and its time budget. Resolves with
 * the API's answer, whatever its status; rejects (a MyLibraryError) only when there is none.
 */
export async function sendUpstream(request, token, limiter, env) {
  const options = { baseUrl: env.API_BASE, apiKey: env.API_KEY, accessToken: token, limiter };
  if (env.API) options.fetch = (r) => env.API.fetch(r); // a service binding to the API, when the deployment has one
  const client = new MyLibraryClient(options);
  try {
    // an upload may take a while on a slow link; anything else has 30 s, retries included
    const upload = request.method === "POST" && new URL(request.url).pathname === "/v2/library/files";
    return await client.forward(request, { timeoutMs: upload ? 120_000 : 30_000 });
  } finally {
    client.free();
  }
}

function withHeaders(response, extra) {
  const r = new Response(response.body, response);
  for (const [k, v] of Object.entries(extra)) r.headers.set(k, v);
  return r;
}

const accountStub = (env, account) => env.ACCOUNT.get(env.ACCOUNT.idFromName(account));

/**
 * The request's body, or undefined when it is larger than `limit` bytes (declared or sent): then
 * reading stops, and drain() in index.js reads and drops the rest before the answer goes.
 */
async function readLimited(request, limit) {
  if (Number(request.headers.get("content-length") ?? "NaN") > limit) return undefined;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.releaseLock();
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Reads and checks the body of a POST or PUT: { body, type } or a refusal. */
async function readBody(request, path, env) {
  if (request.method === "POST" && path === "/v2/library/files") {
    const type = request.headers.get("content-type") ?? "";
    if (!type.toLowerCase().startsWith("multipart/form-data")) return { refused: v2error(415, "http.status.unsupported_media_type", "Uploads must be multipart/form-data") };
    const max = number(env.MAX_UPLOAD_BYTES, 5_242_880);
    const body = await readLimited(request, max + MULTIPART_OVERHEAD);
    if (body === undefined) return { refused: v2error(413, "mylibrary.file.too_large", `The upload is larger than the limit of ${max} bytes`) };
    return { body, type };
  }
  const bytes = await readLimited(request, JSON_BODY_LIMIT);
  if (bytes === undefined) return { refused: v2error(413, "http.status.request_entity_too_large", "The request body is too large") };
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    const parsed = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) throw new TypeError("not an object or array");
  } catch {
    return { refused: v2error(400, "http.status.bad_request", "The request body is not valid JSON") };
  }
  return { body: text, type: "application/json" };
}

/** GET|POST|PUT|DELETE /v2/... */
export async function proxy(request, env, ctx) {
  const url = new URL(request.url);
  const method = request.method;
  const path = url.pathname;

  // The CSRF rule: an unsafe method comes from the app's own origin, or not at all.
  if (UNSAFE.has(method) && !sameOrigin(request, env)) return v2error(403, "proxy.origin.forbidden", `${method} needs the app's own Origin`);
  const session = await currentSession(request, env);
  if (!session) {
    return v2error(401, "proxy.session.required", "Sign in first (/auth/login)", hasSessionCookie(request) ? { "set-cookie": clearSessionCookie() } : {});
  }
  const known = ALLOWED.filter(([, re]) => re.test(path));
  if (known.length === 0) return v2error(404, "http.status.not_found", "This operation is not available through the proxy");
  if (!known.some(([m]) => m === method)) return v2error(405, "http.status.method_not_allowed", `${method} is not allowed on this resource`);

  let body, type;
  if (method === "POST" || method === "PUT") {
    const read = await readBody(request, path, env);
    if (read.refused) return read.refused;
    ({ body, type } = read);
  }

  // The client's own credentials, if any, are dropped (the package drops them again).
  const query = new URLSearchParams(url.search);
  query.delete("api_key");
  query.delete("access_token");
  const publicQuery = query.toString();

  // The account's cache: its generation is part of every key, and its writes bump it.
  const account = accountStub(env, session.account);
  let cacheKey;
  if (method === "GET" && CACHEABLE.some((re) => re.test(path))) {
    const generation = await account.generation();
    cacheKey = new Request(`https://mylibrary-edge.cache/${session.account}/${generation}${path}?${publicQuery}`);
    const hit = await caches.default.match(cacheKey);
    if (hit) return withHeaders(hit, { "cache-control": PRIVATE, "x-proxy-cache": "hit" });
  }

  const note = {};
  const limiter = sessionLimiter(limiterStub(env, await sha256(env.API_KEY)), session.hash, ctx, note);
  const headers = type ? { "content-type": type } : {};
  const outgoing = new Request(`${url.origin}${path}${publicQuery ? `?${publicQuery}` : ""}`, { method, headers, body });
  let r;
  try {
    r = await sendUpstream(outgoing, session.token, limiter, env);
  } catch (e) {
    if (UNSAFE.has(method) && !note.overQuota) await account.bump(); // it may have arrived
    if (note.overQuota) return v2error(403, "mashery.not.authorized.over.ratelimit", "The app's daily quota of API requests is used up; try again tomorrow");
    const code = e instanceof MyLibraryError ? e.code : "ERROR";
    console.error(JSON.stringify({ event: "upstream.failed", method, path, code }));
    if (code === "TIMEOUT") return v2error(504, "proxy.upstream.timeout", "The MyLibrary API took too long to answer");
    if (code === "RATE_LIMITED") return v2error(503, "proxy.limiter.unavailable", "No request slot could be had; try again");
    return v2error(502, "proxy.upstream.unreachable", "The MyLibrary API could not be reached");
  }
  if (UNSAFE.has(method)) await account.bump();

  const secrets = [session.token, env.API_KEY, env.CLIENT_SECRET, env.SESSION_SECRET];
  const text = scrub(await r.text(), secrets);
  const out = new Headers({ "content-type": r.headers.get("content-type") ?? "application/json", "cache-control": PRIVATE });
  const id = r.headers.get("id");
  if (id) out.set("id", scrub(id, secrets));
  const location = r.headers.get("location");
  if (location) out.set("location", `${url.origin}${new URL(location, env.API_BASE).pathname}`);
  if (r.status === 401) {
    // The token is revoked or expired: the session cannot be used any more.
    await session.stub.end();
    out.append("set-cookie", clearSessionCookie());
  }
  const response = new Response(r.status === 204 ? null : text, { status: r.status, headers: out });
  if (cacheKey && r.status === 200) {
    const stored = new Response(text, { status: 200, headers: { "content-type": out.get("content-type"), "cache-control": `max-age=${number(env.CACHE_SECONDS, 5)}` } });
    ctx.waitUntil(caches.default.put(cacheKey, stored));
  }
  return response;
}
