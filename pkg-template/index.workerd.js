// Cloudflare Workers (workerd): the runtime compiles imported .wasm files into a
// WebAssembly.Module; instantiate it synchronously.
import wasm from "./ctct_mylibrary_bg.wasm";
import { initSync, MyLibraryClient } from "./ctct_mylibrary.js";

initSync({ module: wasm });

export { MyLibraryClient };
export { MyLibraryError } from "__RUNTIME__";
