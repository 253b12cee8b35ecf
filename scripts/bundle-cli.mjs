// Bundles the CLI (apps/cli/src/bin.ts and everything it imports, the workspace packages included)
// into apps/cli/dist (the entry dist/bin.js and its lazily loaded chunks), ESM, so `npm i -g tokensmith` and `npx tokensmith` fetch one
// package with no dependencies. Run from apps/cli (its `build` script).
//
// Why these choices:
//   - Code splitting: dist/bin.js is the entry, and each module the sources load with import()
//     (simple-oauth2 and its Joi, openid-client, the sandbox, yaml, valibot, each command) is a
//     chunk beside it, read only when a command needs it. Measured in paired rounds on this 2-core
//     machine (CPU medians of 15): one 1.35 MB file costs `--help` 102 ms against 74 ms split
//     (and 93 ms unbundled), because V8 must pre-parse the whole file before running any of it; the
//     stored-token timeline is the same either way (273 vs 266 ms; 318 unbundled). Still one
//     package with no dependencies. Minifying saved nothing measurable (98/70 ms) and would make
//     stack traces in bug reports unreadable, so the output stays readable.
//   - Optional native or heavy packages (OPTIONAL below) stay outside the bundle and are loaded with
//     require() the first time a module that imports them is initialised, so a `redis://` store
//     needs `npm i -g ioredis` and nothing else does; without the package the command fails with a
//     config_error (exit 1) naming the package to install, instead of a stack trace at start-up.
//   - commander's `require('node:child_process')` (at load, for executable subcommands, which
//     tokensmith has none of) resolves to a stand-in that requires the real module on first use
//     (lazyCommanderChildProcess below): otherwise every command, the stored-token timeline
//     included, loads child_process and the dgram it pulls in (~1 ms) for nothing.
//   - A createRequire shim in the banner, because bundled CommonJS packages (commander,
//     simple-oauth2, oauth-1.0a) call require() for Node built-ins.
//   - Help pages captured at build time (src/help/capture.ts, from commander itself) into
//     dist/help-pages.json, and dist/quick-help.cjs (src/help/quick.ts, CommonJS, a few KB) that
//     the launcher asks first, so `--help` and `--version` load neither commander, nor any
//     command, nor Node's ES module loader (see apps/bench's notes for the figures).
//   - The mode: esbuild, like tsc, writes 0644; a bin must be executable for `npm link`, for a
//     global install from a local path, and for `./dist/bin.js`.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Packages the bundle never contains: name -> what needs it (for the error message). */
export const OPTIONAL = {
  ioredis: 'a redis:// token store',
  '@napi-rs/keyring': 'the OS keychain token store',
};

const cwd = process.cwd();
const outdir = resolve(cwd, 'dist');
const outfile = resolve(outdir, 'bin.js');

/** Resolves each optional package to a stub that require()s it on first use. */
const optionalPackages = {
  name: 'optional-packages',
  setup(b) {
    const names = Object.keys(OPTIONAL).map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    const filter = new RegExp(`^(${names.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'optional-package' }));
    b.onLoad({ filter: /.*/, namespace: 'optional-package' }, (args) => ({
      // CommonJS, so esbuild calls it only when the importing module is initialised and reads the
      // named imports (`import { Redis } from 'ioredis'`) off it at use.
      contents: `
const { TokensmithError } = require('@tokensmith/core');
const name = ${JSON.stringify(args.path)};
try {
  module.exports = require(name);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes("'" + name + "'")) {
    throw new TokensmithError('config_error', ${JSON.stringify(
      `${OPTIONAL[args.path]} needs the ${args.path} package, which tokensmith does not install: run \`npm install -g ${args.path}\` (or install it next to tokensmith)`,
    )}, { cause: error });
  }
  throw error;
}
`,
      loader: 'js',
      resolveDir: cwd,
    }));
  },
};

/**
 * commander's lib/command.js requires node:child_process when it loads and calls it only to run an
 * executable subcommand (`childProcess.spawn`). Its import resolves to a Proxy that requires the
 * real module the first time a property is read; esbuild keeps that require() where it is written.
 */
const lazyCommanderChildProcess = {
  name: 'lazy-commander-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: args.path, namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: `
let real;
module.exports = new Proxy({}, { get: (_target, key) => (real ??= require('node:child_process'))[key] });
`,
      loader: 'js',
      resolveDir: cwd,
    }));
  },
};

/**
 * jq-wasm (`tokensmith api --jq`) is Emscripten output for CommonJS: on Node it reads `__dirname`,
 * which an ES module bundle does not define, only to locate a .wasm file it never reads (the wasm
 * is embedded as a data: URI). A local `__dirname` lets it load; the module stays in its own lazy
 * chunk, imported only when --jq is given.
 */
const jqWasmDirname = {
  name: 'jq-wasm-dirname',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]jq-wasm[\\/]dist[\\/]build[\\/]jq\.js$/ }, async (args) => ({
      contents: `var __dirname = "";\n${await readFile(args.path, 'utf8')}`,
      loader: 'js',
    }));
  },
};

/**
 * The stored-token path's bundle keeps only the lazily imported modules that path runs (QUICK_PATH_IMPORTS);
 * any other `import()` (a strategy package, yaml beyond the fast path, the network code) becomes a
 * module that throws when loaded, which the quick path takes as doubt: it leaves the command to the
 * full CLI. Without this, esbuild inlines every lazy import into the one CommonJS file (1.3 MB).
 */
const QUICK_PATH_IMPORTS = /^(@tokensmith\/core\/kit|@tokensmith\/store-file|\.\/validate\.js)$/;
const quickPathOnly = {
  name: 'quick-path-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' && !QUICK_PATH_IMPORTS.test(args.path)
        ? { path: args.path, namespace: 'not-on-quick-path' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'not-on-quick-path' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not on the quick path`)});`,
      loader: 'js',
    }));
  },
};

/**
 * The config schema takes valibot as a namespace (`import * as v`), so esbuild keeps all of it
 * (190 KB, a third of the stored-token path's start-up in parse time). For the quick path's
 * bundle, `valibot` resolves to a module re-exporting only the functions the sources call on it
 * (`v.object`, `valibot.string`, ... found by reading src/), which esbuild then shakes. A function
 * missed here fails at run time inside the quick path, which takes it as doubt and leaves the
 * command to the full CLI: slower, never wrong.
 */
const valibotUsedOnly = {
  name: 'valibot-used-only',
  async setup(b) {
    const valibot = await import('valibot');
    const used = new Set(['safeParse']);
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts'))
          for (const [, name] of readFileSync(path, 'utf8').matchAll(/\b(?:v|valibot)\.([a-z][A-Za-z]*)\b/g)) used.add(name);
      }
    };
    walk(resolve(cwd, 'src'));
    const names = [...used].filter((name) => typeof valibot[name] === 'function').sort();
    const real = createRequire(join(cwd, 'package.json'))
      .resolve('valibot')
      .replace(/\.c?js$/, '.mjs');
    b.onResolve({ filter: /^valibot$/ }, () => ({ path: 'valibot', namespace: 'valibot-used-only' }));
    b.onLoad({ filter: /.*/, namespace: 'valibot-used-only' }, () => ({
      contents: `export { ${names.join(', ')} } from ${JSON.stringify(real)};`,
      loader: 'js',
      resolveDir: cwd,
    }));
  },
};

/** The quick paths' node:crypto: src/quick/crypto-lite.ts (SHA-256 without loading node:stream), which alone requires the real one. */
const cryptoLite = {
  name: 'crypto-lite',
  setup(b) {
    const lite = resolve(cwd, 'src/quick/crypto-lite.ts');
    b.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      args.importer === lite ? { path: 'node:crypto', external: true } : { path: lite },
    );
  },
};

/**
 * `const { tokenKey } = await import('@tokensmith/core/kit')` keeps the whole kit namespace in the
 * quick bundle (esbuild cannot know which of its exports a dynamically imported namespace needs):
 * core's authenticated fetch, token manager, pagination and logging, a fifth of the bundle, all
 * compiled on every stored-token answer. In the quick bundle's sources each such line becomes a
 * static named import of the same names, which esbuild then shakes. A line of another shape is
 * left as it is (slower, never wrong).
 */
const KIT_DESTRUCTURED = /const \{ ([A-Za-z_$][\w$]*(?:, [A-Za-z_$][\w$]*)*) \} = await import\('@tokensmith\/core\/kit'\);/g;
const staticKitImports = {
  name: 'static-kit-imports',
  setup(b) {
    b.onLoad({ filter: /[\\/]apps[\\/]cli[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes("await import('@tokensmith/core/kit')")) return undefined;
      const names = new Set();
      const contents = source.replace(KIT_DESTRUCTURED, (_line, list) => {
        const picked = list.split(', ');
        for (const name of picked) names.add(name);
        return `const { ${picked.join(', ')} } = { ${picked.map((name) => `${name}: __quickKit_${name}`).join(', ')} };`;
      });
      const imports = [...names].map((name) => `${name} as __quickKit_${name}`).join(', ');
      return { contents: `import { ${imports} } from '@tokensmith/core/kit';\n${contents}`, loader: 'ts' };
    });
  },
};

/** The quick paths' node:fs/promises: src/quick/fs-promises-sync.ts (no libuv thread pool for a file of a few hundred bytes). */
const syncFsPromises = {
  name: 'sync-fs-promises',
  setup(b) {
    const shim = resolve(cwd, 'src/quick/fs-promises-sync.ts');
    b.onResolve({ filter: /^(node:)?fs\/promises$/ }, () => ({ path: shim }));
  },
};

/**
 * The quick paths' node:module: a createRequire that loads node:module on first call. Requiring
 * node:module (the token file's lock asks it for worker_threads, only when it locks) loads Node's
 * ES module loader with it, which the stored-token read never needs.
 */
const lazyNodeModule = {
  name: 'lazy-node-module',
  setup(b) {
    b.onResolve({ filter: /^(node:)?module$/ }, (args) =>
      args.namespace === 'lazy-node-module' ? undefined : { path: 'module', namespace: 'lazy-node-module' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-node-module' }, () => ({
      contents: `exports.createRequire = (...args) => require('node:module').createRequire(...args);`,
      loader: 'js',
    }));
  },
};

// A clean dist: the tarball ships dist/bin.js only, and no stale tsc output lingers beside it.
rmSync(resolve(cwd, 'dist'), { recursive: true, force: true });

const shared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // The shebang comes from src/bin.ts (esbuild keeps an entry point's hashbang line).
  banner: {
    js: "import { createRequire as __tokensmithCreateRequire } from 'node:module';\nconst require = __tokensmithCreateRequire(import.meta.url);",
  },
  plugins: [optionalPackages, lazyCommanderChildProcess, jqWasmDirname],
  logLevel: 'warning',
};

const result = await build({
  ...shared,
  entryPoints: [resolve(cwd, 'src/bin.ts')],
  outdir,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'eof',
  metafile: true,
});

// `--help` and `--version` for the launcher (bin/tokensmith.cjs): CommonJS, no chunks.
await build({
  ...shared,
  banner: {},
  format: 'cjs',
  entryPoints: [resolve(cwd, 'src/help/quick.ts')],
  outfile: resolve(outdir, 'quick-help.cjs'),
});

// `token` with a stored, fresh token (src/quick/token.ts), for the launcher: CommonJS, no chunks,
// only what that path uses (no commander, no strategy package, no network code).
await build({
  ...shared,
  banner: {},
  format: 'cjs',
  plugins: [quickPathOnly, valibotUsedOnly, cryptoLite, lazyNodeModule, syncFsPromises, staticKitImports],
  entryPoints: [resolve(cwd, 'src/quick/token.ts')],
  outfile: resolve(outdir, 'quick-token.cjs'),
});

// The help pages, from the same sources, bundled on their own into a temporary module and run.
const captureDir = mkdtempSync(join(tmpdir(), 'tokensmith-help-capture-'));
try {
  const captureFile = join(captureDir, 'capture.mjs');
  await build({ ...shared, entryPoints: [resolve(cwd, 'src/help/capture.ts')], outfile: captureFile });
  const { captureHelpPages } = await import(pathToFileURL(captureFile).href);
  writeFileSync(resolve(outdir, 'help-pages.json'), JSON.stringify(captureHelpPages()));
} finally {
  rmSync(captureDir, { recursive: true, force: true });
}

chmodSync(outfile, 0o755);
const outputs = Object.keys(result.metafile.outputs);
const bytes = outputs.reduce((sum, file) => sum + statSync(resolve(process.cwd(), file)).size, 0);
const inputs = Object.keys(result.metafile.inputs).length;
console.log(
  `bundle: dist/bin.js and ${outputs.length - 1} chunks, ${(bytes / 1024).toFixed(0)} KiB in all (entry ${(statSync(outfile).size / 1024).toFixed(0)} KiB) from ${inputs} modules`,
);
