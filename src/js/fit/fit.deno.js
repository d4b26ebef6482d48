// ctct-mylibrary/fit in Deno: the module read (needs --allow-read) and compiled on first use.
import { fitBytes, loadOnce } from "./fit-engine.js";
import { makeFitImage } from "./fit-core.js";

const module = loadOnce(async () => WebAssembly.compile(await Deno.readFile(new URL("./fit.wasm", import.meta.url))));

export const fitImage = makeFitImage(async (bytes, options) => fitBytes(await module(), bytes, options));
