// The sign-in helpers (ctct-mylibrary/oauth) in Node, against an emulator with two accounts:
// every case of tests/support/oauth-cases.mjs (the same cases run in Chromium).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { startEmulator } from "../support/emulator.mjs";
import { consent } from "../support/consent.mjs";
import { cases, run } from "../support/oauth-cases.mjs";

const root = resolve(import.meta.dirname, "../..");
const KEY = "oauth-test-key-1234";
const SECRET = "oauth-test-secret-5678";
let server, lib, c;

before(async () => {
  server = await startEmulator(["--files", "12", "--folders", "3", "--qps", "0", "--accounts", "2", "--api-key", KEY, "--access-token", "oauth-default-token-0000", "--client-secret", SECRET]);
  const oauth = await import(resolve(root, "pkg/oauth.js"));
  const { MyLibraryClient } = await import(resolve(root, "pkg/index.node.js"));
  lib = { ...oauth, MyLibraryClient };
  c = { base: server.base, clientId: KEY, clientSecret: SECRET, redirectUri: `${server.base}/`, defaultToken: "oauth-default-token-0000", inPage: false, consent };
});

after(() => server?.stop());

for (const name of Object.keys(cases)) {
  test(name, async () => {
    assert.equal(await run(name, lib, c), undefined);
  });
}

test("the entry imports nothing but the runtime, which imports nothing: no wasm is loaded", async () => {
  const imports = (file) => [...readFileSync(file, "utf8").matchAll(/(?:^|[;\n}])\s*(?:import|export)\b[^;"'`]*?from\s*"([^"]+)"|import\s*\(\s*"([^"]+)"/g)].map((m) => m[1] ?? m[2]);
  const entry = resolve(root, "pkg/oauth.js");
  const runtime = readdirSync(resolve(root, "pkg/snippets"))[0];
  assert.deepEqual(imports(entry), [`./snippets/${runtime}/src/js/runtime.js`]);
  assert.deepEqual(imports(resolve(root, "pkg/snippets", runtime, "src/js/runtime.js")), []);
  assert.ok(!/\.wasm|WebAssembly/.test(readFileSync(entry, "utf8")));
  // and in a fresh process, importing it instantiates nothing
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", `
    const made = [];
    for (const k of ["instantiate", "compile", "instantiateStreaming", "compileStreaming"]) {
      const f = WebAssembly[k]; WebAssembly[k] = (...a) => { made.push(k); return f(...a); };
    }
    const M = WebAssembly.Module; WebAssembly.Module = function (...a) { made.push("Module"); return new M(...a); };
    const m = await import(${JSON.stringify(entry)});
    console.log(JSON.stringify({ made, exports: Object.keys(m).sort() }));`], { encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), { made: [], exports: ["DEFAULT_OAUTH_BASE_URL", "MyLibraryError", "authorizationUrl", "exchangeCode", "parseCallback", "tokenInfo"] });
});

test("its errors are the core's MyLibraryError", async () => {
  const oauth = await import(resolve(root, "pkg/oauth.js"));
  const core = await import(resolve(root, "pkg/index.node.js"));
  assert.equal(oauth.MyLibraryError, core.MyLibraryError);
  assert.equal(oauth.DEFAULT_OAUTH_BASE_URL, "https://oauth2.constantcontact.com/oauth2");
});
