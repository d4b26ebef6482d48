// Deno: read the module next to this file (needs --allow-read) and instantiate before export.
import { initSync, MyLibraryClient as Generated } from "./ctct_mylibrary.js";
import { wrapClient } from "__RUNTIME__";

initSync({ module: await Deno.readFile(new URL("./ctct_mylibrary_bg.wasm", import.meta.url)) });

export const MyLibraryClient = wrapClient(Generated);
export { MyLibraryError } from "__RUNTIME__";
