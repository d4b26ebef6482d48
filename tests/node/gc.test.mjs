// A time budget and a caller's abort stop a call even when a garbage collection runs while it
// waits: Node's fetch loses a Request's link to its signal after a GC (nodejs/node#55428,
// nodejs/undici#4068), so the client must not depend on that link. Needs MYLIBRARY_EMULATOR_URL.
import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { resolve } from "node:path";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");

const root = resolve(import.meta.dirname, "../..");
const { MyLibraryClient } = await import(resolve(root, "pkg/index.node.js"));
const base = process.env.MYLIBRARY_EMULATOR_URL ?? "http://127.0.0.1:18931";
const client = new MyLibraryClient({ apiKey: "wasm-test-key-1234", accessToken: "wasm-test-token-5678", baseUrl: `${base}/v2`, requestsPerSecond: 0, retries: 0 });

const fault = (f) => fetch(`${base}/_emulator/faults`, { method: "POST", body: JSON.stringify(f) });
const clearFaults = () => fetch(`${base}/_emulator/faults`, { method: "DELETE" });

/** Starts a call against an answer held 3 s, collects garbage, and returns how it ended. */
async function stopped(start, abort = () => {}) {
  const call = start();
  await new Promise((r) => setTimeout(r, 100));
  gc();
  gc();
  abort();
  try {
    await call;
    return "resolved with the held answer";
  } catch (e) {
    return e.code;
  }
}

test("a time budget and an abort stop a call after a garbage collection", async () => {
  await clearFaults();
  await fault({ action: "delay", delay_ms: 3000, path: "/v2/library/info", count: 2 });
  const timeout = await stopped(() => client.getInfo({ timeoutMs: 400 }));
  assert.equal(timeout, "TIMEOUT");
  const ac = new AbortController();
  const abort = await stopped(() => client.getInfo({ signal: ac.signal }), () => ac.abort("enough"));
  assert.equal(abort, "ABORTED");
  await clearFaults();
});

test("an upload's time budget holds after a garbage collection", async () => {
  await clearFaults();
  await fault({ action: "delay", delay_ms: 3000, method: "POST", path: "/v2/library/files", count: 1 });
  const png = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"));
  const upload = await stopped(() => client.uploadFile({ data: png, fileName: "gc.png" }, { timeoutMs: 400 }));
  assert.equal(upload, "TIMEOUT");
  await clearFaults();
});
