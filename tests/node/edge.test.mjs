// What an edge proxy gets from the package (the servers' build: Node, Deno, workerd): `forward`,
// which passes a request through the client's policy, and the `limiter` option, a limiter shared
// between clients. The browser build has neither. Needs MYLIBRARY_EMULATOR_URL
// (scripts/with-emulator).
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { rejecting } from "../support/rejection.mjs";
import { png } from "../support/png.mjs";

const root = resolve(import.meta.dirname, "../..");
const { MyLibraryClient, MyLibraryError } = await import(resolve(root, "pkg/index.node.js"));
const base = process.env.MYLIBRARY_EMULATOR_URL ?? "http://127.0.0.1:18931";
const KEY = "wasm-test-key-1234";
const TOKEN = "wasm-test-token-5678";
const EDGE = "https://edge.example";

const control = (what, body, method = "POST") =>
  fetch(`${base}/_emulator/${what}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json().catch(() => null));
const fault = (f) => control("faults", f);
const clearLog = () => fetch(`${base}/_emulator/log`, { method: "DELETE" });
/** The /v2/ requests since the last clear: "METHOD path status". */
const sent = async () => (await control("log", undefined, "GET")).filter((e) => e.path.startsWith("/v2/")).map((e) => `${e.method} ${e.path} ${e.status}`);

/** A client whose requests are recorded as the upstream sees them. */
function client(extra = {}) {
  const seen = [];
  const c = new MyLibraryClient({
    apiKey: KEY,
    accessToken: TOKEN,
    baseUrl: `${base}/v2`,
    requestsPerSecond: 0,
    fetch: async (request) => {
      seen.push({ method: request.method, url: request.url, auth: request.headers.get("authorization"), type: request.headers.get("content-type") });
      return fetch(request);
    },
    ...extra,
  });
  return { c, seen };
}

/** The error a call rejects with, checked to be a MyLibraryError free of credentials. */
const rejection = rejecting(MyLibraryError, [KEY, TOKEN]);

beforeEach(async () => {
  await fetch(`${base}/_emulator/faults`, { method: "DELETE" });
  await control("reset", { files: 12, folders: 3 });
  await clearLog();
});

test("forward sends the request below /v2 with the client's credentials and answers the upstream response", async () => {
  const { c, seen } = client();
  const r = await c.forward(new Request(`${EDGE}/v2/library/files?limit=3&sort_by=NAME&api_key=theirs&access_token=theirs&api%5Fkey=x`));
  assert.ok(r instanceof Response);
  assert.equal(r.status, 200);
  const page = await r.json();
  assert.equal(page.results.length, 3);
  const direct = await (await fetch(`${base}/v2/library/files?limit=3&sort_by=NAME&api_key=${KEY}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  assert.deepEqual(page, direct, "the body as the API sent it");
  assert.deepEqual(seen, [{ method: "GET", url: `${base}/v2/library/files?limit=3&sort_by=NAME&api_key=${KEY}`, auth: `Bearer ${TOKEN}`, type: null }]);
  // an error answer is passed on as it came
  const missing = await c.forward(new Request(`${EDGE}/v2/library/files/no-such-file`));
  assert.equal(missing.status, 404);
  assert.equal((await missing.json())[0].error_key, "http.status.not_found");
});

test("forward sends bodies: JSON, and an upload's multipart form with its headers answered", async () => {
  const { c, seen } = client();
  const created = await c.forward(new Request(`${EDGE}/v2/library/folders`, { method: "POST", body: JSON.stringify({ name: "Forwarded" }), headers: { "content-type": "application/json" } }));
  assert.equal(created.status, 201);
  const folder = await created.json();
  assert.equal(folder.name, "Forwarded");
  const form = new FormData();
  form.append("file_name", "photo.png");
  form.append("folder_id", folder.id);
  form.append("description", "through the edge");
  form.append("source", "MyComputer");
  form.append("file_type", "PNG");
  form.append("data", new Blob([png(40, 30)], { type: "image/png" }), "photo.png");
  const upload = await c.forward(new Request(`${EDGE}/v2/library/files`, { method: "POST", body: form }));
  assert.equal(upload.status, 202, "the API's answer to an upload");
  assert.ok(upload.headers.get("id"), "the new file's id");
  assert.ok(upload.headers.get("location"));
  assert.match(seen[1].type, /^multipart\/form-data; boundary=/);
  const renamed = await c.forward(new Request(`${EDGE}/v2/library/folders/${folder.id}`, { method: "PUT", body: JSON.stringify({ name: "Renamed" }), headers: { "content-type": "application/json" } }));
  assert.equal((await renamed.json()).name, "Renamed");
});

test("forward retries GET, PUT and DELETE through the policy, never POST", async () => {
  const { c } = client({ retries: 3 });
  await fault({ status: 503, count: 2, path: "/v2/library/info" });
  const r = await c.forward(new Request(`${EDGE}/v2/library/info`));
  assert.equal(r.status, 200);
  assert.deepEqual(await sent(), ["GET /v2/library/info 503", "GET /v2/library/info 503", "GET /v2/library/info 200"]);
  await clearLog();
  await fault({ status: 403, count: 1, path: "/v2/library/info", body: JSON.stringify([{ error_key: "mashery.not.authorized.over.qps", error_message: "Account Over Queries Per Second Limit" }]) });
  assert.equal((await c.forward(new Request(`${EDGE}/v2/library/info`))).status, 200, "over.qps is retried");
  await clearLog();
  await fault({ status: 503, count: 5, path: "/v2/library/folders", method: "POST" });
  const post = await c.forward(new Request(`${EDGE}/v2/library/folders`, { method: "POST", body: JSON.stringify({ name: "Once" }), headers: { "content-type": "application/json" } }));
  assert.equal(post.status, 503, "a POST's failure is passed on, not repeated");
  assert.deepEqual(await sent(), ["POST /v2/library/folders 503"]);
  // the retries ran out: the last answer is passed on
  await clearLog();
  await fault({ status: 500, count: 10, path: "/v2/library/info", body: "<html>down</html>", content_type: "text/html" });
  const down = await c.forward(new Request(`${EDGE}/v2/library/info`));
  assert.equal(down.status, 500);
  assert.equal(await down.text(), "<html>down</html>");
  assert.equal((await sent()).length, 4);
});

test("forward repeats a PUT after a 5xx with its body sent again", async () => {
  const { c } = client({ retries: 2 });
  const folder = await (await c.forward(new Request(`${EDGE}/v2/library/folders`, { method: "POST", body: JSON.stringify({ name: "Before" }), headers: { "content-type": "application/json" } }))).json();
  await clearLog();
  await fault({ status: 503, count: 1, path: `/v2/library/folders/${folder.id}`, method: "PUT" });
  const r = await c.forward(new Request(`${EDGE}/v2/library/folders/${folder.id}`, { method: "PUT", body: JSON.stringify({ name: "After" }), headers: { "content-type": "application/json" } }));
  assert.equal(r.status, 200);
  assert.equal((await r.json()).name, "After", "the second attempt carried the body");
  assert.deepEqual(await sent(), [`PUT /v2/library/folders/${folder.id} 503`, `PUT /v2/library/folders/${folder.id} 200`]);
});

test("forward rejects only without an answer, or for a request it cannot forward (nothing sent)", async () => {
  const { c } = client();
  await fault({ action: "delay", delay_ms: 1500, path: "/v2/library/info" });
  const t = await rejection(c.forward(new Request(`${EDGE}/v2/library/info`), { timeoutMs: 200 }));
  assert.equal(t.code, "TIMEOUT");
  const ac = new AbortController();
  const p = c.forward(new Request(`${EDGE}/v2/library/info`), { signal: ac.signal });
  ac.abort(new Error("the browser went away"));
  const a = await rejection(p);
  assert.equal(a.code, "ABORTED");
  assert.equal(a.cause.message, "the browser went away");
  const closed = new MyLibraryClient({ apiKey: KEY, accessToken: TOKEN, baseUrl: "http://127.0.0.1:9/v2", retries: 0 });
  assert.equal((await rejection(closed.forward(new Request(`${EDGE}/v2/library/info`)))).code, "NETWORK");
  await new Promise((ok) => setTimeout(ok, 1600));
  await clearLog();
  const used = new Request(`${EDGE}/v2/library/folders`, { method: "POST", body: "{}" });
  await used.text();
  for (const [request, argument] of [
    ["/v2/library/info", "request"],
    [new Request(`${EDGE}/v3/library/info`), "request.url"],
    [new Request(`${EDGE}/v2`), "request.url"],
    [new Request(`${EDGE}/v2/library/info`, { method: "PATCH" }), "request"],
    [used, "request"],
  ]) {
    const e = await rejection(c.forward(request));
    assert.deepEqual([e.code, e.argument], ["INVALID_ARGUMENT", argument], e.message);
    assert.match(e.stack, /edge\.test\.mjs/, "the caller's frame");
  }
  assert.deepEqual(await sent(), [], "nothing was sent");
});

test("a limiter is awaited before every attempt, and each attempt's release follows its answer", async () => {
  const events = [];
  let signals = 0;
  const limiter = {
    async acquire(signal) {
      assert.ok(signal instanceof AbortSignal);
      signals++;
      events.push("acquire");
      return () => events.push("release");
    },
  };
  const { c } = client({ limiter, retries: 3 });
  await fault({ status: 503, count: 2, path: "/v2/library/info" });
  await c.getInfo();
  assert.deepEqual(events, ["acquire", "release", "acquire", "release", "acquire", "release"]);
  assert.equal(signals, 3);
  events.length = 0;
  await c.forward(new Request(`${EDGE}/v2/library/folders`));
  assert.deepEqual(events, ["acquire", "release"], "forward goes through it too");
  // the release follows the answer, not the retry's wait (a server asking for a second's wait
  // must not keep the shared slot that long)
  const times = {};
  const timed = client({
    retries: 1,
    limiter: { acquire: async () => () => { times.release ??= performance.now(); } },
    fetch: async (request) => { const r = await fetch(request); times.answer ??= performance.now(); return r; },
  }).c;
  await fault({ status: 503, count: 1, path: "/v2/library/info", headers: { "retry-after": "1" } });
  await timed.getInfo();
  assert.ok(times.release - times.answer < 500, `released ${Math.round(times.release - times.answer)} ms after the answer, before the 1 s wait`);
});

test("a limiter that refuses fails the call with RATE_LIMITED and sends nothing; one that waits keeps the call's budget", async () => {
  const reason = new Error("the daily quota is used");
  const refusing = client({ limiter: { acquire: () => Promise.reject(reason) } }).c;
  const e = await rejection(refusing.getInfo());
  assert.equal(e.code, "RATE_LIMITED");
  assert.equal(e.cause, reason);
  assert.match(e.message, /^getInfo: The limiter refused the call: Error: the daily quota is used/);
  const f = await rejection(refusing.forward(new Request(`${EDGE}/v2/library/info`)));
  assert.equal(f.code, "RATE_LIMITED");
  assert.deepEqual(await sent(), [], "nothing was sent");
  // a limiter that never grants: the call's budget and signal still hold, and the limiter's
  // signal tells it the call gave up
  let aborted = false;
  const waiting = client({
    limiter: {
      acquire: (signal) => new Promise((_, fail) => signal.addEventListener("abort", () => { aborted = true; fail(signal.reason); })),
    },
  }).c;
  const t = await rejection(waiting.getInfo({ timeoutMs: 100 }));
  assert.equal(t.code, "TIMEOUT");
  assert.ok(aborted, "the limiter's signal aborted");
  // a release that throws does not break the call: it is reported as an uncaught exception, as
  // an event listener's would be (in a process of its own: node:test fails a test on one)
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", `
    const { MyLibraryClient } = await import(${JSON.stringify(resolve(root, "pkg/index.node.js"))});
    const thrown = [];
    process.on("uncaughtException", (e) => thrown.push(e.message));
    const c = new MyLibraryClient({ apiKey: "${KEY}", accessToken: "${TOKEN}", baseUrl: "${base}/v2", limiter: { acquire: async () => () => { throw new Error("release failed"); } } });
    const info = await c.getInfo();
    await new Promise((ok) => setTimeout(ok, 20));
    console.log(JSON.stringify({ files: typeof info.usage_summary.file_count, thrown }));`], { encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), { files: "number", thrown: ["release failed"] });
  // not an object with acquire
  const bad = (() => { try { new MyLibraryClient({ baseUrl: `${base}/v2`, limiter: { take() {} } }); } catch (err) { return err; } })();
  assert.deepEqual([bad.code, bad.argument], ["INVALID_ARGUMENT", "options.limiter"]);
});

test("the browser build has neither forward nor the limiter option; the servers' build and types do", () => {
  const browser = readFileSync(resolve(root, "pkg/ctct_mylibrary.d.ts"), "utf8");
  const server = readFileSync(resolve(root, "pkg/ctct_mylibrary_server.d.ts"), "utf8");
  assert.ok(!/\bforward\(/.test(browser) && !/\blimiter\?/.test(browser), "the browser's types");
  assert.ok(/\bforward\(request: Request/.test(server) && /\blimiter\?: Limiter/.test(server), "the servers' types");
  assert.ok(!readFileSync(resolve(root, "pkg/ctct_mylibrary.js"), "utf8").includes("__forward"), "the browser's glue");
  assert.ok(!readFileSync(resolve(root, "pkg/index.browser.js"), "utf8").includes("edge.js"), "the browser's entry loads no edge module");
  for (const entry of ["index.node.js", "index.deno.js", "index.workerd.js"]) {
    assert.ok(readFileSync(resolve(root, "pkg", entry), "utf8").includes("ctct_mylibrary_server"), entry);
  }
});
