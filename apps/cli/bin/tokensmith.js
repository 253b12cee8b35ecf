#!/usr/bin/env node
// The `tokensmith` command. This file is committed (mode 0755) and never built, so that `npm ci`
// links it into node_modules/.bin before the first build (npm skips a bin whose file is missing,
// and dist/ is not in git) and `npm link` keeps working across rebuilds. The CLI itself is the
// bundle beside it, dist/bin.js (scripts/bundle-cli.mjs).
const bundle = new URL('../dist/bin.js', import.meta.url);
try {
  await import(bundle.href);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(bundle.pathname)) {
    process.stderr.write('error: tokensmith is not built yet: run `npm run build` (or `npm start`) in the repository first\n');
    process.exitCode = 1;
  } else {
    throw error;
  }
}
