// ctct-mylibrary/fit in browsers: the fit runs in a module Web Worker (fit-worker.js), so the page
// never freezes; the image's bytes are transferred, not copied. Where no Worker can be made (a
// worker of a browser without nested workers), it runs here.
import { makeFitImage } from "./fit-core.js";

let worker;
let next = 0;
const pending = new Map();

function failAll(w, message) {
  // The worker could not load or died (a Content-Security-Policy without worker-src, a bundler
  // that left the file out, out of memory): every pending fit fails with IMAGE_WORKER, and the
  // next one starts a new worker.
  if (worker === w) worker = undefined;
  try {
    w.terminate();
  } catch {
    // already gone
  }
  const failure = { code: "IMAGE_WORKER", message: `the image worker could not run: ${message}` };
  for (const p of pending.values()) p.reject(failure);
  pending.clear();
}

function start() {
  const w = new Worker(new URL("./fit-worker.js", import.meta.url), { type: "module", name: "ctct-mylibrary-fit" });
  w.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.error) p.reject(data.error);
    else p.resolve({ bytes: data.bytes, report: data.report });
  };
  w.onmessageerror = () => failAll(w, "a message from it could not be read");
  w.onerror = (e) => {
    e.preventDefault?.();
    failAll(w, e.message || "it failed to load");
  };
  return w;
}

// Without a worker: the engine and the module loaded here, on first use.
let localModule;
async function runHere(bytes, options) {
  const { fitBytes, loadOnce } = await import("./fit-engine.js");
  localModule ??= loadOnce(() => WebAssembly.compileStreaming(fetch(new URL("./fit.wasm", import.meta.url))));
  return fitBytes(await localModule(), bytes, options);
}

export const fitImage = makeFitImage((bytes, options) => {
  if (typeof Worker === "undefined") return runHere(bytes, options);
  try {
    worker ??= start();
  } catch {
    // No worker may be made here (a policy forbids it): the fit runs on this thread.
    return runHere(bytes, options);
  }
  const id = next++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // A copy when the bytes are a view of a larger buffer, so that only the image is moved (the
    // caller's own bytes were copied already: see fit-core.js).
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    try {
      worker.postMessage({ id, bytes: own, options }, [own.buffer]);
    } catch (e) {
      pending.delete(id);
      reject({ code: "IMAGE_WORKER", message: `the image could not be sent to the worker: ${e?.message ?? e}` });
    }
  });
});
