// Gives the wasm's imports and exports one-letter names, and rewrites wasm-bindgen's glue to
// match. wasm-bindgen names each import after its Rust binding and a hash
// (`__wbg_set_signal_0b2eee78907e5ba7`, in module `./snippets/<crate>-<hash>/src/js/runtime.js`);
// those strings sit in the wasm and in the glue, about 2.5 KB of the package's gzip.
//
// Usage: node tools/minify-names.mjs <wasm-opt's map> <glue.js> <out-map.json>
//   The map is what `wasm-opt --minify-imports-and-exports-and-modules` prints (one JSON object
//   per pass; they are composed). Every import then lives in module "a". The glue's own imports
//   (an object literal of functions) are renamed in place; the imports the wasm takes from the
//   runtime module straight from its namespace get an object of their short names. Exports are
//   renamed where the glue reads them (`wasm.<name>`). The composed map is written to
//   <out-map.json> for tests that read the instance's exports by name.
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

const [mapFile, glueFile, outFile] = process.argv.slice(2);
const text = readFileSync(mapFile, "utf8");

// The passes' JSON objects, one after another.
const passes = [];
let depth = 0;
let start = -1;
for (let i = 0; i < text.length; i++) {
  if (text[i] === "{") {
    if (depth++ === 0) start = i;
  } else if (text[i] === "}") {
    if (--depth === 0) passes.push(JSON.parse(text.slice(start, i + 1)));
  }
}
if (passes.length === 0) throw new Error(`no map in ${mapFile}`);

// Compose: a later pass maps the earlier pass's short names (module "a").
const imports = new Map(); // "module\0field" -> short
const exports = new Map(); // long -> short
for (const [m, f, s] of passes[0].imports) imports.set(`${m}\0${f}`, s);
for (const [l, s] of passes[0].exports) exports.set(l, s);
for (const pass of passes.slice(1)) {
  const im = new Map(pass.imports.map(([, f, s]) => [f, s]));
  for (const [k, v] of imports) imports.set(k, im.get(v) ?? v);
  const ex = new Map(pass.exports);
  for (const [k, v] of exports) exports.set(k, ex.get(v) ?? v);
}

let glue = readFileSync(glueFile, "utf8");
const word = (s) => s.replace(/[$]/g, "\\$");
const re = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
// The glue's own module, named after the output (`ctct_mylibrary`, `ctct_mylibrary_server`).
const glueModule = `./${basename(glueFile, ".js")}_bg.js`;
// The snippets' namespaces: wasm-bindgen imports each (runtime.js, edge.js) once per import
// group; the first name of each is enough.
const namespaces = new Map();
for (const m of glue.matchAll(/^import \* as (import\d+) from "([^"]+)"$/gm)) {
  if (!namespaces.has(m[2])) namespaces.set(m[2], m[1]);
}
const snippetFields = [];
for (const [key, short] of imports) {
  const [module, field] = key.split("\0");
  if (module === glueModule) {
    const r = new RegExp(`(\\n\\s+)${word(field)}(: function)`);
    if (!r.test(glue)) throw new Error(`the glue has no import ${field}`);
    glue = glue.replace(r, `$1${JSON.stringify(short)}$2`);
  } else {
    const ns = namespaces.get(module);
    if (!ns || !/\/src\/js\/[a-z]+\.js$/.test(module)) throw new Error(`an import from an unknown module: ${module}`);
    snippetFields.push(`${JSON.stringify(short)}: ${ns}[${JSON.stringify(field)}]`);
  }
}
const returned = new RegExp(`return \\{\\n\\s+__proto__: null,\\n\\s+"${re(glueModule)}": import0,\\n(\\s+"[^"]+": import\\d+,\\n)+\\s+\\};`);
if (!returned.test(glue)) throw new Error("the glue's import object has an unknown shape");
glue = glue.replace(returned, `return { __proto__: null, a: { ...import0, ${snippetFields.join(", ")} } };`);
const kept = new Set(namespaces.values());
glue = glue.replace(/^import \* as (import\d+) from "[^"]+"\n/gm, (line, name) => (kept.has(name) ? line : ""));
for (const [long, short] of exports) {
  glue = glue.replace(new RegExp(`\\bwasm\\.${word(long)}\\b`, "g"), `wasm[${JSON.stringify(short)}]`);
}
const left = glue.match(/\bwasm\.[A-Za-z_$][\w$]*/g);
if (left) throw new Error(`the glue still reads exports by their long names: ${[...new Set(left)].join(", ")}`);
writeFileSync(glueFile, glue);
writeFileSync(outFile, JSON.stringify({ imports: Object.fromEntries(imports), exports: Object.fromEntries(exports) }, null, 1));
console.log(`minify-names: ${imports.size} imports, ${exports.size} exports renamed`);
