// Runs the example Worker locally on real workerd (Miniflare 4): bundles src/index.js the way
// wrangler does (esbuild, the `workerd` export condition, the .wasm copied beside the bundle as
// a module of its own) and routes its outbound requests through Node, since workerd blocks
// loopback. Used by `make demo-edge` and by tests/worker.
import { mkdtempSync, mkdirSync, cpSync, writeFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const tools = join(root, "tools/node_modules");

/**
 * Starts the Worker. `packageDir` is an installed ctct-mylibrary (default: the built pkg/).
 * Resolves with { url, dispose }.
 */
export async function startWorker({ apiBase, apiKey, accessToken, allowedOrigin = "*", port = 0, packageDir = join(root, "pkg") }) {
  const { Miniflare, fetch: outbound } = await import(join(tools, "miniflare/dist/src/index.js"));
  const esbuild = await import(join(tools, "esbuild/lib/main.js"));
  const project = mkdtempSync(join(tmpdir(), "mylibrary-worker-"));
  cpSync(join(import.meta.dirname, "src"), join(project, "src"), { recursive: true });
  mkdirSync(join(project, "node_modules"));
  symlinkSync(packageDir, join(project, "node_modules/ctct-mylibrary"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "worker", private: true, type: "module" }));
  const out = join(project, "dist");
  await esbuild.build({
    entryPoints: [join(project, "src/index.js")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    outdir: out,
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    logLevel: "error",
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(out, "index.js"),
    modulesRoot: out,
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    bindings: { API_KEY: apiKey, ACCESS_TOKEN: accessToken, API_BASE: apiBase, ALLOWED_ORIGIN: allowedOrigin },
    outboundService: (request) => outbound(request),
    host: "127.0.0.1",
    port,
  });
  const url = String(await mf.ready).replace(/\/$/, "");
  return { url, dispose: () => mf.dispose() };
}

// `node examples/worker/dev.mjs`: the proxy on :8787 in front of the emulator of `make demo`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const upstream = process.env.API_BASE ?? "http://127.0.0.1:8080/v2";
  const { url } = await startWorker({
    apiBase: upstream,
    apiKey: process.env.API_KEY ?? "demo-api-key",
    accessToken: process.env.ACCESS_TOKEN ?? "demo-access-token",
    allowedOrigin: process.env.ALLOWED_ORIGIN ?? "http://127.0.0.1:8080",
    port: Number(process.env.PORT ?? 8787),
  });
  console.log(`edge proxy (workerd) on ${url}, forwarding to ${upstream}; the credentials stay here`);
}
