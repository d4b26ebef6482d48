// The Web Worker of ctct-mylibrary/fit in browsers: compiles the module once and fits each image
// it is sent, transferring the result back.
import { fitBytes } from "./fit-engine.js";

const compiled = WebAssembly.compileStreaming(fetch(new URL("./fit.wasm", import.meta.url)));

self.onmessage = async ({ data: { id, bytes, options } }) => {
  try {
    const out = fitBytes(await compiled, bytes, options);
    self.postMessage({ id, bytes: out.bytes, report: out.report }, out.bytes ? [out.bytes.buffer] : []);
  } catch (e) {
    self.postMessage({ id, error: { code: e?.code ?? "IMAGE_WORKER", message: String(e?.message ?? e) } });
  }
};
