// The sign-in helpers (ctct-mylibrary/oauth) in Node, against an emulator with two accounts:
// every case of tests/support/oauth-cases.mjs (the same cases run in Chromium).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
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

test("the entry loads no wasm, and its errors are the core's MyLibraryError", async () => {
  const oauth = await import(resolve(root, "pkg/oauth.js"));
  const core = await import(resolve(root, "pkg/index.node.js"));
  assert.equal(oauth.MyLibraryError, core.MyLibraryError);
  assert.deepEqual(Object.keys(oauth).sort(), ["DEFAULT_OAUTH_BASE_URL", "MyLibraryError", "authorizationUrl", "exchangeCode", "parseCallback", "tokenInfo"]);
  assert.equal(oauth.DEFAULT_OAUTH_BASE_URL, "https://oauth2.constantcontact.com/oauth2");
});
