// Node: synchronous instantiation and no top-level await, so `require("ctct-mylibrary")`
// works too (Node >= 20.19 loads ES modules from require).
import { readFileSync } from "node:fs";
import { initSync, MyLibraryClient } from "./ctct_mylibrary.js";

initSync({ module: readFileSync(new URL("./ctct_mylibrary_bg.wasm", import.meta.url)) });

export { MyLibraryClient };
export { MyLibraryError } from "__RUNTIME__";
