// ctct-mylibrary/fit in Node: the module compiled once, on first use, from the file beside this.
import { readFileSync } from "node:fs";
import { fitBytes } from "./fit-engine.js";
import { makeFitImage } from "./fit-core.js";

let compiled;
const module = () => (compiled ??= new WebAssembly.Module(readFileSync(new URL("./fit.wasm", import.meta.url))));

export const fitImage = makeFitImage(async (bytes, options) => fitBytes(module(), bytes, options));
