// Bundles the app with esbuild. esbuild does not follow `new URL("./x", import.meta.url)`, so
// what such URLs name is copied next to the bundle, where they point: the core's .wasm, and
// ctct-mylibrary/fit's Web Worker, its engine and its .wasm.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const out = process.argv[2] ?? "dist-esbuild";
mkdirSync(out, { recursive: true });
await build({ entryPoints: ["main.js"], bundle: true, format: "esm", target: "esnext", outfile: join(out, "main.js"), logLevel: "error" });
const pkgDir = dirname(createRequire(import.meta.url).resolve("ctct-mylibrary/package.json"));
for (const f of ["ctct_mylibrary_bg.wasm", "fit-worker.js", "fit-engine.js", "fit.wasm"]) copyFileSync(join(pkgDir, f), join(out, f));
copyFileSync("index.html", join(out, "index.html"));
