// The JavaScript face as a new user meets it, through the package's own entry (pkg/index.node.js):
// each test holds a defect found by trying it, and what must be true instead. Needs
// MYLIBRARY_EMULATOR_URL (scripts/with-emulator).
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

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
async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof MyLibraryError, `a MyLibraryError, not ${e}`);
    const text = `${e.message} ${e.stack} ${JSON.stringify(e)}`;
    assert.ok(!text.includes(KEY) && !text.includes(TOKEN), `no credential in ${text}`);
    return e;
  }
  assert.fail("the call succeeded");
}

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
