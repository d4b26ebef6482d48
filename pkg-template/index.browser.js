// Browsers and bundlers: instantiate with top-level await, so importing is all it takes.
import init, { MyLibraryClient as Generated } from "./ctct_mylibrary.js";
import { wrapClient } from "__RUNTIME__";

await init({ module_or_path: new URL("./ctct_mylibrary_bg.wasm", import.meta.url) });

export const MyLibraryClient = wrapClient(Generated, () => import("./fit-upload.js"));
export { MyLibraryError } from "__RUNTIME__";
