// The edge's load case (issue step 9): 20 sessions × 30 requests through two Workers in one
// Miniflare, bound to the one limiter Durable Object, against an emulator enforcing 4 requests a
// second per api key. Nothing may be rejected for over.qps and every request must be answered.
// The utilisation (no timing is asserted here) is make bench's figure, with its budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { edgeLoad } from "../../bench/edge-load.mjs";

test("20 sessions × 30 requests through two Workers: every request answered, 0 over.qps", { timeout: 600_000 }, async () => {
  const r = await edgeLoad({ sessions: 20, requests: 30, qps: 4 });
  console.log(`edge load: ${r.requests} requests in ${r.seconds} s, ${r.rate} req/s (utilisation ${r.utilisation}), ${r.overQps} over.qps`);
  assert.equal(r.requests, 600);
  assert.deepEqual(r.statuses, [200], "every request answered 200");
  assert.equal(r.upstream, 600, "each reached the API once (no retry was needed)");
  assert.equal(r.overQps, 0, "the API rejected none for over.qps");
  assert.equal(r.limiter.granted, 600, "the one limiter granted them all (both Workers)");
});
