// Cloudflare Workers (workerd): the runtime compiles imported .wasm files into a
// WebAssembly.Module; instantiate it synchronously.
import wasm from "./ctct_mylibrary_server_bg.wasm";
import { initSync, MyLibraryClient as Generated } from "./ctct_mylibrary_server.js";
import { wrapClient } from "__RUNTIME__";
import { withForward } from "__EDGE__";

initSync({ module: wasm });

export const MyLibraryClient = withForward(wrapClient(Generated, () => import("./fit-upload.js")));
export { MyLibraryError } from "__RUNTIME__";
