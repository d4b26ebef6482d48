// The package's own build (lol_alloc, std with immediate-abort panics) keeps a steady footprint:
// after a warm-up, hundreds more rounds of calls with every kind of outcome grow neither the wasm
// memory nor the externref table. Needs MYLIBRARY_EMULATOR_URL (scripts/with-emulator).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const base = process.env.MYLIBRARY_EMULATOR_URL ?? "http://127.0.0.1:18931";
const options = { apiKey: "wasm-test-key-1234", accessToken: "wasm-test-token-5678", baseUrl: `${base}/v2`, requestsPerSecond: 0, retries: 0 };

// The glue itself (not the package entry), to see the instance's memory and table; the build
// gives the wasm's exports short names and records them in build/names.json.
const glue = await import(resolve(root, "pkg/ctct_mylibrary.js"));
const instance = glue.initSync({ module: readFileSync(resolve(root, "pkg/ctct_mylibrary_bg.wasm")) });
const names = JSON.parse(readFileSync(resolve(root, "build/names.json"), "utf8")).exports;
const wasm = Object.fromEntries(Object.entries(names).map(([long, short]) => [long, instance[short]]));

const control = (what, body) => fetch(`${base}/_emulator/${what}`, { method: "POST", body: JSON.stringify(body) });

before(async () => {
  await control("reset", { files: 30, folders: 4 });
});

/**
 * What the instance holds: heap bytes in use (memory minus what 256-byte blocks can still take
 * before the memory grows) and externref slots in use (the same with table slots). Each probe
 * gives back all it took.
 */
function inUse() {
  const memory = () => wasm.memory.buffer.byteLength;
  const before = memory();
  const blocks = [];
  while (memory() === before) blocks.push(wasm.__wbindgen_malloc(256, 8));
  const heap = before - (blocks.length - 1) * 256;
  for (const p of blocks) wasm.__wbindgen_free(p, 256, 8);
  const length = wasm.__wbindgen_externrefs.length;
  const slots = [];
  while (wasm.__wbindgen_externrefs.length === length) slots.push(wasm.__externref_table_alloc());
  const refs = length - (slots.length - 1);
  for (const i of slots) wasm.__externref_table_dealloc(i);
  return { heap, refs };
}

/** Resolves with the error code of a call that must fail. */
async function code(promise) {
  try {
    await promise;
  } catch (e) {
    return e.code;
  }
  throw new Error("the call succeeded");
}

/** One round: successes, API errors, refused arguments, aborts, a walk, a refused constructor. */
async function round(client) {
  const info = await client.getInfo();
  assert.equal(typeof info.usage_summary.file_count, "number");
  assert.equal((await client.listFiles({ limit: 20 })).results.length, 20);
  assert.equal(await code(client.getFolder("-999")), "HTTP");
  assert.equal(await code(client.listFiles({ limit: 0 })), "INVALID_ARGUMENT");
  assert.equal(await code(client.updateFile(5, { name: 1 })), "INVALID_ARGUMENT");
  assert.equal(await code(client.deleteFiles([""])), "INVALID_ARGUMENT");
  await client.deleteFiles([]); // an empty list sends nothing
  const ac = new AbortController();
  ac.abort("a string reason");
  assert.equal(await code(client.getInfo({ signal: ac.signal })), "ABORTED");
  const during = new AbortController();
  const pending = client.listFiles({ limit: 1000 }, { signal: during.signal });
  during.abort(new Error("stop"));
  assert.equal(await code(pending), "ABORTED");
  let n = 0;
  for await (const page of client.pages("listFiles", { limit: 7 })) n += page.results.length;
  assert.ok(n >= 30);
  for await (const _ of client.pages("listFolders", { limit: 1 })) break; // left early: the pager is freed
  assert.throws(() => new glue.MyLibraryClient({ apiKey: "k", accessToken: "t", retries: -1 }), { code: "INVALID_ARGUMENT" });
}

test("hundreds of rounds after a warm-up hold on to no memory and no externref slot", async () => {
  const client = new glue.MyLibraryClient(options);
  for (let i = 0; i < 60; i++) await round(client);
  const warm = inUse();
  for (let i = 0; i < 400; i++) await round(client);
  const after = inUse();
  // 400 rounds: a leak of 4 bytes a round would show; the allowance is for where blocks fall.
  assert.ok(after.heap - warm.heap <= 1024, `heap in use grew from ${warm.heap} to ${after.heap} bytes`);
  assert.equal(after.refs, warm.refs, `externref slots in use grew from ${warm.refs} to ${after.refs}`);
  client.free();
});
