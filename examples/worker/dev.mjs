// Runs the Worker locally on real workerd (Miniflare 4) with the bindings of wrangler.toml: the
// Durable Objects (Session, SignIn, Account, Limiter), the app as static assets (ASSETS, the
// Worker first), the vars and the secrets. Bundles src/index.js the way wrangler does (esbuild,
// the `workerd` export condition, the .wasm copied beside the bundle as a module of its own) and
// routes the Worker's outbound requests through Node, since workerd blocks loopback. Used by
// `make demo-edge`, tests/worker, tests/browser and bench/.
import { mkdtempSync, mkdirSync, cpSync, writeFileSync, symlinkSync, existsSync } from "node:fs";
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

/** Bundles the Worker as wrangler would; resolves with the directory holding index.js and the .wasm. */
async function bundle(packageDir) {
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
    external: ["cloudflare:*"],
    outdir: out,
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    logLevel: "error",
  });
  return out;
}

const CLASSES = { SESSION: "Session", SIGNIN: "SignIn", ACCOUNT: "Account", LIMITER: "Limiter" };

/**
 * Starts the Worker. Options:
 * - `apiBase` (the API, `…/v2`), `oauthBase` (default: `apiBase`'s origin + `/oauth2`);
 * - `apiKey`, `clientSecret`, `sessionSecret` (default: 32 random bytes, new at every start);
 * - `port` (default: a free one), `appOrigin` (default `http://127.0.0.1:{port}`);
 * - `assets`: the app's directory (default build/www; `make www` builds it);
 * - `vars`: more bindings (SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS, DAILY_QUOTA, REQUESTS_PER_SECOND, CACHE_SECONDS, MAX_UPLOAD_BYTES);
 * - `instances` (default 1): that many Workers in one Miniflare (`workers: [...]`), each on its
 *   own port, all bound to the first one's Durable Objects (`scriptName`): one limiter, one
 *   session store, as isolates of one deployment share them;
 * - `onLog(line)`: every line the Worker logs (default: printed unless `quiet`);
 * - `tap({ url, method, headers, status, body })`: every outbound request and its answer (tests);
 * - `packageDir`: an installed ctct-mylibrary (default: the built pkg/).
 * Resolves with { url, urls (one per instance), appOrigin, mf, limiterStats(), dispose() }.
 */
export async function startWorker({
  apiBase,
  oauthBase,
  apiKey,
  clientSecret,
  sessionSecret = randomBytes(32).toString("base64url"),
  port,
  appOrigin,
  assets = join(root, "build/www"),
  vars = {},
  instances = 1,
  onLog,
  quiet = false,
  tap,
  packageDir = join(root, "pkg"),
}) {
  const { Miniflare, fetch: outbound } = await import(join(tools, "miniflare/dist/src/index.js"));
  if (!existsSync(join(assets, "index.html"))) throw new Error(`no app in ${assets}: run \`make www\` first`);
  port ??= await freePort();
  appOrigin ??= `http://127.0.0.1:${port}`;
  oauthBase ??= `${new URL(apiBase).origin}/oauth2`;
  const out = await bundle(packageDir);
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
    compatibilityDate: "2026-04-01",
    bindings: {
      API_BASE: apiBase,
      OAUTH_BASE: oauthBase,
      APP_ORIGIN: appOrigin,
      // the secrets of `wrangler secret put`
      API_KEY: apiKey,
      CLIENT_SECRET: clientSecret,
      SESSION_SECRET: sessionSecret,
      ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])),
    },
    durableObjects: Object.fromEntries(Object.entries(CLASSES).map(([binding, className]) => [binding, i === 0 ? { className, useSQLite: true } : { className, scriptName: "edge", useSQLite: true }])),
    assets: { directory: assets, binding: "ASSETS", routerConfig: { invoke_user_worker_ahead_of_assets: true, has_user_worker: true } },
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
    workers,
    host: "127.0.0.1",
    port,
    handleRuntimeStdio: (stdout, stderr) => {
      lines(stdout);
      lines(stderr);
    },
  });
  const url = String(await mf.ready).replace(/\/$/, "");
  const urls = [url];
  for (let i = 1; i < instances; i++) urls.push(String(await mf.unsafeGetDirectURL(`edge-${i}`)).replace(/\/$/, ""));
  /** What the api key's Limiter object holds now: { perSecond, inFlight, inWindow, waiting, sessionsWaiting, day, used, quota, granted }. */
  const limiterStats = async () => {
    const ns = await mf.getDurableObjectNamespace("LIMITER", "edge");
    const stats = await ns.get(ns.idFromName(`api-key:${createHash("sha256").update(apiKey).digest("hex")}`)).stats();
    return JSON.parse(JSON.stringify(stats));
  };
  return { url, urls, appOrigin, mf, limiterStats, dispose: () => mf.dispose() };
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
