// The demo's edge mode in a real browser (playwright-core driving Debian's Chromium): the app
// served by the edge Worker (examples/worker on workerd) on its own origin, signing in through
// the emulator's consent page (the code flow, at the Worker), showing who is signed in and their
// files, and signing out. The page never holds a token or the api key. Screenshots go to
// artifacts/screenshots/ (git-ignored). The Worker bundles pkg/ (EDGE_TEST_PACKAGE_DIR: another
// installed package).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "../../tools/node_modules/playwright-core/index.mjs";
import { startEmulator } from "../support/emulator.mjs";
import { signIn } from "../support/edge.mjs";

const root = resolve(import.meta.dirname, "../..");
const shots = resolve(root, "artifacts/screenshots");
mkdirSync(shots, { recursive: true });
// (not the :8080 demo's defaults, which its scripts name: a credential found in any answer is a leak)
const KEY = "edge-browser-api-key-3d1";
const FIXED_TOKEN = "edge-browser-fixed-token-8e2";
const CLIENT_SECRET = "edge-browser-client-secret";
const SESSION_COOKIE = "__Host-mylibrary-edge-session";
let emulator, worker, browser;
const issued = new Set(); // the tokens the OAuth server issued to the Worker

const control = (path, init) => fetch(`${emulator.base}/_emulator/${path}`, init).then((r) => (r.status === 204 ? undefined : r.json()));

/** A new tab in a context of its own (its own cookies) that records errors, console lines, requests and answers. */
async function newTab() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.errors = [];
  page.consoleLines = [];
  page.sent = [];
  page.answers = [];
  page.on("console", (m) => {
    page.consoleLines.push(m.text());
    if (m.type() === "error" && !/status of 401/.test(m.text())) page.errors.push(m.text());
  });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("dialog", (d) => { page.errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on("request", (r) => page.sent.push({ url: r.url(), method: r.method(), headers: r.headers(), navigation: r.isNavigationRequest(), request: r }));
  page.on("response", async (r) => {
    const url = new URL(r.url());
    if (r.status() >= 400 && !(url.pathname === "/auth/session" && r.status() === 401)) page.errors.push(`${r.status()} for ${r.url()}`);
    if (url.origin === worker.url && r.status() < 300) page.answers.push(r.text().catch(() => ""));
  });
  return page;
}
async function ready(page) {
  await page.waitForSelector("html[data-ready=true]", { timeout: 20000 });
}
const cellNames = (page, n = 9) => page.$$eval(".cell", (cells, k) => cells.sort((a, b) => a.dataset.index - b.dataset.index).slice(0, k).map((c) => c.querySelector(".name").textContent), n);
/** The first files of `username`, as the Worker serves them to a session of theirs (signed in without a browser). */
async function firstNames(username, n = 9) {
  const { jar } = await signIn(worker.url, { username });
  const r = await fetch(`${worker.url}/v2/library/files?limit=${n}&sort_by=CREATED_DATE_DESC`, { headers: { cookie: jar.header() } });
  assert.equal(r.status, 200);
  return (await r.json()).results.map((f) => f.name);
}

before(async () => {
  const { startWorker, freePort } = await import(resolve(root, "examples/worker/dev.mjs"));
  const port = await freePort();
  emulator = await startEmulator(["--api-key", KEY, "--access-token", FIXED_TOKEN, "--files", "60", "--folders", "6", "--qps", "0", "--client-secret", CLIENT_SECRET, "--redirect-uri", `http://127.0.0.1:${port}/auth/callback`]);
  worker = await startWorker({
    apiBase: `${emulator.base}/v2`, apiKey: KEY, clientSecret: CLIENT_SECRET, port, quiet: true,
    ...(process.env.EDGE_TEST_PACKAGE_DIR ? { packageDir: process.env.EDGE_TEST_PACKAGE_DIR } : {}),
    tap: (o) => { if (o.url.endsWith("/oauth2/oauth/token") && o.status === 200) issued.add(JSON.parse(o.body).access_token); },
  });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"] });
});
after(async () => { await browser?.close(); await worker?.dispose(); emulator?.stop(); });

test("edge mode: sign in through the consent page as demo_user_2, see the name and the files, sign out", async () => {
  await control("reset", { method: "POST", body: "{}" });
  const expected = await firstNames("demo_user_2");
  const page = await newTab();

  // Signed out: no library, a Sign in button, no /v2 request, no settings.
  await page.goto(`${worker.url}/`);
  await ready(page);
  assert.equal(await page.textContent("#account-name"), "Not signed in");
  assert.equal(await page.isVisible("#signed-out"), true);
  assert.equal(await page.isVisible("#layout"), false);
  assert.equal(await page.isVisible("#connect"), true);
  assert.equal(await page.textContent("#connect"), "Sign in");
  assert.equal(await page.isVisible("#sign-out"), false);
  assert.equal(await page.isVisible("#settings"), false, "no api key or token to set");
  assert.deepEqual(page.sent.filter((r) => new URL(r.url).pathname.startsWith("/v2")), [], "nothing asked of /v2 before sign-in");
  await page.screenshot({ path: `${shots}/edge-signed-out.png` });

  // Sign in: the Worker's login, the emulator's consent page, back through the callback.
  await page.click("#signed-out-link");
  await page.waitForURL((u) => u.pathname === "/oauth2/oauth/siteowner/authorize");
  const consent = new URL(page.url());
  assert.equal(consent.origin, emulator.base);
  assert.equal(consent.searchParams.get("response_type"), "code", "the code flow: the token never comes to the browser");
  assert.equal(consent.searchParams.get("redirect_uri"), `${worker.url}/auth/callback`);
  await page.check("input[name=username][value=demo_user_2]");
  await page.screenshot({ path: `${shots}/edge-consent.png` });
  await page.click("button[name=user_oauth_approval][value=true]");
  await page.waitForURL((u) => u.origin === worker.url && u.pathname === "/");
  await ready(page);
  await page.waitForFunction((n) => document.querySelectorAll(".cell").length >= n, 9);
  assert.ok(!page.url().includes("code=") && !page.url().includes("state="), "the callback is out of the address bar");
  assert.equal(await page.textContent("#account-name"), "Signed in as demo_user_2");
  assert.equal(await page.getAttribute("#account", "data-user"), "demo_user_2");
  assert.equal(await page.isVisible("#sign-out"), true);
  assert.equal(await page.isVisible("#connect"), false);
  assert.equal(await page.isVisible("#banner"), false, "no error");
  assert.deepEqual(await cellNames(page), expected, "demo_user_2's files");
  await page.waitForFunction(() => /\d+ files/.test(document.getElementById("usage-text").textContent));
  await page.waitForFunction(() => [...document.querySelectorAll(".cell img")].slice(0, 9).every((i) => i.complete && i.naturalWidth > 0));
  await page.screenshot({ path: `${shots}/edge-signed-in.png` });

  // Chromium kept the Secure __Host- cookie on http://127.0.0.1, HttpOnly: the page cannot read it.
  const cookies = await page.context().cookies(worker.url);
  const sessionCookie = cookies.find((c) => c.name === SESSION_COOKIE);
  assert.ok(sessionCookie, `the session cookie is kept: ${cookies.map((c) => c.name)}`);
  assert.equal(sessionCookie.httpOnly, true);
  assert.equal(sessionCookie.secure, true);
  assert.equal(sessionCookie.sameSite, "Lax");
  assert.equal(sessionCookie.path, "/");
  assert.equal(await page.evaluate(() => document.cookie), "");

  // A write from the page passes the CSRF rule (the browser's own Origin).
  await page.click(".cell");
  await page.waitForSelector("#details:not([hidden])");
  await page.fill("#file-form input[name=description]", "described at the edge");
  await page.click("#file-form button[type=submit]");
  await page.waitForFunction(() => document.getElementById("detail-fields").textContent.includes("described at the edge"));
  const put = page.sent.find((r) => r.method === "PUT" && new URL(r.url).pathname.startsWith("/v2/library/files/"));
  assert.equal((await put.request.allHeaders()).origin, worker.url, "the browser sent its Origin, which the Worker let pass");

  // No credential in the page: no request carries a token, the api key or an Authorization header; no answer holds a token.
  assert.ok(issued.size >= 2);
  const secrets = [...issued, FIXED_TOKEN, CLIENT_SECRET];
  for (const r of page.sent) {
    const onWorker = new URL(r.url).origin === worker.url;
    if (onWorker) assert.equal(r.headers.authorization, undefined, `no Authorization header: ${r.url}`);
    if (onWorker && !r.navigation) assert.ok(!r.url.includes(KEY), `no api key in ${r.url}`);
    const all = JSON.stringify(await r.request.allHeaders().catch(() => r.headers));
    if (onWorker) assert.ok(!/"authorization"/i.test(all), `no Authorization header: ${r.url}`);
    for (const s of secrets) assert.ok(!r.url.includes(s) && !all.includes(s), `no token in ${r.url}`);
  }
  for (const text of await Promise.all(page.answers)) for (const s of [...secrets, KEY]) assert.ok(!text.includes(s), "no credential in an answer to the page");
  for (const line of page.consoleLines) for (const s of secrets) assert.ok(!line.includes(s), `no token in a console line: ${line}`);
  const storage = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
  for (const s of secrets) assert.ok(!storage.includes(s), "no token in the page's storage");

  // Sign out: the session ends at the Worker, the cookie goes, the page shows the signed-out view.
  await Promise.all([page.waitForEvent("load"), page.click("#sign-out")]);
  await ready(page);
  assert.equal(await page.textContent("#account-name"), "Signed out");
  assert.equal(await page.isVisible("#signed-out"), true);
  assert.equal(await page.isVisible("#layout"), false);
  assert.equal((await page.context().cookies(worker.url)).find((c) => c.name === SESSION_COOKIE), undefined, "the cookie is cleared");
  const after = await page.evaluate(async () => (await fetch("/v2/library/info")).status);
  assert.equal(after, 401, "the page's /v2 calls are refused once signed out");
  await page.screenshot({ path: `${shots}/edge-signed-out-after.png` });
  page.errors = page.errors.filter((e) => !e.startsWith("401 for") || !e.includes("/v2/library/info"));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("edge mode: signing in from a view comes back to it (next), as demo_user", async () => {
  await control("reset", { method: "POST", body: "{}" });
  const page = await newTab();
  await page.goto(`${worker.url}/#folder=-1&sort=NAME`);
  await ready(page);
  await page.click("#connect");
  await page.waitForURL((u) => u.pathname === "/oauth2/oauth/siteowner/authorize");
  await page.check("input[name=username][value=demo_user]");
  await page.click("button[name=user_oauth_approval][value=true]");
  await page.waitForURL((u) => u.origin === worker.url && u.pathname === "/");
  await ready(page);
  await page.waitForFunction(() => document.querySelectorAll(".cell").length >= 2);
  assert.equal(new URL(page.url()).hash, "#folder=-1&sort=NAME");
  assert.equal(await page.textContent("#account-name"), "Signed in as demo_user");
  assert.equal(await page.textContent("#view-title"), "wildflowers");
  assert.deepEqual(await cellNames(page, 2), ["IMG_0268.JPG", "IMG_0341.JPG"]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
