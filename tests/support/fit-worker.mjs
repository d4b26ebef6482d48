// A Worker on workerd that fits what it is sent with ctct-mylibrary/fit (pkg/), bundled as
// wrangler would (the `workerd` condition, the fit's .wasm a module of its own). POST the image
// to `?options=<JSON>`: it answers { report, type, head } (the first 400 bytes of the result),
// or 422 { error }. Used by tests/worker/fit.test.mjs and bench/fit-bench.mjs.
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./images.mjs";

const tools = join(root, "tools/node_modules");

const WORKER = `
import { fitImage } from "ctct-mylibrary/fit";
export default {
  async fetch(request) {
    const options = JSON.parse(new URL(request.url).searchParams.get("options"));
    try {
      const { blob, report } = await fitImage(await request.blob(), options);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      return Response.json({ report, type: blob.type, head: Array.from(bytes.subarray(0, 400)) });
    } catch (e) {
      return Response.json({ error: { name: e.name, code: e.code, message: e.message } }, { status: 422 });
    }
  },
};`;

/** Starts the Worker; resolves with { url, project (its folder, with node_modules), fit(bytes, options), dispose() }. */
export async function startFitWorker() {
  const project = mkdtempSync(join(tmpdir(), "ctct-fit-worker-"));
  mkdirSync(join(project, "node_modules"));
  symlinkSync(join(root, "pkg"), join(project, "node_modules/ctct-mylibrary"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "fit-worker", private: true, type: "module" }));
  writeFileSync(join(project, "worker.js"), WORKER);
  const esbuild = await import(join(tools, "esbuild/lib/main.js"));
  const out = join(project, "dist");
  await esbuild.build({
    entryPoints: [join(project, "worker.js")], bundle: true, format: "esm", platform: "neutral",
    conditions: ["workerd", "worker", "browser"], outdir: out, loader: { ".wasm": "copy" }, assetNames: "[name]", logLevel: "error",
  });
  const { Miniflare } = await import(join(tools, "miniflare/dist/src/index.js"));
  const mf = new Miniflare({
    modules: true, scriptPath: join(out, "worker.js"), modulesRoot: out,
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
  });
  const url = String(await mf.ready);
  const fit = (bytes, options) =>
    fetch(`${url}?options=${encodeURIComponent(JSON.stringify(options))}`, { method: "POST", body: bytes }).then(async (r) => ({ status: r.status, ...(await r.json()) }));
  return { url, project, fit, dispose: () => mf.dispose() };
}
