// The fit (ctct-mylibrary/fit) on its workload: a 12 MP JPEG fitted under 5 MB and brought to
// 2048 px, in Node, in Chromium (through its Web Worker, interleaved with Chromium's own path:
// createImageBitmap with a resize, then OffscreenCanvas.convertToBlob) and in workerd (time
// measured around the request, since workerd's clock stands still while code runs). Peak memory
// is the report's: the module's highest linear memory plus the input and the output.
import { cpSync, mkdtempSync, mkdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../tests/support/emulator.mjs";
import { ensureImages, imageDir, root } from "../tests/support/images.mjs";
import { startFitWorker } from "../tests/support/fit-worker.mjs";

const tools = join(root, "tools/node_modules");
const WORKLOAD = { maxBytes: 5_000_000, maxDimension: 2048 };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

export async function fitBench({ rounds }) {
  ensureImages();
  const photo = readFileSync(join(imageDir, "photo-12mp.jpg"));
  const wasm = readFileSync(join(root, "pkg/fit.wasm"));
  const out = { workload: "12 MP JPEG (4000x3000, 6.0 MB) under 5 MB and to 2048 px", rounds, size: { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length } };

  // Node
  const { fitImage } = await import(join(root, "pkg/fit.node.js"));
  const node = [];
  let nodePeak = 0;
  for (let i = 0; i < rounds + 1; i++) {
    const t = performance.now();
    const { report } = await fitImage(new Blob([photo]), WORKLOAD);
    if (i > 0) node.push(performance.now() - t);
    nodePeak = Math.max(nodePeak, report.peakMemoryBytes);
  }
  out.node = { ms: median(node), peak: nodePeak };

  // Chromium: the fit (its worker) and the canvas path, interleaved
  const { chromium } = await import(join(tools, "playwright-core/index.mjs"));
  const www = mkdtempSync(join(tmpdir(), "ctct-fit-bench-"));
  cpSync(join(root, "build/www"), www, { recursive: true });
  mkdirSync(join(www, "fit-images"));
  cpSync(join(imageDir, "photo-12mp.jpg"), join(www, "fit-images/photo-12mp.jpg"));
  const emu = await startEmulator(["--www", www, "--files", "0", "--qps", "0"]);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  try {
    const page = await browser.newPage();
    await page.goto(emu.base + "/");
    out.chromium = await page.evaluate(async ({ rounds, workload }) => {
      const { fitImage } = await import("/pkg/fit.browser.js");
      const blob = await (await fetch("/fit-images/photo-12mp.jpg")).blob();
      const fit = [], canvas = [];
      let peak = 0, canvasBytes = 0, fitBytes = 0;
      const canvasPath = async () => {
        const bitmap = await createImageBitmap(blob, { resizeWidth: 2048, resizeHeight: 1536, resizeQuality: "high" });
        const c = new OffscreenCanvas(bitmap.width, bitmap.height);
        c.getContext("2d").drawImage(bitmap, 0, 0);
        bitmap.close();
        return c.convertToBlob({ type: "image/jpeg", quality: 0.85 });
      };
      for (let i = 0; i < rounds + 1; i++) {
        let t = performance.now();
        const { report } = await fitImage(blob, workload);
        if (i > 0) fit.push(performance.now() - t);
        peak = Math.max(peak, report.peakMemoryBytes);
        fitBytes = report.bytes;
        t = performance.now();
        const c = await canvasPath();
        if (i > 0) canvas.push(performance.now() - t);
        canvasBytes = c.size;
      }
      const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      return { fitMs: med(fit), canvasMs: med(canvas), peak, fitBytes, canvasBytes };
    }, { rounds, workload: WORKLOAD });
  } finally {
    await browser.close();
    emu.stop();
  }

  // workerd
  const worker = await startFitWorker();
  try {
    const times = [];
    let peak = 0;
    for (let i = 0; i < rounds + 1; i++) {
      const t = performance.now();
      const { report } = await worker.fit(photo, WORKLOAD);
      if (i > 0) times.push(performance.now() - t);
      peak = Math.max(peak, report.peakMemoryBytes);
    }
    out.workerd = { ms: median(times), peak };
  } finally {
    await worker.dispose();
  }
  return out;
}
