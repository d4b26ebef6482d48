// Cloudflare Workers (workerd): the runtime compiles imported .wasm files into a
// WebAssembly.Module; instantiate it synchronously.
import wasm from "./ctct_mylibrary_bg.wasm";
import { initSync, MyLibraryClient as Generated } from "./ctct_mylibrary.js";
import { wrapClient } from "__RUNTIME__";

initSync({ module: wasm });

export const MyLibraryClient = wrapClient(Generated);
export { MyLibraryError } from "__RUNTIME__";
