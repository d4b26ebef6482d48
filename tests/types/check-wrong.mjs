// Compiles wrong.ts and checks that every line marked @expect-error has an error, and no other.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
const dir = import.meta.dirname;
const tsc = resolve(dir, "../../tools/node_modules/.bin/tsc");
const config = JSON.parse(readFileSync(resolve(dir, "tsconfig.json"), "utf8"));
config.files = ["wrong.ts"];
writeFileSync(resolve(dir, "tsconfig.wrong.json"), JSON.stringify(config));
let out = "";
try {
  execFileSync(tsc, ["-p", resolve(dir, "tsconfig.wrong.json")], { encoding: "utf8" });
} catch (e) {
  out = e.stdout;
}
const lines = readFileSync(resolve(dir, "wrong.ts"), "utf8").split("\n");
const expected = lines.flatMap((l, i) => (l.includes("@expect-error") ? [i + 1] : []));
const reported = new Set([...out.matchAll(/wrong\.ts\((\d+),\d+\)/g)].map((m) => Number(m[1])));
const missing = expected.filter((n) => !reported.has(n));
const extra = [...reported].filter((n) => !expected.includes(n));
if (missing.length || extra.length) {
  console.error(out);
  console.error(`type test failed: lines without the expected error: ${missing}; unexpected errors on: ${extra}`);
  process.exit(1);
}
console.log(`${expected.length} passed, 0 failed: every wrong use is a type error`);
