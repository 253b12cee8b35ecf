// Completes package-lock.json with the other platforms' optional binaries (turbo's, unrs-resolver's...).
//
// Why: this project's registry mirror serves only the Linux builds, so `npm install` cannot record
// @turbo/darwin-64 and friends, and npm >= 11.6.2's `npm ci` then rejects the lockfile as out of sync
// (npm/cli#8805). A lockfile written against the full registry lists them as optional entries with
// their os/cpu; this script adds exactly those entries (name, version, os, cpu, optional), derived
// from the package names. npm skips them on Linux; elsewhere it fetches them by version.
//
// Run after any dependency change: `npm install && node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

const OS = [
  ['darwin', 'darwin'],
  ['windows', 'win32'],
  ['win32', 'win32'],
  ['linux', 'linux'],
  ['freebsd', 'freebsd'],
  ['android', 'android'],
  ['openharmony', 'openharmony'],
  ['sunos', 'sunos'],
  ['aix', 'aix'],
  ['netbsd', 'netbsd'],
  ['openbsd', 'openbsd'],
];
const CPU = [
  ['arm64', 'arm64'],
  ['aarch64', 'arm64'],
  ['x64', 'x64'],
  ['64', 'x64'],
  ['ia32', 'ia32'],
  ['arm', 'arm'],
  ['loong64', 'loong64'],
  ['ppc64', 'ppc64'],
  ['riscv64', 'riscv64'],
  ['s390x', 's390x'],
  ['wasm32', 'wasm32'],
];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = OS.find(([token]) => parts.includes(token))?.[1];
  const cpu = CPU.find(([token]) => parts.includes(token))?.[1];
  const libc =
    parts.includes('musl') || parts.includes('musleabihf')
      ? 'musl'
      : parts.includes('gnu') || parts.includes('gnueabihf')
        ? 'glibc'
        : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location === '' ? '' : `${location}/`;
    if (packages[`${base}node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
    const { os, cpu, libc } = platformOf(name);
    if (!os && !cpu && name !== '@unrs/resolver-binding-wasm32-wasi') continue; // not a platform binary: leave it to npm
    packages[`node_modules/${name}`] = {
      version,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(os ? { os: [os] } : {}),
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} platform entries`);
