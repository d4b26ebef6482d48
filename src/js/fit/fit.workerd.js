// ctct-mylibrary/fit in Cloudflare Workers: workerd compiles the imported .wasm file.
import wasm from "./fit.wasm";
import { fitBytes } from "./fit-engine.js";
import { makeFitImage } from "./fit-core.js";

export const fitImage = makeFitImage(async (bytes, options) => fitBytes(wasm, bytes, options));
