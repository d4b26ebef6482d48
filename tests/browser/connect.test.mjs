// The demo's "Connect a Constant Contact account" in a real browser (playwright-core driving
// Debian's Chromium) against the emulator serving build/www: OAuth2's client flow through the
// emulator's consent page (Allow as demo_user_2, Deny), a forged callback, sign-out. Screenshots go
// to artifacts/screenshots/ (git-ignored).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "../../tools/node_modules/playwright-core/index.mjs";
import { startEmulator } from "../support/emulator.mjs";

const root = resolve(import.meta.dirname, "../..");
const shots = resolve(root, "artifacts/screenshots");
mkdirSync(shots, { recursive: true });
const KEY = "demo-api-key";
const TOKEN = "demo-access-token";
const FORGED = "forged-token-7d3c1e";
let emulator, base, browser;

const control = (path, init) => fetch(`${base}/_emulator/${path}`, init).then((r) => (r.status === 204 ? undefined : r.json()));
async function api(path, token) {
  const r = await fetch(`${base}/v2/library${path}${path.includes("?") ? "&" : "?"}api_key=${KEY}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, `GET ${path}`);
  return r.json();
}
async function tokenInfo(token) {
  const r = await fetch(`${base}/oauth2/tokeninfo.htm`, { method: "POST", body: new URLSearchParams({ access_token: token }) });
  return { status: r.status, body: await r.json() };
}
const firstNames = async (token, n = 9) => (await api(`/files?limit=${n}&sort_by=CREATED_DATE_DESC`, token)).results.map((f) => f.name);

/** A new tab (its own context: its own sessionStorage) that records errors, console lines and requests. */
async function newTab(context) {
  const page = context ? await context.newPage() : await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.errors = [];
  page.consoleLines = [];
  page.sent = [];
  page.on("console", (m) => {
    page.consoleLines.push(m.text());
    if (m.type() === "error") page.errors.push(m.text());
  });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("dialog", (d) => { page.errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on("response", (r) => { if (r.status() >= 400 && !r.url().includes("/v2/")) page.errors.push(`${r.status()} for ${r.url()}`); });
  page.on("request", (r) => page.sent.push({ url: r.url(), navigation: r.isNavigationRequest(), authorization: r.headers().authorization ?? "", body: r.postData() ?? "" }));
  return page;
}
async function ready(page, cells = 9) {
  await page.waitForSelector("html[data-ready=true]", { timeout: 20000 });
  await page.waitForFunction(() => !document.getElementById("count").textContent.startsWith("Loading"));
  await page.waitForFunction((n) => document.querySelectorAll(".cell").length >= n, cells);
}
async function open(path = "/", { context, cells } = {}) {
  const page = await newTab(context);
  await page.goto(base + path);
  await ready(page, cells);
  return page;
}
const cellNames = (page, n = 9) => page.$$eval(".cell", (cells, k) => cells.sort((a, b) => a.dataset.index - b.dataset.index).slice(0, k).map((c) => c.querySelector(".name").textContent), n);
const accountName = (page) => page.textContent("#account-name");
const storage = (page) => page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }));
/** Presses Connect and waits for the emulator's consent page. */
async function toConsent(page) {
  await page.click("#connect");
  await page.waitForURL((u) => u.pathname === "/oauth2/oauth/siteowner/authorize");
  await page.waitForSelector("input[name=username][value=demo_user_2]");
}

before(async () => {
  emulator = await startEmulator(["--www", resolve(root, "build/www"), "--files", "60", "--folders", "6", "--qps", "0"]);
  base = emulator.base;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"] });
});
after(async () => { await browser?.close(); emulator?.stop(); });

test("Connect: the client flow through the consent page as demo_user_2, then sign-out", async () => {
  await control("reset", { method: "POST", body: "{}" });
  const accounts = (await control("accounts")).map((a) => a.username);
  assert.deepEqual(accounts.slice(0, 2), ["demo_user", "demo_user_2"]);
  const defaultNames = await firstNames(TOKEN);

  // Before: the emulator's default token, demo_user's library, no sign-out.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await open("/", { context });
  assert.equal(await accountName(page), "demo_user (the emulator's default token)");
  assert.equal(await page.isVisible("#connect"), true);
  assert.equal(await page.isVisible("#sign-out"), false);
  assert.deepEqual(await cellNames(page), defaultNames);

  // Connect: the authorization URL the page built, and the state it kept (sessionStorage only).
  await toConsent(page);
  const consent = new URL(page.url());
  assert.equal(consent.searchParams.get("response_type"), "token");
  assert.equal(consent.searchParams.get("client_id"), KEY);
  assert.equal(consent.searchParams.get("redirect_uri"), `${base}/`);
  const state = consent.searchParams.get("state");
  assert.ok(state && state.length >= 40, "a fresh random state");
  const during = await storage(page);
  assert.equal(during.session["mylibrary-demo-oauth-state"], state);
  assert.ok(!JSON.stringify(during.local).includes(state), "the state is not in localStorage");
  await page.check("input[name=username][value=demo_user_2]");
  await page.screenshot({ path: `${shots}/connect-consent.png` });
  await page.click("button[name=user_oauth_approval][value=true]");

  // Back on the demo: the token is used, and it is out of the address bar.
  await page.waitForURL((u) => u.origin === base && u.pathname === "/");
  await ready(page);
  assert.equal(new URL(page.url()).hash, "", "the fragment is cleared");
  assert.ok(!page.url().includes("access_token"));
  assert.equal(await page.evaluate(() => location.hash), "");
  assert.equal(await accountName(page), "Connected as demo_user_2");
  assert.equal(await page.getAttribute("#account", "data-user"), "demo_user_2");
  assert.equal(await page.isVisible("#sign-out"), true);
  assert.equal(await page.isVisible("#banner"), false, "no error");

  const after = await storage(page);
  assert.equal(after.session["mylibrary-demo-oauth-state"], undefined, "the state is used up");
  const token = JSON.parse(after.session["mylibrary-demo-signin"]).accessToken;
  assert.match(token, /^[0-9a-f-]{36}$/);
  assert.ok(!JSON.stringify(after.local).includes(token), "the token is not in localStorage");
  assert.deepEqual((await tokenInfo(token)).body.user_name, "demo_user_2");

  // demo_user_2's library, not demo_user's.
  const user2Names = await firstNames(token);
  assert.notDeepEqual(user2Names, defaultNames);
  assert.deepEqual(await cellNames(page), user2Names);
  const info = await api("/info", token);
  await page.waitForFunction((n) => document.getElementById("usage-text").textContent.includes(`${n} files`), info.usage_summary.file_count);
  await page.waitForFunction(() => [...document.querySelectorAll(".cell img")].slice(0, 9).every((i) => i.complete && i.naturalWidth > 0));
  await page.screenshot({ path: `${shots}/connect-connected.png` });

  // The token travelled in an Authorization header or a form body only: never in a URL, a console line or the emulator's log.
  assert.ok(page.sent.some((r) => r.authorization === `Bearer ${token}`), "the API calls carry the new token");
  for (const r of page.sent) if (!r.navigation) assert.ok(!r.url.includes(token), `no URL holds the token: ${r.url.slice(0, 100)}`);
  for (const line of page.consoleLines) assert.ok(!line.includes(token) && !line.includes(TOKEN), `no console line holds a token: ${line}`);
  for (const e of await control("log")) assert.ok(!`${e.path}?${e.query}`.includes(token), `the log holds no token: ${e.path}`);

  // A reload keeps the sign-in (same tab); another tab does not have it.
  await page.reload();
  await ready(page);
  assert.equal(await accountName(page), "Connected as demo_user_2");
  const other = await open("/", { context });
  assert.equal(await accountName(other), "demo_user (the emulator's default token)");
  await other.close();

  // Sign out: the token is forgotten, the page is back on the emulator's default token.
  await Promise.all([page.waitForEvent("load"), page.click("#sign-out")]);
  await ready(page);
  assert.equal(await accountName(page), "Signed out · back to demo_user (the emulator's default token)");
  assert.ok(!(await accountName(page)).includes("demo_user_2"));
  assert.equal(await page.isVisible("#sign-out"), false);
  const gone = await storage(page);
  assert.ok(!JSON.stringify(gone).includes(token), "neither storage holds the token");
  assert.equal(gone.session["mylibrary-demo-signin"], undefined);
  assert.deepEqual(await cellNames(page), defaultNames);
  await page.screenshot({ path: `${shots}/connect-signed-out.png` });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Deny: an access-denied message, and the page stays on the default token", async () => {
  await control("reset", { method: "POST", body: "{}" });
  const defaultNames = await firstNames(TOKEN);
  const page = await open();
  await toConsent(page);
  await page.check("input[name=username][value=demo_user_2]");
  await page.click("button[name=user_oauth_approval][value=false]");
  await page.waitForURL((u) => u.origin === base && u.pathname === "/");
  await ready(page);
  await page.waitForSelector("#banner:not([hidden])");
  assert.match(await page.textContent("#banner-text"), /Access was denied on the consent page/);
  assert.equal(await page.evaluate(() => location.hash), "", "the error is out of the address bar");
  assert.equal(await accountName(page), "demo_user (the emulator's default token)");
  assert.equal(await page.isVisible("#sign-out"), false);
  assert.deepEqual(await cellNames(page), defaultNames);
  const { session } = await storage(page);
  assert.equal(session["mylibrary-demo-oauth-state"], undefined, "the state is used up");
  assert.equal(session["mylibrary-demo-signin"], undefined, "no token kept");
  await page.screenshot({ path: `${shots}/connect-denied.png` });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a forged callback: a state-mismatch message, and the forged token is never sent", async () => {
  await control("reset", { method: "POST", body: "{}" });
  const defaultNames = await firstNames(TOKEN);
  const forged = (state) => `/#access_token=${FORGED}&token_type=Bearer&expires_in=315359999&state=${state}`;
  const check = async (page, what) => {
    await page.waitForSelector("#banner:not([hidden])");
    assert.match(await page.textContent("#banner-text"), /did not ask for.*ignored/, what);
    assert.equal(await page.evaluate(() => location.hash), "", `${what}: the forged token is out of the address bar`);
    assert.equal(await accountName(page), "demo_user (the emulator's default token)", what);
    assert.deepEqual(await cellNames(page), defaultNames, what);
    const { session } = await storage(page);
    assert.ok(!JSON.stringify(session).includes(FORGED), `${what}: not kept`);
    assert.equal(session["mylibrary-demo-oauth-state"], undefined, `${what}: no state left`);
    for (const r of page.sent) {
      assert.ok(!r.authorization.includes(FORGED) && !r.body.includes(FORGED), `${what}: never sent: ${r.url.slice(0, 100)}`);
      if (!r.navigation) assert.ok(!r.url.includes(FORGED), `${what}: not in a URL: ${r.url.slice(0, 100)}`);
    }
    assert.deepEqual(page.errors, [], what);
  };
  await control("log", { method: "DELETE" });

  // A fresh tab that started no sign-in.
  const fresh = await newTab();
  await fresh.goto(base + forged("wrong"));
  await ready(fresh);
  await check(fresh, "a tab with no sign-in");
  await fresh.screenshot({ path: `${shots}/connect-forged.png` });
  await fresh.close();

  // A tab whose sign-in is under way (a state saved): the forged answer's state is not that one.
  const started = await open();
  await toConsent(started);
  assert.ok((await storage(started)).session["mylibrary-demo-oauth-state"]);
  await started.goto(base + forged("wrong"));
  await ready(started);
  await check(started, "a tab with a sign-in under way");
  await started.close();

  // Delivered to a loaded page as a fragment change (hashchange, no reload): refused the same way.
  const loaded = await open("/#folder=-1", { cells: 2 });
  await loaded.evaluate((h) => { location.hash = h; }, forged("wrong").slice(2));
  await loaded.waitForSelector("#banner:not([hidden])");
  assert.match(await loaded.textContent("#banner-text"), /did not ask for/);
  await loaded.waitForFunction(() => location.hash === "#folder=-1");
  assert.equal(await loaded.textContent("#view-title"), "wildflowers", "the view is kept");
  assert.equal(await accountName(loaded), "demo_user (the emulator's default token)");
  assert.ok(!JSON.stringify(await storage(loaded)).includes(FORGED));
  for (const r of loaded.sent) assert.ok(!r.authorization.includes(FORGED) && !r.body.includes(FORGED));
  assert.deepEqual(loaded.errors, []);
  await loaded.close();

  // The emulator saw no request refused for its token (every /v2 call carried the default one), and no unknown token was looked up.
  const log = await control("log");
  assert.ok(log.some((e) => e.path.startsWith("/v2/")), "the pages did call the API");
  assert.deepEqual(log.filter((e) => e.status === 401 || (e.path === "/oauth2/tokeninfo.htm" && e.status !== 200)), []);
});
