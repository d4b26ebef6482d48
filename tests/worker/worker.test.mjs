// The edge Worker (examples/worker) on real workerd (Miniflare 4) in front of the emulator: the
// app, sign-in, sessions, the CSRF rule, per-account caches and the api key's shared limiter.
// Every refusal is asserted twice: in the Worker's answer, and at the emulator (its request log,
// and the Worker's outbound requests as Node routes them): nothing reached /v2. Every answer of
// the Worker, every outbound request, the emulator's log and the Worker's log lines are scanned
// for the tokens and the secrets. The package is pkg/ packed and installed as an app installs it
// (EDGE_TEST_PACKAGE_DIR: an installed package to use instead).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, createHmac, hkdfSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator } from "../support/emulator.mjs";
import { Jar, get, signIn, startSignIn, SESSION_COOKIE, SIGNIN_COOKIE } from "../support/edge.mjs";

const root = resolve(import.meta.dirname, "../..");
const { startWorker, freePort, wranglerConfig } = await import(join(root, "examples/worker/dev.mjs"));
const API_KEY = "edge-test-key-4821";
const FIXED_TOKEN = "edge-test-fixed-token-77";
const CLIENT_SECRET = "edge-test-client-secret-5f0c9a";
const SESSION_SECRET = "edge-test-session-secret-0123456789abcdef";
const EVIL = "https://evil.example";

let emulator, main, short, limits, quota, leases, packageDir, MyLibraryClient, MyLibraryError;
let mainStore; // the main Worker's Durable Object storage (a directory: one SQLite file per object that was asked)
const seen = []; // every answer of a Worker: { what, status, headers (text), body }
const outbound = []; // every request a Worker sent out, with its answer
const logLines = []; // every line the Workers logged
const issued = new Set(); // every access token the OAuth server issued to a Worker

const emulatorLog = []; // every entry of the emulator's log, kept before each clearing
const control = (path, init) => fetch(`${emulator.base}/_emulator/${path}`, init).then((r) => (r.status === 204 ? undefined : r.json()));
const keepLog = async () => emulatorLog.push(...(await control("log")));
const reset = async (body = {}) => { await keepLog(); return control("reset", { method: "POST", body: JSON.stringify({ files: 0, ...body }) }); };
const clearLog = async () => { await keepLog(); return control("log", { method: "DELETE" }); };
const v2Log = async () => (await control("log")).filter((e) => e.path.startsWith("/v2"));

/** A request to a Worker, recorded for the scan; `jar` adds its cookies and takes the answer's. */
async function call(worker, path, { jar, method = "GET", origin, headers = {}, body } = {}) {
  const h = { ...headers };
  const cookie = jar?.header();
  if (cookie) h.cookie = cookie;
  if (origin) h.origin = origin;
  const r = await fetch(worker.url + path, { method, headers: h, body, redirect: "manual" });
  jar?.take(r);
  const text = await r.text();
  seen.push({ what: `${method} ${path}`, status: r.status, headers: [...r.headers].flat().join(" "), body: text });
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json };
}

/**
 * Runs `fn` and asserts that no request reached /v2 upstream: none in the emulator's log, none
 * sent out by a Worker. `noCodeExchange`: nor any to the OAuth server's token endpoint.
 */
let refusals = 0; // answers of the Worker checked this way
async function refusedUpstream(what, fn, { noCodeExchange = false } = {}) {
  await clearLog();
  const before = outbound.length;
  const answers = seen.length;
  const out = await fn();
  refusals += seen.length - answers;
  const log = await control("log");
  assert.deepEqual(log.filter((e) => e.path.startsWith("/v2")).map((e) => `${e.method} ${e.path} ${e.status}`), [], `${what}: the emulator saw no /v2 request`);
  assert.deepEqual(outbound.slice(before).filter((o) => new URL(o.url).pathname.startsWith("/v2")).map((o) => o.url), [], `${what}: the Worker sent nothing to /v2`);
  if (noCodeExchange) {
    assert.deepEqual(log.filter((e) => e.path.startsWith("/oauth2/oauth/token")).map((e) => `${e.method} ${e.path} ${e.status}`), [], `${what}: the emulator saw no code exchange`);
    assert.deepEqual(outbound.slice(before).filter((o) => new URL(o.url).pathname.startsWith("/oauth2/oauth/token")).map((o) => o.url), [], `${what}: the Worker asked for no token`);
  }
  return out;
}

/**
 * A request to a Worker over a plain socket, its target sent byte for byte (fetch would resolve
 * `..` and `%2e%2e` first); recorded for the scan. Resolves with { status, headers, text, json }
 * once the answer is complete (by its Content-Length, or its last chunk).
 */
function raw(worker, method, target, headers = {}, body = "") {
  const { hostname, port } = new URL(worker.url);
  const lines = [`${method} ${target} HTTP/1.1`, `host: ${hostname}:${port}`, "connection: close", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", body];
  return new Promise((ok, fail) => {
    let all = "";
    const socket = connect(Number(port), hostname, () => socket.write(lines.join("\r\n")));
    /** The answer, when all of it has come: { status, headers, body } (latin1). */
    const parse = () => {
      const split = all.indexOf("\r\n\r\n");
      if (split < 0) return undefined;
      const [statusLine, ...headerLines] = all.slice(0, split).split("\r\n");
      const h = new Headers(headerLines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
      const rest = all.slice(split + 4);
      const status = Number(statusLine.split(" ")[1]);
      if (/chunked/i.test(h.get("transfer-encoding") ?? "")) {
        let out = "";
        for (let at = 0; ; ) {
          const eol = rest.indexOf("\r\n", at);
          if (eol < 0) return undefined;
          const size = parseInt(rest.slice(at, eol), 16);
          if (size === 0) return { status, headers: h, body: out };
          if (rest.length < eol + 2 + size + 2) return undefined;
          out += rest.slice(eol + 2, eol + 2 + size);
          at = eol + 2 + size + 2;
        }
      }
      const length = Number(h.get("content-length") ?? 0);
      return rest.length >= length ? { status, headers: h, body: rest.slice(0, length) } : undefined;
    };
    let finished = false;
    const finish = (answer) => {
      if (finished) return;
      finished = true;
      socket.destroy();
      const text = Buffer.from(answer.body, "latin1").toString("utf8");
      seen.push({ what: `${method} ${target} (raw)`, status: answer.status, headers: [...answer.headers].flat().join(" "), body: text });
      let json;
      try { json = JSON.parse(text); } catch { json = undefined; }
      ok({ status: answer.status, headers: answer.headers, text, json });
    };
    socket.on("data", (d) => {
      all += d.toString("latin1");
      const answer = parse();
      if (answer) finish(answer);
    });
    socket.on("error", fail);
    socket.on("end", () => {
      const answer = parse();
      if (answer) finish(answer);
      else if (!finished) fail(new Error(`${method} ${target}: the connection closed before a whole answer`));
    });
  });
}

/** A cookie id as the Worker makes it (32 random bytes and their MAC under a key derived from `secret`), for the tests that need a valid one. */
function cookieId(kind, secret = SESSION_SECRET, random = Buffer.from(crypto.getRandomValues(new Uint8Array(32)))) {
  const key = Buffer.from(hkdfSync("sha256", secret, "ctct-mylibrary edge worker", `${kind} id mac v1`, 64));
  return Buffer.concat([random, createHmac("sha256", key).update(random).digest().subarray(0, 16)]).toString("base64url");
}

/** Whether the main Worker has asked the Session object of the cookie id `id` (its storage exists). */
async function sessionObjectAsked(id) {
  const ns = await main.mf.getDurableObjectNamespace("SESSION", "edge");
  const objectId = ns.idFromName(createHash("sha256").update(id).digest("hex")).toString();
  return existsSync(join(mainStore, "edge-Session", `${objectId}.sqlite`));
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
/** A Limiter's acquire, called from Node (the test's hand on the object): its plain answer. */
const acquire = async (limiter, ...args) => JSON.parse(JSON.stringify(await limiter.acquire(...args)));

/** Signs in at `worker` and records the answers. */
async function session(worker, username = "demo_user") {
  const { jar, callback } = await signIn(worker.url, { username });
  seen.push({ what: "callback", status: callback.status, headers: [...callback.headers].flat().join(" "), body: "" });
  return jar;
}

/** The package as the app uses it from the Worker's origin: no credentials, the session cookie, the browser's Origin. */
function appClient(worker, jar) {
  return new MyLibraryClient({
    baseUrl: `${worker.url}/v2`,
    requestsPerSecond: 0,
    fetch: async (request) => {
      const headers = new Headers(request.headers);
      headers.set("cookie", jar.header());
      if (request.method !== "GET") headers.set("origin", worker.appOrigin);
      const body = request.method === "GET" || request.method === "DELETE" ? undefined : await request.arrayBuffer();
      const r = await fetch(request.url, { method: request.method, headers, body, signal: request.signal });
      jar.take(r);
      seen.push({ what: `client ${request.method} ${request.url}`, status: r.status, headers: [...r.headers].flat().join(" "), body: await r.clone().text() });
      return r;
    },
  });
}

before(async () => {
  // The package as an app installs it: one tarball, installed like any dependency, bundled by dev.mjs.
  packageDir = process.env.EDGE_TEST_PACKAGE_DIR;
  if (!packageDir) {
    const pack = mkdtempSync(join(tmpdir(), "ctct-pack-"));
    execFileSync("npm", ["pack", "--silent", "--pack-destination", pack], { cwd: join(root, "pkg") });
    const tarball = join(pack, readdirSync(pack).find((f) => f.endsWith(".tgz")));
    const project = mkdtempSync(join(tmpdir(), "ctct-worker-"));
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "w", private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", tarball], { cwd: project, stdio: ["ignore", "ignore", "inherit"] });
    packageDir = join(project, "node_modules/ctct-mylibrary");
  }
  ({ MyLibraryClient, MyLibraryError } = await import(join(packageDir, "index.node.js")));

  // The Workers' origins first: the OAuth server registers their callbacks.
  const ports = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  emulator = await startEmulator([
    "--api-key", API_KEY, "--access-token", FIXED_TOKEN, "--client-secret", CLIENT_SECRET,
    "--qps", "0", "--upload-delay-ms", "0", "--files", "0", "--accounts", "2",
    ...ports.flatMap((p) => ["--redirect-uri", `http://127.0.0.1:${p}/auth/callback`]),
  ]);
  const common = {
    apiBase: `${emulator.base}/v2`, apiKey: API_KEY, clientSecret: CLIENT_SECRET, sessionSecret: SESSION_SECRET, packageDir,
    onLog: (line) => logLines.push(line),
    tap: (o) => {
      outbound.push(o);
      if (o.url.endsWith("/oauth2/oauth/token") && o.status === 200) issued.add(JSON.parse(o.body).access_token);
    },
  };
  mainStore = mkdtempSync(join(tmpdir(), "edge-store-"));
  // A client of the leases Worker in the same Miniflare, through a service binding: it can abort
  // its request to the Worker as a browser that goes away does (workerd signals request.signal).
  const client = {
    name: "client",
    modules: true,
    compatibilityDate: wranglerConfig().compatibility_date,
    serviceBindings: { EDGE: "edge" },
    script: `export default {
      async fetch(request, env) {
        const u = new URL(request.url);
        const controller = new AbortController();
        setTimeout(() => controller.abort(), Number(u.searchParams.get("abortAfterMs")));
        try {
          const r = await env.EDGE.fetch(new Request("http://edge.internal" + u.searchParams.get("path"), { headers: { cookie: request.headers.get("cookie") }, signal: controller.signal }));
          return new Response("answered " + r.status);
        } catch (e) {
          return new Response("aborted " + e.name);
        }
      },
    };`,
  };
  [main, short, limits, quota, leases] = await Promise.all([
    startWorker({ ...common, port: ports[0], vars: { REQUESTS_PER_SECOND: 100 }, persist: mainStore }),
    startWorker({ ...common, port: ports[1], vars: { SESSION_IDLE_SECONDS: 1.5, SESSION_MAX_SECONDS: 3.5, REQUESTS_PER_SECOND: 100 } }),
    startWorker({ ...common, port: ports[2], vars: { REQUESTS_PER_SECOND: 4, DAILY_QUOTA: 0 } }),
    startWorker({ ...common, port: ports[3], vars: { REQUESTS_PER_SECOND: 100, DAILY_QUOTA: 2 } }),
    startWorker({ ...common, port: ports[4], vars: { REQUESTS_PER_SECOND: 2, UPSTREAM_BUDGET_SECONDS: 2 }, extraWorkers: [client] }),
  ]);
});

after(async () => {
  await Promise.all([main?.dispose(), short?.dispose(), limits?.dispose(), quota?.dispose(), leases?.dispose()]);
  emulator?.stop();
});

// ---------------------------------------------------------------- the app and the cookies

test("one origin: the app with the demo's CSP and frame-ancestors 'none', marked for its edge mode", async () => {
  for (const path of ["/", "/?folder=-1"]) {
    const r = await call(main, path);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type"), /^text\/html/);
    const csp = r.headers.get("content-security-policy");
    assert.ok(csp.includes("frame-ancestors 'none'") && csp.includes("script-src 'self' 'wasm-unsafe-eval'") && csp.includes("default-src 'self'"), csp);
    assert.equal(r.headers.get("x-frame-options"), "DENY");
    assert.match(r.text, /<html lang="en" data-edge="">/);
  }
  const js = await call(main, "/app.js");
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type"), /javascript/);
  const wasm = await fetch(`${main.url}/pkg/ctct_mylibrary_bg.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  await wasm.arrayBuffer();
  assert.equal((await call(main, "/", { method: "POST" })).status, 405);
  assert.equal((await call(main, "/nope.js")).status, 404);
  const unknown = await call(main, "/auth/nope");
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get("cache-control"), "private, no-store");
  assert.equal((await call(main, "/auth/session", { method: "POST", origin: main.appOrigin })).status, 405);
});

test("sign-in: the pre-session and session cookies are __Host-, HttpOnly, Secure, SameSite=Lax; the ids are 32 random bytes and their MAC", async () => {
  await reset();
  const jar = new Jar();
  const login = await get(`${main.url}/auth/login`, jar);
  assert.equal(login.status, 302);
  assert.equal(login.headers.get("cache-control"), "private, no-store");
  const authorize = new URL(login.headers.get("location"));
  assert.equal(authorize.origin + authorize.pathname, `${emulator.base}/oauth2/oauth/siteowner/authorize`);
  assert.equal(authorize.searchParams.get("response_type"), "code");
  assert.equal(authorize.searchParams.get("client_id"), API_KEY);
  assert.equal(authorize.searchParams.get("redirect_uri"), `${main.appOrigin}/auth/callback`);
  assert.ok(authorize.searchParams.get("state").length >= 43);
  const [pre] = login.headers.getSetCookie();
  assert.match(pre, new RegExp(`^${SIGNIN_COOKIE}=[A-Za-z0-9_-]{64}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=600$`));
  const { jar: signedIn, callback } = await signIn(main.url, { username: "demo_user_2" });
  assert.equal(callback.headers.get("location"), `${main.appOrigin}/`);
  const cookies = callback.headers.getSetCookie();
  assert.ok(cookies.includes(`${SIGNIN_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`), "the pre-session cookie is cleared");
  const sessionCookie = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  assert.match(sessionCookie, new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{64}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=43200$`));
  const id = sessionCookie.slice(SESSION_COOKIE.length + 1, SESSION_COOKIE.length + 65);
  const random = Buffer.from(id, "base64url").subarray(0, 32);
  assert.equal(cookieId("session", SESSION_SECRET, random), id, "the id is its 32 random bytes and their MAC under the key derived from SESSION_SECRET");
  assert.notEqual(cookieId("signin", SESSION_SECRET, random), id, "a pre-session id is not a session id (another key)");
  assert.ok(!/domain=/i.test(sessionCookie));
  assert.notEqual(SESSION_COOKIE, "mylibrary_emulator_csrf", "named apart from the emulator's cookie");
  const who = await call(main, "/auth/session", { jar: signedIn });
  assert.equal(who.status, 200);
  assert.deepEqual(who.json, { userName: "demo_user_2" }, "the user's name and nothing else");
  assert.equal(who.headers.get("cache-control"), "private, no-store");
});

// ---------------------------------------------------------------- refusals: no session

test("no cookie: every /v2 request is refused with 401, and nothing reaches /v2", async () => {
  await reset();
  await refusedUpstream("no cookie", async () => {
    for (const [method, path] of [["GET", "/v2/library/info"], ["GET", "/v2/library/files"], ["GET", "/v2/library/folders/-1"], ["DELETE", "/v2/library/files/1"], ["PUT", "/v2/library/files/9"], ["POST", "/v2/library/folders"], ["GET", "/v2/contacts"]]) {
      const r = await call(main, path, { method, origin: main.appOrigin, headers: { "content-type": "application/json" }, body: method === "GET" || method === "DELETE" ? undefined : "{}" });
      assert.equal(r.status, 401, `${method} ${path}`);
      assert.equal(r.json[0].error_key, "proxy.session.required");
      assert.equal(r.headers.get("cache-control"), "private, no-store");
    }
    const s = await call(main, "/auth/session");
    assert.equal(s.status, 401);
    assert.equal(s.json.error, "no_session");
  });
});

test("a forged, malformed or tampered session cookie is refused (and cleared) without asking a Session object, and nothing reaches /v2", async () => {
  await reset();
  const jar = await session(main);
  const id = jar.get(SESSION_COOKIE);
  assert.equal(await sessionObjectAsked(id), true, "a real session's object has storage (the check below can see a lookup)");
  const flip = (s, i) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
  const forged = [
    "x".repeat(43), "x".repeat(64), Buffer.alloc(48, 7).toString("base64url"), "", "abc", `${id}A`, id.slice(0, 63), `${id.slice(0, 63)}=`, "../../etc",
    flip(id, 0), flip(id, 21), flip(id, 42), flip(id, 50), flip(id, 63), // the random part, then the MAC
    cookieId("session", "another-secret-of-at-least-32-characters"), // a MAC under another secret
    cookieId("signin"), // a pre-session id is no session id
  ];
  await refusedUpstream("forged and tampered sessions", async () => {
    for (const value of forged) {
      const bad = new Jar();
      bad.set(SESSION_COOKIE, value);
      const r = await call(main, "/v2/library/info", { jar: bad });
      assert.equal(r.status, 401, `session ${JSON.stringify(value)}`);
      assert.equal(r.json[0].error_key, "proxy.session.required");
      if (value) assert.ok(r.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=;`) && c.includes("Max-Age=0")), "the dead cookie is cleared");
      const s = await call(main, "/auth/session", { jar: bad });
      assert.equal(s.status, 401);
      if (value) assert.equal(await sessionObjectAsked(value), false, `no Session object was asked for ${JSON.stringify(value)}`);
    }
  });
  // A well-made id (its MAC under SESSION_SECRET) of no session is looked up, and refused there.
  const unknown = cookieId("session");
  const nobody = new Jar();
  nobody.set(SESSION_COOKIE, unknown);
  assert.equal((await call(main, "/v2/library/info", { jar: nobody })).status, 401);
  assert.equal(await sessionObjectAsked(unknown), true, "an id with a valid MAC reaches its Session object");
  // the real one still works
  assert.equal((await call(main, "/v2/library/info", { jar })).status, 200);
});

test("an expired session: idle expiry and absolute expiry (short expiries), nothing reaches /v2", async () => {
  await reset();
  // idle: 1.5 s without a request
  const idle = await session(short);
  assert.equal((await call(short, "/v2/library/info", { jar: idle.clone() })).status, 200);
  await new Promise((ok) => setTimeout(ok, 1900));
  await refusedUpstream("idle expiry", async () => {
    const r = await call(short, "/v2/library/info", { jar: idle.clone() });
    assert.equal(r.status, 401);
    assert.equal(r.json[0].error_key, "proxy.session.required");
    assert.equal((await call(short, "/auth/session", { jar: idle.clone() })).status, 401);
  });
  // absolute: 3.5 s, however active the session is
  const busy = await session(short);
  const started = Date.now();
  while (Date.now() - started < 3000) {
    assert.equal((await call(short, "/auth/session", { jar: busy.clone() })).status, 200, "alive while active, before the absolute expiry");
    await new Promise((ok) => setTimeout(ok, 300));
  }
  while (Date.now() - started < 3800) {
    await call(short, "/auth/session", { jar: busy.clone() });
    await new Promise((ok) => setTimeout(ok, 300));
  }
  await refusedUpstream("absolute expiry", async () => {
    const r = await call(short, "/v2/library/files", { jar: busy.clone() });
    assert.equal(r.status, 401);
  });
});

test("a logged-out session is refused at once; logout deletes the session and clears the cookie", async () => {
  await reset();
  const jar = await session(main);
  const kept = jar.clone(); // the cookie as an attacker who copied it holds it
  assert.equal((await call(main, "/v2/library/info", { jar })).status, 200);
  const out = await call(main, "/auth/logout", { jar, method: "POST", origin: main.appOrigin });
  assert.equal(out.status, 204);
  assert.equal(out.headers.get("cache-control"), "private, no-store");
  assert.ok(out.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=;`) && c.includes("Max-Age=0")));
  assert.equal(jar.get(SESSION_COOKIE), undefined);
  await refusedUpstream("logged out", async () => {
    const r = await call(main, "/v2/library/info", { jar: kept });
    assert.equal(r.status, 401);
    assert.equal((await call(main, "/auth/session", { jar: kept })).status, 401);
    const d = await call(main, "/v2/library/files/9", { jar: kept, method: "DELETE", origin: main.appOrigin });
    assert.equal(d.status, 401);
  });
});

// ---------------------------------------------------------------- refusals: the CSRF rule

test("a foreign or missing Origin on POST, PUT and DELETE gets 403, and nothing reaches /v2", async () => {
  await reset();
  const jar = await session(main);
  const unsafe = [
    ["POST", "/v2/library/folders", JSON.stringify({ name: "csrf" })],
    ["PUT", "/v2/library/folders/-1", JSON.stringify({ name: "csrf" })],
    ["PUT", "/v2/library/files/9", JSON.stringify({ description: "csrf" })],
    ["PUT", "/v2/library/folders/-4/files", JSON.stringify([{ id: "9" }])],
    ["DELETE", "/v2/library/files/9"],
    ["DELETE", "/v2/library/folders/-1"],
    ["DELETE", "/v2/library/folders/trash/files"],
  ];
  const origins = [undefined, EVIL, "null", emulator.base, main.appOrigin.replace("127.0.0.1", "localhost"), `${main.appOrigin}.evil.example`, main.appOrigin.replace("http:", "https:")];
  await refusedUpstream("CSRF", async () => {
    for (const [method, path, body] of unsafe) {
      for (const origin of origins) {
        const r = await call(main, path, { jar, method, origin, headers: { "content-type": "application/json" }, body });
        assert.equal(r.status, 403, `${method} ${path} from ${origin ?? "no Origin"}`);
        assert.equal(r.json[0].error_key, "proxy.origin.forbidden");
      }
    }
    // an upload too, from a foreign Origin and with none
    for (const origin of [EVIL, undefined, "null"]) {
      const form = new FormData();
      form.append("file_name", "x.png");
      form.append("data", new Blob([new Uint8Array(10)]), "x.png");
      const r = await call(main, "/v2/library/files", { jar, method: "POST", origin, body: form });
      assert.equal(r.status, 403, `an upload from ${origin ?? "no Origin"}`);
      assert.equal(r.json[0].error_key, "proxy.origin.forbidden");
    }
  });
  // the library is as it was: the same calls with the app's Origin do pass
  const ok = await call(main, "/v2/library/files/9", { jar, method: "PUT", origin: main.appOrigin, headers: { "content-type": "application/json" }, body: JSON.stringify({ description: "same origin" }) });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.description, "same origin");
});

test("logout with a foreign or missing Origin gets 403 and the session lives on", async () => {
  await reset();
  const jar = await session(main);
  await refusedUpstream("logout CSRF", async () => {
    for (const origin of [undefined, EVIL, "null", emulator.base]) {
      const r = await call(main, "/auth/logout", { jar, method: "POST", origin });
      assert.equal(r.status, 403, `logout from ${origin ?? "no Origin"}`);
      assert.deepEqual(r.headers.getSetCookie(), [], "the cookie is kept");
    }
    assert.equal((await call(main, "/auth/logout", { jar, method: "GET" })).status, 405);
  });
  assert.equal((await call(main, "/auth/session", { jar })).status, 200, "still signed in");
});

// ---------------------------------------------------------------- refusals: the callback

test("a callback with a missing, wrong or replayed state, another browser's state, or a Deny: refused, no session", async () => {
  await reset();
  const noSession = (r, what) => {
    assert.ok(!r.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.includes("Max-Age=0")), `${what}: no session cookie`);
    assert.equal(r.headers.get("location"), null, `${what}: no redirect into the app`);
  };
  const withState = (url, state) => {
    const u = new URL(url);
    if (state === undefined) u.searchParams.delete("state");
    else u.searchParams.set("state", state);
    return u.href;
  };
  await refusedUpstream("callbacks", async () => {
    // missing state
    let { jar, callbackUrl } = await startSignIn(main.url);
    let r = await call(main, new URL(withState(callbackUrl)).pathname + new URL(withState(callbackUrl)).search, { jar });
    assert.equal(r.status, 400);
    assert.match(r.text, /state is missing or not the one/);
    noSession(r, "missing state");
    // the pending sign-in was used up: the genuine answer is refused too
    r = await call(main, new URL(callbackUrl).pathname + new URL(callbackUrl).search, { jar });
    assert.equal(r.status, 400);
    noSession(r, "after a refused one");

    // wrong state
    ({ jar, callbackUrl } = await startSignIn(main.url));
    const wrong = new URL(withState(callbackUrl, "A".repeat(43)));
    r = await call(main, wrong.pathname + wrong.search, { jar });
    assert.equal(r.status, 400);
    noSession(r, "wrong state");

    // no pre-session cookie (a callback planted in another browser)
    ({ callbackUrl } = await startSignIn(main.url));
    r = await call(main, new URL(callbackUrl).pathname + new URL(callbackUrl).search, { jar: new Jar() });
    assert.equal(r.status, 400);
    noSession(r, "no pre-session");

    // another browser's sign-in: the attacker's callback with the victim's pre-session (login CSRF)
    const victim = await startSignIn(main.url);
    const attacker = await startSignIn(main.url, { username: "demo_user_2" });
    r = await call(main, new URL(attacker.callbackUrl).pathname + new URL(attacker.callbackUrl).search, { jar: victim.jar });
    assert.equal(r.status, 400);
    noSession(r, "another browser's state");

    // a forged pre-session cookie: ill-formed, or well-formed with a MAC under another secret
    for (const value of ["x".repeat(43), "x".repeat(64), cookieId("signin", "another-secret-of-at-least-32-characters"), cookieId("session")]) {
      const forged = new Jar();
      forged.set(SIGNIN_COOKIE, value);
      r = await call(main, new URL(attacker.callbackUrl).pathname + new URL(attacker.callbackUrl).search, { jar: forged });
      assert.equal(r.status, 400);
      noSession(r, "a forged pre-session");
    }

    // Deny on the consent page
    ({ jar, callbackUrl } = await startSignIn(main.url, { allow: false }));
    r = await call(main, new URL(callbackUrl).pathname + new URL(callbackUrl).search, { jar });
    assert.equal(r.status, 403);
    assert.match(r.text, /denied/);
    noSession(r, "Deny");
    // a callback page is no place for the code or the state
    assert.ok(!r.text.includes(new URL(callbackUrl).searchParams.get("state")));
  }, { noCodeExchange: true });
});

test("a replayed callback (the same state and code again) is refused; a replayed code is refused and its token revoked", async () => {
  await reset();
  const { jar, callbackUrl } = await startSignIn(main.url);
  const path = new URL(callbackUrl).pathname + new URL(callbackUrl).search;
  const replayJar = jar.clone(); // the pre-session cookie, kept for the replay
  const first = await call(main, path, { jar });
  assert.equal(first.status, 302);
  assert.equal((await call(main, "/v2/library/info", { jar })).status, 200);
  await refusedUpstream("replayed state", async () => {
    const again = await call(main, path, { jar: replayJar });
    assert.equal(again.status, 400);
    assert.ok(!again.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.includes("Max-Age=0")));
  }, { noCodeExchange: true });

  // The code again under a fresh state of this browser: the OAuth server refuses it (invalid_grant) and revokes the token it gave.
  const code = new URL(callbackUrl).searchParams.get("code");
  const fresh = new Jar();
  const login = await get(`${main.url}/auth/login`, fresh);
  const state = new URL(login.headers.get("location")).searchParams.get("state");
  await clearLog();
  const replay = await call(main, `/auth/callback?code=${encodeURIComponent(code)}&username=demo_user&state=${encodeURIComponent(state)}`, { jar: fresh });
  assert.equal(replay.status, 400);
  assert.match(replay.text, /refused the code/);
  assert.equal(fresh.get(SESSION_COOKIE), undefined);
  const log = await control("log");
  assert.deepEqual(log.filter((e) => e.path.startsWith("/oauth2/oauth/token")).map((e) => e.status), [400]);
  assert.deepEqual(log.filter((e) => e.path.startsWith("/v2")), []);

  // The first session's token is revoked: the API says 401 once, and the Worker ends the session.
  const r = await call(main, "/v2/library/info", { jar });
  assert.equal(r.status, 401);
  assert.ok(r.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=;`)));
  await refusedUpstream("a session whose token was revoked", async () => {
    assert.equal((await call(main, "/v2/library/info", { jar: replayJar.clone() })).status, 401);
  });
});

test("an off-site next is ignored (the app's root); an on-site one is kept", async () => {
  await reset();
  const offSite = ["//evil.example", "https://evil.example", "http://evil.example/", "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/\\/evil.example", "http:evil.example", "javascript:alert(1)", "evil.example", " //evil.example", "/\t/evil.example", "/\n/evil.example", "/.//evil.example", "/x/..//evil.example", "//evil.example/%2e%2e", "@evil.example", "//127.0.0.1:1/"];
  await refusedUpstream("next", async () => {
    for (const next of offSite) {
      const { jar, callbackUrl } = await startSignIn(main.url, { next });
      const r = await call(main, new URL(callbackUrl).pathname + new URL(callbackUrl).search, { jar });
      assert.equal(r.status, 302, JSON.stringify(next));
      assert.equal(r.headers.get("location"), `${main.appOrigin}/`, `next=${JSON.stringify(next)} goes to the app's root`);
    }
    for (const [next, expected] of [["/", "/"], ["/#folder=-4", "/#folder=-4"], ["/index.html?x=1#folder=-1&sort=NAME", "/index.html?x=1#folder=-1&sort=NAME"], ["/a/../b", "/b"], ["/%2F%2Fevil.example", "/%2F%2Fevil.example"]]) {
      const { jar, callbackUrl } = await startSignIn(main.url, { next });
      const r = await call(main, new URL(callbackUrl).pathname + new URL(callbackUrl).search, { jar });
      assert.equal(r.headers.get("location"), `${main.appOrigin}${expected}`, JSON.stringify(next));
    }
  });
});

// ---------------------------------------------------------------- refusals: bodies and the allow-list

test("an oversized or malformed body, or an operation outside the allow-list, is refused before /v2", async () => {
  await reset();
  const jar = await session(main);
  const json = { "content-type": "application/json" };
  await refusedUpstream("bodies", async () => {
    const big = new FormData();
    big.append("file_name", "big.png");
    big.append("file_type", "PNG");
    big.append("data", new Blob([new Uint8Array(6 * 1024 * 1024)]), "big.png");
    const cases = [
      [await call(main, "/v2/library/folders", { jar, method: "POST", origin: main.appOrigin, headers: json, body: "{not json" }), 400, "http.status.bad_request"],
      [await call(main, "/v2/library/folders", { jar, method: "POST", origin: main.appOrigin, headers: json, body: "42" }), 400, "http.status.bad_request"],
      [await call(main, "/v2/library/files/9", { jar, method: "PUT", origin: main.appOrigin, headers: json, body: "" }), 400, "http.status.bad_request"],
      [await call(main, "/v2/library/folders", { jar, method: "POST", origin: main.appOrigin, headers: json, body: JSON.stringify({ name: "x".repeat(70_000) }) }), 413, "http.status.request_entity_too_large"],
      [await call(main, "/v2/library/files", { jar, method: "POST", origin: main.appOrigin, headers: json, body: "{}" }), 415, "http.status.unsupported_media_type"],
      [await call(main, "/v2/library/files", { jar, method: "POST", origin: main.appOrigin, body: big }), 413, "mylibrary.file.too_large"],
      [await call(main, "/v2/contacts", { jar }), 404, "http.status.not_found"],
      [await call(main, "/v2/library/files/9/../../../contacts", { jar }), 404, "http.status.not_found"],
      [await call(main, "/v2/library/info", { jar, method: "DELETE", origin: main.appOrigin }), 405, "http.status.method_not_allowed"],
      [await call(main, "/v2/library/files/9", { jar, method: "PATCH", origin: main.appOrigin }), 405, "http.status.method_not_allowed"],
    ];
    // bodies sent in chunks, with no Content-Length: the Worker stops reading at its limit
    const streamed = async (path, type, size) => {
      const chunk = new Uint8Array(16 * 1024).fill(0x20);
      let sent = 0;
      const body = new ReadableStream({ pull(c) { if (sent >= size) c.close(); else { sent += chunk.byteLength; c.enqueue(chunk); } } });
      const r = await fetch(main.url + path, { method: "POST", headers: { cookie: jar.header(), origin: main.appOrigin, "content-type": type }, body, duplex: "half" });
      const text = await r.text();
      seen.push({ what: `POST ${path} (streamed)`, status: r.status, headers: [...r.headers].flat().join(" "), body: text });
      return { status: r.status, headers: r.headers, json: JSON.parse(text) };
    };
    cases.push([await streamed("/v2/library/folders", "application/json", 200 * 1024), 413, "http.status.request_entity_too_large"]);
    cases.push([await streamed("/v2/library/files", "multipart/form-data; boundary=x", 7 * 1024 * 1024), 413, "mylibrary.file.too_large"]);
    for (const [r, status, key] of cases) {
      assert.equal(r.status, status, key);
      assert.equal(r.json[0].error_key, key);
      assert.equal(r.headers.get("cache-control"), "private, no-store");
    }
  });
  // The caller's own credentials in the query are dropped; the Worker's go upstream.
  const before = outbound.length;
  const r = await call(main, "/v2/library/info?api_key=attacker&access_token=stolen", { jar });
  assert.equal(r.status, 200);
  const sent = outbound.slice(before).find((o) => new URL(o.url).pathname === "/v2/library/info");
  const q = new URL(sent.url).searchParams;
  assert.deepEqual(q.getAll("api_key"), [API_KEY]);
  assert.equal(q.get("access_token"), null);
  assert.ok(issued.has(sent.headers.authorization.replace(/^Bearer /, "")), "the session's token, issued to the Worker");
  assert.equal(sent.headers.cookie, undefined, "the session cookie stays at the Worker");
});

test("a multipart upload that does not parse, or has no file part `data`, is refused with 400 before /v2", async () => {
  await reset();
  const jar = await session(main);
  const multipart = (boundary, parts, { close = true } = {}) =>
    parts.map(([headers, body]) => `--${boundary}\r\n${headers}\r\n\r\n${body}\r\n`).join("") + (close ? `--${boundary}--\r\n` : "");
  const upload = (type, body) => call(main, "/v2/library/files", { jar, method: "POST", origin: main.appOrigin, headers: { "content-type": type }, body });
  const textOnly = new FormData();
  textOnly.append("file_name", "x.png");
  textOnly.append("file_type", "PNG");
  await refusedUpstream("malformed uploads", async () => {
    const cases = [
      ["not multipart at all", await upload("multipart/form-data; boundary=xyz", "this is not a multipart body")],
      ["no boundary parameter", await upload("multipart/form-data", multipart("xyz", [['content-disposition: form-data; name="data"; filename="a.png"', "abc"]]))],
      ["another boundary than the body's", await upload("multipart/form-data; boundary=abc", multipart("xyz", [['content-disposition: form-data; name="data"; filename="a.png"', "abc"]]))],
      ["no closing boundary", await upload("multipart/form-data; boundary=xyz", multipart("xyz", [['content-disposition: form-data; name="data"; filename="a.png"', "abc"]], { close: false }))],
      ["a part with no name", await upload("multipart/form-data; boundary=xyz", multipart("xyz", [["content-type: image/png", "abc"]]))],
      ["no part named data", await call(main, "/v2/library/files", { jar, method: "POST", origin: main.appOrigin, body: textOnly })],
      ["data as a text field, not a file", await upload("multipart/form-data; boundary=xyz", multipart("xyz", [['content-disposition: form-data; name="file_name"', "a.png"], ['content-disposition: form-data; name="data"', "abc"]]))],
    ];
    for (const [what, r] of cases) {
      assert.equal(r.status, 400, what);
      assert.equal(r.json[0].error_key, "http.status.bad_request", what);
      assert.equal(r.headers.get("cache-control"), "private, no-store");
    }
  });
  // a well-formed one passes
  const ok = new FormData();
  ok.append("file_name", "ok.png");
  ok.append("file_type", "PNG");
  ok.append("folder_id", "-1");
  ok.append("description", "fine");
  ok.append("source", "MyComputer");
  ok.append("data", new Blob([readFileSync(join(root, "docs/demo.png"))], { type: "image/png" }), "ok.png");
  const r = await call(main, "/v2/library/files", { jar, method: "POST", origin: main.appOrigin, body: ok });
  assert.equal(r.status, 202, r.text);
});

test("ids outside the API's forms (encoded separators, dot segments, `..;`) are refused with 404 before /v2, over a raw socket", async () => {
  await reset();
  const jar = await session(main);
  const cookie = jar.header();
  // the raw client itself: a plain id passes
  const plain = await raw(main, "GET", "/v2/library/files/9", { cookie });
  assert.equal(plain.status, 200, plain.text);
  assert.equal(plain.json.id, "9");
  const targets = [
    ["GET", "/v2/library/files/..%2F..%2Fcontacts"],
    ["GET", "/v2/library/files/..%2f..%2fcontacts"],
    ["GET", "/v2/library/files/9%2F..%2F..%2F..%2Fcontacts"],
    ["GET", "/v2/library/files/9/..%2F..%2F..%2Fcontacts"],
    ["GET", "/v2/library/files/%2e%2e/%2e%2e/contacts"],
    ["GET", "/v2/library/files/%2e%2e%2f%2e%2e%2fcontacts"],
    ["GET", "/v2/library/files/%2E%2E"],
    ["GET", "/v2/library/folders/-1%2Ffiles"],
    ["GET", "/v2/library/files/..%5C..%5Ccontacts"],
    ["GET", "/v2/library/files/9%5C"],
    ["GET", "/v2/library/files/9%5c..%5c..%5ccontacts"],
    ["GET", "/v2/library/files/..;/..;/contacts"],
    ["GET", "/v2/library/files/9;jsessionid=x"],
    ["GET", "/v2/library/folders/..;/files"],
    ["GET", "/v2/library/files/9%00"],
    ["GET", "/v2/library/files/%39"],
    ["GET", "/v2/library/files/uploadstatus/1,2%2C..%2F3"],
    ["GET", "/v2/library/files/uploadstatus/1,,2"],
    ["GET", "/v2/library/folders/trash%2Ffiles"],
    ["GET", "/v2/library/folders/--1"],
    ["DELETE", "/v2/library/files/9%2C10%2F..%2F..%2Ffolders%2Ftrash%2Ffiles"],
    ["DELETE", "/v2/library/files/9,..%2F10"],
    ["PUT", "/v2/library/folders/-1%2F..%2F-2"],
  ];
  await refusedUpstream("encoded separators", async () => {
    for (const [method, target] of targets) {
      const headers = { cookie, origin: main.appOrigin, ...(method === "PUT" ? { "content-type": "application/json", "content-length": "2" } : {}) };
      const r = await raw(main, method, target, headers, method === "PUT" ? "{}" : "");
      assert.equal(r.status, 404, `${method} ${target}: ${r.text}`);
      assert.equal(r.json[0].error_key, "http.status.not_found", `${method} ${target}`);
    }
  });
  // the forms the API uses do pass: a folder id, the top level, a list of file ids
  for (const target of ["/v2/library/folders/-1/files", "/v2/library/folders/0/files", "/v2/library/folders/trash/files", "/v2/library/files/uploadstatus/1,2,9"]) {
    const r = await raw(main, "GET", target, { cookie });
    assert.equal(r.status, 200, `${target}: ${r.text}`);
  }
});

test("an upstream 401 ends the session only when its error is http.status.authentication.invalid_token", async () => {
  await reset();
  const jar = await session(main);
  for (const body of [JSON.stringify([{ error_key: "mashery.not.authorized.inactive", error_message: "Account Inactive" }]), "", "<html>401</html>", JSON.stringify({ error_key: "http.status.authentication.invalid_token" })]) {
    await control("faults", { method: "POST", body: JSON.stringify({ action: "respond", status: 401, path: "/v2/library/info", method: "GET", count: 1, body }) });
    const r = await call(main, "/v2/library/info", { jar });
    assert.equal(r.status, 401, "the API's 401 is passed on");
    assert.deepEqual(r.headers.getSetCookie(), [], `the cookie is kept (${body || "no body"})`);
    assert.equal((await call(main, "/auth/session", { jar })).status, 200, `the session lives on after a 401 with ${body || "no body"}`);
  }
  await control("faults", { method: "POST", body: JSON.stringify({ action: "respond", status: 401, path: "/v2/library/info", method: "GET", count: 1, body: JSON.stringify([{ error_key: "http.status.authentication.invalid_token", error_message: "Not Authorized" }]) }) });
  const r = await call(main, "/v2/library/info", { jar });
  assert.equal(r.status, 401);
  assert.ok(r.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=;`) && c.includes("Max-Age=0")), "the cookie is cleared");
  assert.equal((await call(main, "/auth/session", { jar })).status, 401, "the session has ended");
});

test("every /v2 and /auth answer has X-Content-Type-Options: nosniff and a Content-Security-Policy; a refusal page keeps its own", async () => {
  await reset();
  const jar = await session(main);
  const API_CSP = "default-src 'none'; frame-ancestors 'none'";
  const answers = [
    await call(main, "/v2/library/info", { jar }),
    await call(main, "/v2/library/folders", { jar }),
    await call(main, "/v2/library/folders", { jar }), // a cache hit
    await call(main, "/v2/library/files/9", { jar, method: "DELETE", origin: main.appOrigin }), // 204
    await call(main, "/v2/library/info"), // 401
    await call(main, "/v2/contacts", { jar }), // 404
    await call(main, "/v2/library/folders", { jar, method: "POST", origin: EVIL }), // 403
    await call(main, "/auth/session", { jar }),
    await call(main, "/auth/session"),
    await call(main, "/auth/login"),
    await call(main, "/auth/nope"),
    await call(main, "/auth/logout", { method: "POST", origin: EVIL }),
  ];
  for (const r of answers) {
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", `${r.status} ${r.text.slice(0, 60)}`);
    assert.equal(r.headers.get("content-security-policy"), API_CSP, `${r.status} ${r.text.slice(0, 60)}`);
  }
  const { jar: pre, callbackUrl } = await startSignIn(main.url);
  const u = new URL(callbackUrl);
  u.searchParams.set("state", "A".repeat(43));
  const page = await call(main, u.pathname + u.search, { jar: pre });
  assert.equal(page.status, 400);
  assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  assert.equal(page.headers.get("content-security-policy"), "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'", "the refusal page's own policy");
});

test("upstream goes through the package's policy (forward): a GET is retried after a 503, a POST is not", async () => {
  await reset();
  const jar = await session(main);
  await control("faults", { method: "POST", body: JSON.stringify({ action: "respond", status: 503, path: "/v2/library/info", method: "GET", count: 1, body: "[]" }) });
  await clearLog();
  const r = await call(main, "/v2/library/info", { jar });
  assert.equal(r.status, 200);
  assert.deepEqual((await v2Log()).map((e) => `${e.method} ${e.path} ${e.status}`), ["GET /v2/library/info 503", "GET /v2/library/info 200"]);
  await control("faults", { method: "POST", body: JSON.stringify({ action: "respond", status: 503, path: "/v2/library/folders", method: "POST", count: 1, body: JSON.stringify([{ error_key: "http.status.service_unavailable", error_message: "try later" }]) }) });
  await clearLog();
  const p = await call(main, "/v2/library/folders", { jar, method: "POST", origin: main.appOrigin, headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "once" }) });
  assert.equal(p.status, 503, "the API's answer, passed on");
  assert.equal(p.json[0].error_key, "http.status.service_unavailable");
  assert.deepEqual((await v2Log()).map((e) => `${e.method} ${e.path} ${e.status}`), ["POST /v2/library/folders 503"], "a POST is sent once");
});

test("the API's errors come through as they are", async () => {
  await reset();
  const jar = await session(main);
  const e = await appClient(main, jar).getFolder("-999").catch((x) => x);
  assert.ok(e instanceof MyLibraryError && e.status === 404 && e.errors[0].error_key === "http.status.not_found", String(e));
});

// ---------------------------------------------------------------- a signed-in owner

test("a signed-in owner's reads and writes work through the package: list, get, update, upload, move, delete, trash, folders", async () => {
  await reset({ files: 30, folders: 6 });
  const jar = await session(main);
  const c = appClient(main, jar);
  const page = await c.listFiles({ limit: 5 });
  assert.equal(page.results.length, 5);
  let n = 0;
  for await (const _ of c.files({ limit: 7 })) n++;
  assert.equal(n, 40);
  assert.equal((await c.getFile("9")).name, "IMG_0341.JPG");
  const info = await c.getInfo();
  assert.equal(info.usage_summary.file_count, 40);
  const png = readFileSync(join(root, "docs/demo.png"));
  const { fileId } = await c.uploadFile({ data: new Uint8Array(png), fileName: "shot.png", folderId: "-1" });
  const st = await c.waitForUpload(fileId, { intervalMs: 50 });
  assert.equal(st.status, "Active");
  const moved = await c.moveFiles("-10", [fileId]);
  assert.equal(moved[0].id, fileId);
  assert.equal((await c.getFile(fileId)).folder_id, "-10", "a write invalidates the cached read");
  const renamed = await c.updateFile(fileId, { description: "through the edge" });
  assert.equal(renamed.description, "through the edge");
  await c.deleteFiles([fileId]);
  assert.ok((await c.listTrash()).results.some((f) => f.id === fileId));
  await c.emptyTrash();
  assert.equal((await c.listTrash()).results.length, 0);
  const f = await c.createFolder({ name: "Edge" });
  assert.equal((await c.updateFolder(f.id, { name: "Edge 2" })).name, "Edge 2");
  await c.deleteFolder(f.id);
  c.free();
});

// ---------------------------------------------------------------- two accounts

test("two accounts signed in at once: each sees only its own files and its own cached pages; a write invalidates only its own", async () => {
  await reset();
  const a = await session(main, "demo_user");
  const b = await session(main, "demo_user_2");
  const a2 = await session(main, "demo_user"); // a second session of account A
  const names = async (jar) => (await call(main, "/v2/library/files?limit=1000", { jar })).json.results.map((f) => f.id + f.name);
  const direct = await (await fetch(`${emulator.base}/v2/library/files?limit=1000&api_key=${API_KEY}`, { headers: { authorization: `Bearer ${FIXED_TOKEN}` } })).json();
  const aFiles = await names(a);
  const bFiles = await names(b);
  assert.deepEqual(aFiles, direct.results.map((f) => f.id + f.name), "A sees demo_user's library");
  assert.ok(bFiles.length >= 10);
  assert.deepEqual(bFiles.filter((x) => aFiles.includes(x)), [], "B sees none of A's files");
  // File 9 is one of the documentation's examples, which only account 1 (demo_user) holds.
  assert.ok(aFiles.includes("9IMG_0341.JPG") && !bFiles.some((x) => x.startsWith("9I")), "file 9 is A's alone");
  assert.equal((await call(main, "/v2/library/files/9", { jar: a })).status, 200, "A reads its file 9");
  await clearLog();
  const stolen = await call(main, "/v2/library/files/9", { jar: b });
  assert.equal(stolen.status, 404, "B cannot read A's file by id");
  assert.equal(stolen.json[0].error_key, "http.status.not_found");
  assert.deepEqual((await v2Log()).map((e) => `${e.method} ${e.path} ${e.status}`), ["GET /v2/library/files/9 404"], "B's read went to the API (with B's token), which refused it");

  // the cache: A's page is never B's
  const folders = (jar) => call(main, "/v2/library/folders", { jar });
  const a1 = await folders(a);
  assert.equal(a1.headers.get("x-proxy-cache"), null);
  assert.equal((await folders(a)).headers.get("x-proxy-cache"), "hit");
  assert.equal((await folders(a2)).headers.get("x-proxy-cache"), "hit", "one account's sessions share its cache");
  await clearLog();
  const b1 = await folders(b);
  assert.equal(b1.headers.get("x-proxy-cache"), null, "B's first read is not A's cached page");
  assert.deepEqual((await v2Log()).map((e) => `${e.method} ${e.path} ${e.status}`), ["GET /v2/library/folders 200"], "B's first read went to the API, not to A's cached page");
  assert.notDeepEqual(b1.json, a1.json);
  const bHit = await folders(b);
  assert.equal(bHit.headers.get("x-proxy-cache"), "hit");
  assert.deepEqual(bHit.json, b1.json);

  // B's write ends B's cache, not A's
  const bFolder = b1.json.results[0];
  const put = await call(main, `/v2/library/folders/${bFolder.id}`, { jar: b, method: "PUT", origin: main.appOrigin, headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "renamed by B" }) });
  assert.equal(put.status, 200);
  const bAfter = await folders(b);
  assert.equal(bAfter.headers.get("x-proxy-cache"), null);
  assert.ok(bAfter.json.results.some((f) => f.name === "renamed by B"));
  const aAfter = await folders(a);
  assert.equal(aAfter.headers.get("x-proxy-cache"), "hit", "A's cache is untouched by B's write");
  assert.ok(!aAfter.json.results.some((f) => f.name === "renamed by B"));

  // A's write ends A's cache (for both of A's sessions), not B's
  assert.equal((await call(main, "/v2/library/folders", { jar: a, method: "POST", origin: main.appOrigin, headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "A's new" }) })).status, 201);
  const aNew = await folders(a2);
  assert.equal(aNew.headers.get("x-proxy-cache"), null);
  assert.ok(aNew.json.results.some((f) => f.name === "A's new"));
  assert.equal((await folders(b)).headers.get("x-proxy-cache"), "hit");
  assert.ok(!(await folders(b)).json.results.some((f) => f.name === "A's new"));

  // upload status is never cached
  const s1 = await call(main, "/v2/library/files/uploadstatus/9", { jar: a });
  const s2 = await call(main, "/v2/library/files/uploadstatus/9", { jar: a });
  assert.equal(s2.headers.get("x-proxy-cache"), null);
  assert.deepEqual(s1.json, s2.json);
});

// ---------------------------------------------------------------- the api key's limits

test("the limiter: 4 requests/s across sessions, round-robin over accounts (a busy account does not starve another), 0 over.qps", async () => {
  await reset();
  await control("config", { method: "POST", body: JSON.stringify({ qps: 4 }) });
  try {
    const busy = await session(limits, "demo_user");
    const other = await session(limits, "demo_user_2");
    await clearLog();
    const t0 = performance.now();
    const done = [];
    const ask = (jar, who) => call(limits, "/v2/library/info", { jar }).then((r) => { done.push({ who, status: r.status, ms: performance.now() - t0 }); return r; });
    const burst = Array.from({ length: 16 }, () => ask(busy, "busy"));
    await new Promise((ok) => setTimeout(ok, 100));
    const small = [ask(other, "other"), ask(other, "other")];
    await Promise.all([...burst, ...small]);
    assert.ok(done.every((d) => d.status === 200), JSON.stringify(done));
    const log = await v2Log();
    assert.equal(log.length, 18);
    assert.deepEqual(log.filter((e) => e.status !== 200), [], "no over.qps at the emulator (qps 4)");
    const otherDone = Math.max(...done.filter((d) => d.who === "other").map((d) => d.ms));
    const busyDone = Math.max(...done.filter((d) => d.who === "busy").map((d) => d.ms));
    assert.ok(busyDone >= 3000, `16 + 2 requests at 4/s take at least 3 windows (${Math.round(busyDone)} ms)`);
    assert.ok(otherDone < busyDone - 900, `the other session was served within a window or two (${Math.round(otherDone)} ms), not after the busy one (${Math.round(busyDone)} ms)`);
  } finally {
    await control("config", { method: "POST", body: JSON.stringify({ qps: 0 }) });
  }
});

test("the limiter's turns go round the accounts, not the sessions: an account with four sessions gets one turn in two, not four in five", async () => {
  await reset();
  await control("config", { method: "POST", body: JSON.stringify({ qps: 4 }) });
  try {
    const many = [];
    for (let i = 0; i < 4; i++) many.push(await session(limits, "demo_user"));
    const one = await session(limits, "demo_user_2");
    await sleep(1100); // the window of the tests before is over
    await clearLog();
    const t0 = performance.now();
    const done = [];
    const ask = (jar, who) => call(limits, "/v2/library/info", { jar }).then((r) => done.push({ who, status: r.status, ms: performance.now() - t0 }));
    const burst = many.flatMap((jar) => Array.from({ length: 4 }, () => ask(jar, "many")));
    await sleep(100);
    const small = Array.from({ length: 4 }, () => ask(one, "one"));
    await Promise.all([...burst, ...small]);
    assert.ok(done.every((d) => d.status === 200), JSON.stringify(done));
    const log = await v2Log();
    assert.equal(log.length, 20);
    assert.deepEqual(log.filter((e) => e.status !== 200), [], "no over.qps at the emulator (qps 4)");
    const oneDone = Math.max(...done.filter((d) => d.who === "one").map((d) => d.ms));
    const manyDone = Math.max(...done.filter((d) => d.who === "many").map((d) => d.ms));
    // by account: A, B, A, B in the second and third windows (B done after about 2.1 s); by
    // session, B would have one turn in five (done after about 4.2 s, in the fifth window)
    assert.ok(oneDone < 3000, `the other account's 4 requests took two windows after the first (${Math.round(oneDone)} ms), not one turn in five`);
    assert.ok(manyDone > oneDone, `the account with four sessions finished last (${Math.round(manyDone)} ms)`);
  } finally {
    await control("config", { method: "POST", body: JSON.stringify({ qps: 0 }) });
  }
});

test("a grant's lease is its call's budget (UPSTREAM_BUDGET_SECONDS): a grant whose release never comes frees one window after it", async () => {
  await reset();
  const jar = await session(leases, "demo_user");
  const limiter = await leases.limiter();
  // a request of the Worker in flight holds a grant leased for its budget (2 s here)
  await control("faults", { method: "POST", body: JSON.stringify({ action: "delay", delay_ms: 600, path: "/v2/library/info", method: "GET", count: 1 }) });
  const pending = call(leases, "/v2/library/info", { jar });
  await sleep(300);
  const during = await leases.limiterStats();
  assert.equal(during.inFlight, 1);
  assert.deepEqual(during.leases, [2000], "the grant is leased for the Worker's budget");
  assert.equal((await pending).status, 200);
  await sleep(1100); // its slot is free again
  // Two grants whose release never comes (their isolate died), leased for 2 s, fill the 2 slots.
  const t0 = performance.now();
  assert.deepEqual(await acquire(limiter, "an-isolate-that-died", "dead-1", 2000), { granted: true });
  assert.deepEqual(await acquire(limiter, "an-isolate-that-died", "dead-2", 2000), { granted: true });
  assert.equal((await leases.limiterStats()).inFlight, 2);
  const next = await acquire(limiter, "another-account", "next", 2000);
  const waited = performance.now() - t0;
  assert.deepEqual(next, { granted: true });
  assert.ok(waited >= 2900 && waited < 5000, `the next grant came one window after the dead grants' budget (${Math.round(waited)} ms), not after minutes`);
  const stats = await leases.limiterStats();
  assert.equal(stats.inFlight, 1, "the dead grants are no longer in flight");
  await limiter.release("next");
});

test("a request whose client goes away leaves the limiter's queue: no slot is granted for it", async () => {
  await reset();
  const jar = await session(leases, "demo_user");
  const limiter = await leases.limiter();
  await sleep(1100);
  // both slots taken for 2 s (and a window)
  assert.deepEqual(await acquire(limiter, "busy", "busy-1", 2000), { granted: true });
  assert.deepEqual(await acquire(limiter, "busy", "busy-2", 2000), { granted: true });
  const before = await leases.limiterStats();
  await clearLog();
  const client = await leases.mf.getWorker("client");
  const gone = client.fetch(`http://client.internal/?abortAfterMs=500&path=${encodeURIComponent("/v2/library/info")}`, { headers: { cookie: jar.header() } });
  await sleep(250);
  assert.equal((await leases.limiterStats()).waiting, 1, "the request waits for a slot");
  assert.equal(await (await gone).text(), "aborted AbortError", "the client gave up");
  await sleep(250);
  const after = await leases.limiterStats();
  assert.equal(after.waiting, 0, "it left the queue when its client went away (before its 2 s budget)");
  await sleep(2300); // the busy grants' leases are over, and their window
  const later = await leases.limiterStats();
  assert.equal(later.granted, before.granted, "no slot was granted for it");
  assert.equal(later.inFlight, 0);
  assert.deepEqual(await v2Log(), [], "nothing reached the API");
  assert.ok(logLines.some((l) => l.includes('"path":"/v2/library/info"') && l.includes('"status":499')), "the Worker logged the request as closed by its client");
});

test("a restarted Limiter counts the grants in flight before it stopped (its storage)", async () => {
  const store = mkdtempSync(join(tmpdir(), "edge-limiter-"));
  const options = { apiBase: `${emulator.base}/v2`, apiKey: API_KEY, clientSecret: CLIENT_SECRET, sessionSecret: SESSION_SECRET, packageDir, quiet: true, persist: store, vars: { REQUESTS_PER_SECOND: 2 } };
  let worker = await startWorker(options);
  try {
    let limiter = await worker.limiter();
    const t0 = performance.now();
    assert.deepEqual(await acquire(limiter, "a", "before-1", 5000), { granted: true });
    assert.deepEqual(await acquire(limiter, "a", "before-2", 5000), { granted: true });
    await worker.dispose(); // the object (and its isolate) goes, the grants' releases never come
    worker = await startWorker(options);
    limiter = await worker.limiter();
    const restarted = await worker.limiterStats();
    assert.deepEqual(restarted.restored, { inFlight: 2, inWindow: 0 }, "the two grants were read back from storage");
    assert.equal(restarted.inFlight, 2);
    const next = acquire(limiter, "b", "after-1", 5000);
    const first = await Promise.race([next, sleep(300).then(() => "waiting")]);
    assert.equal(first, "waiting", "no third slot in the window of two grants still in flight");
    assert.equal((await worker.limiterStats()).waiting, 1);
    assert.deepEqual(await next, { granted: true });
    const waited = performance.now() - t0;
    assert.ok(waited >= 5900, `granted once the old grants' leases ended (${Math.round(waited)} ms)`);
  } finally {
    await worker.dispose();
  }
});

test("over the daily quota, the Worker answers 403 over.ratelimit without calling upstream; a write refused on its retry still ends the account's cached pages", async () => {
  // The quota Worker (DAILY_QUOTA 2) serves this test alone.
  await reset();
  const jar = await session(quota);
  assert.equal((await quota.limiterStats()).used, 0, "no grant yet today");
  const folders = await call(quota, "/v2/library/folders", { jar }); // grant 1
  assert.equal(folders.status, 200);
  assert.equal((await call(quota, "/v2/library/folders", { jar })).headers.get("x-proxy-cache"), "hit", "the page is in the account's cache");
  // A PUT whose first attempt reaches the API (a 503, which forward retries) and whose retry is over the quota.
  await control("faults", { method: "POST", body: JSON.stringify({ action: "respond", status: 503, path: "/v2/library/folders/-1", method: "PUT", count: 1, body: "[]" }) });
  await clearLog();
  const put = await call(quota, "/v2/library/folders/-1", { jar, method: "PUT", origin: quota.appOrigin, headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "renamed" }) }); // grant 2, then refused
  assert.equal(put.status, 403);
  assert.equal(put.json[0].error_key, "mashery.not.authorized.over.ratelimit");
  assert.deepEqual((await v2Log()).map((e) => `${e.method} ${e.path} ${e.status}`), ["PUT /v2/library/folders/-1 503"], "the first attempt reached the API");
  assert.equal((await quota.limiterStats()).used, 2, "the Limiter object counted 2 grants today");
  await refusedUpstream("over quota", async () => {
    // the write may have happened: the cached page is not served any more (it needs the API, which is over quota)
    const after = await call(quota, "/v2/library/folders", { jar });
    assert.equal(after.headers.get("x-proxy-cache"), null, "no stale page after a write that reached the API");
    assert.equal(after.status, 403);
    for (const [method, path] of [["GET", "/v2/library/info"], ["GET", "/v2/library/files/uploadstatus/9"], ["DELETE", "/v2/library/files/9"]]) {
      const r = await call(quota, path, { jar, method, origin: quota.appOrigin });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json[0].error_key, "mashery.not.authorized.over.ratelimit");
      assert.ok(r.json[0].error_message.length > 0);
    }
  });
  assert.equal((await quota.limiterStats()).used, 2, "nothing more was granted");
});

// ---------------------------------------------------------------- the configuration

test("dev.mjs runs the bindings of wrangler.toml: its Durable Object classes, vars, flags and required secrets", async () => {
  const config = wranglerConfig();
  assert.deepEqual(config.secrets.required, ["API_KEY", "CLIENT_SECRET", "SESSION_SECRET"]);
  assert.deepEqual(config.durable_objects.bindings.map((b) => `${b.name}=${b.class_name}`), ["SESSION=Session", "SIGNIN=SignIn", "ACCOUNT=Account", "LIMITER=Limiter"]);
  assert.ok(config.compatibility_flags.includes("enable_request_signal"));
  assert.equal(config.vars.UPSTREAM_BUDGET_SECONDS, "30");
  await assert.rejects(startWorker({ apiBase: `${emulator.base}/v2`, apiKey: API_KEY, clientSecret: "", quiet: true }), /requires the secrets CLIENT_SECRET/);
});

// ---------------------------------------------------------------- the scan

test("no answer, header, outbound URL, emulator log entry or Worker log line holds a token or a secret", async (t) => {
  t.diagnostic(`${refusals} answers checked with nothing reaching /v2; ${seen.length} answers, ${outbound.length} outbound requests, ${emulatorLog.length + (await control("log")).length} emulator log entries, ${logLines.length} Worker log lines scanned`);
  assert.ok(issued.size >= 20, `tokens issued to the Workers: ${issued.size}`);
  assert.ok(seen.length > 150, `answers scanned: ${seen.length}`);
  const secrets = [...issued, FIXED_TOKEN, CLIENT_SECRET, SESSION_SECRET];
  const forms = (s) => [s, encodeURIComponent(s)];
  for (const r of seen) {
    // The api key is the app's OAuth2 client_id: public in the authorization URL, nowhere else.
    const headers = r.what.startsWith("GET /auth/login") ? r.headers.replace(`client_id=${API_KEY}`, "client_id=…") : r.headers;
    for (const s of [...secrets, API_KEY]) for (const f of forms(s)) {
      assert.ok(!r.body.includes(f) && !headers.includes(f), `a secret in the answer to ${r.what}`);
    }
    if (/^(GET|POST|PUT|DELETE) \/(v2|auth)\//.test(r.what) || r.what.startsWith("client ") || r.what === "callback") {
      assert.equal(/cache-control private, no-store/.test(r.headers), true, `Cache-Control: private, no-store on ${r.what}`);
      assert.equal(/x-content-type-options nosniff/.test(r.headers), true, `X-Content-Type-Options: nosniff on ${r.what}`);
      assert.equal(/content-security-policy default-src 'none'; frame-ancestors 'none'/.test(r.headers), true, `Content-Security-Policy on ${r.what}`);
    }
  }
  // Outbound: tokens travel in the Authorization header only, the client secret in the token request's form body only.
  for (const o of outbound) for (const s of secrets) for (const f of forms(s)) assert.ok(!o.url.includes(f), `a secret in the URL ${o.url}`);
  await keepLog();
  assert.ok(emulatorLog.length > 150, `emulator log entries: ${emulatorLog.length}`);
  for (const e of emulatorLog) {
    // (the consent page's own URL names the app: client_id is the api key)
    const line = `${e.path}?${e.query}`.replace(`client_id=${API_KEY}`, "client_id=…");
    for (const s of [...secrets, API_KEY]) assert.ok(!line.includes(s), `a secret in the emulator's log: ${e.path}`);
  }
  assert.ok(logLines.length > 100, `Worker log lines: ${logLines.length}`);
  const sessionIds = seen.flatMap((r) => [...r.headers.matchAll(new RegExp(`${SESSION_COOKIE}=([A-Za-z0-9_-]{64})`, "g"))].map((m) => m[1]));
  assert.ok(sessionIds.length >= 20);
  for (const line of logLines) for (const s of [...secrets, API_KEY, ...sessionIds]) assert.ok(!line.includes(s), `a secret in the Worker's log: ${line}`);
});
