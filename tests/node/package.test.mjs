// The packed tarball, installed into a fresh project and used as a user would: ESM import,
// CommonJS require, no init call. Needs MYLIBRARY_EMULATOR_URL (scripts/with-emulator).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readdirSync, rmSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const base = process.env.MYLIBRARY_EMULATOR_URL ?? "http://127.0.0.1:18931";
const KEY = "wasm-test-key-1234";
const TOKEN = "wasm-test-token-5678";
let project;

const run = (file) => JSON.parse(execFileSync(process.execPath, [file], { cwd: project, encoding: "utf8", env: { ...process.env, BASE: base } }));

before(async () => {
  await fetch(`${base}/_emulator/reset`, { method: "POST", body: JSON.stringify({ files: 25, folders: 4 }) });
  const pack = mkdtempSync(join(tmpdir(), "ctct-pack-"));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", pack], { cwd: join(root, "pkg"), stdio: ["ignore", "ignore", "inherit"] });
  const tarball = join(pack, readdirSync(pack).find((f) => f.endsWith(".tgz")));
  project = mkdtempSync(join(tmpdir(), "ctct-app-"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, version: "1.0.0" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", tarball], { cwd: project, stdio: ["ignore", "ignore", "inherit"] });
  const opts = `{ apiKey: "${KEY}", accessToken: "${TOKEN}", baseUrl: process.env.BASE + "/v2", requestsPerSecond: 0 }`;
  writeFileSync(join(project, "app.mjs"), `
import { MyLibraryClient, MyLibraryError } from "ctct-mylibrary";
const client = new MyLibraryClient(${opts});
const names = [];
for await (const f of client.files({ limit: 10 })) names.push(f.name);
const info = await client.getInfo();
let error;
try { await client.getFolder("-999"); } catch (e) { error = { isError: e instanceof Error, isMine: e instanceof MyLibraryError, code: e.code, status: e.status, json: JSON.stringify(e) }; }
console.log(JSON.stringify({ names, count: info.usage_summary.file_count, error }));
`);
  writeFileSync(join(project, "app.cjs"), `
const { MyLibraryClient, MyLibraryError } = require("ctct-mylibrary");
const client = new MyLibraryClient(${opts});
client.listFolders({ limit: 1000 }).then((page) => {
  console.log(JSON.stringify({ folders: page.results.map((f) => f.name), errorClass: typeof MyLibraryError }));
});
`);
});

after(() => project && rmSync(project, { recursive: true, force: true }));

test("ESM import lists the library with no init call", () => {
  const out = run("app.mjs");
  assert.equal(out.names.length, 35);
  assert.equal(out.count, 35);
  assert.equal(out.names[0], "IMG_0341.JPG");
  assert.deepEqual({ ...out.error, json: undefined }, { isError: true, isMine: true, code: "HTTP", status: 404, json: undefined });
  assert.ok(!out.error.json.includes(KEY) && !out.error.json.includes(TOKEN));
});

test("CommonJS require works too", () => {
  const out = run("app.cjs");
  assert.ok(out.folders.includes("wildflowers") && out.folders.includes("Documents"));
  assert.equal(out.errorClass, "function");
});

test("the package holds what it should and nothing more", () => {
  const files = execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: join(root, "pkg"), encoding: "utf8" });
  const listed = JSON.parse(files)[0].files.map((f) => f.path).sort();
  for (const f of ["index.browser.js", "index.node.js", "index.deno.js", "index.workerd.js", "index.d.ts", "ctct_mylibrary_bg.wasm", "ctct_mylibrary.js", "package.json", "README.md", "LICENSE", "CHANGELOG.md",
    "fit.browser.js", "fit.node.js", "fit.deno.js", "fit.workerd.js", "fit-core.js", "fit-engine.js", "fit-worker.js", "fit.d.ts", "fit.d.cts"]) {
    assert.ok(listed.includes(f), `${f} is packed`);
  }
  assert.ok(listed.some((f) => f.endsWith("runtime.js")), "the JS runtime is packed");
  assert.ok(listed.includes("fit-upload.js"), "uploadFile's fit option is packed");
  // two builds: the browser's, and the servers' (Node, Deno, workerd: plus forward and limiter);
  // and the optional fit's, loaded only by ctct-mylibrary/fit
  assert.deepEqual(listed.filter((f) => f.endsWith(".wasm")), ["ctct_mylibrary_bg.wasm", "ctct_mylibrary_server_bg.wasm", "fit.wasm"]);
});

test("every JavaScript file ships a source map that names its own sources", () => {
  const files = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: join(root, "pkg"), encoding: "utf8" }))[0].files.map((f) => f.path);
  const js = files.filter((f) => f.endsWith(".js"));
  assert.ok(js.length >= 6, js.join(", "));
  for (const f of js) {
    const text = readFileSync(join(root, "pkg", f), "utf8");
    const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text);
    assert.ok(ref, `${f} names its source map`);
    const map = join(root, "pkg", f, "..", ref[1]);
    assert.ok(existsSync(map), `${f}'s map ${ref[1]} exists`);
    assert.ok(files.includes(join(f, "..", ref[1]).replace(/^\.\//, "")), `${f}'s map is packed`);
    const parsed = JSON.parse(readFileSync(map, "utf8"));
    assert.equal(parsed.version, 3);
    assert.ok(parsed.sources.length > 0 && parsed.mappings.length > 0, `${f}'s map maps something`);
  }
});

test("the ErrorCode type lists every code the client gives", () => {
  const rust = readFileSync(join(root, "src/error.rs"), "utf8");
  const body = rust.slice(rust.indexOf("pub fn as_str(self)"), rust.indexOf("/// One entry of a v2 error array"));
  // and the fit's (fit/src/lib.rs, plus the browser's worker failing to load)
  const fit = readFileSync(join(root, "fit/src/lib.rs"), "utf8");
  const fitBody = fit.slice(fit.indexOf("pub fn code(self)"), fit.indexOf("/// An image that could not be fitted"));
  const codes = [...new Set([...body.matchAll(/=> "([A-Z_]+)"/g), ...fitBody.matchAll(/=> "([A-Z_]+)"/g)].map((m) => m[1]).concat("IMAGE_WORKER"))].sort();
  assert.ok(codes.length >= 9, codes.join());
  for (const dts of ["index.d.ts", "index.d.cts"]) {
    const text = readFileSync(join(root, "pkg", dts), "utf8");
    const union = /export type ErrorCode =([^;]+);/.exec(text);
    assert.ok(union, `${dts} declares ErrorCode`);
    assert.deepEqual([...union[1].matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]).sort(), codes, dts);
  }
});
