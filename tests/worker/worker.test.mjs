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
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator } from "../support/emulator.mjs";
import { Jar, get, signIn, startSignIn, SESSION_COOKIE, SIGNIN_COOKIE } from "../support/edge.mjs";

const root = resolve(import.meta.dirname, "../..");
const { startWorker, freePort } = await import(join(root, "examples/worker/dev.mjs"));
const API_KEY = "edge-test-key-4821";
const FIXED_TOKEN = "edge-test-fixed-token-77";
const CLIENT_SECRET = "edge-test-client-secret-5f0c9a";
const SESSION_SECRET = "edge-test-session-secret-0123456789abcdef";
const EVIL = "https://evil.example";

let emulator, main, short, limits, MyLibraryClient, MyLibraryError;
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

/** Runs `fn` and asserts that no request reached /v2 upstream: none in the emulator's log, none sent out by a Worker. */
let refusals = 0; // answers of the Worker checked this way
async function refusedUpstream(what, fn) {
  await clearLog();
  const before = outbound.length;
  const answers = seen.length;
  const out = await fn();
  refusals += seen.length - answers;
  assert.deepEqual((await v2Log()).map((e) => `${e.method} ${e.path} ${e.status}`), [], `${what}: the emulator saw no /v2 request`);
  assert.deepEqual(outbound.slice(before).filter((o) => new URL(o.url).pathname.startsWith("/v2")).map((o) => o.url), [], `${what}: the Worker sent nothing to /v2`);
  return out;
}

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
  let packageDir = process.env.EDGE_TEST_PACKAGE_DIR;
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
  const ports = [await freePort(), await freePort(), await freePort()];
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
  [main, short, limits] = await Promise.all([
    startWorker({ ...common, port: ports[0], vars: { REQUESTS_PER_SECOND: 100 } }),
    startWorker({ ...common, port: ports[1], vars: { SESSION_IDLE_SECONDS: 1.5, SESSION_MAX_SECONDS: 3.5, REQUESTS_PER_SECOND: 100 } }),
    startWorker({ ...common, port: ports[2], vars: { REQUESTS_PER_SECOND: 4, DAILY_QUOTA: 20 } }),
  ]);
});

after(async () => {
  await Promise.all([main?.dispose(), short?.dispose(), limits?.dispose()]);
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

test("sign-in: the pre-session and session cookies are __Host-, HttpOnly, Secure, SameSite=Lax; the session id is 32 random bytes", async () => {
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
  assert.match(pre, new RegExp(`^${SIGNIN_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=600$`));
  const { jar: signedIn, callback } = await signIn(main.url, { username: "demo_user_2" });
  assert.equal(callback.headers.get("location"), `${main.appOrigin}/`);
  const cookies = callback.headers.getSetCookie();
  assert.ok(cookies.includes(`${SIGNIN_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`), "the pre-session cookie is cleared");
  const sessionCookie = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  assert.match(sessionCookie, new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=43200$`));
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

test("a forged, malformed or tampered session cookie is refused (and cleared), and nothing reaches /v2", async () => {
  await reset();
  const jar = await session(main);
  const id = jar.get(SESSION_COOKIE);
  const flip = (s, i) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
  const forged = ["x".repeat(43), Buffer.alloc(32, 7).toString("base64url"), "", "abc", `${id}A`, id.slice(0, 42), `${id.slice(0, 42)}=`, "../../etc", flip(id, 0), flip(id, 21), flip(id, 42)];
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
    }
  });
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
    // an upload too
    const form = new FormData();
    form.append("file_name", "x.png");
    form.append("data", new Blob([new Uint8Array(10)]), "x.png");
    const r = await fetch(`${main.url}/v2/library/files`, { method: "POST", headers: { cookie: jar.header(), origin: EVIL }, body: form });
    assert.equal(r.status, 403);
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

    // a forged pre-session cookie
    const forged = new Jar();
    forged.set(SIGNIN_COOKIE, "x".repeat(43));
    r = await call(main, new URL(attacker.callbackUrl).pathname + new URL(attacker.callbackUrl).search, { jar: forged });
    assert.equal(r.status, 400);

    // Deny on the consent page
    ({ jar, callbackUrl } = await startSignIn(main.url, { allow: false }));
    r = await call(main, new URL(callbackUrl).pathname + new URL(callbackUrl).search, { jar });
    assert.equal(r.status, 403);
    assert.match(r.text, /denied/);
    noSession(r, "Deny");
    // a callback page is no place for the code or the state
    assert.ok(!r.text.includes(new URL(callbackUrl).searchParams.get("state")));
  });
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
  });

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
  const aOnly = direct.results.find((f) => !bFiles.some((x) => x.startsWith(f.id)));
  if (aOnly) assert.equal((await call(main, `/v2/library/files/${aOnly.id}`, { jar: b })).status, 404, "B cannot read A's file by id");

  // the cache: A's page is never B's
  const folders = (jar) => call(main, "/v2/library/folders", { jar });
  const a1 = await folders(a);
  assert.equal(a1.headers.get("x-proxy-cache"), null);
  assert.equal((await folders(a)).headers.get("x-proxy-cache"), "hit");
  assert.equal((await folders(a2)).headers.get("x-proxy-cache"), "hit", "one account's sessions share its cache");
  const b1 = await folders(b);
  assert.equal(b1.headers.get("x-proxy-cache"), null, "B's first read is not A's cached page");
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

test("the limiter: 4 requests/s across sessions, round-robin (a busy session does not starve another), 0 over.qps", async () => {
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

test("over the daily quota, the Worker answers 403 over.ratelimit without calling upstream", async () => {
  // The limits Worker has DAILY_QUOTA 20, of which the test above used 18.
  const jar = await session(limits);
  await clearLog();
  assert.equal((await call(limits, "/v2/library/info", { jar })).status, 200);
  assert.equal((await call(limits, "/v2/library/info", { jar })).status, 200);
  assert.equal((await limits.limiterStats()).used, 20, "the Limiter object counted 20 grants today");
  await refusedUpstream("over quota", async () => {
    for (const [method, path] of [["GET", "/v2/library/info"], ["GET", "/v2/library/files/uploadstatus/9"], ["DELETE", "/v2/library/files/9"]]) {
      const r = await call(limits, path, { jar, method, origin: limits.appOrigin });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json[0].error_key, "mashery.not.authorized.over.ratelimit");
      assert.ok(r.json[0].error_message.length > 0);
    }
  });
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
  const sessionIds = seen.flatMap((r) => [...r.headers.matchAll(new RegExp(`${SESSION_COOKIE}=([A-Za-z0-9_-]{43})`, "g"))].map((m) => m[1]));
  assert.ok(sessionIds.length >= 20);
  for (const line of logLines) for (const s of [...secrets, API_KEY, ...sessionIds]) assert.ok(!line.includes(s), `a secret in the Worker's log: ${line}`);
});
