#!/usr/bin/env node
// The npm registry mirror on our machines serves only Linux builds of packages
// that ship one optional package per platform (@swc/core, unrs-resolver). npm
// then leaves the other platforms out of package-lock.json, and `npm ci`
// refuses the lock. This adds the missing platform entries (version, os, cpu;
// never installed on Linux) so `npm ci` accepts the lock. Idempotent.
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const packages = lock.packages;
const OS = ["darwin", "win32", "linux", "android", "freebsd", "openharmony", "sunos", "netbsd", "openbsd", "aix"];
const CPU = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "loong64", "riscv64", "wasm32"];

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const os = OS.find((o) => name.includes(`-${o}-`) || name.endsWith(`-${o}`));
    const cpu = CPU.find((c) => name.includes(`-${c}`));
    if (!os || !cpu) continue;
    packages[key] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, os: [os], cpu: [cpu] };
    added++;
  }
  void path;
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} platform entries`);
