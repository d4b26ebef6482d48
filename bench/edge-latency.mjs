// The latency the edge Worker (examples/worker on workerd, Miniflare) adds to a proxied call:
// GET /v2/library/info (never cached) straight to the emulator with the credentials, and through
// the Worker with a session cookie (session lookup in its Durable Object, token decryption, a
// slot from the Limiter object — REQUESTS_PER_SECOND 0 here, so that no request waits for a
// window —, the package's forward, the scrub), in alternating pairs over keep-alive loopback;
// the added latency is the per-pair difference. Also a cached read (a hit of the account's cache).
// Usage: node bench/edge-latency.mjs [rounds]  → one JSON line.
import { resolve } from "node:path";
import { startEmulator } from "../tests/support/emulator.mjs";
import { signIn } from "../tests/support/edge.mjs";

const root = resolve(import.meta.dirname, "..");
const rounds = Number(process.argv[2] ?? 300);
const { startWorker, freePort } = await import(resolve(root, "examples/worker/dev.mjs"));
const port = await freePort();
const emu = await startEmulator(["--files", "300", "--qps", "0", "--api-key", "k", "--access-token", "t", "--client-secret", "s", "--redirect-uri", `http://127.0.0.1:${port}/auth/callback`]);
const worker = await startWorker({
  apiBase: `${emu.base}/v2`, apiKey: "k", clientSecret: "s", port, quiet: true, vars: { REQUESTS_PER_SECOND: 0 },
  ...(process.env.EDGE_TEST_PACKAGE_DIR ? { packageDir: process.env.EDGE_TEST_PACKAGE_DIR } : {}),
});
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
};
try {
  const { jar } = await signIn(worker.url);
  const cookie = jar.header();
  const time = async (url, headers) => {
    const t0 = performance.now();
    const r = await fetch(url, { headers });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
    return performance.now() - t0;
  };
  const direct = () => time(`${emu.base}/v2/library/info?api_key=k`, { authorization: "Bearer t" });
  const edge = () => time(`${worker.url}/v2/library/info`, { cookie });
  const hit = () => time(`${worker.url}/v2/library/files/9`, { cookie });
  for (let i = 0; i < 30; i++) { await direct(); await edge(); await hit(); } // warm-up
  const d = [], e = [], added = [], hits = [];
  for (let i = 0; i < rounds; i++) {
    let a, b;
    if (i % 2 === 0) { a = await direct(); b = await edge(); } else { b = await edge(); a = await direct(); }
    d.push(a);
    e.push(b);
    added.push(b - a);
    hits.push(await hit());
  }
  const out = {
    rounds,
    direct_p50_ms: q(d, 0.5), direct_p95_ms: q(d, 0.95),
    worker_p50_ms: q(e, 0.5), worker_p95_ms: q(e, 0.95),
    added_p50_ms: q(added, 0.5), added_p95_ms: q(added, 0.95),
    cache_hit_p50_ms: q(hits, 0.5), cache_hit_p95_ms: q(hits, 0.95),
  };
  console.log(JSON.stringify(out));
} finally {
  await worker.dispose();
  emu.stop();
}
