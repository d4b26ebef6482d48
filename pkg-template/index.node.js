// Node: synchronous instantiation and no top-level await, so `require("ctct-mylibrary")`
// works too (Node >= 20.19 loads ES modules from require).
import { readFileSync } from "node:fs";
import { initSync, MyLibraryClient as Generated } from "./ctct_mylibrary_server.js";
import { wrapClient } from "__RUNTIME__";
import { withForward } from "__EDGE__";

initSync({ module: readFileSync(new URL("./ctct_mylibrary_server_bg.wasm", import.meta.url)) });

export const MyLibraryClient = withForward(wrapClient(Generated, () => import("./fit-upload.js")));
export { MyLibraryError } from "__RUNTIME__";
