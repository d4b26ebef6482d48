// The load case of the edge Worker (examples/worker): `sessions` signed-in sessions each send
// `requests` GET /v2/library/info, one after another and all sessions at once, through two Workers in one Miniflare bound to the one
// limiter Durable Object, against an emulator enforcing `qps` requests a second per api key.
// Resolves with what happened: every answer's status, the emulator's over.qps rejections, and the
// utilisation: the share of the `qps` used while the queue is full (the completions between the
// first and last tenth, over their time span). Used by tests/worker/load.test.mjs (make test:
// nothing rejected, everything answered) and bench/run.mjs (make bench: utilisation ≥ 90%).
import { join, resolve } from "node:path";
import { startEmulator } from "../tests/support/emulator.mjs";
import { signIn, SESSION_COOKIE } from "../tests/support/edge.mjs";

const root = resolve(import.meta.dirname, "..");
const KEY = "edge-load-key-1234";
const SECRET = "edge-load-client-secret";

export async function edgeLoad({ sessions = 20, requests = 30, qps = 4 } = {}) {
  const { startWorker, freePort } = await import(join(root, "examples/worker/dev.mjs"));
  const port = await freePort();
  const emulator = await startEmulator(["--files", "20", "--folders", "3", "--qps", String(qps), "--accounts", "2", "--api-key", KEY, "--access-token", "edge-load-fixed-token", "--client-secret", SECRET, "--redirect-uri", `http://127.0.0.1:${port}/auth/callback`]);
  let worker;
  try {
    worker = await startWorker({ apiBase: `${emulator.base}/v2`, apiKey: KEY, clientSecret: SECRET, port, instances: 2, quiet: true, vars: { REQUESTS_PER_SECOND: qps, DAILY_QUOTA: 0 } });
    // the sessions, alternately on the two Workers, half of them each account
    const jars = [];
    for (let s = 0; s < sessions; s++) {
      const { jar } = await signIn(worker.urls[s % 2], { username: s % 4 < 2 ? "demo_user" : "demo_user_2" });
      jars.push(jar);
    }
    await fetch(`${emulator.base}/_emulator/log`, { method: "DELETE" });
    const started = performance.now();
    const done = [];
    // Each session sends its requests one after another, as a page's code does: the limiter's
    // queues (one per account, taken in turn) then hold one waiter per session, `sessions` in
    // all, which keeps them full.
    const statuses = (
      await Promise.all(
        jars.map(async (jar, s) => {
          const mine = [];
          for (let i = 0; i < requests; i++) {
            const r = await fetch(`${worker.urls[s % 2]}/v2/library/info`, { headers: { cookie: `${SESSION_COOKIE}=${jar.get(SESSION_COOKIE)}` } });
            await r.arrayBuffer();
            done.push(performance.now() - started);
            mine.push(r.status);
          }
          return mine;
        }),
      )
    ).flat();
    const seconds = (performance.now() - started) / 1000;
    const log = await (await fetch(`${emulator.base}/_emulator/log`)).json();
    const upstream = log.filter((e) => e.path === "/v2/library/info");
    done.sort((a, b) => a - b);
    const tenth = Math.floor(done.length / 10);
    const span = (done[done.length - 1 - tenth] - done[tenth]) / 1000;
    const rate = (done.length - 1 - 2 * tenth) / span;
    return {
      sessions,
      requests: statuses.length,
      ok: statuses.filter((s) => s === 200).length,
      statuses: [...new Set(statuses)],
      upstream: upstream.length,
      overQps: upstream.filter((e) => e.status === 403).length,
      seconds: Math.round(seconds * 10) / 10,
      rate: Math.round(rate * 100) / 100,
      utilisation: Math.round((rate / qps) * 1000) / 1000,
      limiter: await worker.limiterStats(),
    };
  } finally {
    await worker?.dispose();
    emulator.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await edgeLoad({ sessions: Number(process.argv[2] ?? 20), requests: Number(process.argv[3] ?? 30) }), null, 1));
}
