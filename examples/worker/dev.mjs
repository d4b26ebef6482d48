// Runs the Worker locally on real workerd (Miniflare 4) with the bindings of wrangler.toml, read
// from that file: the compatibility date and flags, the Durable Objects (their classes, SQLite
// ones as the migrations say), the app as static assets (the Worker first), the vars, and the
// secrets it requires (given here as options). Bundles its `main` the way wrangler does (esbuild,
// the `workerd` export condition, the .wasm copied beside the bundle as a module of its own) and
// routes the Worker's outbound requests through Node, since workerd blocks loopback. Used by
// `make demo-edge`, tests/worker, tests/browser and bench/.
import { mkdtempSync, mkdirSync, cpSync, writeFileSync, symlinkSync, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { randomBytes, createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const tools = join(root, "tools/node_modules");

/** A free TCP port on 127.0.0.1 (to know the Worker's origin before it starts: the OAuth server must register its callback). */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/**
 * The TOML of wrangler.toml, as far as that file uses it: comments, `[table]`, `[[array.of.tables]]`,
 * dotted table names, and `key = value` with a string ("…" or '…'), a number, a boolean, or an
 * array of those (over several lines too). Anything else throws, naming the line.
 */
export function parseToml(text) {
  const root = {};
  let table = root;
  const lines = text.split(/\r?\n/);
  const fail = (n, why) => {
    throw new Error(`wrangler.toml line ${n + 1}: ${why}`);
  };
  /** The line without its comment (a # outside a string). */
  const uncomment = (line) => {
    let quote = null;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === "\\" && quote === '"') i++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "#") return line.slice(0, i);
    }
    return line;
  };
  const descend = (obj, keys, n, array) => {
    let at = obj;
    keys.forEach((k, i) => {
      const last = i === keys.length - 1;
      if (last && array) {
        at[k] ??= [];
        if (!Array.isArray(at[k])) fail(n, `${k} is not an array of tables`);
        at[k].push({});
        at = at[k][at[k].length - 1];
      } else {
        at[k] ??= {};
        at = Array.isArray(at[k]) ? at[k][at[k].length - 1] : at[k];
        if (typeof at !== "object") fail(n, `${k} is not a table`);
      }
    });
    return at;
  };
  /** One value from `src` at `i`: [value, next index]. */
  const value = (src, i, n) => {
    while (/\s/.test(src[i] ?? "")) i++;
    const c = src[i];
    if (c === '"') {
      let out = "";
      for (i++; i < src.length && src[i] !== '"'; i++) {
        if (src[i] !== "\\") {
          out += src[i];
          continue;
        }
        const e = src[++i];
        const simple = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };
        if (e in simple) out += simple[e];
        else if (e === "u" || e === "U") {
          const len = e === "u" ? 4 : 8;
          out += String.fromCodePoint(parseInt(src.slice(i + 1, i + 1 + len), 16));
          i += len;
        } else fail(n, `unknown escape \\${e}`);
      }
      if (src[i] !== '"') fail(n, "unterminated string");
      return [out, i + 1];
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) fail(n, "unterminated string");
      return [src.slice(i + 1, end), end + 1];
    }
    if (c === "[") {
      const out = [];
      i++;
      for (;;) {
        while (/[\s,]/.test(src[i] ?? "")) i++;
        if (src[i] === "]") return [out, i + 1];
        if (i >= src.length) fail(n, "unterminated array");
        let v;
        [v, i] = value(src, i, n);
        out.push(v);
      }
    }
    const m = /^(true|false|[+-]?\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(src.slice(i));
    if (!m) fail(n, `a value this reader does not know: ${src.slice(i, i + 20)}`);
    const v = m[1] === "true" ? true : m[1] === "false" ? false : Number(m[1].replace(/_/g, ""));
    return [v, i + m[1].length];
  };
  for (let n = 0; n < lines.length; n++) {
    let line = uncomment(lines[n]).trim();
    if (!line) continue;
    const header = /^(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?$/.exec(line);
    if (header) {
      table = descend(root, header[2].split("."), n, header[1] === "[[");
      continue;
    }
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) fail(n, "not a key = value");
    let src = kv[2];
    const start = n;
    // an array over several lines: read on until its brackets close
    const open = (t) => {
      let depth = 0;
      let quote = null;
      for (let i = 0; i < t.length; i++) {
        const c = t[i];
        if (quote) {
          if (c === "\\" && quote === '"') i++;
          else if (c === quote) quote = null;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === "[") depth++;
        else if (c === "]") depth--;
      }
      return depth;
    };
    while (open(src) > 0 && n + 1 < lines.length) src += ` ${uncomment(lines[++n]).trim()}`;
    const [v, end] = value(src, 0, start);
    if (src.slice(end).trim()) fail(start, "more after the value");
    if (kv[1] in table) fail(start, `${kv[1]} is set twice`);
    table[kv[1]] = v;
  }
  return root;
}

/** wrangler.toml beside this file. */
export function wranglerConfig() {
  return parseToml(readFileSync(join(import.meta.dirname, "wrangler.toml"), "utf8"));
}

/** Bundles the Worker as wrangler would; resolves with the directory holding index.js and the .wasm. */
async function bundle(packageDir, main) {
  const esbuild = await import(join(tools, "esbuild/lib/main.js"));
  const project = mkdtempSync(join(tmpdir(), "mylibrary-worker-"));
  cpSync(join(import.meta.dirname, "src"), join(project, "src"), { recursive: true });
  mkdirSync(join(project, "node_modules"));
  symlinkSync(packageDir, join(project, "node_modules/ctct-mylibrary"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "worker", private: true, type: "module" }));
  const out = join(project, "dist");
  await esbuild.build({
    entryPoints: [join(project, main)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    outdir: out,
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    logLevel: "error",
  });
  return out;
}

/**
 * Starts the Worker with the bindings of wrangler.toml. Options:
 * - `apiBase` (the API, `…/v2`), `oauthBase` (default: `apiBase`'s origin + `/oauth2`);
 * - `apiKey`, `clientSecret`, `sessionSecret` (default: 32 random bytes, new at every start);
 * - `port` (default: a free one), `appOrigin` (default `http://127.0.0.1:{port}`);
 * - `assets`: the app's directory (default: wrangler.toml's, build/www; `make www` builds it);
 * - `vars`: bindings over wrangler.toml's vars (SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS, DAILY_QUOTA,
 *   REQUESTS_PER_SECOND, CACHE_SECONDS, MAX_UPLOAD_BYTES, UPSTREAM_BUDGET_SECONDS, UPLOAD_BUDGET_SECONDS);
 * - `instances` (default 1): that many Workers in one Miniflare (`workers: [...]`), each on its
 *   own port, all bound to the first one's Durable Objects (`scriptName`): one limiter, one
 *   session store, as isolates of one deployment share them;
 * - `onLog(line)`: every line the Worker logs (default: printed unless `quiet`);
 * - `tap({ url, method, headers, status, body })`: every outbound request and its answer (tests);
 * - `packageDir`: an installed ctct-mylibrary (default: the built pkg/);
 * - `persist`: a directory for the Durable Objects' storage (default: in memory, gone at
 *   dispose); a Worker started again on the same directory finds its objects' storage there;
 * - `extraWorkers`: more Miniflare workers beside the Worker's (tests: a client with a service
 *   binding to "edge").
 * Resolves with { url, urls (one per instance), appOrigin, mf, limiter(), limiterStats(), dispose() }.
 */
export async function startWorker({
  apiBase,
  oauthBase,
  apiKey,
  clientSecret,
  sessionSecret = randomBytes(32).toString("base64url"),
  port,
  appOrigin,
  assets,
  vars = {},
  instances = 1,
  onLog,
  quiet = false,
  tap,
  packageDir = join(root, "pkg"),
  persist,
  extraWorkers = [],
}) {
  const config = wranglerConfig();
  // the secrets wrangler.toml requires, as `wrangler secret put` would have set them
  const secrets = { API_KEY: apiKey, CLIENT_SECRET: clientSecret, SESSION_SECRET: sessionSecret };
  const missing = (config.secrets?.required ?? []).filter((name) => !secrets[name]);
  if (missing.length > 0) throw new Error(`wrangler.toml requires the secrets ${missing.join(", ")}: give them to startWorker`);
  const sqlite = new Set((config.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []));
  const classes = (config.durable_objects?.bindings ?? []).map((b) => [b.name, b.class_name]);
  assets ??= resolve(import.meta.dirname, config.assets?.directory ?? join(root, "build/www"));
  const { Miniflare, fetch: outbound } = await import(join(tools, "miniflare/dist/src/index.js"));
  if (!existsSync(join(assets, "index.html"))) throw new Error(`no app in ${assets}: run \`make www\` first`);
  port ??= await freePort();
  appOrigin ??= `http://127.0.0.1:${port}`;
  oauthBase ??= `${new URL(apiBase).origin}/oauth2`;
  const out = await bundle(packageDir, config.main);
  const log = onLog ?? ((line) => { if (!quiet) console.log(`[worker] ${line}`); });
  const lines = (stream) => {
    let rest = "";
    stream.on("data", (d) => {
      const parts = (rest + d).split("\n");
      rest = parts.pop();
      for (const p of parts) if (p.trim()) log(p);
    });
  };

  const ports = [port];
  for (let i = 1; i < instances; i++) ports.push(await freePort());
  const workers = ports.map((p, i) => ({
    name: i === 0 ? "edge" : `edge-${i}`,
    modules: true,
    scriptPath: join(out, "index.js"),
    modulesRoot: out,
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    bindings: {
      ...config.vars,
      API_BASE: apiBase,
      OAUTH_BASE: oauthBase,
      APP_ORIGIN: appOrigin,
      ...secrets,
      ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])),
    },
    durableObjects: Object.fromEntries(classes.map(([binding, className]) => [binding, { className, useSQLite: sqlite.has(className), ...(i === 0 ? {} : { scriptName: "edge" }) }])),
    assets: { directory: assets, binding: config.assets?.binding ?? "ASSETS", routerConfig: { invoke_user_worker_ahead_of_assets: config.assets?.run_worker_first === true, has_user_worker: true } },
    outboundService: async (request) => {
      if (!tap) return outbound(request);
      const sent = { url: request.url, method: request.method, headers: Object.fromEntries(request.headers) };
      const r = await outbound(request);
      sent.status = r.status;
      sent.body = await r.clone().text();
      tap(sent);
      return r;
    },
    ...(i > 0 ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: p }] } : {}),
  }));
  const mf = new Miniflare({
    workers: [...workers, ...extraWorkers],
    host: "127.0.0.1",
    port,
    ...(persist ? { durableObjectsPersist: persist } : {}),
    handleRuntimeStdio: (stdout, stderr) => {
      lines(stdout);
      lines(stderr);
    },
  });
  const url = String(await mf.ready).replace(/\/$/, "");
  const urls = [url];
  for (let i = 1; i < instances; i++) urls.push(String(await mf.unsafeGetDirectURL(`edge-${i}`)).replace(/\/$/, ""));
  /** The api key's Limiter object (a stub: its methods, called from Node). */
  const limiter = async () => {
    const ns = await mf.getDurableObjectNamespace("LIMITER", "edge");
    return ns.get(ns.idFromName(`api-key:${createHash("sha256").update(apiKey).digest("hex")}`));
  };
  /** What the api key's Limiter object holds now: { perSecond, inFlight, leases, inWindow, waiting, accountsWaiting, day, used, quota, granted, restored }. */
  const limiterStats = async () => JSON.parse(JSON.stringify(await (await limiter()).stats()));
  return { url, urls, appOrigin, mf, limiter, limiterStats, dispose: () => mf.dispose() };
}

// `node examples/worker/dev.mjs`: the Worker on :8787 in front of the emulator of `make demo-edge`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const apiBase = process.env.API_BASE ?? "http://127.0.0.1:8080/v2";
  const port = Number(process.env.WORKER_PORT ?? 8787);
  const { url } = await startWorker({
    apiBase,
    oauthBase: process.env.OAUTH_BASE,
    apiKey: process.env.API_KEY ?? "demo-api-key",
    clientSecret: process.env.CLIENT_SECRET ?? "demo-client-secret",
    sessionSecret: process.env.SESSION_SECRET, // default: random, so sessions end when this process does
    port,
    appOrigin: process.env.APP_ORIGIN ?? `http://127.0.0.1:${port}`,
  });
  console.log(`The app on ${url}/ (the Worker on workerd: sign-in, sessions, /v2 to ${apiBase}); the credentials stay here`);
}
