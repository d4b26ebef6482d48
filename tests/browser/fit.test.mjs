// ctct-mylibrary/fit in Chromium, under the demo's Content-Security-Policy (served by the
// emulator with build/www): the fit runs in a module Web Worker, its errors are the package's
// MyLibraryError, and every EXIF orientation comes out as Chromium itself shows the original
// (Chromium's decoder is not ours, so this checks the pixels independently).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { chromium } from "../../tools/node_modules/playwright-core/index.mjs";
import { startEmulator } from "../support/emulator.mjs";
import { ensureImages, imageDir, root } from "../support/images.mjs";

let emulator, browser, page;
const violations = [];

before(async () => {
  ensureImages();
  const www = mkdtempSync(join(tmpdir(), "ctct-fit-www-"));
  cpSync(join(root, "build/www"), www, { recursive: true });
  cpSync(imageDir, join(www, "fit-images"), { recursive: true });
  emulator = await startEmulator(["--www", www, "--files", "0", "--qps", "0"]);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  page = await browser.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") page.errors.push(m.text()); });
  await page.goto(emulator.base + "/");
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});

after(async () => {
  await browser?.close();
  emulator?.stop();
});

test("the CSP of the demo lets the fit load, and it runs in a module Web Worker", async () => {
  const out = await page.evaluate(async () => {
    const { fitImage } = await import("/pkg/fit.browser.js");
    const blob = await (await fetch("/fit-images/photo.jpg")).blob();
    const { blob: fitted, report } = await fitImage(blob, { maxBytes: 5_000_000, maxDimension: 300 });
    const bitmap = await createImageBitmap(fitted);
    const resources = performance.getEntriesByType("resource").map((r) => new URL(r.name).pathname);
    return { type: fitted.type, w: bitmap.width, h: bitmap.height, report, resources, violations: window.__violations };
  });
  assert.equal(out.type, "image/jpeg");
  assert.deepEqual([out.w, out.h], [300, 225]);
  assert.deepEqual([out.report.width, out.report.height, out.report.decodedWidth], [300, 225, 400]);
  assert.ok(out.resources.includes("/pkg/fit-worker.js"), out.resources.join(" "));
  // The page itself never fetched the wasm: the worker did.
  assert.ok(!out.resources.includes("/pkg/fit.wasm"), out.resources.join(" "));
  assert.deepEqual(out.violations, []);
  assert.deepEqual(page.errors, []);
});

test("every EXIF orientation: the fitted pixels are what Chromium shows for the original", async () => {
  const results = await page.evaluate(async () => {
    const { fitImage } = await import("/pkg/fit.browser.js");
    // The colour in the middle of each side, a few pixels in.
    const sides = async (blob, orientation) => {
      const b = await createImageBitmap(blob, { imageOrientation: orientation });
      const c = new OffscreenCanvas(b.width, b.height);
      const g = c.getContext("2d");
      g.drawImage(b, 0, 0);
      const at = (x, y) => Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));
      const kind = ([r, gr, bl]) => (r > 160 && gr < 90 && bl < 90 ? "red" : bl > 160 && r < 90 && gr < 90 ? "blue" : "other");
      const { width: w, height: h } = b;
      return { w, h, top: kind(at(w / 2, 3)), bottom: kind(at(w / 2, h - 4)), left: kind(at(3, h / 2)), right: kind(at(w - 4, h / 2)) };
    };
    const out = [];
    for (let o = 1; o <= 8; o++) {
      const original = await (await fetch(`/fit-images/orientation-${o}.jpg`)).blob();
      const { blob } = await fitImage(original, { maxBytes: 1_000_000, maxDimension: 160 });
      // Chromium applies the original's EXIF orientation itself ("from-image"); the output
      // carries none, so it is drawn as stored ("none").
      out.push({ o, chromium: await sides(original, "from-image"), fitted: await sides(blob, "none") });
    }
    return out;
  });
  const table = { 1: ["top", "left"], 2: ["top", "right"], 3: ["bottom", "right"], 4: ["bottom", "left"], 5: ["left", "top"], 6: ["right", "top"], 7: ["right", "bottom"], 8: ["left", "bottom"] };
  for (const { o, chromium: c, fitted: f } of results) {
    assert.deepEqual([f.top, f.bottom, f.left, f.right], [c.top, c.bottom, c.left, c.right], `orientation ${o}: sides as Chromium shows them`);
    const [red, blue] = table[o];
    assert.equal(f[red], "red", `orientation ${o}: stored row 0 at the ${red}`);
    assert.equal(f[blue], "blue", `orientation ${o}: stored column 0 at the ${blue}`);
    assert.equal(f.w / f.h > 1, c.w / c.h > 1, `orientation ${o}: the same aspect`);
    assert.equal(Math.max(f.w, f.h), 160);
  }
});

test("typed errors cross the worker as the package's MyLibraryError; a PNG keeps its alpha", async () => {
  const out = await page.evaluate(async () => {
    const { fitImage } = await import("/pkg/fit.browser.js");
    const { MyLibraryError } = await import("/pkg/index.browser.js");
    const get = async (n) => (await fetch(`/fit-images/${n}`)).blob();
    const codes = [];
    for (const [name, options] of [["corrupt.jpg", { maxBytes: 10 }], ["photo.heic", { maxBytes: 10 }], ["animated.gif", { maxBytes: 1e7, maxDimension: 100 }]]) {
      try {
        await fitImage(await get(name), options);
        codes.push("resolved");
      } catch (e) {
        codes.push(`${e instanceof MyLibraryError} ${e.code}`);
      }
    }
    // Bytes given as a Uint8Array are the caller's still after the worker's fit (copied, not moved).
    const raw = new Uint8Array(await (await get("photo.jpg")).arrayBuffer());
    const before = raw.length;
    const fromBytes = await fitImage(raw, { maxBytes: 5_000_000, maxDimension: 200 });
    const intact = raw.length === before && raw.buffer.byteLength === before && raw[0] === 0xff && raw[1] === 0xd8;
    const { blob } = await fitImage(await get("alpha.png"), { maxBytes: 1e7, maxDimension: 300 });
    const b = await createImageBitmap(blob);
    const c = new OffscreenCanvas(b.width, b.height).getContext("2d");
    c.drawImage(b, 0, 0);
    return { intact, fromBytes: fromBytes.report.width, codes, type: blob.type, centre: c.getImageData(150, 100, 1, 1).data[3], corner: c.getImageData(2, 2, 1, 1).data[3] };
  });
  assert.deepEqual(out.codes, ["true IMAGE_CORRUPT", "true IMAGE_UNSUPPORTED", "true IMAGE_ANIMATED"]);
  assert.equal(out.intact, true, "the caller's bytes are not detached by the transfer");
  assert.equal(out.fromBytes, 200);
  assert.equal(out.type, "image/png");
  assert.equal(out.centre, 0);
  assert.equal(out.corner, 255);
  assert.deepEqual(page.errors, []);
});

test("the demo fits a dropped photo and shows its size before and after", async () => {
  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  await page.setInputFiles("#upload-input", join(imageDir, "photo-12mp.jpg"));
  const row = page.locator("#uploads li[data-name='photo-12mp.jpg']");
  await row.waitFor();
  await page.waitForSelector("#uploads li[data-name='photo-12mp.jpg'][data-status=Active]", { timeout: 30000 });
  const fitted = await row.locator(".fitted").textContent();
  // 6.0 MB over the default 5 MiB limit: at most 2560x1920 written (the fit's pixel cap).
  assert.match(fitted, /^fitted 5\.8 MB → [\d.]+ (KB|MB) · 4000×3000 → 2560×1920$/);
  await page.waitForFunction(() => [...document.querySelectorAll(".cell .meta")].some((m) => m.textContent.includes("2560×1920")));
  assert.deepEqual(page.errors, []);
});
