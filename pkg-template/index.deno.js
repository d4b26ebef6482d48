// Deno: read the module next to this file (needs --allow-read) and instantiate before export.
import { initSync, MyLibraryClient as Generated } from "./ctct_mylibrary_server.js";
import { wrapClient } from "__RUNTIME__";
import { withForward } from "__EDGE__";

initSync({ module: await Deno.readFile(new URL("./ctct_mylibrary_server_bg.wasm", import.meta.url)) });

export const MyLibraryClient = withForward(wrapClient(Generated, () => import("./fit-upload.js")));
export { MyLibraryError } from "__RUNTIME__";
