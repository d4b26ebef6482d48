// The demo in a real browser (playwright-core driving Debian's Chromium) against the emulator
// serving build/www. Screenshots go to artifacts/screenshots/ (git-ignored).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "../../tools/node_modules/playwright-core/index.mjs";
import { startEmulator } from "../support/emulator.mjs";
import { png } from "../support/png.mjs";

const root = resolve(import.meta.dirname, "../..");
const shots = resolve(root, "artifacts/screenshots");
mkdirSync(shots, { recursive: true });
const KEY = "demo-api-key";
const TOKEN = "demo-access-token";
let emulator, base, browser;

async function api(path, init = {}) {
  const r = await fetch(`${base}/v2/library${path}${path.includes("?") ? "&" : "?"}api_key=${KEY}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) } });
  return r.status === 204 ? undefined : r.json();
}
const control = (path, body) => fetch(`${base}/_emulator/${path}`, { method: "POST", body: JSON.stringify(body ?? {}) }).then((r) => r.json());

async function open(path = "/") {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") page.errors.push(m.text());
    // no console line the library or the demo writes holds a credential
    if (m.text().includes(TOKEN) || m.text().includes(KEY)) page.errors.push(`credential in a console line: ${m.text()}`);
  });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("dialog", (d) => { page.errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on("response", (r) => { if (r.status() >= 400 && !r.url().includes("/v2/")) page.errors.push(`${r.status()} for ${r.url()}`); });
  await page.goto(base + path);
  await page.waitForSelector("html[data-ready=true]", { timeout: 20000 });
  await page.waitForFunction(() => !document.getElementById("count").textContent.startsWith("Loading"));
  return page;
}
const cellNames = (page) => page.$$eval(".cell", (cells) => cells.sort((a, b) => a.dataset.index - b.dataset.index).map((c) => c.querySelector(".name").textContent));

before(async () => {
  emulator = await startEmulator(["--www", resolve(root, "build/www"), "--files", "300", "--folders", "18", "--qps", "0", "--upload-delay-ms", "1200"]);
  base = emulator.base;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"] });
});
after(async () => { await browser?.close(); emulator?.stop(); });

test("loads with no console errors; the tree has the seed and generated folders; thumbnails load", async () => {
  await control("reset", {});
  const page = await open();
  const names = await page.$$eval("#tree [role=treeitem] > .label .name", (e) => e.map((x) => x.textContent));
  for (const n of ["All files", "wildflowers", "Documents", "Trash"]) assert.ok(names.includes(n), n);
  assert.ok(names.length > 10, "generated folders are there too");
  await page.waitForFunction(() => [...document.querySelectorAll(".cell img")].slice(0, 10).every((i) => i.complete && i.naturalWidth > 0));
  assert.deepEqual((await cellNames(page)).slice(0, 9), ["IMG_0341.JPG", "IMG_0268.JPG", "IMG_0267.JPG", "IMG_0266.JPG", "IMG_0255.JPG", "IMG_0256.JPG", "IMG_0257.JPG", "IMG_0248.JPG", "IMG_0250.JPG"]);
  assert.match(await page.textContent("#usage-text"), /310 files/);
  await page.screenshot({ path: `${shots}/all-files.png` });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("folders: expand, keyboard navigation, the URL keeps the selection", async () => {
  await control("reset", {});
  const page = await open();
  await page.click("#tree [data-id='-4'] > .label .twisty");
  assert.ok(await page.isVisible("#tree [data-id='-10']"), "market_studies is shown");
  await page.click("#tree [data-id='-1'] > .label");
  await page.waitForFunction(() => document.getElementById("count").textContent === "2 files");
  assert.deepEqual(await cellNames(page), ["IMG_0341.JPG", "IMG_0268.JPG"]);
  assert.match(page.url(), /#folder=-1/);
  // keyboard: down to Documents, Enter
  await page.focus("#tree [data-id='-1']");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("view-title").textContent === "Documents");
  await page.keyboard.press("ArrowRight"); // already open: moves to market_studies
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("view-title").textContent === "market_studies");
  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  assert.equal(await page.textContent("#view-title"), "market_studies");
  assert.equal(await page.getAttribute("#tree [data-id='-10']", "aria-selected"), "true");
  await page.screenshot({ path: `${shots}/folder.png` });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("every sort order and the filters match the API", async () => {
  await control("reset", {});
  const page = await open();
  const sorts = await page.$$eval("#sort option", (o) => o.map((x) => x.value));
  assert.equal(sorts.length, 10);
  for (const sort of sorts) {
    await page.selectOption("#sort", sort);
    const want = (await api(`/files?limit=12&sort_by=${sort}`)).results.map((f) => f.name);
    await page.waitForFunction((w) => [...document.querySelectorAll(".cell")].length >= 12 && JSON.stringify([...document.querySelectorAll(".cell")].sort((a, b) => a.dataset.index - b.dataset.index).slice(0, 12).map((c) => c.querySelector(".name").textContent)) === w, JSON.stringify(want));
  }
  await page.selectOption("#sort", "NAME");
  await page.selectOption("#type", "DOCUMENTS");
  const docs = await api("/files?limit=1000&type=DOCUMENTS");
  await page.waitForFunction((n) => document.getElementById("count").textContent === `${n} files`, docs.results.length);
  await page.selectOption("#type", "ALL");
  await page.selectOption("#source", "Mobile");
  const mobile = await api("/files?limit=1000&source=Mobile");
  await page.waitForFunction((n) => document.getElementById("count").textContent === `${n} files`, mobile.results.length);
  assert.match(page.url(), /source=Mobile/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("upload a real PNG and watch it become Active with its thumbnail", async () => {
  await control("reset", {});
  const page = await open("/#folder=-1");
  await page.setInputFiles("#upload-input", { name: "sunrise.png", mimeType: "image/png", buffer: png(320, 200) });
  const row = page.locator("#uploads li[data-name='sunrise.png']");
  await row.waitFor();
  const seen = new Set();
  for (let i = 0; i < 60 && !seen.has("Active"); i++) {
    const s = await row.getAttribute("data-status").catch(() => null);
    if (s) seen.add(s);
    await page.waitForTimeout(100);
  }
  assert.ok(seen.has("Active"), `statuses seen: ${[...seen]}`);
  assert.ok(seen.has("Uploaded") || seen.has("Processing"), `went through processing: ${[...seen]}`);
  await page.waitForFunction(() => [...document.querySelectorAll(".cell")].some((c) => c.querySelector(".name").textContent === "sunrise.png" && c.querySelector("img").naturalWidth === 200));
  await page.screenshot({ path: `${shots}/upload.png` });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("files dropped on the grid are uploaded", async () => {
  await control("reset", { files: 0 });
  const page = await open("/#folder=-4");
  const bytes = [...png(40, 30)];
  await page.evaluate((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], "dropped.png", { type: "image/png" }));
    const vp = document.getElementById("viewport");
    vp.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
    vp.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForSelector("#uploads li[data-name='dropped.png'][data-status=Active]", { timeout: 15000 });
  await page.waitForFunction(() => [...document.querySelectorAll(".cell .name")].some((n) => n.textContent === "dropped.png"));
  const files = (await api("/folders/-4/files")).results.map((f) => f.name);
  assert.ok(files.includes("dropped.png"), "uploaded into the selected folder");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a virus upload is shown as VirusFound", async () => {
  await control("reset", { files: 0 });
  const page = await open();
  const eicar = Buffer.from("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
  await page.setInputFiles("#upload-input", { name: "invoice.pdf", mimeType: "application/pdf", buffer: eicar });
  await page.waitForSelector("#uploads li[data-status=VirusFound]", { timeout: 15000 });
  assert.equal(await page.textContent("#uploads li[data-status=VirusFound] .status-VirusFound"), "VirusFound");
  await page.close();
});

test("rename and describe, move by drag and by menu, delete, empty trash", async () => {
  await control("reset", { files: 0 });
  const page = await open();
  await page.click(".cell[data-id='7']");
  await page.fill("#file-form input[name=name]", "daisy.jpg");
  await page.fill("#file-form input[name=description]", "a daisy in the snow");
  await page.click("#file-form button[type=submit]");
  await page.waitForFunction(() => document.getElementById("detail-name").textContent === "daisy.jpg");
  const f = await api("/files/7");
  assert.equal(f.name, "daisy.jpg");
  assert.equal(f.description, "a daisy in the snow");
  // drag file 6 onto the wildflowers folder
  await page.dragAndDrop(".cell[data-id='6']", "#tree [data-id='-1'] > .label");
  await page.waitForFunction(() => document.querySelector("#tree [data-id='-1'] .n")?.textContent === "3");
  assert.equal((await api("/files/6")).folder_id, "-1");
  // the keyboard-friendly menu
  await page.click(".cell[data-id='5']");
  await page.selectOption("#move-select", "-10");
  await page.click("#move-form button");
  await page.waitForFunction(() => document.querySelector("#details").hidden);
  assert.equal((await api("/files/5")).folder_id, "-10");
  // delete to trash, then empty it
  await page.click(".cell[data-id='4']");
  await page.click("#delete-file");
  await page.waitForFunction(() => !document.querySelector(".cell[data-id='4']"));
  await page.click("#tree [data-id=trash] > .label");
  await page.waitForFunction(() => document.getElementById("count").textContent === "1 file");
  await page.waitForFunction(() => [...document.querySelectorAll(".cell img")].every((i) => i.complete));
  await page.screenshot({ path: `${shots}/trash.png` });
  await page.click("#empty-trash");
  await page.click("#empty-trash");
  await page.waitForFunction(() => document.getElementById("count").textContent === "0 files");
  assert.equal((await api("/folders/trash/files")).results.length, 0);
  // folders: create, rename, delete
  await page.click("#tree [data-id='-1'] > .label");
  await page.click("#new-folder");
  await page.fill("#folder-form input[name=name]", "Café 2026");
  await page.click("#folder-form button[type=submit]");
  await page.waitForFunction(() => document.getElementById("view-title").textContent === "Café 2026");
  await page.fill("#rename-folder-form input[name=name]", "Spring 2026");
  await page.click("#rename-folder-form button");
  await page.waitForFunction(() => [...document.querySelectorAll("#tree .name")].some((n) => n.textContent === "Spring 2026"));
  await page.click("#delete-folder");
  await page.click("#delete-folder");
  await page.waitForFunction(() => document.getElementById("view-title").textContent === "wildflowers");
  assert.ok(!(await page.$$eval("#tree .name", (n) => n.map((x) => x.textContent))).includes("Spring 2026"));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("names render as text: an XSS file name runs nothing", async () => {
  await control("reset", { files: 0 });
  const evil = "<img src=x onerror=alert(1)>";
  const form = new FormData();
  form.append("file_name", evil);
  form.append("file_type", "PNG");
  form.append("description", "<script>alert(2)</script>");
  form.append("data", new Blob([png(8, 8)]), "x.png");
  const r = await fetch(`${base}/v2/library/files?api_key=${KEY}`, { method: "POST", body: form, headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(r.status, 202);
  const page = await open();
  const cell = page.locator(".cell", { hasText: evil });
  await cell.waitFor();
  assert.equal(await cell.locator(".name").textContent(), evil);
  await cell.click();
  assert.equal(await page.textContent("#detail-name"), evil);
  assert.equal(await page.$$eval("img[src=x]", (e) => e.length), 0);
  await page.waitForTimeout(300);
  assert.deepEqual(page.errors, [], "no alert, no error");
  await page.close();
});

test("errors are explained: an expired token", async () => {
  await control("reset", { files: 0 });
  const page = await browser.newPage();
  await page.goto(base + "/");
  await page.evaluate(() => localStorage.setItem("mylibrary-demo", JSON.stringify({ baseUrl: `${location.origin}/v2`, apiKey: "demo-api-key", accessToken: "expired" })));
  await page.reload();
  await page.waitForSelector("#banner:not([hidden])");
  assert.match(await page.textContent("#banner-text"), /access token was refused.*Settings/);
  await page.evaluate(() => localStorage.removeItem("mylibrary-demo"));
  await page.close();
});

test("10,000 files: the DOM stays bounded while scrolling to the end", async () => {
  await control("reset", { files: 10_000, folders: 30 });
  const page = await open();
  const counts = [];
  for (let i = 0; i < 400; i++) {
    const done = await page.evaluate(() => {
      const vp = document.getElementById("viewport");
      vp.scrollTop += vp.clientHeight * 3;
      return document.getElementById("count").textContent === "10010 files" && vp.scrollTop + vp.clientHeight >= vp.scrollHeight - 2;
    });
    await page.waitForTimeout(30);
    counts.push(await page.evaluate(() => document.getElementsByTagName("*").length));
    if (done) break;
  }
  assert.equal(await page.textContent("#count"), "10010 files");
  const max = Math.max(...counts);
  assert.ok(max < 700, `DOM nodes stayed under 700 (max ${max})`);
  await page.screenshot({ path: `${shots}/ten-thousand.png` });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a narrow phone screen", async () => {
  await control("reset", {});
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await page.goto(base + "/");
  await page.waitForSelector("html[data-ready=true]");
  await page.waitForFunction(() => document.querySelectorAll(".cell").length > 0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no horizontal overflow (${overflow}px)`);
  await page.screenshot({ path: `${shots}/phone.png` });
  await page.close();
});
