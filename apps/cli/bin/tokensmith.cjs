#!/usr/bin/env node
// The `tokensmith` command. This file is committed (mode 0755) and never built, so that `npm ci`
// links it into node_modules/.bin before the first build (npm skips a bin whose file is missing,
// and dist/ is not in git) and `npm link` keeps working across rebuilds. The CLI itself is the
// bundle beside it (scripts/bundle-cli.mjs): dist/quick-help.cjs answers `--help` and `--version`,
// dist/bin.js everything else. CommonJS, because Node starts its ES module loader only for an ES
// module, and that alone costs `--help` a fifth of a bare `node -e 0`.
'use strict';
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
let quickHelp;
try {
  quickHelp = require(join(dist, 'quick-help.cjs'));
} catch (error) {
  if (error?.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('quick-help.cjs')) throw error;
}
if (!quickHelp) {
  process.stderr.write('error: tokensmith is not built yet: run `npm run build` (or `npm start`) in the repository first\n');
  process.exitCode = 1;
} else if (!quickHelp.answerHelpQuickly(process.argv.slice(2), join(dist, 'help-pages.json'))) {
  const runCli = () => import(require('node:url').pathToFileURL(join(dist, 'bin.js')).href);
  // `token` and `credential get` with a stored, fresh token: dist/quick-token.cjs answers, or leaves
  // it all to the CLI (with the stdin bytes it read first, so the CLI sees all that git sent).
  const argv = process.argv.slice(2);
  // Tab in a shell: the completion scripts' `__complete`, answered from the config's names (quick/complete.ts).
  if (argv.includes('__complete')) {
    require(join(dist, 'quick-token.cjs'))
      .answerCompletionQuickly(argv, process.env, process.cwd())
      .then((answered) => answered || runCli());
  } else if (argv.includes('token')) {
    require(join(dist, 'quick-token.cjs'))
      .answerTokenQuickly(argv, process.env, process.cwd())
      .then((answered) => answered || runCli());
  } else if (argv.includes('credential')) {
    require(join(dist, 'quick-token.cjs'))
      .answerCredentialQuickly(argv, process.env, process.cwd())
      .then(({ answered, stdin }) => {
        if (answered) return;
        if (stdin) {
          const { Readable } = require('node:stream');
          const rest = process.stdin;
          const replayed = Readable.from(
            (async function* () {
              yield stdin;
              yield* rest;
            })(),
          );
          Object.defineProperty(process, 'stdin', { configurable: true, enumerable: true, get: () => replayed });
        }
        return runCli();
      });
  } else runCli();
}
