// The Rust Worker (examples/worker-rs: workers-rs and ctct-mylibrary's Rust face, built with the
// pinned wasm-bindgen and no tool that downloads) on real workerd (Miniflare 4) in front of the
// emulator. Its answers are checked against the API's own; the requests go through the global
// fetch, or through the `API` service binding (the client's `fetch` option), bound to another
// Worker or to a function; every answer and log line is scanned for the credentials. The build
// (cargo, wasm-bindgen, wasm-opt, the entry module) runs first: a fresh clone needs only
// scripts/bootstrap (the wasm32 target, wasm-bindgen-cli, tools/node_modules).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startEmulator } from "../support/emulator.mjs";

const root = resolve(import.meta.dirname, "../..");
const { buildRustWorker, startRustWorker } = await import(join(root, "examples/worker-rs/dev.mjs"));
const { fetch: forward } = await import(join(root, "tools/node_modules/miniflare/dist/src/index.js"));
const KEY = "rust-worker-key-7301";
const TOKEN = "rust-worker-token-2f9c48";
const WRONG_TOKEN = "rust-worker-wrong-token-55e1";
const SECRETS = [KEY, TOKEN, WRONG_TOKEN];

let built, emulator;
const workers = {}; // direct (global fetch), gateway (binding to a Worker), bound (binding to a function), wrong (a bad token), unset (no token)
const seen = []; // every answer of a Worker: { what, status, headers, body }
const sent = []; // every request sent on the Workers' behalf: { worker, from, url, method, headers, status, body }
const logLines = [];

/** The API itself, with the credentials: parsed JSON. */
async function api(path) {
  const r = await fetch(`${emulator.base}/v2/library/${path}${path.includes("?") ? "&" : "?"}api_key=${KEY}`, { headers: { authorization: `Bearer ${TOKEN}`, accept: "application/json" } });
  assert.equal(r.status, 200, `the API answered ${path} with ${r.status}`);
  return r.json();
}

/** Every page of a listing of the API. */
async function apiAll(path) {
  const items = [];
  let page = await api(path);
  for (;;) {
    items.push(...page.results);
    const next = page.meta?.pagination?.next_link;
    if (!next) return items;
    page = await api(`${next.replace(/^\/v2\/library\//, "")}`);
  }
}

/** A request to one of the Workers, recorded for the scan. */
async function call(name, path, init = {}) {
  const r = await fetch(workers[name].url + path, init);
  const text = await r.text();
  seen.push({ what: `${name} ${init.method ?? "GET"} ${path}`, status: r.status, headers: [...r.headers].flat().join(" "), body: text });
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json };
}

/** The names a wasm module exports, from its export section (Node 20 cannot compile the GC-typed module workerd runs). */
function wasmExports(bytes) {
  let at = 8;
  const leb = () => { let n = 0, shift = 0, b; do { b = bytes[at++]; n |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return n >>> 0; };
  const name = () => { const len = leb(); const s = bytes.subarray(at, at + len).toString("utf8"); at += len; return s; };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    if (id !== 7) { at += size; continue; }
    const names = [];
    for (let count = leb(); count > 0; count--) { names.push(name()); at++; leb(); }
    return names;
  }
  return [];
}

const grid = (files) => files.map((f) => ({ id: f.id, name: f.name, thumbnail: f.thumbnail ?? null }));
const sentBy = (worker) => sent.filter((s) => s.worker === worker);

before(async () => {
  built = await buildRustWorker();
  emulator = await startEmulator(["--api-key", KEY, "--access-token", TOKEN, "--qps", "0", "--upload-delay-ms", "0", "--files", "30", "--folders", "8"]);
  const start = (worker, options) => startRustWorker({
    apiBase: `${emulator.base}/v2`,
    apiKey: KEY,
    accessToken: TOKEN,
    tap: (s) => sent.push({ worker, ...s }),
    onLog: (line) => logLines.push(line),
    ...options,
  }).then((w) => { workers[worker] = w; });
  await start("direct");
  await start("gateway", { api: "worker" });
  await start("bound", { api: (request) => forward(request) });
  await start("wrong", { accessToken: WRONG_TOKEN });
  await start("unset", { accessToken: "" });
});

after(async () => {
  for (const w of Object.values(workers)) await w.dispose();
  emulator?.stop();
});

test("GET /overview: the library's info, its whole folder tree and the first page of files, as the API answers them", async () => {
  const before = sentBy("direct").length;
  const r = await call("direct", "/overview?limit=5");
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get("content-type"), /^application\/json/);
  assert.equal(r.headers.get("cache-control"), "no-store");
  assert.equal(r.json.via, "fetch");
  assert.deepEqual(r.json.info, await api("info"));
  const folders = await apiAll("folders?limit=1000");
  assert.ok(folders.some((f) => f.children.length > 0), "the emulator's tree has sub-folders");
  assert.deepEqual(r.json.folders, folders);
  const files = await api("files?limit=5");
  assert.deepEqual(r.json.files, files.results);
  assert.equal(r.json.more_files, true);
  // three requests upstream, each with the credentials, through the global fetch
  const out = sentBy("direct").slice(before);
  assert.deepEqual(out.map((s) => new URL(s.url).pathname).sort(), ["/v2/library/files", "/v2/library/folders", "/v2/library/info"]);
  for (const s of out) {
    assert.equal(s.from, "worker-rs");
    assert.equal(new URL(s.url).searchParams.get("api_key"), KEY);
    assert.equal(s.headers.authorization, `Bearer ${TOKEN}`);
  }
  // without a limit: the API's default page of 50 holds all 40 files
  const all = await call("direct", "/overview");
  assert.equal(all.status, 200);
  assert.deepEqual(all.json.files, (await api("files?limit=50")).results);
  assert.equal(all.json.files.length, 40);
  assert.equal(all.json.more_files, false);
});

test("GET /grid?limit=n: one page of the thumbnail grid (id, name, thumbnail), of the library or of a folder", async () => {
  const r = await call("direct", "/grid?limit=7");
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { via: "fetch", items: grid((await api("files?limit=7")).results), more: true });
  for (const cell of r.json.items) {
    assert.deepEqual(Object.keys(cell.thumbnail).sort(), ["height", "url", "width"]);
    assert.ok(cell.thumbnail.width > 0 && cell.thumbnail.height > 0);
  }
  // a folder's files: its only page
  const folder = (await apiAll("folders?limit=1000")).find((f) => f.item_count >= 2);
  const inFolder = await call("direct", `/grid?limit=100&folder=${folder.id}`);
  assert.equal(inFolder.status, 200, inFolder.text);
  const expected = (await api(`folders/${folder.id}/files?limit=100`)).results;
  assert.equal(expected.length, folder.item_count);
  assert.deepEqual(inFolder.json, { via: "fetch", items: grid(expected), more: false });
  // documents have the generic icon as their thumbnail
  const everything = await call("direct", "/grid?limit=1000");
  assert.equal(everything.json.items.length, 40);
  assert.ok(everything.json.items.some((c) => c.thumbnail?.url.endsWith("/ih/ui/mlui_document.png")));
});

for (const [worker, from, what] of [["gateway", "gateway", "a service binding to another Worker"], ["bound", "binding", "a service binding to a function"]]) {
  test(`${what} carries every request (the Rust client's fetch option): the same answers`, async () => {
    const before = sent.length;
    const overview = await call(worker, "/overview?limit=4");
    const page = await call(worker, "/grid?limit=6");
    assert.equal(overview.status, 200, overview.text);
    assert.equal(page.status, 200, page.text);
    assert.equal(overview.json.via, "binding");
    assert.equal(page.json.via, "binding");
    const reference = await call("direct", "/overview?limit=4");
    assert.deepEqual({ ...overview.json, via: "fetch" }, reference.json);
    assert.deepEqual(page.json.items, grid((await api("files?limit=6")).results));
    // every request of this Worker went through the binding; none through its own fetch
    const out = sent.slice(before).filter((s) => s.worker === worker);
    assert.equal(out.length, 4);
    assert.ok(out.every((s) => s.from === from), JSON.stringify(out.map((s) => s.from)));
    for (const s of out) assert.equal(s.headers.authorization, `Bearer ${TOKEN}`);
  });
}

test("refusals are answered before anything is sent upstream", async () => {
  const before = sent.length;
  for (const [path, status, code] of [
    ["/grid?limit=0", 400, "INVALID_ARGUMENT"],
    ["/grid?limit=1001", 400, "INVALID_ARGUMENT"],
    ["/grid?limit=ten", 400, "INVALID_ARGUMENT"],
    ["/overview?limit=-1", 400, "INVALID_ARGUMENT"],
    ["/grid?folder=", 400, "INVALID_ARGUMENT"],
    ["/elsewhere", 404, "NOT_FOUND"],
  ]) {
    const r = await call("direct", path);
    assert.equal(r.status, status, `${path}: ${r.text}`);
    assert.equal(r.json.error.code, code, path);
    assert.equal(r.headers.get("cache-control"), "no-store");
  }
  const post = await call("direct", "/overview", { method: "POST", body: "{}" });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET");
  // a Worker without its token says which binding it lacks
  const unset = await call("unset", "/grid?limit=2");
  assert.equal(unset.status, 500);
  assert.deepEqual(unset.json.error, { code: "CONFIG", message: "the Worker has no ACCESS_TOKEN binding" });
  assert.equal(sent.length, before, "nothing was sent upstream");
});

test("the API's errors become 502 with the API's status and the client's redacted message", async () => {
  const missing = await call("direct", "/grid?folder=424242");
  assert.equal(missing.status, 502, missing.text);
  assert.deepEqual([missing.json.error.code, missing.json.error.status], ["HTTP", 404]);
  // a folder id stays one path segment
  const before = sentBy("direct").length;
  const odd = await call("direct", "/grid?folder=..%2Finfo");
  assert.deepEqual([odd.status, odd.json.error.status], [502, 404]);
  assert.deepEqual(sentBy("direct").slice(before).map((s) => new URL(s.url).pathname), ["/v2/library/folders/..%2Finfo/files"]);
  for (const path of ["/overview", "/grid?limit=3"]) {
    const r = await call("wrong", path);
    assert.equal(r.status, 502, r.text);
    assert.deepEqual([r.json.error.code, r.json.error.status], ["HTTP", 401]);
    assert.match(r.json.error.message, /401/);
  }
  // the bad token did go upstream (where the API refused it), and only there
  assert.ok(sentBy("wrong").every((s) => s.headers.authorization === `Bearer ${WRONG_TOKEN}` && s.status === 401));
});

test("no answer and no log line holds a credential", () => {
  assert.ok(seen.length >= 20, `only ${seen.length} answers to scan`);
  for (const a of seen) {
    for (const secret of SECRETS) {
      assert.ok(!a.body.includes(secret), `${a.what} (${a.status}) holds a credential in its body`);
      assert.ok(!a.headers.includes(secret), `${a.what} (${a.status}) holds a credential in its headers`);
    }
    assert.ok(!/api_key|bearer/i.test(a.body + a.headers), `${a.what} names a credential`);
  }
  for (const line of logLines) for (const secret of SECRETS) assert.ok(!line.includes(secret), `a log line holds a credential: ${line}`);
});

test("the Worker links the Rust face alone: no JavaScript face, no native transport", () => {
  const wasm = readFileSync(built.wasm);
  const exports = wasmExports(wasm);
  assert.ok(exports.includes("fetch"), exports.join(" "));
  assert.ok(!exports.some((e) => /mylibrary|listfiles|getinfo/i.test(e)), `a JavaScript-face export: ${exports.filter((e) => /mylibrary/i.test(e))}`);
  // the name section (kept, as worker-build keeps it) names the crate's Rust face and no `js` module
  const names = wasm.toString("latin1");
  assert.ok(names.includes("ctct_mylibrary::client::"));
  assert.ok(!names.includes("ctct_mylibrary::js::"));
  const cargo = (args) => execFileSync(process.env.CARGO ?? "cargo", ["tree", "--manifest-path", join(root, "examples/worker-rs/Cargo.toml"), "--target", "wasm32-unknown-unknown", ...args], { encoding: "utf8" });
  const features = cargo(["-e", "features", "-i", "ctct-mylibrary"]);
  assert.ok(!/ctct-mylibrary feature "(js|native|edge|small-alloc)"/.test(features), features);
  const deps = cargo(["-p", "ctct-mylibrary", "-e", "normal", "--prefix", "none"]);
  for (const dep of ["tsify", "reqwest", "tokio", "lol_alloc"]) assert.ok(!deps.includes(`${dep} v`), `ctct-mylibrary pulls ${dep}`);
  // built with the wasm-bindgen the crate pins (and scripts/bootstrap installs the CLI of)
  const pinned = /\[\[package\]\]\nname = "wasm-bindgen"\nversion = "([^"]+)"/.exec(readFileSync(join(root, "Cargo.lock"), "utf8"))[1];
  assert.equal(built.wasmBindgen, pinned);
});
