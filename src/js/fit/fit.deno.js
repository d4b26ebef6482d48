// ctct-mylibrary/fit in Deno: the module read (needs --allow-read) and compiled on first use.
import { fitBytes } from "./fit-engine.js";
import { makeFitImage } from "./fit-core.js";

let compiled;
// A failed read is not kept: the next fit tries again.
const module = () =>
  (compiled ??= Deno.readFile(new URL("./fit.wasm", import.meta.url))
    .then((b) => WebAssembly.compile(b))
    .catch((e) => {
      compiled = undefined;
      throw e;
    }));

export const fitImage = makeFitImage(async (bytes, options) => fitBytes(await module(), bytes, options));
