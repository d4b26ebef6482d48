// The sign-in helpers (ctct-mylibrary/oauth) in Chromium: every case of
// tests/support/oauth-cases.mjs (the same cases run in Node), in a page served by an emulator
// with two accounts. The page reaches the consent page through Node (`consent`, exposed to it):
// a page's fetch cannot read a redirect's Location, and the demo's own test goes through the
// consent page in the browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "../../tools/node_modules/playwright-core/index.mjs";
import { startEmulator } from "../support/emulator.mjs";
import { consent } from "../support/consent.mjs";
import { cases } from "../support/oauth-cases.mjs";

const root = resolve(import.meta.dirname, "../..");
const KEY = "oauth-test-key-1234";
const SECRET = "oauth-test-secret-5678";
let server, browser, page, www, c;

before(async () => {
  www = mkdtempSync(join(tmpdir(), "ctct-oauth-www-"));
  cpSync(resolve(root, "pkg"), join(www, "pkg"), { recursive: true });
  cpSync(resolve(root, "tests/support/oauth-cases.mjs"), join(www, "oauth-cases.mjs"));
  writeFileSync(join(www, "index.html"), "<!doctype html><title>oauth cases</title><p>cases run here</p>");
  server = await startEmulator(["--www", www, "--files", "12", "--folders", "3", "--qps", "0", "--accounts", "2", "--api-key", KEY, "--access-token", "oauth-default-token-0000", "--client-secret", SECRET]);
  c = { base: server.base, clientId: KEY, clientSecret: SECRET, redirectUri: `${server.base}/`, defaultToken: "oauth-default-token-0000", inPage: true };
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  page = await browser.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  await page.exposeFunction("consentThroughNode", (url, o) => consent(url, o));
  await page.goto(`${server.base}/`);
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (www) rmSync(www, { recursive: true, force: true });
});

for (const name of Object.keys(cases)) {
  test(name, async () => {
    const failure = await page.evaluate(async ([name, c]) => {
      const { run } = await import("/oauth-cases.mjs");
      const lib = { ...(await import("/pkg/oauth.js")), MyLibraryClient: (await import("/pkg/index.browser.js")).MyLibraryClient };
      return run(name, lib, { ...c, consent: (url, o) => window.consentThroughNode(url, o) });
    }, [name, c]);
    assert.equal(failure, undefined);
    assert.deepEqual(page.errors, []);
  });
}

test("a browser page is a browser page: the exchange is refused there without dangerouslyAllowBrowser", async () => {
  const e = await page.evaluate(async (c) => {
    const { exchangeCode } = await import("/pkg/oauth.js");
    try {
      await exchangeCode({ clientId: c.clientId, clientSecret: c.clientSecret, code: "a-code-1234", redirectUri: c.redirectUri, oauthBaseUrl: `${c.base}/oauth2` });
      return "sent";
    } catch (e) {
      return { code: e.code, argument: e.argument };
    }
  }, c);
  assert.deepEqual(e, { code: "INVALID_ARGUMENT", argument: "options.dangerouslyAllowBrowser" });
});
