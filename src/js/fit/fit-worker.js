// The Web Worker of ctct-mylibrary/fit in browsers: compiles the module once and fits each image
// it is sent, transferring the result back.
import { fitBytes, loadOnce } from "./fit-engine.js";

// Compiled on first use; a failed fetch or compile is tried again with the next image.
const module = loadOnce(() =>
  WebAssembly.compileStreaming(fetch(new URL("./fit.wasm", import.meta.url))).catch((e) => {
    throw new Error(`the image module could not load: ${e?.message ?? e}`);
  }),
);

self.onmessage = async ({ data: { id, bytes, options } }) => {
  try {
    const out = fitBytes(await module(), bytes, options);
    self.postMessage({ id, bytes: out.bytes, report: out.report }, out.bytes ? [out.bytes.buffer] : []);
  } catch (e) {
    self.postMessage({ id, error: { code: typeof e?.code === "string" ? e.code : "IMAGE_WORKER", message: String(e?.message ?? e) } });
  }
};
