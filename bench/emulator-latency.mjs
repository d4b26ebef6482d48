// p50 / p99 latency of 1000-item pages on a 10,000-file library, measured from Node over
// loopback (keep-alive), every file sort order in turn. Usage: node bench/emulator-latency.mjs [rounds]
import { startEmulator } from "../tests/support/emulator.mjs";

const rounds = Number(process.argv[2] ?? 200);
const { base, stop } = await startEmulator(["--files", "10000", "--qps", "0", "--api-key", "k", "--access-token", "t"]);
const sorts = ["CREATED_DATE_DESC", "NAME", "SIZE_DESC", "DIMENSION", "MODIFIED_DATE"];
const times = [];
try {
  for (let i = 0; i < rounds + 20; i++) {
    const url = `${base}/v2/library/files?limit=1000&sort_by=${sorts[i % sorts.length]}&api_key=k`;
    const t0 = performance.now();
    const r = await fetch(url, { headers: { authorization: "Bearer t" } });
    const body = await r.arrayBuffer();
    const dt = performance.now() - t0;
    if (r.status !== 200 || body.byteLength < 100_000) throw new Error(`unexpected answer ${r.status}`);
    if (i >= 20) times.push(dt); // after warm-up
  }
} finally {
  stop();
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
const out = { rounds, p50_ms: +q(0.5).toFixed(2), p90_ms: +q(0.9).toFixed(2), p99_ms: +q(0.99).toFixed(2) };
console.log(JSON.stringify(out));
