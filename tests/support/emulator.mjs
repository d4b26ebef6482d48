// Starts a release emulator on a free port for a JS test or benchmark; resolves with its base URL
// and a stop function.
import { spawn } from "node:child_process";
import { resolve } from "node:path";

const bin = resolve(import.meta.dirname, "../../target/release/mylibrary-emulator");

export async function startEmulator(args) {
  const child = spawn(bin, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((ok, fail) => {
    child.on("exit", (code) => fail(new Error(`the emulator exited (${code}) before listening`)));
    child.stdout.on("data", (d) => {
      const m = /http:\/\/[\d.:]+/.exec(String(d));
      if (m) ok(m[0]);
    });
  });
  return { base, stop: () => child.kill() };
}
