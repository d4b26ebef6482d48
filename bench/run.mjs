// `make bench`: size, decode against JSON.parse, bulk work at the rate limit, cold start, the
// grid at 10,000 files, emulator latency, the latency the edge Worker adds, the edge under load.
// Each figure is compared with a baseline measured in the same run, interleaved; medians and
// spreads. `--smoke` runs a few rounds of each to prove the harness works and checks only the
// size budgets, which do not depend on timing (make test uses it).
// Results: bench-results/latest.json.
import { execFileSync } from "node:child_process";
import { startEmulator } from "../tests/support/emulator.mjs";
import { png } from "../tests/support/png.mjs";
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync, mkdtempSync, cpSync, symlinkSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants as zc } from "node:zlib";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const smoke = process.argv.includes("--smoke");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const want = (name) => !only || only.includes(name);
const tools = join(root, "tools/node_modules");
const KEY = "bench-key-0000";
const TOKEN = "bench-token-0000";
const results = { smoke, date: new Date().toISOString(), machine: `${process.platform} ${process.arch}, node ${process.version}` };
const rows = [];
const failures = [];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const r2 = (x) => Math.round(x * 100) / 100;
const row = (area, figure, value, budget = "") => rows.push([area, figure, value, budget]);

const emulator = (args) => startEmulator(["--api-key", KEY, "--access-token", TOKEN, ...args]);

// ---------------------------------------------------------------- 1. size

function size() {
  const pkg = join(root, "pkg");
  const runtime = execFileSync("bash", ["-c", "ls snippets/*/src/js/runtime.js"], { cwd: pkg, encoding: "utf8" }).trim();
  const wasm = readFileSync(join(pkg, "ctct_mylibrary_bg.wasm"));
  const js = Buffer.concat(["ctct_mylibrary.js", runtime, "index.browser.js"].map((f) => readFileSync(join(pkg, f))));
  const gz = (b) => gzipSync(b, { level: 9 }).length;
  const br = (b) => brotliCompressSync(b, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const s = { wasm: { raw: wasm.length, gzip: gz(wasm), brotli: br(wasm) }, js: { raw: js.length, gzip: gz(js), brotli: br(js) } };
  s.total_gzip = s.wasm.gzip + s.js.gzip;
  const budget = 60 * 1024;
  s.budget_gzip = budget;
  let top = [];
  try {
    const csv = execFileSync("twiggy", ["top", "-n", "12", "--format", "csv", join(root, "build/bindgen/ctct_mylibrary_bg.wasm")], { encoding: "utf8" });
    top = csv.trim().split("\n").slice(1).map((l) => { const [name, bytes] = l.split(/,(?=\d+,)/); return { name: name.replace(/^"|"$/g, "").slice(0, 90), bytes: Number(bytes.split(",")[0]) }; }).filter((x) => !x.name.includes("function names"));
  } catch { top = [{ name: "twiggy not installed (cargo install twiggy)", bytes: 0 }]; }
  s.largest = top;
  results.size = s;
  row("size", "wasm raw / gzip / brotli", `${s.wasm.raw} / ${s.wasm.gzip} / ${s.wasm.brotli} B`);
  row("size", "JS raw / gzip / brotli", `${s.js.raw} / ${s.js.gzip} / ${s.js.brotli} B`);
  row("size", "wasm + JS gzip", `${(s.total_gzip / 1024).toFixed(1)} KB`, "≤ 60 KB (goal 30)");
  // The servers' build (Node, Deno, workerd: plus forward and the limiter option), which no
  // browser loads: reported, no budget.
  const server = readFileSync(join(pkg, "ctct_mylibrary_server_bg.wasm"));
  s.server = { raw: server.length, gzip: gz(server), brotli: br(server) };
  row("size", "servers' wasm raw / gzip / brotli", `${s.server.raw} / ${s.server.gzip} / ${s.server.brotli} B`);
  // The sign-in entry (ctct-mylibrary/oauth), plain JavaScript loaded only by pages that import it.
  const oauth = readFileSync(join(pkg, "oauth.js"));
  s.oauth = { raw: oauth.length, gzip: gz(oauth), brotli: br(oauth), budget_gzip: 6 * 1024 };
  row("size", "oauth entry raw / gzip / brotli", `${s.oauth.raw} / ${s.oauth.gzip} / ${s.oauth.brotli} B`, "≤ 6 KB gzip");
  row("size", "core + oauth entry gzip", `${((s.total_gzip + s.oauth.gzip) / 1024).toFixed(1)} KB`);
  if (s.oauth.gzip > s.oauth.budget_gzip) failures.push(`size: the oauth entry is ${s.oauth.gzip} B gzip, over its 6 KB budget`);
  if (s.total_gzip > budget) failures.push(`size: ${(s.total_gzip / 1024).toFixed(1)} KB gzip is over the 60 KB budget; largest contributors before wasm-opt:\n${top.map((t) => `  ${String(t.bytes).padStart(7)}  ${t.name}`).join("\n")}`);
}

// ---------------------------------------------------------------- 2. decode

async function decode() {
  const { MyLibraryClient } = await import(join(root, "pkg/index.node.js"));
  const emu = await emulator(["--files", "1200", "--qps", "0"]);
  const rounds = smoke ? 3 : 40;
  try {
    const out = {};
    for (const limit of [1000, 10]) {
      const url = `${emu.base}/v2/library/files?limit=${limit}&api_key=${KEY}`;
      const headers = { accept: "application/json", authorization: `Bearer ${TOKEN}` };
      const client = new MyLibraryClient({ baseUrl: `${emu.base}/v2`, apiKey: KEY, accessToken: TOKEN, requestsPerSecond: 0, retries: 0 });
      const bytes = new Uint8Array(await (await fetch(url, { headers })).arrayBuffer());
      const mem = new MyLibraryClient({ baseUrl: `${emu.base}/v2`, apiKey: KEY, accessToken: TOKEN, requestsPerSecond: 0, fetch: async () => new Response(bytes, { headers: { "content-type": "application/json" } }) });
      const t = async (f) => { const t0 = performance.now(); await f(); return performance.now() - t0; };
      const e2e = [], memr = [];
      for (let i = 0; i < rounds + 5; i++) {
        const a = await t(() => client.listFiles({ limit }));
        const b = await t(() => fetch(url, { headers }).then((r) => r.json()));
        const c = await t(() => mem.listFiles({ limit }));
        const d = await t(() => new Response(bytes).json());
        if (i >= 5) { e2e.push([a, b]); memr.push([c, d]); }
      }
      out[limit] = summarize(e2e, memr, bytes.length);
    }
    results.decode_node = out;
    row("decode (Node)", "1000 files end to end: client / fetch+json", ratioText(out[1000].e2e), "median ≤ 2.0 (goal 1.3)");
    row("decode (Node)", "1000 files from memory (decode alone)", ratioText(out[1000].mem));
    row("decode (Node)", "10 files end to end (fixed cost)", ratioText(out[10].e2e));
    if (!smoke && out[1000].e2e.ratio_median > 2.0) failures.push(`decode (Node): ratio ${out[1000].e2e.ratio_median} > 2.0`);
    if (want("decode-browser")) await decodeBrowser(emu, rounds);
  } finally {
    emu.stop();
  }
}

function summarize(e2e, mem, bytes) {
  const s = (pairs) => {
    const ratios = pairs.map(([a, b]) => a / b);
    return { client_ms_median: r2(median(pairs.map((p) => p[0]))), baseline_ms_median: r2(median(pairs.map((p) => p[1]))), ratio_median: r2(median(ratios)), ratio_p25: r2(quantile(ratios, 0.25)), ratio_p75: r2(quantile(ratios, 0.75)), rounds: pairs.length };
  };
  return { body_bytes: bytes, e2e: s(e2e), mem: s(mem) };
}
const ratioText = (x) => `${x.ratio_median}× (IQR ${x.ratio_p25}–${x.ratio_p75}; ${x.client_ms_median} vs ${x.baseline_ms_median} ms)`;

async function decodeBrowser(emu, rounds) {
  const { chromium } = await import(join(tools, "playwright-core/index.mjs"));
  // serve pkg/ and bench/ from an emulator origin
  const www = mkdtempSync(join(tmpdir(), "bench-www-"));
  cpSync(join(root, "pkg"), join(www, "pkg"), { recursive: true });
  cpSync(join(root, "bench"), join(www, "bench"), { recursive: true });
  writeFileSync(join(www, "index.html"), "<!doctype html><title>bench</title>");
  const host = await emulator(["--files", "1200", "--qps", "0", "--www", www]);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage();
    await page.goto(`${host.base}/index.html`);
    const out = {};
    for (const limit of [1000, 10]) {
      const raw = await page.evaluate(async (a) => (await import("./bench/decode-page.js")).run(a), { base: host.base, key: KEY, token: TOKEN, rounds, limit });
      out[limit] = summarize(raw.e2e, raw.mem, 0);
    }
    results.decode_chromium = out;
    row("decode (Chromium)", "1000 files end to end", ratioText(out[1000].e2e), "median ≤ 2.0");
    row("decode (Chromium)", "1000 files from memory", ratioText(out[1000].mem));
    row("decode (Chromium)", "10 files end to end", ratioText(out[10].e2e));
    if (!smoke && out[1000].e2e.ratio_median > 2.0) failures.push(`decode (Chromium): ratio ${out[1000].e2e.ratio_median} > 2.0`);
  } finally {
    await browser.close();
    host.stop();
  }
}

// ---------------------------------------------------------------- 3. bulk at the rate limit

async function bulk() {
  const { MyLibraryClient } = await import(join(root, "pkg/index.node.js"));
  const n = smoke ? 6 : 40;
  const emu = await emulator(["--files", "0", "--qps", "4", "--upload-delay-ms", "0"]);
  try {
    const client = new MyLibraryClient({ baseUrl: `${emu.base}/v2`, apiKey: KEY, accessToken: TOKEN });
    const image = new Uint8Array(png(16, 16));
    await new Promise((r) => setTimeout(r, 1100)); // an empty window to start from
    await fetch(`${emu.base}/_emulator/log`, { method: "DELETE" });
    const t0 = performance.now();
    const ids = await Promise.all(Array.from({ length: n }, (_, i) => client.uploadFile({ data: image, fileName: `bulk-${i}.png`, folderId: "-1" }).then((r) => r.fileId)));
    const statuses = await client.getUploadStatus(ids);
    if (!statuses.every((s) => s.status === "Active")) throw new Error("not all Active");
    await client.moveFiles("-4", ids);
    await client.deleteFiles(ids);
    const wall = (performance.now() - t0) / 1000;
    const log = await (await fetch(`${emu.base}/_emulator/log`)).json();
    const rejected = log.filter((e) => e.status === 403).length;
    const requests = log.filter((e) => e.path.startsWith("/v2/")).length;
    const floor = (n + 3) / 4;
    results.bulk = { uploads: n, requests, wall_s: r2(wall), floor_s: r2(floor), ratio: r2(wall / floor), over_qps_rejections: rejected };
    row("bulk at 4 req/s", `${n} uploads + status + move + delete (${requests} requests)`, `${r2(wall)} s = ${r2(wall / floor)}× the ${r2(floor)} s floor; ${rejected} over.qps`, "≤ 1.25× floor, 0 rejections");
    if (!smoke && (wall / floor > 1.25 || rejected > 0)) failures.push(`bulk: ${r2(wall / floor)}× floor, ${rejected} rejections`);
  } finally {
    emu.stop();
  }
}

// ---------------------------------------------------------------- 4. cold start

async function coldStart() {
  const { startWorker, freePort } = await import(join(root, "examples/worker/dev.mjs"));
  const { signIn } = await import(join(root, "tests/support/edge.mjs"));
  const edgePort = await freePort(); // the edge Worker's origin, whose callback the OAuth server registers
  const emu = await emulator(["--files", "0", "--qps", "0", "--client-secret", "bench-secret", "--redirect-uri", `http://127.0.0.1:${edgePort}/auth/callback`]);
  const rounds = smoke ? 2 : 15;
  try {
    const dir = mkdtempSync(join(tmpdir(), "bench-cold-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(join(root, "pkg"), join(dir, "node_modules/ctct-mylibrary"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(dir, "client.mjs"), `import { MyLibraryClient } from "ctct-mylibrary";\nconst c = new MyLibraryClient({ baseUrl: process.env.BASE + "/v2", apiKey: "${KEY}", accessToken: "${TOKEN}" });\nawait c.getInfo();\n`);
    writeFileSync(join(dir, "plain.mjs"), `const r = await fetch(process.env.BASE + "/v2/library/info?api_key=${KEY}", { headers: { authorization: "Bearer ${TOKEN}", accept: "application/json" } });\nawait r.json();\n`);
    const time = (file) => { const t0 = performance.now(); execFileSync(process.execPath, [file], { cwd: dir, env: { ...process.env, BASE: emu.base } }); return performance.now() - t0; };
    const pairs = [];
    for (let i = 0; i < rounds; i++) pairs.push([time("client.mjs"), time("plain.mjs")]);
    const node = { client_ms_median: r2(median(pairs.map((p) => p[0]))), plain_ms_median: r2(median(pairs.map((p) => p[1]))) };
    results.cold_start_node = node;
    row("cold start (Node)", "process start → first getInfo", `${node.client_ms_median} ms vs plain fetch ${node.plain_ms_median} ms`);
    // workerd, from outside: start → signed in → first proxied answer, the edge Worker vs a plain-fetch Worker
    const { Miniflare } = await import(join(tools, "miniflare/dist/src/index.js"));
    const wk = [];
    for (let i = 0; i < Math.max(2, Math.floor(rounds / 3)); i++) {
      let t0 = performance.now();
      const w = await startWorker({ apiBase: `${emu.base}/v2`, apiKey: KEY, clientSecret: "bench-secret", port: edgePort, quiet: true });
      const { jar } = await signIn(w.url);
      const answer = await fetch(`${w.url}/v2/library/info`, { headers: { cookie: jar.header() } });
      await answer.text();
      if (answer.status !== 200) throw new Error(`the edge Worker answered ${answer.status}`);
      const a = performance.now() - t0;
      await w.dispose();
      t0 = performance.now();
      const plain = new Miniflare({ modules: true, compatibilityDate: "2026-04-01", script: `export default { async fetch(req, env) { return fetch(env.BASE + "/v2/library/info?api_key=${KEY}", { headers: { authorization: "Bearer ${TOKEN}" } }); } }`, bindings: { BASE: emu.base }, outboundService: (r) => globalThis.fetch(r.url, { headers: r.headers }) });
      const url = await plain.ready;
      await (await fetch(new URL("/", url))).text();
      const b = performance.now() - t0;
      await plain.dispose();
      wk.push([a, b]);
    }
    results.cold_start_workerd = { worker_ms_median: r2(median(wk.map((p) => p[0]))), plain_ms_median: r2(median(wk.map((p) => p[1]))), note: "includes bundling the Worker with esbuild, starting workerd and, for the edge Worker, a sign-in through the consent page (code exchange, token info, session)" };
    row("cold start (workerd)", "start → first proxied answer (incl. bundling; the edge Worker signs in first)", `${results.cold_start_workerd.worker_ms_median} ms vs plain-fetch Worker ${results.cold_start_workerd.plain_ms_median} ms`);
  } finally {
    emu.stop();
  }
}

// ---------------------------------------------------------------- 4b. the Rust Worker: cold start and size

// The Rust Worker (examples/worker-rs, workers-rs) from the start of workerd to its first answer,
// GET /grid?limit=1 (one request upstream), interleaved with a JavaScript Worker doing the same
// through the npm package (the JS face; same route, same answer) and the plain-fetch Worker of
// `coldStart`. All three are built before the clock starts (cargo + wasm-bindgen + wasm-opt for the
// Rust one, esbuild for the JS one), so each figure is workerd's start, the module's compile and
// instantiation, and one call. The edge Worker's figure is `coldStart`'s row. Also the size of what
// the Rust Worker uploads (its wasm and its entry module).
async function coldStartRust() {
  const { buildRustWorker, startRustWorker, rustWorkerSizes } = await import(join(root, "examples/worker-rs/dev.mjs"));
  const { Miniflare, fetch: outbound } = await import(join(tools, "miniflare/dist/src/index.js"));
  const esbuild = await import(join(tools, "esbuild/lib/main.js"));
  const { isDeepStrictEqual } = await import("node:util");
  await buildRustWorker({ quiet: true });
  const sz = await rustWorkerSizes();
  results.rust_worker_size = sz;
  row("size", "Rust Worker wasm raw / gzip / brotli (wasm-opt -O, names kept, as worker-build)", `${sz.wasm.raw} / ${sz.wasm.gzip} / ${sz.wasm.brotli} B`);
  row("size", "Rust Worker wasm without its name section", `${sz.wasmWithoutNames.raw} / ${sz.wasmWithoutNames.gzip} / ${sz.wasmWithoutNames.brotli} B`);
  row("size", "Rust Worker entry JS raw / gzip / brotli", `${sz.js.raw} / ${sz.js.gzip} / ${sz.js.brotli} B`);

  // the same Worker in JavaScript, on the package's workerd build, bundled as wrangler would
  const project = mkdtempSync(join(tmpdir(), "bench-js-grid-"));
  mkdirSync(join(project, "node_modules"));
  symlinkSync(join(root, "pkg"), join(project, "node_modules/ctct-mylibrary"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(project, "index.js"), `import { MyLibraryClient } from "ctct-mylibrary";
export default {
  async fetch(request, env) {
    const client = new MyLibraryClient({ baseUrl: env.API_BASE, apiKey: env.API_KEY, accessToken: env.ACCESS_TOKEN });
    const page = await client.listFiles({ limit: Number(new URL(request.url).searchParams.get("limit") ?? 50) });
    return Response.json({ via: "fetch", items: page.results.map((f) => ({ id: f.id, name: f.name, thumbnail: f.thumbnail ?? null })), more: page.next != null });
  },
};
`);
  const out = join(project, "dist");
  await esbuild.build({ entryPoints: [join(project, "index.js")], bundle: true, format: "esm", platform: "neutral", conditions: ["workerd", "worker", "browser"], external: ["cloudflare:*"], outdir: out, loader: { ".wasm": "copy" }, assetNames: "[name]", logLevel: "error" });

  const emu = await emulator(["--files", "0", "--qps", "0"]);
  const bindings = { API_BASE: `${emu.base}/v2`, API_KEY: KEY, ACCESS_TOKEN: TOKEN };
  const first = async (url) => {
    const r = await fetch(`${url}/grid?limit=1`);
    const body = await r.json();
    if (r.status !== 200 || body.items?.length !== 1) throw new Error(`a Worker answered ${r.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const rounds = smoke ? 2 : 15;
  try {
    const times = []; // [rust, rust's first answer alone, js, plain]
    for (let i = 0; i < rounds; i++) {
      let t0 = performance.now();
      const rust = await startRustWorker({ apiBase: bindings.API_BASE, apiKey: KEY, accessToken: TOKEN, quiet: true });
      const ready = performance.now();
      const a = await first(rust.url);
      const tRust = performance.now() - t0;
      const tRustFirst = performance.now() - ready;
      await rust.dispose();

      t0 = performance.now();
      const js = new Miniflare({ modules: true, scriptPath: join(out, "index.js"), modulesRoot: out, modulesRules: [{ type: "ESModule", include: ["**/*.js"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }], compatibilityDate: "2026-04-01", bindings, outboundService: (r) => outbound(r) });
      const b = await first(String(await js.ready).replace(/\/$/, ""));
      const tJs = performance.now() - t0;
      await js.dispose();
      if (!isDeepStrictEqual(a, b)) throw new Error(`the Rust and the JS Worker answered differently: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);

      t0 = performance.now();
      const plain = new Miniflare({ modules: true, compatibilityDate: "2026-04-01", script: `export default { async fetch(req, env) { return fetch(env.BASE + "/v2/library/files?limit=1&api_key=${KEY}", { headers: { authorization: "Bearer ${TOKEN}" } }); } }`, bindings: { BASE: emu.base }, outboundService: (r) => globalThis.fetch(r.url, { headers: r.headers }) });
      await (await fetch(new URL("/", await plain.ready))).text();
      const tPlain = performance.now() - t0;
      await plain.dispose();
      times.push([tRust, tRustFirst, tJs, tPlain]);
    }
    const m = (k) => r2(median(times.map((t) => t[k])));
    const q = (k, p) => r2(quantile(times.map((t) => t[k]), p));
    results.cold_start_rust_worker = {
      rust_ms_median: m(0), rust_ms_p25: q(0, 0.25), rust_ms_p75: q(0, 0.75),
      rust_first_answer_ms_median: m(1),
      js_package_ms_median: m(2), js_package_ms_p25: q(2, 0.25), js_package_ms_p75: q(2, 0.75),
      plain_ms_median: m(3),
      edge_worker_ms_median: results.cold_start_workerd?.worker_ms_median,
      rounds,
      note: "start of workerd (Miniflare) to the first answer of GET /grid?limit=1 (one API request), the Workers built beforehand; the JS Worker does the same through the npm package's workerd build",
    };
    const c = results.cold_start_rust_worker;
    row("cold start (workerd, Rust Worker)", "start → first /grid answer (built beforehand): Rust Worker vs the same Worker in JS (npm package) vs plain fetch", `${c.rust_ms_median} ms (IQR ${c.rust_ms_p25}–${c.rust_ms_p75}; first answer ${c.rust_first_answer_ms_median} ms) vs JS ${c.js_package_ms_median} ms (IQR ${c.js_package_ms_p25}–${c.js_package_ms_p75}) vs plain ${c.plain_ms_median} ms${c.edge_worker_ms_median ? `; the edge Worker ${c.edge_worker_ms_median} ms (row above)` : ""}`);
  } finally {
    emu.stop();
  }
}

// ---------------------------------------------------------------- 5. the grid at 10,000 files

async function gridBench() {
  const { chromium } = await import(join(tools, "playwright-core/index.mjs"));
  if (!existsSync(join(root, "build/www/index.html"))) execFileSync("make", ["-s", "www"], { cwd: root });
  const emu = await emulator(["--files", smoke ? "2000" : "10000", "--folders", "30", "--qps", "0", "--www", join(root, "build/www"), "--api-key", "demo-api-key", "--access-token", "demo-access-token"]);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${emu.base}/#folder=-1`);
    await page.waitForSelector("html[data-ready=true]");
    const firstRow = await page.evaluate(async () => {
      const t0 = performance.now();
      document.querySelector("#tree [data-id=all] > .label").click();
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        const imgs = [...document.querySelectorAll(".cell img")].filter((i) => i.closest(".cell").dataset.index < 5);
        if (imgs.length >= 5 && imgs.every((i) => i.complete && i.naturalWidth > 0)) return performance.now() - t0;
      }
    });
    const frames = await page.evaluate(async () => {
      const vp = document.getElementById("viewport");
      const times = [];
      let last = performance.now();
      let nodesMax = 0;
      while (!(document.getElementById("count").textContent.match(/^\d+ files$/) && vp.scrollTop + vp.clientHeight >= vp.scrollHeight - 2)) {
        vp.scrollTop += 400;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
        nodesMax = Math.max(nodesMax, document.getElementsByTagName("*").length);
        if (times.length > 20000) break;
      }
      times.sort((a, b) => a - b);
      return { frames: times.length, p50: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], nodesMax };
    });
    results.grid = { files: smoke ? 2010 : 10010, first_row_ms: r2(firstRow), frame_p50_ms: r2(frames.p50), frame_p95_ms: r2(frames.p95), frames: frames.frames, dom_nodes_max: frames.nodesMax };
    row("grid", `"All files" → first row painted (${results.grid.files} files)`, `${r2(firstRow)} ms`);
    row("grid", "scroll to the end: frame p50 / p95, DOM nodes max", `${r2(frames.p50)} / ${r2(frames.p95)} ms over ${frames.frames} frames; ${frames.nodesMax} nodes`);
  } finally {
    await browser.close();
    emu.stop();
  }
}

// ---------------------------------------------------------------- 6. emulator latency

function emulatorLatency() {
  const out = JSON.parse(execFileSync(process.execPath, [join(root, "bench/emulator-latency.mjs"), smoke ? "20" : "300"], { encoding: "utf8" }).trim().split("\n").pop());
  results.emulator = out;
  row("emulator", "1000-item page on 10,000 files: p50 / p99", `${out.p50_ms} / ${out.p99_ms} ms`, "p50 < 20 ms");
}

// ---------------------------------------------------------------- 7. the edge Worker's added latency

function edgeLatency() {
  const out = JSON.parse(execFileSync(process.execPath, [join(root, "bench/edge-latency.mjs"), smoke ? "20" : "300"], { encoding: "utf8" }).trim().split("\n").pop());
  results.edge = out;
  row("edge Worker", "added to a proxied GET (session, limiter, forward): p50 / p95", `${out.added_p50_ms} / ${out.added_p95_ms} ms (direct ${out.direct_p50_ms} ms, through the Worker ${out.worker_p50_ms} ms; a cache hit ${out.cache_hit_p50_ms} ms)`);
}

// ---------------------------------------------------------------- 8. the edge under load

async function edgeUnderLoad() {
  const { edgeLoad } = await import(join(root, "bench/edge-load.mjs"));
  const out = await edgeLoad(smoke ? { sessions: 4, requests: 6 } : { sessions: 20, requests: 30 });
  results.edge_load = out;
  row("edge load", `${out.sessions} sessions × ${out.requests / out.sessions} requests, two Workers, one limiter, API at 4 req/s: share of the 4 req/s used`, `${(out.utilisation * 100).toFixed(1)}% (${out.rate} req/s; ${out.ok}/${out.requests} answered, ${out.overQps} over.qps)`, "≥ 90%, 0 over.qps");
  if (!smoke && (out.utilisation < 0.9 || out.overQps > 0 || out.ok !== out.requests)) failures.push(`edge load: utilisation ${out.utilisation}, ${out.overQps} over.qps, ${out.ok}/${out.requests} answered`);
}

// ---------------------------------------------------------------- 9. fit before upload

async function fitBench() {
  const { fitBench: run } = await import(join(root, "bench/fit-bench.mjs"));
  const f = await run({ rounds: smoke ? 1 : 7 });
  results.fit = f;
  const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
  const sizeBudget = 150 * 1024;
  row("fit", "fit wasm raw / gzip (loaded only by ctct-mylibrary/fit)", `${f.size.raw} / ${f.size.gzip} B`, "≤ 150 KB gzip");
  if (f.size.gzip > sizeBudget) failures.push(`size: fit wasm ${f.size.gzip} B gzip > ${sizeBudget}`);
  row("fit", `${f.workload}: Node, median of ${f.rounds}`, `${Math.round(f.node.ms)} ms, peak ${mb(f.node.peak)}`, "≤ 1000 ms, ≤ 100 MB");
  row("fit", "Chromium: the fit (in its Web Worker) / the canvas path (createImageBitmap + convertToBlob)", `${Math.round(f.chromium.fitMs)} / ${Math.round(f.chromium.canvasMs)} ms = ${(f.chromium.fitMs / f.chromium.canvasMs).toFixed(2)}×; peak ${mb(f.chromium.peak)}; ${f.chromium.fitBytes} / ${f.chromium.canvasBytes} B out`, "≤ 1.75× (goal 1.5×), ≤ 100 MB");
  row("fit", "workerd (around the request: 6 MB sent in, report out)", `${Math.round(f.workerd.ms)} ms, peak ${mb(f.workerd.peak)}`, "≤ 100 MB");
  if (!smoke) {
    if (f.node.ms > 1000) failures.push(`fit: Node ${f.node.ms} ms > 1000`);
    // The goal is 1.5×; measured 1.58× (the JPEG decode, without SIMD in jpeg-decoder, is over
    // half the time; Chromium's is libjpeg-turbo's SIMD): the budget keeps it from getting worse.
    if (f.chromium.fitMs / f.chromium.canvasMs > 1.75) failures.push(`fit: Chromium ${(f.chromium.fitMs / f.chromium.canvasMs).toFixed(2)}× the canvas path > 1.75×`);
    for (const [where, peak] of [["Node", f.node.peak], ["Chromium", f.chromium.peak], ["workerd", f.workerd.peak]]) {
      if (peak > 100e6) failures.push(`fit: ${where} peak ${peak} B > 100 MB`);
    }
  }
}

// ---------------------------------------------------------------- run

if (want("size")) size();
if (want("decode")) await decode();
if (want("bulk")) await bulk();
if (want("cold")) await coldStart();
if (want("cold") || want("cold-rust")) await coldStartRust();
if (want("grid")) await gridBench();
if (want("emulator")) emulatorLatency();
if (want("edge")) edgeLatency();
if (want("load")) await edgeUnderLoad();
if (want("fit")) await fitBench();

const dir = join(root, "bench-results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, smoke ? "smoke.json" : "latest.json"), JSON.stringify(results, null, 2));
const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => String(r[i]).length)));
console.log(`\n${smoke ? "bench (smoke: a few rounds, no budgets)" : "bench"} — ${results.machine}`);
for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${String(r[2]).padEnd(w[2])}  ${r[3]}`);
// Sizes do not depend on timing: their budgets hold in the smoke run too (make test).
const sizes = failures.filter((f) => f.startsWith("size:"));
if (smoke && sizes.length) {
  console.error(`\nover budget:\n${sizes.join("\n")}`);
  process.exit(1);
} else if (smoke) {
  console.log(`${rows.length} passed, 0 failed`);
} else if (failures.length) {
  console.error(`\nover budget:\n${failures.join("\n")}`);
  process.exit(1);
}
