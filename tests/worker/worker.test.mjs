// The example Worker (examples/worker) on real workerd (Miniflare 4) in front of the emulator,
// driven through the package exactly as a browser app would: baseUrl pointed at the Worker,
// no credentials. Every response the Worker sends is scanned for the credentials.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const { startWorker } = await import(join(root, "examples/worker/dev.mjs"));
const emulator = process.env.MYLIBRARY_EMULATOR_URL ?? "http://127.0.0.1:18931";
const API_KEY = "wasm-test-key-1234";
const ACCESS_TOKEN = "wasm-test-token-5678";
let worker, base, MyLibraryClient, MyLibraryError;
const seen = []; // every response of the Worker: status, headers and body text

/** The package as a browser app uses it: the Worker's URL, no credentials, every response recorded. */
function client(extra = {}) {
  return new MyLibraryClient({
    baseUrl: `${base}/v2`,
    requestsPerSecond: 0,
    fetch: async (request) => {
      const r = await fetch(request);
      const body = await r.clone().text();
      seen.push({ url: request.url, status: r.status, headers: [...r.headers].flat().join(" "), body });
      return r;
    },
    ...extra,
  });
}
async function raw(path, init) {
  const r = await fetch(base + path, init);
  const body = await r.text();
  seen.push({ url: path, status: r.status, headers: [...r.headers].flat().join(" "), body });
  return { status: r.status, headers: r.headers, json: body ? JSON.parse(body) : undefined };
}
const control = (path, body) => fetch(`${emulator}/_emulator/${path}`, { method: "POST", body: JSON.stringify(body ?? {}) }).then((r) => r.json());

before(async () => {
  // One tarball, installed like any dependency, then bundled and run by examples/worker/dev.mjs.
  const pack = mkdtempSync(join(tmpdir(), "ctct-pack-"));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", pack], { cwd: join(root, "pkg") });
  const tarball = join(pack, readdirSync(pack).find((f) => f.endsWith(".tgz")));
  const project = mkdtempSync(join(tmpdir(), "ctct-worker-"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "w", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", tarball], { cwd: project, stdio: ["ignore", "ignore", "inherit"] });
  const packageDir = join(project, "node_modules/ctct-mylibrary");
  worker = await startWorker({ apiBase: `${emulator}/v2`, apiKey: API_KEY, accessToken: ACCESS_TOKEN, allowedOrigin: "http://app.example", packageDir });
  base = worker.url;
  ({ MyLibraryClient, MyLibraryError } = await import(join(packageDir, "index.node.js")));
  await control("reset", { files: 30, folders: 6 });
  await control("config", { upload_delay_ms: 200 });
});

after(async () => {
  await worker?.dispose();
  await control("config", { upload_delay_ms: 0 });
});

test("overview: info, the whole tree and the first page in one round trip", async () => {
  const { status, json } = await raw("/api/overview");
  assert.equal(status, 200);
  assert.equal(json.info.usage_summary.file_count, 40);
  assert.ok(json.folders.some((f) => f.name === "Documents" && f.children[0].name === "market_studies"));
  assert.equal(json.files.results.length, 40);
  assert.equal(json.files.results[0].id, "9");
});

test("the package works through the Worker with no credentials: list, upload, status, move, delete, empty trash", async () => {
  const c = client();
  const page = await c.listFiles({ limit: 5 });
  assert.equal(page.results.length, 5);
  let n = 0;
  for await (const _ of c.files({ limit: 7 })) n++;
  assert.equal(n, 40);
  const png = readFileSync(join(root, "docs/demo.png"));
  const { fileId } = await c.uploadFile({ data: new Uint8Array(png), fileName: "shot.png", folderId: "-1" });
  const st = await c.waitForUpload(fileId, { intervalMs: 50 });
  assert.equal(st.status, "Active");
  const moved = await c.moveFiles("-10", [fileId]);
  assert.equal(moved[0].id, fileId);
  assert.equal((await c.getFile(fileId)).folder_id, "-10");
  const renamed = await c.updateFile(fileId, { description: "through the edge" });
  assert.equal(renamed.description, "through the edge");
  await c.deleteFiles([fileId]);
  assert.ok((await c.listTrash()).results.some((f) => f.id === fileId));
  await c.emptyTrash();
  assert.equal((await c.listTrash()).results.length, 0);
  const f = await c.createFolder({ name: "Edge" });
  await c.deleteFolder(f.id);
});

test("reads are cached and every write invalidates them", async () => {
  const first = await raw("/v2/library/folders/-1");
  assert.equal(first.headers.get("x-proxy-cache"), null);
  const second = await raw("/v2/library/folders/-1");
  assert.equal(second.headers.get("x-proxy-cache"), "hit");
  await raw("/v2/library/folders/-1", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "wildflowers 2" }) });
  const after = await raw("/v2/library/folders/-1");
  assert.equal(after.headers.get("x-proxy-cache"), null, "a write bumps the generation");
  assert.equal(after.json.name, "wildflowers 2");
  const status1 = await raw("/v2/library/files/uploadstatus/9");
  const status2 = await raw("/v2/library/files/uploadstatus/9");
  assert.equal(status2.headers.get("x-proxy-cache"), null, "upload status is never cached");
  assert.deepEqual(status1.json, status2.json);
});

test("outside the allow-list, oversized uploads and malformed input get v2 errors", async () => {
  const cases = [
    [await raw("/v2/contacts"), 404, "http.status.not_found"],
    [await raw("/v2/library/info", { method: "DELETE" }), 405, "http.status.method_not_allowed"],
    [await raw("/v2/library/files/9", { method: "PATCH" }), 405, "http.status.method_not_allowed"],
    [await raw("/v2/library/folders", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }), 400, "http.status.bad_request"],
    [await raw("/v2/library/folders", { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(70_000) }), 413, "http.status.request_entity_too_large"],
    [await raw("/v2/library/files", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }), 415, "http.status.unsupported_media_type"],
    [await raw("/nope"), 404, "http.status.not_found"],
  ];
  const big = new FormData();
  big.append("file_name", "big.png");
  big.append("file_type", "PNG");
  big.append("data", new Blob([new Uint8Array(6 * 1024 * 1024)]), "big.png");
  cases.push([await raw("/v2/library/files", { method: "POST", body: big }), 413, "mylibrary.file.too_large"]);
  for (const [r, status, key] of cases) {
    assert.equal(r.status, status, key);
    assert.equal(r.json[0].error_key, key);
    assert.ok(r.json[0].error_message.length > 0);
  }
  // the client's own credentials are dropped, the Worker's are used
  const r = await raw("/v2/library/info?api_key=attacker&access_token=x");
  assert.equal(r.status, 200);
  // the API's own errors come through as they are
  const e = await client().getFolder("-999").catch((x) => x);
  assert.ok(e instanceof MyLibraryError && e.status === 404 && e.errors[0].error_key === "http.status.not_found");
});

test("CORS for the allowed origin only", async () => {
  const pre = await fetch(`${base}/v2/library/files`, { method: "OPTIONS", headers: { origin: "http://app.example", "access-control-request-method": "GET" } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), "http://app.example");
  const other = await fetch(`${base}/v2/library/files`, { method: "OPTIONS", headers: { origin: "http://evil.example" } });
  assert.equal(other.status, 403);
  const get = await fetch(`${base}/v2/library/info`, { headers: { origin: "http://evil.example" } });
  assert.equal(get.headers.get("access-control-allow-origin"), null);
});

test("no response of the Worker ever holds a credential", () => {
  assert.ok(seen.length > 30, `scanned ${seen.length} responses`);
  for (const r of seen) {
    for (const secret of [API_KEY, ACCESS_TOKEN, encodeURIComponent(API_KEY)]) {
      assert.ok(!r.body.includes(secret) && !r.headers.includes(secret), `credential in the response to ${r.url}`);
    }
  }
});
