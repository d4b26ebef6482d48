// Deno: read the module next to this file (needs --allow-read) and instantiate before export.
import { initSync, MyLibraryClient } from "./ctct_mylibrary.js";

initSync({ module: await Deno.readFile(new URL("./ctct_mylibrary_bg.wasm", import.meta.url)) });

export { MyLibraryClient };
export { MyLibraryError } from "__RUNTIME__";
