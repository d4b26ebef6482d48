// Bundles the app with esbuild. esbuild does not follow `new URL("./x.wasm", import.meta.url)`,
// so the .wasm is copied next to the bundle, where that URL points.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const out = process.argv[2] ?? "dist-esbuild";
mkdirSync(out, { recursive: true });
await build({ entryPoints: ["main.js"], bundle: true, format: "esm", target: "esnext", outfile: join(out, "main.js"), logLevel: "error" });
const pkgDir = dirname(createRequire(import.meta.url).resolve("ctct-mylibrary/package.json"));
copyFileSync(join(pkgDir, "ctct_mylibrary_bg.wasm"), join(out, "ctct_mylibrary_bg.wasm"));
copyFileSync("index.html", join(out, "index.html"));
