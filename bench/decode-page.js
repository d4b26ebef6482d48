// Decode benchmark in the browser: the same measurements as bench/run.mjs's Node part.
import { MyLibraryClient } from "../pkg/index.browser.js";

export async function run({ base, key, token, rounds, limit }) {
  const url = `${base}/v2/library/files?limit=${limit}&api_key=${encodeURIComponent(key)}`;
  const headers = { accept: "application/json", authorization: `Bearer ${token}` };
  const client = new MyLibraryClient({ baseUrl: `${base}/v2`, apiKey: key, accessToken: token, requestsPerSecond: 0, retries: 0 });
  const bytes = new Uint8Array(await (await fetch(url, { headers })).arrayBuffer());
  const memClient = new MyLibraryClient({ baseUrl: `${base}/v2`, apiKey: key, accessToken: token, requestsPerSecond: 0, fetch: async () => new Response(bytes, { headers: { "content-type": "application/json" } }) });
  const t = async (f) => { const t0 = performance.now(); await f(); return performance.now() - t0; };
  const out = { e2e: [], mem: [] };
  for (let i = 0; i < rounds + 5; i++) {
    const a = await t(() => client.listFiles({ limit }));
    const b = await t(() => fetch(url, { headers }).then((r) => r.json()));
    const c = await t(() => memClient.listFiles({ limit }));
    const d = await t(() => new Response(bytes).json());
    if (i >= 5) { out.e2e.push([a, b]); out.mem.push([c, d]); }
  }
  return out;
}
