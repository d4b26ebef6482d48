#!/usr/bin/env python3
"""Completes tools/package-lock.json after an `npm install` on this registry mirror.

The mirror serves no metadata for the other platforms' optional binaries (deno's, rollup's),
so npm leaves them out of the lockfile and `npm ci` then refuses it ("Missing: ... from lock
file"). This adds each missing one in the standard form of a platform package: an optional
entry with its os/cpu(/libc), which npm skips on any other platform without fetching it.

Usage: python3 tools/complete-lockfile.py   (then check: rm -rf tools/node_modules && cd tools && npm ci)
"""
import json, re, subprocess, pathlib

tools = pathlib.Path(__file__).resolve().parent
lock_path = tools / "package-lock.json"
out = subprocess.run(["npm", "ci", "--dry-run", "--no-audit", "--no-fund"], cwd=tools, capture_output=True, text=True)
missing = [m.group(1) for m in re.finditer(r"Missing: (\S+?)@ from lock file", out.stdout + out.stderr)]
lock = json.loads(lock_path.read_text())
packages = lock["packages"]
versions = {dep: ver for meta in packages.values() for dep, ver in (meta.get("optionalDependencies") or {}).items()}
oses = ["darwin", "linux", "win32", "freebsd", "openbsd", "netbsd", "android", "openharmony", "aix", "sunos"]
cpus = ["arm64", "x64", "arm", "ia32", "loong64", "ppc64", "riscv64", "s390x", "mips64el", "wasm32"]
for name in missing:
    parts = re.split(r"[-_]", name.split("/")[-1])
    entry = {"version": versions.get(name, "0.0.0"), "dev": True, "optional": True}
    os_ = [o for o in oses if o in parts]
    cpu = [c for c in cpus if c in parts]
    if os_:
        entry["os"] = os_[:1]
    if cpu:
        entry["cpu"] = cpu[:1]
    if "musl" in parts:
        entry["libc"] = ["musl"]
    elif {"gnu", "glibc", "gnueabihf"} & set(parts):
        entry["libc"] = ["glibc"]
    packages[f"node_modules/{name}"] = entry
lock_path.write_text(json.dumps(lock, indent=2) + "\n")
print(f"added {len(missing)} platform entries")
