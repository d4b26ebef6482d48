// The JavaScript face as a new user meets it, through the package's own entry (pkg/index.node.js):
// each test holds a defect found by trying it, and what must be true instead. Needs
// MYLIBRARY_EMULATOR_URL (scripts/with-emulator).
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { rejecting } from "../support/rejection.mjs";

const root = resolve(import.meta.dirname, "../..");
const entry = resolve(root, "pkg/index.node.js");
const { MyLibraryClient, MyLibraryError } = await import(entry);
const base = process.env.MYLIBRARY_EMULATOR_URL ?? "http://127.0.0.1:18931";
const KEY = "wasm-test-key-1234";
const TOKEN = "wasm-test-token-5678";
const options = { apiKey: KEY, accessToken: TOKEN, baseUrl: `${base}/v2`, requestsPerSecond: 0 };

const control = (what, body, method = "POST") =>
  fetch(`${base}/_emulator/${what}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json().catch(() => null));
const fault = (f) => control("faults", f);
const clearLog = () => fetch(`${base}/_emulator/log`, { method: "DELETE" });
/** The /v2/ requests since the last clear, as "METHOD path". */
const sent = async () => (await control("log", undefined, "GET")).filter((e) => e.path.startsWith("/v2/")).map((e) => `${e.method} ${e.path}`);

/** The error a call rejects with, checked to be a MyLibraryError free of credentials. */
const rejection = rejecting(MyLibraryError, [KEY, TOKEN]);

beforeEach(async () => {
  await fetch(`${base}/_emulator/faults`, { method: "DELETE" });
  await control("reset", { files: 12, folders: 6 });
  await clearLog();
});

test("a folder's cursor continues the folder's listing, without repeating folderId", async () => {
  const client = new MyLibraryClient(options);
  const first = await client.listFiles({ folderId: "-1", limit: 1 });
  assert.match(first.next, /^folders\/-1\/files\?next=/);
  await clearLog();
  const rest = await client.listFiles({ next: first.next });
  assert.ok(rest.results.length >= 1);
  assert.ok(rest.results.every((f) => f.folder_id === "-1"));
  assert.deepEqual(await sent(), ["GET /v2/library/folders/-1/files"]);
  // a cursor handed to another listing is refused before anything is sent
  await clearLog();
  const e = await rejection(client.listTrash({ next: first.next }));
  assert.equal(e.code, "INVALID_ARGUMENT");
  assert.equal(e.argument, "params.next");
  const other = await rejection(client.listFiles({ folderId: "-2", next: first.next }));
  assert.equal(other.argument, "params.folderId");
  assert.deepEqual(await sent(), []);
});

async function callerFrameProbe(client) {
  return client.getFile("missing-id");
}

test("errors name the operation and the id, carry the request, and show the caller's frames", async () => {
  const client = new MyLibraryClient(options);
  const e = await rejection(callerFrameProbe(client));
  assert.equal(e.code, "HTTP");
  assert.equal(e.status, 404);
  assert.match(e.message, /^getFile\("missing-id"\): The MyLibrary API answered HTTP 404/);
  assert.equal(e.request.method, "GET");
  assert.equal(e.request.url, `${base}/v2/library/files/missing-id?api_key=[REDACTED]`);
  assert.match(e.stack, /callerFrameProbe/, e.stack);
  assert.ok(!/wasm-function|wasm:\/\//.test(e.stack), e.stack);
  // a DECODE of a 200 answer has the status 200
  await fault({ status: 200, body: "<html>maintenance</html>", content_type: "text/html" });
  const d = await rejection(client.getInfo());
  assert.deepEqual([d.code, d.status], ["DECODE", 200]);
  // iterators' errors show where the caller iterates
  await fault({ status: 500, count: 10 });
  const walk = new MyLibraryClient({ ...options, retries: 0 });
  const w = await rejection((async function iteratingCaller() {
    for await (const _ of walk.files()) void _;
  })());
  assert.match(w.stack, /iteratingCaller/, w.stack);
});

test("an uncaught error prints short source lines and the caller's own function", () => {
  const dir = mkdtempSync(join(tmpdir(), "ctct-uncaught-"));
  const script = join(dir, "uncaught.mjs");
  writeFileSync(script, `
import { MyLibraryClient } from ${JSON.stringify(entry)};
const client = new MyLibraryClient(${JSON.stringify(options)});
async function loadThePicture() { return client.getFile("missing-id"); }
await loadThePicture();
`);
  let stderr = "";
  try {
    execFileSync(process.execPath, [script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    stderr = e.stderr;
  }
  assert.match(stderr, /MyLibraryError: getFile\("missing-id"\)/);
  assert.match(stderr, /loadThePicture/);
  const longest = Math.max(...stderr.split("\n").map((l) => l.length));
  assert.ok(longest <= 400, `the longest printed line has ${longest} characters:\n${stderr}`);
  assert.ok(!stderr.includes(KEY) && !stderr.includes(TOKEN));
});

test("the caller's abort reason is the cause; a TimeoutError is TIMEOUT", async () => {
  const client = new MyLibraryClient(options);
  await fault({ action: "delay", delay_ms: 2000, path: "/v2/library/info", count: 3 });
  const ac = new AbortController();
  const pending = client.getInfo({ signal: ac.signal });
  const reason = new Error("user navigated away");
  ac.abort(reason);
  const e = await rejection(pending);
  assert.equal(e.code, "ABORTED");
  assert.equal(e.cause, reason);
  const t = await rejection(client.getInfo({ signal: AbortSignal.timeout(100) }));
  assert.equal(t.code, "TIMEOUT");
  assert.equal(t.cause?.name, "TimeoutError");
  const s = new AbortController();
  s.abort("a string reason");
  const early = await rejection(client.getInfo({ signal: s.signal }));
  assert.deepEqual([early.code, early.cause], ["ABORTED", "a string reason"]);
});

test("one options reader: unknown keys by name, null as missing, messages that say what is wrong", async () => {
  const client = new MyLibraryClient(options);
  const png = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAJJRU5ErkJggg==", "base64"));
  const cases = [
    [client.getInfo({ timout: 5 }), "options.timout", /options\.timout is not an option of options; its options are: signal, timeoutMs/],
    [client.listFiles({ limit: 1.5 }), "params.limit", /params\.limit must be an integer from 1 to 1000, not 1\.5/],
    [client.listFiles({ limit: 0 }), "params.limit", /params\.limit must be an integer from 1 to 1000, not 0/],
    [client.uploadFile({ data: png, fileName: "x.webp" }), "upload.fileName", /upload\.fileName is a \.webp file, which MyLibrary does not take; it takes JPEG, JPG, GIF, PNG/],
    [client.uploadFile({ data: png, fileName: "x", fileType: "WEBP" }), "upload.fileType", /upload\.fileType must be one of JPEG/],
    [client.uploadFile({ data: png, fileName: "x" }), "upload.fileType", /upload\.fileType is needed: "x" has no extension/],
    [client.updateFile("9", { nmae: "x" }), "changes.nmae", /changes\.nmae is not an option of changes; its options are: name, description, folderId/],
    [client.createFolder({ name: "写真" }), "folder.name", /folder\.name may hold only ISO-8859-1 characters/],
    [client.getFile(9), "fileId", /fileId must be a string, not 9/],
    [client.waitForUpload("9", { intervalMs: 1.5 }), "options.intervalMs", /must be a non-negative integer number of milliseconds, not 1\.5/],
  ];
  for (const [call, argument, message] of cases) {
    const e = await rejection(call);
    assert.equal(e.code, "INVALID_ARGUMENT");
    assert.equal(e.argument, argument, e.message);
    assert.match(e.message, message);
    assert.ok(!/pass fileType/.test(e.message) || argument === "upload.fileType", e.message);
  }
  assert.deepEqual(await sent(), [], "nothing was sent");
  // null means "not given", in every options object
  const { fileId } = await client.uploadFile({ data: png, fileName: "null.png", folderId: null, description: null, source: null }, { onProgress: null, timeoutMs: null });
  const updated = await client.updateFile(fileId, { name: "renamed.png", description: null, folderId: null });
  assert.equal(updated.name, "renamed.png");
  // an empty list of ids is nothing to do
  await clearLog();
  assert.equal(await client.deleteFiles([]), undefined);
  assert.deepEqual(await client.moveFiles("-1", []), []);
  assert.deepEqual(await client.getUploadStatus([]), []);
  assert.deepEqual(await sent(), []);
});

test("waitForUpload resolves with the Active status and tells every status on the way", async () => {
  await control("config", { upload_delay_ms: 300 });
  const client = new MyLibraryClient(options);
  const png = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAJJRU5ErkJggg==", "base64"));
  const { fileId } = await client.uploadFile({ data: png, fileName: "wait.png" });
  const seen = [];
  const done = await client.waitForUpload(fileId, { intervalMs: 50, onStatus: (s) => seen.push(s.status) });
  assert.equal(done.status, "Active");
  assert.equal(done.file_id, fileId);
  assert.ok(seen.length >= 2 && seen.at(-1) === "Active" && seen.slice(0, -1).every((s) => s !== "Active"), seen.join());
  await control("config", { upload_delay_ms: 0 });
});

test("a secret too short to be real never mangles a message", async () => {
  const client = new MyLibraryClient({ apiKey: "k", accessToken: "t", baseUrl: `${base}/v2`, requestsPerSecond: 0 });
  const e = await rejection(client.getInfo());
  assert.equal(e.status, 403, "the emulator does not know the api key k");
  assert.ok(!e.message.includes("[REDACTED]"), e.message);
  assert.match(e.message, /^getInfo: The MyLibrary API answered HTTP 403: .*[a-z]/);
});

test("after free(), calls reject with a MyLibraryError; `using` frees", async () => {
  const client = new MyLibraryClient(options);
  client.free();
  const e = await rejection(client.getInfo());
  assert.deepEqual([e.code, e.argument], ["INVALID_ARGUMENT", "this"]);
  assert.match(e.message, /getInfo: this MyLibraryClient was freed/);
  await rejection(client.files().next());
  assert.throws(() => client.setAccessToken("x".repeat(12)), (t) => t instanceof MyLibraryError && t.argument === "this");
  // `using scoped = new MyLibraryClient(...)` calls [Symbol.dispose]() at the end of the block
  // (Node 20 has the symbol, not yet the syntax)
  const scoped = new MyLibraryClient(options);
  try {
    assert.equal((await scoped.getInfo()).usage_summary.file_count, 22);
  } finally {
    scoped[Symbol.dispose]();
  }
  assert.equal((await rejection(scoped.getInfo())).code, "INVALID_ARGUMENT");
});

test("getAccessToken: a 401 asks for a new token once, then the request is sent again", async () => {
  let asked = 0;
  const client = new MyLibraryClient({ ...options, accessToken: undefined, getAccessToken: async () => { asked++; return TOKEN; } });
  // no token yet: asked before the first request
  assert.equal((await client.getInfo()).usage_summary.file_count, 22);
  assert.equal(asked, 1);
  // a walk meets an expired token half-way (the emulator refuses a stale one), and goes on
  await clearLog();
  const names = [];
  for await (const f of client.files({ limit: 5 })) {
    names.push(f.name);
    if (names.length === 7) client.setAccessToken("stale-token-0000");
  }
  assert.equal(names.length, 22);
  assert.equal(asked, 2);
  const statuses = (await control("log", undefined, "GET")).filter((e) => e.path.startsWith("/v2/")).map((e) => e.status);
  assert.deepEqual(statuses, [200, 200, 401, 200, 200, 200]);
  // calls that meet the same expiry together share one refresh
  client.setAccessToken("stale-token-0000");
  await Promise.all([client.getInfo(), client.getInfo(), client.getInfo()]);
  assert.equal(asked, 3);
  // a failing source: the 401 comes back, its cause the source's failure
  const broken = new MyLibraryClient({ ...options, accessToken: "stale-token-0000", getAccessToken: async () => { throw new Error("the refresh failed"); } });
  const e = await rejection(broken.getInfo());
  assert.equal(e.status, 401);
  assert.equal(e.cause?.message, "the refresh failed");
});

test("a token that cannot travel in a header is refused, wherever it comes from", async () => {
  for (const bad of ["a€b", "line\nbreak", "with space", "nul\0x"]) {
    assert.throws(() => new MyLibraryClient({ ...options, accessToken: bad }), (e) => e instanceof MyLibraryError && e.argument === "options.accessToken");
    const client = new MyLibraryClient(options);
    assert.throws(() => client.setAccessToken(bad), (e) => e instanceof MyLibraryError && e.argument === "token");
    await client.getInfo(); // still usable
  }
  await clearLog();
  const sourced = new MyLibraryClient({ ...options, accessToken: undefined, getAccessToken: async () => "truncated…" });
  const e = await rejection(sourced.getInfo());
  assert.equal(e.code, "TOKEN");
  assert.equal(e.request, undefined, "nothing was sent");
  assert.match(e.message, /getAccessToken resolved with a token that must be visible ASCII/);
  const failing = new MyLibraryClient({ ...options, accessToken: undefined, getAccessToken: async () => { throw new Error("vault down"); } });
  const f = await rejection(failing.getInfo());
  assert.deepEqual([f.code, f.cause?.message, f.request], ["TOKEN", "vault down", undefined]);
  assert.deepEqual(await sent(), []);
});

test("the call's budget and signal hold while getAccessToken works", async () => {
  const slow = new MyLibraryClient({ ...options, accessToken: undefined, getAccessToken: () => new Promise((r) => setTimeout(() => r(TOKEN), 3000)) });
  let started = Date.now();
  const t = await rejection(slow.getInfo({ timeoutMs: 300 }));
  assert.equal(t.code, "TIMEOUT");
  assert.ok(Date.now() - started < 2000, `stopped after ${Date.now() - started} ms`);
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("left")), 200);
  started = Date.now();
  const a = await rejection(slow.getInfo({ signal: ac.signal }));
  assert.deepEqual([a.code, a.cause?.message], ["ABORTED", "left"]);
  assert.ok(Date.now() - started < 2000);
});

test("free() twice and dispose after free() do nothing; methods without their client reject", async () => {
  const client = new MyLibraryClient(options);
  client.free();
  client.free();
  client[Symbol.dispose]();
  const { getInfo } = new MyLibraryClient(options);
  const e = await rejection(getInfo());
  assert.deepEqual([e.code, e.argument], ["INVALID_ARGUMENT", "this"]);
  assert.match(e.message, /^getInfo: called without its client/);
  const freed = new MyLibraryClient(options);
  freed.free();
  const it = await rejection(freed.files().next());
  assert.match(it.message, /^files: this MyLibraryClient was freed/);
});

test("the rest of what a new user met", async () => {
  const client = new MyLibraryClient(options);
  // a budget longer than a timer counts is no budget, not an instant timeout
  assert.equal((await client.getInfo({ timeoutMs: 1e12 })).usage_summary.file_count, 22);
  // `next` carries its listing's options: others beside it are refused, not ignored
  const first = await client.listFiles({ limit: 5 });
  const n = await rejection(client.listFiles({ next: first.next, limit: 10 }));
  assert.deepEqual([n.argument, n.message.includes("pass `next` alone")], ["params.limit", true]);
  assert.equal((await client.listFiles({ next: first.next })).results.length, 5);
  let walked = 0;
  for await (const _ of client.files({ limit: 5, sortBy: "NAME" })) walked++;
  assert.equal(walked, 22);
  // an argument error does not invent an id
  const bad = await rejection(client.getFile(42));
  assert.match(bad.message, /^getFile: fileId must be a string, not 42/);
  // units and sources in messages
  assert.throws(() => new MyLibraryClient({ ...options, maxUploadBytes: -1 }), /must be a positive integer number of bytes/);
  const small = new MyLibraryClient({ ...options, maxUploadBytes: 10 });
  const big = await rejection(small.uploadFile({ data: new Uint8Array(11), fileName: "a.png" }));
  assert.match(big.message, /upload\.data is 11 bytes; uploads may be at most 10 \(the client's maxUploadBytes\)/);
  // options must be plain objects; signals must be signals
  assert.equal((await rejection(client.getInfo(new Date()))).argument, "options");
  assert.equal((await rejection(client.getInfo({ signal: {} }))).argument, "options.signal");
  // abort(null): the reason is still the cause
  const ac = new AbortController();
  ac.abort(null);
  const aborted = await rejection(client.getInfo({ signal: ac.signal }));
  assert.equal(aborted.cause, null);
  assert.equal(aborted.request, undefined, "nothing was sent");
  // 429 is a rate limit: retried, then RATE_LIMITED
  await fault({ status: 429, body: "[]", count: 10 });
  const limited = await rejection(new MyLibraryClient({ ...options, retries: 1 }).getInfo());
  assert.deepEqual([limited.code, limited.status], ["RATE_LIMITED", 429]);
  await fetch(`${base}/_emulator/faults`, { method: "DELETE" });
  // a credential deep in a runtime error's cause chain never shows
  const leaky = new MyLibraryClient({ ...options, fetch: () => { throw new TypeError("fetch failed", { cause: new Error(`socket for ${TOKEN}`, { cause: new Error(`key ${KEY}`) }) }); } });
  const net = await rejection(leaky.getInfo());
  const { inspect } = await import("node:util");
  const shown = inspect(net, { depth: 10 });
  assert.ok(!shown.includes(TOKEN) && !shown.includes(KEY), shown);
  assert.match(net.cause.cause.message, /socket for \[REDACTED\]/);
});

test("an upload with an expired token is refreshed and sent again", async () => {
  let asked = 0;
  const client = new MyLibraryClient({ ...options, accessToken: "stale-token-0000", getAccessToken: async () => { asked++; return TOKEN; } });
  const png = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAJJRU5ErkJggg==", "base64"));
  await clearLog();
  const { fileId } = await client.uploadFile({ data: png, fileName: "again.png" });
  assert.ok(fileId);
  assert.equal(asked, 1);
  const statuses = (await control("log", undefined, "GET")).filter((e) => e.path.startsWith("/v2/")).map((e) => e.status);
  assert.equal(statuses.length, 2);
  assert.equal(statuses[0], 401, "the emulator reads an upload before refusing it, as a server does");
  assert.ok(statuses[1] >= 200 && statuses[1] < 300, statuses.join());
});
