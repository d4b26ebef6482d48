// Builds the Rust Worker the way worker-build 0.8.7 would, with the tools this repository pins and
// nothing downloaded at build time, and runs it on real workerd (Miniflare 4). Used by
// tests/worker/rust-worker.test.mjs and bench/run.mjs.
//
// The build (`buildRustWorker`):
//   1. cargo build --release --target wasm32-unknown-unknown (target/worker-rs);
//   2. wasm-bindgen --target module --out-name index --no-typescript
//      --experimental-reset-state-function --force-enable-abort-handler, with the wasm-bindgen
//      CLI that scripts/bootstrap installs, which must be the version Cargo.lock pins;
//   3. wasm-opt -O (binaryen from tools/node_modules, the version worker-build uses), with
//      worker-build's feature set and the name section kept;
//   4. the entry module: shim.js (worker-build's) with its handlers filled in from the
//      exports, bundled by esbuild (tools/node_modules) into build/index.js, whose
//      `import source` of the wasm becomes a plain import (a CompiledWasm module on workerd).
// Output: examples/worker-rs/build/{index.js, index_bg.wasm}, what `wrangler deploy` uploads.
//
// `node examples/worker-rs/dev.mjs` builds it and serves it on :8788 in front of the API at
// API_BASE (default the emulator of `make demo`, http://127.0.0.1:8080/v2), with API_KEY and
// ACCESS_TOKEN (defaults: the demo's); `--build` only builds.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, cpSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const here = import.meta.dirname;
const root = resolve(here, "../..");
const tools = join(root, "tools/node_modules");
const targetDir = join(root, "target/worker-rs");
export const outDir = join(here, "build");

/** The version of `name` in the example's Cargo.lock. */
function locked(name) {
  const lock = readFileSync(join(here, "Cargo.lock"), "utf8");
  const m = new RegExp(`\\[\\[package\\]\\]\\nname = "${name}"\\nversion = "([^"]+)"`).exec(lock);
  if (!m) throw new Error(`no ${name} in examples/worker-rs/Cargo.lock`);
  return m[1];
}

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", ...opts });

/** The handlers worker-build adds to the entry point, from the `export`s of wasm-bindgen's module. */
function handlers(glue) {
  const names = [];
  for (const m of glue.matchAll(/(?:^|[\s;}])export (?:async )?function ([\w$]+)\s*\(|(?:^|[\s;}])export \{\s*[\w$]+ as ([\w$]+)\s*\}/g)) {
    const name = m[1] ?? m[2];
    if (!["__wbg_reset_state", "__worker_init_state"].includes(name)) names.push(name);
  }
  return names
    .map((name) => ["fetch", "queue", "scheduled", "email", "connect"].includes(name)
      ? `Entrypoint.prototype.${name} = function ${name} (arg) {\n  return exports.${name}.call(this, arg, this.env, this.ctx);\n}\n`
      : `Entrypoint.prototype.${name} = exports.${name};\n`)
    .join("");
}

/** worker-build's wrappers of the exported classes (Durable Objects and the like). */
function classWrappers(glue) {
  return [...glue.matchAll(/(?:^|[\s;}])export class ([\w$]+)\s*\{/g)]
    .map((m) => `export const ${m[1]} = new Proxy(exports.${m[1]}, classProxyHooks);\n`)
    .join("");
}

/**
 * Builds the Worker into examples/worker-rs/build. `cargo: false` skips cargo (the wasm must be
 * built already). Steps 2-4 are skipped when cargo's wasm and the tools are what the last build
 * used. Resolves with { dir, script, wasm, wasmBindgen, worker }.
 */
export async function buildRustWorker({ cargo = true, quiet = false } = {}) {
  const say = (s) => { if (!quiet) console.error(`[worker-rs] ${s}`); };
  const wasmBindgen = locked("wasm-bindgen");
  const worker = locked("worker");
  const have = (() => {
    try { return run("wasm-bindgen", ["--version"]).trim().split(/\s+/)[1]; } catch { return undefined; }
  })();
  if (have !== wasmBindgen) {
    throw new Error(`examples/worker-rs needs wasm-bindgen-cli ${wasmBindgen} (its Cargo.lock's wasm-bindgen), found ${have ?? "none"}: run scripts/bootstrap`);
  }
  if (cargo) {
    say("cargo build --release --target wasm32-unknown-unknown");
    run(process.env.CARGO ?? "cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--target-dir", targetDir, "--manifest-path", join(here, "Cargo.toml"), ...(quiet ? ["--quiet"] : [])], { cwd: here, stdio: ["ignore", "inherit", "inherit"] });
  }
  const built = join(targetDir, "wasm32-unknown-unknown/release/mylibrary_worker_rs.wasm");
  if (!existsSync(built)) throw new Error(`no ${built}: build the Worker with cargo first`);
  const stamp = createHash("sha256")
    .update(readFileSync(built))
    .update(readFileSync(join(here, "shim.js")))
    .update(readFileSync(import.meta.filename))
    .update(`${wasmBindgen} ${readFileSync(join(tools, "binaryen/package.json"), "utf8")} ${readFileSync(join(tools, "esbuild/package.json"), "utf8")}`)
    .digest("hex");
  const stampFile = join(outDir, ".stamp");
  const script = join(outDir, "index.js");
  const wasm = join(outDir, "index_bg.wasm");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp && existsSync(script) && existsSync(wasm)) {
    return { dir: outDir, script, wasm, wasmBindgen, worker };
  }

  const stage = join(tmpdir(), `mylibrary-worker-rs-${process.pid}-${Date.now()}`);
  mkdirSync(stage, { recursive: true });
  try {
    say(`wasm-bindgen ${wasmBindgen} --target module`);
    run("wasm-bindgen", [built, "--out-dir", stage, "--out-name", "index", "--no-typescript", "--target", "module", "--experimental-reset-state-function", "--force-enable-abort-handler"]);
    say("wasm-opt -O");
    const features = ["mutable-globals", "sign-ext", "nontrapping-float-to-int", "bulk-memory", "multivalue", "reference-types", "exception-handling"];
    const bg = join(stage, "index_bg.wasm");
    run(join(tools, ".bin/wasm-opt"), [bg, "-o", `${bg}.opt`, "-O", ...features.map((f) => `--enable-${f}`), "--debuginfo"]);
    cpSync(`${bg}.opt`, bg);
    rmSync(`${bg}.opt`);

    const glue = readFileSync(join(stage, "index.js"), "utf8");
    const shim = readFileSync(join(here, "shim.js"), "utf8").replace("$HANDLERS", () => handlers(glue)) + classWrappers(glue);
    writeFileSync(join(stage, "shim.js"), shim);
    say("esbuild");
    const esbuild = await import(join(tools, "esbuild/lib/main.js"));
    await esbuild.build({
      entryPoints: [join(stage, "shim.js")],
      bundle: true,
      format: "esm",
      external: ["./index_bg.wasm", "cloudflare:*"],
      outfile: join(stage, "out.js"),
      minify: true,
      logLevel: "error",
    });
    const entry = readFileSync(join(stage, "out.js"), "utf8").replace("import source ", "import ");
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(script, entry);
    cpSync(bg, wasm);
    writeFileSync(stampFile, stamp);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return { dir: outDir, script, wasm, wasmBindgen, worker };
}

/** A JavaScript Worker, bound as API, that sends every request it is given on with its own fetch. */
const GATEWAY = `export default { fetch(request) { return fetch(request); } };`;

/**
 * Starts the built Rust Worker on workerd (build it first: `buildRustWorker`). Options:
 * - `apiBase` (the API, `…/v2`), `apiKey`, `accessToken` (a secret binding);
 * - `api`: the `API` service binding, through which the Worker then sends every request:
 *   `"worker"` (a JavaScript Worker in the same Miniflare that fetches them on), or a function
 *   `(request) => Response` run in Node; default none (the global fetch);
 * - `tap({ from, url, method, headers, status, body })`: every request that leaves workerd
 *   (`from`: "worker-rs" for the Rust Worker's own, "gateway" for the API Worker's) and every
 *   request given to a Node binding (`from`: "binding");
 * - `port` (default: a free one), `onLog(line)` / `quiet`.
 * Resolves with { url, mf, dispose() }.
 */
export async function startRustWorker({ apiBase, apiKey, accessToken, api, tap, port = 0, onLog, quiet = false }) {
  const { Miniflare, fetch: outbound } = await import(join(tools, "miniflare/dist/src/index.js"));
  if (!existsSync(join(outDir, "index.js"))) throw new Error("the Rust Worker is not built: buildRustWorker() first");
  const log = onLog ?? ((line) => { if (!quiet) console.log(`[worker-rs] ${line}`); });
  const lines = (stream) => {
    let rest = "";
    stream.on("data", (d) => {
      const parts = (rest + d).split("\n");
      rest = parts.pop();
      for (const p of parts) if (p.trim()) log(p);
    });
  };
  // workerd blocks loopback: every outbound request goes through Node.
  const via = (from) => async (request) => {
    if (!tap) return outbound(request);
    const sent = { from, url: request.url, method: request.method, headers: Object.fromEntries(request.headers) };
    const r = await outbound(request);
    sent.status = r.status;
    sent.body = await r.clone().text();
    tap(sent);
    return r;
  };
  const binding = (fn) => async (request) => {
    const sent = { from: "binding", url: request.url, method: request.method, headers: Object.fromEntries(request.headers) };
    const r = await fn(request);
    if (tap) {
      sent.status = r.status;
      sent.body = await r.clone().text();
      tap(sent);
    }
    return r;
  };
  const workers = [{
    name: "worker-rs",
    modules: true,
    scriptPath: join(outDir, "index.js"),
    modulesRoot: outDir,
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    bindings: { API_BASE: apiBase, API_KEY: apiKey, ACCESS_TOKEN: accessToken },
    outboundService: via("worker-rs"),
    ...(api === "worker" ? { serviceBindings: { API: "gateway" } } : {}),
    ...(typeof api === "function" ? { serviceBindings: { API: binding(api) } } : {}),
  }];
  if (api === "worker") {
    workers.push({ name: "gateway", modules: true, script: GATEWAY, compatibilityDate: "2026-04-01", outboundService: via("gateway") });
  }
  const mf = new Miniflare({
    workers,
    host: "127.0.0.1",
    port,
    handleRuntimeStdio: (stdout, stderr) => {
      lines(stdout);
      lines(stderr);
    },
  });
  const url = String(await mf.ready).replace(/\/$/, "");
  return { url, mf, dispose: () => mf.dispose() };
}

/** A wasm module without its `name` custom section (the function names that stack traces show). */
function withoutNames(bytes) {
  const parts = [bytes.subarray(0, 8)];
  let at = 8;
  const leb = () => { let n = 0, shift = 0, b; do { b = bytes[at++]; n |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return n >>> 0; };
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    const size = leb();
    const body = at;
    at += size;
    if (id === 0) {
      let p = body, len = 0, shift = 0, b;
      do { b = bytes[p++]; len |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
      if (bytes.subarray(p, p + len).toString("utf8") === "name") continue;
    }
    parts.push(bytes.subarray(start, at));
  }
  return Buffer.concat(parts);
}

/**
 * Sizes of the built Worker: { wasm, wasmWithoutNames, js }, each { raw, gzip, brotli } in bytes
 * (`wasmWithoutNames`: the wasm less its name section, which worker-build keeps for stack traces).
 */
export async function rustWorkerSizes() {
  const { gzipSync, brotliCompressSync, constants: zc } = await import("node:zlib");
  const size = (b) => ({ raw: b.length, gzip: gzipSync(b, { level: 9 }).length, brotli: brotliCompressSync(b, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length });
  const wasm = readFileSync(join(outDir, "index_bg.wasm"));
  return { wasm: size(wasm), wasmWithoutNames: size(withoutNames(wasm)), js: size(readFileSync(join(outDir, "index.js"))) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildRustWorker();
  if (process.argv.includes("--build")) {
    console.log(`built ${readdirSync(built.dir).filter((f) => !f.startsWith(".")).map((f) => join(built.dir, f)).join(", ")}`);
  } else {
    const apiBase = process.env.API_BASE ?? "http://127.0.0.1:8080/v2";
    const { url } = await startRustWorker({
      apiBase,
      apiKey: process.env.API_KEY ?? "demo-api-key",
      accessToken: process.env.ACCESS_TOKEN ?? "demo-access-token",
      port: Number(process.env.WORKER_PORT ?? 8788),
    });
    console.log(`The Rust Worker on ${url}/overview and ${url}/grid?limit=9 (workerd), reading ${apiBase}`);
  }
}
