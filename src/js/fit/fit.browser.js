// ctct-mylibrary/fit in browsers: the fit runs in a module Web Worker (fit-worker.js), so the page
// never freezes; the image's bytes are transferred, not copied. Where no Worker can be made (a
// worker of a browser without nested workers), it runs here.
import { makeFitImage } from "./fit-core.js";

let worker;
let next = 0;
const pending = new Map();

function start() {
  const w = new Worker(new URL("./fit-worker.js", import.meta.url), { type: "module", name: "ctct-mylibrary-fit" });
  w.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.error) p.reject(data.error);
    else p.resolve({ bytes: data.bytes, report: data.report });
  };
  w.onerror = (e) => {
    // The worker could not load (a Content-Security-Policy without worker-src, a bundler that
    // left the file out): every pending fit fails, and the next one starts a new worker.
    e.preventDefault?.();
    worker = undefined;
    const failure = { code: "IMAGE_WORKER", message: `the image worker could not run: ${e.message || "it failed to load"}` };
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  return w;
}

let local;
async function runHere(bytes, options) {
  const { fitBytes } = await import("./fit-engine.js");
  local ??= WebAssembly.compileStreaming(fetch(new URL("./fit.wasm", import.meta.url)));
  return fitBytes(await local, bytes, options);
}

export const fitImage = makeFitImage((bytes, options) => {
  if (typeof Worker === "undefined") return runHere(bytes, options);
  worker ??= start();
  const id = next++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // A copy when the bytes are a view of a larger buffer, so that only the image is moved.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    worker.postMessage({ id, bytes: own, options }, [own.buffer]);
  });
});
