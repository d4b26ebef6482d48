// Compiles a CommonJS project (module node16) and an ES module project (module nodenext) that
// use the package as an installed dependency, with the ES2022 lib and Node's types only, and
// checks which declaration file each resolved: index.d.cts for require, index.d.ts for import.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { resolve } from "node:path";
const dir = import.meta.dirname;
const tsc = resolve(dir, "../../tools/node_modules/.bin/tsc");
const pkg = resolve(dir, "../../pkg");
for (const [project, expected] of [["cjs", "index.d.cts"], ["esm", "index.d.ts"]]) {
  const modules = resolve(dir, project, "node_modules");
  rmSync(modules, { recursive: true, force: true });
  mkdirSync(modules);
  symlinkSync(pkg, resolve(modules, "ctct-mylibrary"), "dir");
  let out;
  try {
    out = execFileSync(tsc, ["-p", resolve(dir, project), "--explainFiles"], { encoding: "utf8" });
  } catch (e) {
    console.error(e.stdout);
    console.error(`type test failed: the ${project} project does not compile`);
    process.exit(1);
  } finally {
    rmSync(modules, { recursive: true, force: true });
  }
  const used = out.split("\n").filter((l) => /pkg\/(index|oauth)\.d\.c?ts$/.test(l.trim()));
  for (const file of [expected, expected.replace("index", "oauth")]) {
    if (!used.some((l) => l.trim().endsWith(file))) {
      console.error(out);
      console.error(`type test failed: the ${project} project did not resolve ${file}`);
      process.exit(1);
    }
  }
  console.log(`${project}: compiles, with ${expected} and ${expected.replace("index", "oauth")}`);
}
