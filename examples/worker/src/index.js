// An edge proxy for the MyLibrary API on Cloudflare Workers (module syntax).
//
// The browser never holds the account's credentials: it points ctct-mylibrary's `baseUrl` at
// this Worker, which forwards an allow-list of v2 operations to API_BASE with the api key and
// access token added, caches reads for a few seconds, retries upstream, and answers CORS for
// ALLOWED_ORIGIN. GET /api/overview returns info, the whole folder tree and the first page of
// files in one round trip, fetched in parallel through the package.
import { MyLibraryClient, MyLibraryError } from "ctct-mylibrary";

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
/** Reads that may be served from the cache (never upload status, never info). */
const CACHEABLE = [/^\/v2\/library\/folders(\/[^/]+)?$/, /^\/v2\/library\/folders\/[^/]+\/files$/, /^\/v2\/library\/files(\/[^/]+)?$/];
const CACHE_SECONDS = 5;
const JSON_BODY_LIMIT = 64 * 1024;
const MULTIPART_OVERHEAD = 16 * 1024;
const DRAIN_LIMIT = 32 * 1024 * 1024;
const RETRIES = 3;

// Per isolate: bumped by every write, so cached reads from before a write are never served.
let generation = 0;
let maxUploadBytes = 5_242_880;
let client;

function v2error(status, key, message, headers = {}) {
  return new Response(JSON.stringify([{ error_key: key, error_message: message }]), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function cors(request, env) {
  const origin = request.headers.get("origin");
  if (!origin || !env.ALLOWED_ORIGIN || (env.ALLOWED_ORIGIN !== "*" && origin !== env.ALLOWED_ORIGIN)) return {};
  return {
    "access-control-allow-origin": env.ALLOWED_ORIGIN === "*" ? "*" : origin,
    "access-control-expose-headers": "Location, Id",
    vary: "Origin",
  };
}

function getClient(env) {
  client ??= new MyLibraryClient({
    apiKey: env.API_KEY,
    accessToken: env.ACCESS_TOKEN,
    baseUrl: env.API_BASE,
    // a service binding to the API, when the deployment has one
    fetch: env.API ? (request) => env.API.fetch(request) : undefined,
  });
  return client;
}

/** Removes the credentials from any text that could reach a client. */
function scrub(text, env) {
  let out = text;
  for (const secret of [env.API_KEY, env.ACCESS_TOKEN]) {
    if (secret) for (const form of [secret, encodeURIComponent(secret)]) out = out.split(form).join("[REDACTED]");
  }
  return out;
}

async function overview(request, env, headers) {
  const c = getClient(env);
  try {
    const folders = [];
    const [info, , files] = await Promise.all([
      c.getInfo(),
      (async () => { for await (const f of c.folders({ limit: 1000 })) folders.push(f); })(),
      c.listFiles({ limit: 50 }),
    ]);
    maxUploadBytes = info.max_upload_size_limit;
    return new Response(JSON.stringify({ info, folders, files }), { headers: { "content-type": "application/json", ...headers } });
  } catch (e) {
    const status = e instanceof MyLibraryError && e.status ? e.status : 502;
    const key = e instanceof MyLibraryError ? e.errors[0]?.error_key ?? `client.${e.code.toLowerCase()}` : "client.error";
    return v2error(status, key, scrub(e instanceof Error ? e.message : String(e), env), headers);
  }
}

/** Fetches upstream, retrying GET, PUT and DELETE after network errors, 5xx and over.qps. */
async function upstream(url, init, retryable) {
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await fetch(url, init);
      const transient = r.status >= 500 || (r.status === 403 && (await r.clone().text()).includes("over.qps"));
      if (!transient || !retryable || attempt >= RETRIES) return r;
    } catch (e) {
      if (!retryable || attempt >= RETRIES) throw e;
    }
    await new Promise((ok) => setTimeout(ok, Math.min(4000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2)));
  }
}

async function proxy(request, url, env, ctx, headers) {
  const method = request.method;
  const path = url.pathname;
  const known = ALLOWED.filter(([, re]) => re.test(path));
  if (known.length === 0) return v2error(404, "http.status.not_found", "This operation is not available through the proxy", headers);
  if (!known.some(([m]) => m === method)) return v2error(405, "http.status.method_not_allowed", `${method} is not allowed on this resource`, headers);

  // The client's own credentials, if any, are dropped; the Worker's are added.
  const query = new URLSearchParams(url.search);
  query.delete("api_key");
  query.delete("access_token");
  const publicQuery = query.toString();
  query.set("api_key", env.API_KEY);
  const target = `${env.API_BASE.replace(/\/v2\/?$/, "")}${path}?${query}`;
  const forward = new Headers({ accept: "application/json", authorization: `Bearer ${env.ACCESS_TOKEN}` });

  let body;
  if (method === "POST" && path === "/v2/library/files") {
    const type = request.headers.get("content-type") ?? "";
    if (!type.toLowerCase().startsWith("multipart/form-data")) return v2error(415, "http.status.unsupported_media_type", "Uploads must be multipart/form-data", headers);
    const limit = maxUploadBytes + MULTIPART_OVERHEAD;
    const tooLarge = () => v2error(413, "mylibrary.file.too_large", `The upload is larger than the account's limit of ${maxUploadBytes} bytes`, headers);
    const declared = Number(request.headers.get("content-length") ?? "NaN");
    if (declared > limit) {
      // Read and drop a moderately oversized body so the client can read the answer (an
      // HTTP/1.1 client still sending sees a reset otherwise); past DRAIN_LIMIT, just answer.
      if (declared <= DRAIN_LIMIT && request.body) for await (const _ of request.body) { /* discard */ }
      return tooLarge();
    }
    body = await request.arrayBuffer();
    if (body.byteLength > limit) return tooLarge();
    forward.set("content-type", type);
  } else if (method === "POST" || method === "PUT") {
    const text = await request.text();
    if (text.length > JSON_BODY_LIMIT) return v2error(413, "http.status.request_entity_too_large", "The request body is too large", headers);
    try {
      const parsed = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null) throw new TypeError("not an object or array");
    } catch {
      return v2error(400, "http.status.bad_request", "The request body is not valid JSON", headers);
    }
    body = text;
    forward.set("content-type", "application/json");
  }

  const cacheable = method === "GET" && CACHEABLE.some((re) => re.test(path));
  const cacheKey = cacheable ? new Request(`https://mylibrary-proxy.cache/${generation}${path}?${publicQuery}`) : null;
  if (cacheKey) {
    const hit = await caches.default.match(cacheKey);
    if (hit) return withHeaders(hit, { ...headers, "x-proxy-cache": "hit" });
  }

  let r;
  try {
    r = await upstream(target, { method, headers: forward, body }, method !== "POST");
  } catch (e) {
    return v2error(502, "proxy.upstream.unreachable", "The MyLibrary API could not be reached", headers);
  }
  if (method !== "GET" && r.status < 400) generation++;

  const text = scrub(await r.text(), env);
  const out = new Headers({ "content-type": r.headers.get("content-type") ?? "application/json" });
  const id = r.headers.get("id");
  if (id) out.set("id", id);
  const location = r.headers.get("location");
  if (location) out.set("location", `${url.origin}${new URL(location, target).pathname}`);
  const response = new Response(r.status === 204 ? null : text, { status: r.status, headers: out });
  if (cacheKey && r.status === 200) {
    const stored = withHeaders(response.clone(), { "cache-control": `max-age=${CACHE_SECONDS}` });
    ctx.waitUntil(caches.default.put(cacheKey, stored));
  }
  return withHeaders(response, headers);
}

function withHeaders(response, extra) {
  const r = new Response(response.body, response);
  for (const [k, v] of Object.entries(extra)) r.headers.set(k, v);
  return r;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const headers = cors(request, env);
    if (request.method === "OPTIONS") {
      if (!headers["access-control-allow-origin"]) return new Response(null, { status: 403 });
      return new Response(null, {
        status: 204,
        headers: { ...headers, "access-control-allow-methods": "GET, POST, PUT, DELETE", "access-control-allow-headers": "Content-Type, Accept", "access-control-max-age": "600" },
      });
    }
    if (url.pathname === "/api/overview") {
      if (request.method !== "GET") return v2error(405, "http.status.method_not_allowed", "Use GET", headers);
      return overview(request, env, headers);
    }
    if (url.pathname.startsWith("/v2/")) return proxy(request, url, env, ctx, headers);
    return v2error(404, "http.status.not_found", "Not found", headers);
  },
};
