// /v2/...: the signed-in session's requests, checked (allow-list, CSRF, bodies), answered from
// the account's cache or sent upstream through the package with the session's token and the
// app's api key, under the api key's shared limiter.
import { MyLibraryClient, MyLibraryError } from "ctct-mylibrary";
import { currentSession, sameOrigin, hasSessionCookie, clearSessionCookie } from "./auth.js";
import { limiterStub, sessionLimiter } from "./limiter.js";
import { sha256 } from "./crypto.js";

// The ids of the API's paths, and nothing else: a file id is a number ("9"); a folder id a
// number, negative for most ("-1", "-14"; "0" is the top level); upload status, delete and the
// package's long lists take file ids joined by commas, at most 100 (the package's IDS_PER_REQUEST).
// So no id holds a percent sign, a dot, a slash, a backslash or a semicolon: `..%2F`, `%2e%2e`,
// `%5C` or `..;` never reach the API, whatever a server behind it would make of them.
const FILE_ID = "[0-9]{1,20}";
const FILE_IDS = `${FILE_ID}(?:,${FILE_ID}){0,99}`;
const FOLDER_ID = "-?[0-9]{1,20}";
const route = (p) => new RegExp(`^/v2/library/${p}$`);

/** [method, path pattern] pairs that may pass; everything else is refused. */
const ALLOWED = [
  ["GET", route("info")],
  ["GET", route("folders")],
  ["POST", route("folders")],
  ["GET", route("folders/trash/files")],
  ["DELETE", route("folders/trash/files")],
  ["GET", route(`folders/${FOLDER_ID}`)],
  ["PUT", route(`folders/${FOLDER_ID}`)],
  ["DELETE", route(`folders/${FOLDER_ID}`)],
  ["GET", route(`folders/${FOLDER_ID}/files`)],
  ["PUT", route(`folders/${FOLDER_ID}/files`)],
  ["GET", route("files")],
  ["POST", route("files")],
  ["GET", route(`files/uploadstatus/${FILE_IDS}`)],
  ["GET", route(`files/${FILE_ID}`)],
  ["PUT", route(`files/${FILE_ID}`)],
  ["DELETE", route(`files/${FILE_IDS}`)],
];
/** Reads that may be served from the account's cache (never upload status, never info). */
const CACHEABLE = [route("folders"), route(`folders/${FOLDER_ID}`), route(`folders/(?:${FOLDER_ID}|trash)/files`), route("files"), route(`files/${FILE_ID}`)];
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

/**
 * The time budget of one call upstream, retries and waits for the limiter included: the
 * package's forward gives up after it, and the Limiter leases each of the call's grants for it
 * (a grant whose release never comes frees one window after the budget).
 */
export function budgetMs(request, env) {
  const upload = request.method === "POST" && new URL(request.url).pathname === "/v2/library/files";
  return Math.round(1000 * (upload ? number(env.UPLOAD_BUDGET_SECONDS, 120) : number(env.UPSTREAM_BUDGET_SECONDS, 30)));
}

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
 * DELETE after network errors, 5xx and over.qps; never POST) and its time budget `timeoutMs`;
 * `signal` (the incoming request's) cancels it, a wait for the limiter included. Resolves with
 * the API's answer, whatever its status; rejects (a MyLibraryError) only when there is none.
 */
export async function sendUpstream(request, token, limiter, env, { timeoutMs, signal } = {}) {
  const options = { baseUrl: env.API_BASE, apiKey: env.API_KEY, accessToken: token, limiter };
  if (env.API) options.fetch = (r) => env.API.fetch(r); // a service binding to the API, when the deployment has one
  const client = new MyLibraryClient(options);
  try {
    return await client.forward(request, { timeoutMs: timeoutMs ?? budgetMs(request, env), signal });
  } finally {
    client.free();
  }
}

/** Whether an API error body (`[{ error_key, error_message }]`) says the token is invalid. */
function invalidToken(text) {
  try {
    const errors = JSON.parse(text);
    return Array.isArray(errors) && errors.some((e) => e?.error_key === "http.status.authentication.invalid_token");
  } catch {
    return false;
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
    // A body that is not the multipart it claims, or has no file part `data`, goes no further.
    let form;
    try {
      form = await new Request("https://upload.invalid/", { method: "POST", headers: { "content-type": type }, body }).formData();
    } catch {
      return { refused: v2error(400, "http.status.bad_request", "The upload is not a valid multipart/form-data body") };
    }
    const data = form.get("data");
    if (data === null || typeof data === "string") return { refused: v2error(400, "http.status.bad_request", "The upload has no file part named data") };
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

  // The limiter's turns go round the accounts (not the sessions: one person with many tabs or
  // devices gets one turn), and each grant is leased for this call's budget.
  const note = {};
  const budget = budgetMs(request, env);
  const limiter = sessionLimiter(limiterStub(env, await sha256(env.API_KEY)), session.account, ctx, note, budget);
  const headers = type ? { "content-type": type } : {};
  const outgoing = new Request(`${url.origin}${path}${publicQuery ? `?${publicQuery}` : ""}`, { method, headers, body });
  /** A write that may have reached the API ends the account's cached pages; a failure to do so is logged, not answered. */
  const bump = async () => {
    try {
      await account.bump();
    } catch (e) {
      console.error(JSON.stringify({ event: "cache.bump.failed", method, path, name: e?.name ?? "Error" }));
    }
  };
  let r;
  try {
    r = await sendUpstream(outgoing, session.token, limiter, env, { timeoutMs: budget, signal: request.signal });
  } catch (e) {
    // An attempt that was granted may have reached the API (a retry refused for the quota, a timeout, a lost answer).
    if (UNSAFE.has(method) && note.granted) await bump();
    if (note.overQuota) return v2error(403, "mashery.not.authorized.over.ratelimit", "The app's daily quota of API requests is used up; try again tomorrow");
    const code = e instanceof MyLibraryError ? e.code : "ERROR";
    if (code === "ABORTED" && request.signal?.aborted) return v2error(499, "proxy.client.closed", "The client went away");
    console.error(JSON.stringify({ event: "upstream.failed", method, path, code }));
    if (code === "TIMEOUT") return v2error(504, "proxy.upstream.timeout", "The MyLibrary API took too long to answer");
    if (code === "RATE_LIMITED") return v2error(503, "proxy.limiter.unavailable", "No request slot could be had; try again");
    return v2error(502, "proxy.upstream.unreachable", "The MyLibrary API could not be reached");
  }
  if (UNSAFE.has(method)) await bump();

  const secrets = [session.token, env.API_KEY, env.CLIENT_SECRET, env.SESSION_SECRET];
  const text = scrub(await r.text(), secrets);
  const out = new Headers({ "content-type": r.headers.get("content-type") ?? "application/json", "cache-control": PRIVATE });
  const id = r.headers.get("id");
  if (id) out.set("id", scrub(id, secrets));
  const location = r.headers.get("location");
  if (location) out.set("location", `${url.origin}${new URL(location, env.API_BASE).pathname}`);
  if (r.status === 401 && invalidToken(text)) {
    // The session's token is revoked or expired: the session cannot be used any more. (Another
    // 401, such as one about the app's api key, says nothing about this session: it lives on.)
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
