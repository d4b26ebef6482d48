// Browsers and bundlers: instantiate with top-level await, so importing is all it takes.
import init, { MyLibraryClient } from "./ctct_mylibrary.js";

await init({ module_or_path: new URL("./ctct_mylibrary_bg.wasm", import.meta.url) });

export { MyLibraryClient };
export { MyLibraryError } from "__RUNTIME__";
