// ctct-mylibrary/fit where there is no canvas: in workerd (a Worker bundled as wrangler would,
// the fit wasm a module of its own), a 20 MP photo fitted within the Workers' 128 MB, with its
// peak memory measured; and in Deno, through the package's "deno" entry.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureImages, image, imageDir, root, dimensions } from "../support/images.mjs";
import { startFitWorker } from "../support/fit-worker.mjs";

const tools = join(root, "tools/node_modules");
let worker, project;

before(async () => {
  ensureImages();
  worker = await startFitWorker();
  project = worker.project;
});

after(() => worker?.dispose());

const post = (name, options) => worker.fit(image(name), options);

test("workerd: a 20 MP photo is fitted under 5 MB and to 2048 px, within 128 MB", async () => {
  const out = await post("photo-20mp.jpg", { maxBytes: 5_000_000, maxDimension: 2048 });
  assert.equal(out.status, 200, JSON.stringify(out.error));
  const r = out.report;
  assert.deepEqual([r.widthIn * r.heightIn, r.orientation], [5472 * 3648, 6]);
  assert.deepEqual([r.width, r.height], [1365, 2048], "turned upright (orientation 6)");
  assert.deepEqual([r.decodedWidth, r.decodedHeight], [2736, 1824], "decoded at 1/2");
  assert.ok(r.bytes <= 5_000_000);
  assert.ok(r.peakMemoryBytes < 128 * 1024 * 1024, `peak ${r.peakMemoryBytes} bytes`);
  assert.equal(out.type, "image/jpeg");
  assert.deepEqual(dimensions(new Uint8Array(out.head)), { type: "jpeg", width: 1365, height: 2048, alpha: false });
});

test("workerd: a 20 MP photo with no dimension given still fits within 128 MB", async () => {
  const out = await post("photo-20mp.jpg", { maxBytes: 5_000_000 });
  assert.equal(out.status, 200, JSON.stringify(out.error));
  assert.ok(out.report.bytes <= 5_000_000);
  assert.ok(out.report.peakMemoryBytes < 128 * 1024 * 1024, `peak ${out.report.peakMemoryBytes} bytes`);
});

test("workerd: a progressive 20 MP photo (every coefficient kept while decoding) fits within 128 MB too", async () => {
  const out = await post("photo-20mp-progressive.jpg", { maxBytes: 5_000_000, maxDimension: 2048 });
  assert.equal(out.status, 200, JSON.stringify(out.error));
  assert.deepEqual([out.report.width, out.report.height], [2048, 1365]);
  assert.ok(out.report.peakMemoryBytes < 128 * 1024 * 1024, `peak ${out.report.peakMemoryBytes} bytes`);
});

test("workerd: typed errors", async () => {
  for (const [name, options, code] of [["corrupt.jpg", { maxBytes: 10 }, "IMAGE_CORRUPT"], ["photo.heic", { maxBytes: 10 }, "IMAGE_UNSUPPORTED"], ["animated.gif", { maxBytes: 1e7, maxDimension: 100 }, "IMAGE_ANIMATED"]]) {
    const out = await post(name, options);
    assert.equal(out.status, 422);
    assert.deepEqual([out.error.name, out.error.code], ["MyLibraryError", code], name);
  }
});

test("Deno: the package's deno entry fits a photo", () => {
  writeFileSync(join(project, "fit.ts"), `
import { fitImage } from "ctct-mylibrary/fit";
const bytes = await Deno.readFile(${JSON.stringify(join(imageDir, "photo.jpg"))});
const { blob, report } = await fitImage(new Blob([bytes]), { maxBytes: 5_000_000, maxDimension: 300 });
console.log(JSON.stringify({ type: blob.type, size: blob.size, report }));`);
  const out = JSON.parse(execFileSync(join(tools, ".bin/deno"), ["run", "--quiet", "--no-prompt", "--allow-read", "fit.ts"], { cwd: project, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(project, ".deno") }, encoding: "utf8" }));
  assert.equal(out.type, "image/jpeg");
  assert.deepEqual([out.report.width, out.report.height, out.report.decodedWidth], [300, 225, 400]);
  assert.equal(out.size, out.report.bytes);
});
