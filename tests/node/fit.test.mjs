// ctct-mylibrary/fit in Node, through the package's entry (pkg/fit.node.js): formats, alpha,
// orientations, untouched images, typed errors, the options' checks, a 12 MP photo. The pixels of
// each orientation are checked in Chromium (tests/browser/fit.test.mjs), whose decoder is not ours.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ensureImages, image, dimensions, root } from "../support/images.mjs";

const { fitImage } = await import(join(root, "pkg/fit.node.js"));
const { MyLibraryError } = await import(join(root, "pkg/index.node.js"));

before(ensureImages);

const bytesOf = async (blob) => new Uint8Array(await blob.arrayBuffer());

test("a JPEG is decoded scaled down, resized and stays JPEG", async () => {
  const { blob, report } = await fitImage(new Blob([image("photo.jpg")]), { maxBytes: 5_000_000, maxDimension: 300 });
  assert.equal(blob.type, "image/jpeg");
  assert.deepEqual(dimensions(await bytesOf(blob)), { type: "jpeg", width: 300, height: 225, alpha: false });
  assert.equal(report.format, "jpeg");
  assert.equal(report.formatIn, "jpeg");
  assert.deepEqual([report.width, report.height, report.widthIn, report.heightIn], [300, 225, 1600, 1200]);
  assert.deepEqual([report.decodedWidth, report.decodedHeight], [400, 300], "the decoder's 1/4");
  assert.equal(report.quality, 85);
  assert.equal(report.bytes, blob.size);
  assert.equal(report.bytesIn, image("photo.jpg").length);
  assert.equal(report.unchanged, false);
  assert.ok(report.ms >= 0 && report.peakMemoryBytes > report.bytesIn);
});

test("every EXIF orientation turns the dimensions as it should", async () => {
  for (let o = 1; o <= 8; o++) {
    const { blob, report } = await fitImage(image(`orientation-${o}.jpg`), { maxBytes: 1_000_000, maxDimension: 160 });
    const turned = o >= 5;
    const want = turned ? [100, 160] : [160, 100];
    assert.deepEqual([report.width, report.height], want, `orientation ${o}`);
    const d = dimensions(await bytesOf(blob));
    assert.deepEqual([d.width, d.height], want, `orientation ${o}: the file's own dimensions`);
    assert.equal(report.orientation, o);
    assert.deepEqual([report.widthIn, report.heightIn], turned ? [200, 320] : [320, 200]);
  }
});

test("a PNG with alpha stays PNG with alpha; an opaque PNG and a one-frame GIF become JPEG", async () => {
  const alpha = await fitImage(image("alpha.png"), { maxBytes: 10_000_000, maxDimension: 300 });
  assert.equal(alpha.blob.type, "image/png");
  assert.deepEqual(dimensions(await bytesOf(alpha.blob)), { type: "png", width: 300, height: 200, alpha: true });
  assert.equal(alpha.report.quality, null);
  const opaque = await fitImage(image("opaque.png"), { maxBytes: 10_000_000, maxDimension: 300 });
  assert.deepEqual([opaque.report.formatIn, opaque.report.format, opaque.blob.type], ["png", "jpeg", "image/jpeg"]);
  const gif = await fitImage(image("one.gif"), { maxBytes: 10_000_000, maxDimension: 200 });
  assert.deepEqual([gif.report.formatIn, gif.report.format, gif.report.width, gif.report.height], ["gif", "jpeg", 200, 150]);
});

test("an image that already fits comes back untouched: the same Blob, or the same bytes", async () => {
  const small = new Blob([image("small.jpg")], { type: "image/jpeg" });
  const { blob, report } = await fitImage(small, { maxBytes: 5_000_000, maxDimension: 2048 });
  assert.equal(blob, small, "the same Blob");
  assert.equal(report.unchanged, true);
  assert.equal(report.attempts, 0);
  const bytes = image("small.jpg");
  const again = await fitImage(bytes, { maxBytes: 5_000_000 });
  assert.deepEqual(await bytesOf(again.blob), bytes);
  assert.equal(again.blob.type, "image/jpeg");
  // An animated GIF that fits is returned as it is (never flattened).
  const anim = await fitImage(image("animated.gif"), { maxBytes: 5_000_000 });
  assert.equal(anim.report.unchanged, true);
  assert.equal(anim.blob.type, "image/gif");
});

test("what cannot be read or fitted is a MyLibraryError with its code", async () => {
  const cases = [
    ["corrupt.jpg", { maxBytes: 1000 }, "IMAGE_CORRUPT", /cannot be read/],
    ["photo.heic", { maxBytes: 1000 }, "IMAGE_UNSUPPORTED", /^HEIC .*only JPEG, PNG and GIF/],
    ["animated.gif", { maxBytes: 5_000_000, maxDimension: 100 }, "IMAGE_ANIMATED", /^this animated GIF has 4 frames; fitting it would flatten its animation/],
    ["photo.jpg", { maxBytes: 100 }, "IMAGE_CANNOT_FIT", /cannot be brought under 100 bytes/],
  ];
  for (const [name, options, code, message] of cases) {
    await assert.rejects(fitImage(image(name), options), (e) => {
      assert.ok(e instanceof MyLibraryError, `${name}: a MyLibraryError`);
      assert.equal(e.code, code, name);
      assert.match(e.message, message);
      return true;
    });
  }
  await assert.rejects(fitImage(new Uint8Array(0), { maxBytes: 10 }), { code: "IMAGE_CORRUPT", message: "the file is empty" });
});

test("options are checked before anything is read", async () => {
  const bad = [
    [undefined, "options"],
    [{}, "options.maxBytes"],
    [{ maxBytes: 0 }, "options.maxBytes"],
    [{ maxBytes: 1.5 }, "options.maxBytes"],
    [{ maxBytes: 10, maxDimension: 8 }, "options.maxDimension"],
    [{ maxBytes: 10, quality: 101 }, "options.quality"],
    [{ maxBytes: 10, maxDimention: 100 }, "options.maxDimention"],
  ];
  for (const [options, argument] of bad) {
    await assert.rejects(fitImage(image("small.jpg"), options), (e) => {
      assert.ok(e instanceof MyLibraryError);
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.equal(e.argument, argument, JSON.stringify(options));
      return true;
    });
  }
  await assert.rejects(fitImage("photo.jpg", { maxBytes: 10 }), { code: "INVALID_ARGUMENT", argument: "image" });
});

test("a 12 MP photo is brought under 5 MB and to 2048 px within 100 MB", async () => {
  const photo = image("photo-12mp.jpg");
  const { blob, report } = await fitImage(new Blob([photo]), { maxBytes: 5_000_000, maxDimension: 2048 });
  assert.deepEqual([report.width, report.height], [2048, 1536]);
  assert.ok(blob.size <= 5_000_000);
  assert.ok(report.peakMemoryBytes < 100 * 1024 * 1024, `peak ${report.peakMemoryBytes}`);
  assert.deepEqual(dimensions(await bytesOf(blob)), { type: "jpeg", width: 2048, height: 1536, alpha: false });
});

// uploadFile's fit option against the emulator (MYLIBRARY_EMULATOR_URL, scripts/with-emulator).
const base = process.env.MYLIBRARY_EMULATOR_URL ?? "http://127.0.0.1:18931";
const control = (what, body) => fetch(`${base}/_emulator/${what}`, { method: "POST", body: JSON.stringify(body) }).then((r) => r.json());
const { MyLibraryClient } = await import(join(root, "pkg/index.node.js"));
const client = (extra = {}) => new MyLibraryClient({ apiKey: "wasm-test-key-1234", accessToken: "wasm-test-token-5678", baseUrl: `${base}/v2`, requestsPerSecond: 0, ...extra });
const log = async () => (await fetch(`${base}/_emulator/log`).then((r) => r.json())).map((e) => `${e.method} ${e.path}`);

test("uploadFile with fit: fitted under the account's limit, and the upload ends Active at the fitted size", async (t) => {
  await control("reset", { files: 0, folders: 0 });
  await control("config", { max_upload_size_limit: 2_000_000 });
  t.after(() => control("config", { max_upload_size_limit: 5_242_880 }));
  const c = client();
  const photo = image("photo-12mp.jpg");
  // Without fit, the 6 MB photo is refused before anything is sent (the limit is learned by getInfo).
  await c.getInfo();
  await assert.rejects(c.uploadFile({ data: photo, fileName: "IMG_0001.jpg" }), { code: "INVALID_ARGUMENT" });
  const result = await c.uploadFile({ data: new Blob([photo], { type: "image/jpeg" }), fileName: "IMG_0001.jpg" }, { fit: fitImage });
  assert.ok(result.fit.bytes <= 2_000_000, `${result.fit.bytes} bytes`);
  assert.equal(result.fit.bytesIn, photo.length);
  assert.equal(result.fit.unchanged, false);
  const status = await c.waitForUpload(result.fileId, { intervalMs: 50 });
  assert.equal(status.status, "Active");
  const file = await c.getFile(result.fileId);
  assert.deepEqual([file.width, file.height], [result.fit.width, result.fit.height]);
  assert.equal(file.size, result.fit.bytes);
  // With a dimension: 2048 px.
  const sized = await c.uploadFile({ data: photo, fileName: "IMG_0002.jpg" }, { fit: { with: fitImage, maxDimension: 2048, quality: 80 } });
  assert.deepEqual([sized.fit.width, sized.fit.height, sized.fit.quality], [2048, 1536, 80]);
  await c.waitForUpload(sized.fileId, { intervalMs: 50 });
  const two = await c.getFile(sized.fileId);
  assert.deepEqual([two.width, two.height], [2048, 1536]);
});

test("uploadFile with fit: the client's maxUploadBytes first; a PNG made JPEG is renamed; documents are sent as they are", async () => {
  await control("reset", { files: 0, folders: 0 });
  const c = client({ maxUploadBytes: 300_000 });
  await fetch(`${base}/_emulator/log`, { method: "DELETE" });
  const png = await c.uploadFile({ data: image("opaque.png"), fileName: "chart.png", fileType: "PNG" }, { fit: fitImage });
  assert.equal(png.fit.format, "jpeg");
  assert.ok(png.fit.bytes <= 300_000);
  const file = await c.getFile(png.fileId);
  assert.equal(file.name, "chart.jpg");
  assert.equal(file.file_type, "JPG");
  const sent = await log();
  assert.ok(sent.includes("POST /v2/library/files"), sent.join(", "));
  assert.ok(!sent.includes("GET /v2/library/info"), "a configured limit needs no getInfo");
  const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34, 0x0a]);
  const doc = await c.uploadFile({ data: pdf, fileName: "terms.pdf" }, { fit: fitImage });
  assert.equal(doc.fit, undefined, "not an image: no fit");
  assert.equal((await c.getFile(doc.fileId)).size, pdf.length);
  // fit: null is no fit; a wrong fit is refused before anything is sent.
  const plain = await c.uploadFile({ data: image("small.jpg"), fileName: "small.jpg" }, { fit: null });
  assert.equal(plain.fit, undefined);
  await fetch(`${base}/_emulator/log`, { method: "DELETE" });
  await assert.rejects(c.uploadFile({ data: image("small.jpg"), fileName: "s.jpg" }, { fit: "yes" }), { code: "INVALID_ARGUMENT", argument: "options.fit" });
  await assert.rejects(c.uploadFile({ data: image("small.jpg"), fileName: "s.jpg" }, { fit: { with: fitImage, maxDimensions: 10 } }), { code: "INVALID_ARGUMENT", argument: "options.fit.maxDimensions" });
  await assert.rejects(c.uploadFile({ data: image("photo.heic"), fileName: "p.jpg" }, { fit: fitImage }), { code: "IMAGE_UNSUPPORTED" });
  assert.deepEqual(await log(), [], "nothing sent");
});

test("a fit module that cannot load is IMAGE_WORKER, and the next fit tries again", async () => {
  const { makeFitImage } = await import(join(root, "pkg/fit-core.js"));
  let calls = 0;
  const fit = makeFitImage(async () => {
    calls++;
    throw Object.assign(new Error("ENOENT: no such file or directory, open 'fit.wasm'"), { code: "ENOENT" });
  });
  await assert.rejects(fit(image("small.jpg"), { maxBytes: 10 }), (e) => {
    assert.ok(e instanceof MyLibraryError);
    assert.equal(e.code, "IMAGE_WORKER", "not a code outside the documented ones");
    assert.match(e.message, /^the image could not be fitted here: ENOENT/);
    return true;
  });
  await assert.rejects(fit(image("small.jpg"), { maxBytes: 10 }), { code: "IMAGE_WORKER" });
  assert.equal(calls, 2);
  // A Blob that cannot be read is a MyLibraryError too.
  const unreadable = new Blob([]);
  unreadable.arrayBuffer = () => Promise.reject(new DOMException("the file changed", "NotReadableError"));
  await assert.rejects(fit(unreadable, { maxBytes: 10 }), (e) => e instanceof MyLibraryError && e.code === "IMAGE_WORKER");
});

test("uploads made at once ask for the account's limit once; a PNG made JPEG keeps its name's stem", async () => {
  await control("reset", { files: 0, folders: 0 });
  const c = client();
  await fetch(`${base}/_emulator/log`, { method: "DELETE" });
  const names = ["a.b.png", "scan.2024.png", "plain"];
  const results = await Promise.all(names.map((fileName) => c.uploadFile({ data: image("opaque.png"), fileName, fileType: "PNG" }, { fit: { with: fitImage, maxDimension: 300 } })));
  const sent = await log();
  assert.equal(sent.filter((l) => l === "GET /v2/library/info").length, 1, sent.join(", "));
  const got = await Promise.all(results.map((r) => c.getFile(r.fileId).then((f) => f.name)));
  assert.deepEqual(got, ["a.b.jpg", "scan.2024.jpg", "plain.jpg"]);
});
