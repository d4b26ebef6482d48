// One tarball, one .wasm: the Node and Deno example scripts, and the example web app built with
// Vite and with esbuild and loaded in Chromium, all against the emulator, none with an init call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startEmulator } from "../support/emulator.mjs";
import { cpSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "../../tools/node_modules/playwright-core/index.mjs";

const root = resolve(import.meta.dirname, "../..");
const tools = join(root, "tools/node_modules");
const emulator = process.env.MYLIBRARY_EMULATOR_URL ?? "http://127.0.0.1:18931";
const env = { ...process.env, CTCT_API_KEY: "wasm-test-key-1234", CTCT_ACCESS_TOKEN: "wasm-test-token-5678", CTCT_BASE_URL: `${emulator}/v2` };
let project, www, server, serverUrl;
const sha = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

before(async () => {
  await fetch(`${emulator}/_emulator/reset`, { method: "POST", body: JSON.stringify({ files: 20, folders: 3 }) });
  const pack = mkdtempSync(join(tmpdir(), "ctct-pack-"));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", pack], { cwd: join(root, "pkg") });
  const tarball = join(pack, readdirSync(pack).find((f) => f.endsWith(".tgz")));
  project = mkdtempSync(join(tmpdir(), "ctct-runtimes-"));
  cpSync(join(root, "examples"), project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "examples", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", tarball], { cwd: project, stdio: ["ignore", "ignore", "inherit"] });
  symlinkSync(join(tools, "esbuild"), join(project, "node_modules/esbuild"));
  // the bundled apps, served by an emulator from the same origin as the API
  www = join(project, "www");
  mkdirSync(www);
  execFileSync(join(tools, ".bin/vite"), ["build", "--outDir", join(www, "vite"), "--base", "./", "--logLevel", "error"], { cwd: join(project, "web") });
  execFileSync(process.execPath, ["build-esbuild.mjs", join(www, "esbuild")], { cwd: join(project, "web") });
  server = await startEmulator(["--www", www, "--files", "20", "--folders", "3", "--qps", "0"]);
  serverUrl = server.base;
});

after(() => server?.stop());

test("Node: the example script lists the library", () => {
  const out = JSON.parse(execFileSync(process.execPath, ["node/list-library.mjs"], { cwd: project, env, encoding: "utf8" }));
  assert.equal(out.fileCount, 30);
  assert.equal(out.files.length, 30);
  assert.equal(out.files[0].name, "IMG_0341.JPG");
  assert.ok(out.folders.includes("wildflowers"));
});

test("Deno: the example script lists the library", () => {
  const deno = join(tools, ".bin/deno");
  const out = JSON.parse(execFileSync(deno, ["run", "--quiet", "--no-prompt", "--allow-net", "--allow-read", "--allow-env", "deno/list-library.ts"], { cwd: project, env: { ...env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(project, ".deno") }, encoding: "utf8" }));
  assert.match(out.runtime, /^deno /);
  assert.equal(out.fileCount, 30);
  assert.equal(out.files.length, 30);
});

test("Vite and esbuild builds run in Chromium", async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  try {
    for (const app of ["vite", "esbuild"]) {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      await page.goto(`${serverUrl}/${app}/index.html`);
      await page.waitForSelector("html[data-done]", { timeout: 20000 });
      assert.equal(await page.getAttribute("html", "data-done"), "30", app);
      assert.equal(await page.textContent("#files li:first-child"), "IMG_0341.JPG (304560 bytes)");
      // bundled, the error still points at the app's caller, with no frame of wasm
      const stack = await page.getAttribute("html", "data-error-stack");
      assert.match(stack, /^MyLibraryError: getFile\("no-such-file"\): The MyLibrary API answered HTTP 404/, `${app}: ${stack}`);
      assert.match(stack, /openMissingFile/, `${app}: ${stack}`);
      assert.ok(!/wasm-function|wasm:\/\//.test(stack), `${app}: ${stack}`);
      // ctct-mylibrary/fit: its worker loaded from the build, under the emulator's CSP
      assert.match(await page.getAttribute("html", "data-fit"), /^jpeg 64x\d+ from \d+x\d+$/, app);
      assert.deepEqual(errors.filter((e) => !/404/.test(e)), [], app);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});

test("the bundled apps carry the package's browser wasm unchanged", () => {
  const original = sha(join(project, "node_modules/ctct-mylibrary/ctct_mylibrary_bg.wasm"));
  const esbuildCopy = sha(join(www, "esbuild/ctct_mylibrary_bg.wasm"));
  const viteAsset = readdirSync(join(www, "vite/assets")).find((f) => f.startsWith("ctct_mylibrary_bg") && f.endsWith(".wasm"));
  assert.ok(viteAsset, "Vite emitted the wasm as an asset");
  assert.equal(esbuildCopy, original);
  assert.equal(sha(join(www, "vite/assets", viteAsset)), original);
  // and ctct-mylibrary/fit's wasm, which only its worker loads
  const fit = sha(join(project, "node_modules/ctct-mylibrary/fit.wasm"));
  assert.equal(sha(join(www, "esbuild/fit.wasm")), fit);
  const viteFit = readdirSync(join(www, "vite/assets")).find((f) => f.startsWith("fit") && f.endsWith(".wasm"));
  assert.ok(viteFit, "Vite emitted the fit wasm as an asset");
  assert.equal(sha(join(www, "vite/assets", viteFit)), fit);
});
