// Project lint, run per workspace by `turbo run lint` (and so by `npm test`): the conventions that a
// type checker cannot see. Prints each finding as file:line and exits 1 when there is any.
//   - every exported declaration in src/ has a TSDoc comment; in packages/, a function or class that
//     an index.ts exports (directly or through `export ... from` re-exports) also needs an @example:
//     that is the public surface, the internal modules' helpers need only the comment;
//   - no focused or skipped tests (.only, .skip, xit, xdescribe) in test/;
//   - no Math.random in src/ (state, nonces and PKCE come from node:crypto);
//   - no console.* in packages/*/src (libraries report through errors and callbacks).
// Then it runs typescript-eslint (eslint.config.mjs, type-aware: it reads the dependencies' built
// .d.ts, so turbo's lint task depends on ^build) and prettier --check on the workspace's src/ and
// test/. No eslint --cache: a type-aware finding can change when a dependency's types do, which
// eslint's cache (keyed on the file and the config) cannot see; turbo's cache, keyed on the inputs
// and the dependencies' builds, skips an unchanged workspace instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.cwd();
const isLibrary = /[\\/]packages[\\/]/.test(root);
const findings = [];

function files(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(files(path));
    else if (/\.(ts|mts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const EXPORT = /^export (?:async )?(?:function|class|const|interface|type|abstract class) (\w+)/;

/**
 * `file#name` of every declaration an index.ts under src/ exports, following `export { a as b }
 * from` and `export * from` through the modules they name (type-only re-exports included: the
 * declarations they reach are interfaces and types, which need no @example anyway).
 */
function publicDeclarations() {
  const reached = new Set();
  const visitedStars = new Set();
  const source = (from, specifier) => resolve(dirname(from), specifier.replace(/\.js$/, '.ts'));
  function exportAll(file) {
    if (visitedStars.has(file) || !existsSync(file)) return;
    visitedStars.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^export (?:async )?(?:function|class|const|interface|type|abstract class) (\w+)/gm))
      reached.add(`${file}#${match[1]}`);
    follow(file, text);
  }
  function follow(file, text) {
    for (const match of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
      const target = source(file, match[2]);
      for (const item of match[1]
        .split(',')
        .map((s) => s.trim().replace(/^type\s+/, ''))
        .filter(Boolean)) {
        const local = item.split(/\s+as\s+/)[0];
        reached.add(`${target}#${local}`);
        // A name re-exported again from its module: follow it one more hop.
        if (existsSync(target))
          follow(
            target,
            readFileSync(target, 'utf8')
              .split('\n')
              .filter((l) => new RegExp(`\\b${local}\\b`).test(l) && /^export\s.*from/.test(l))
              .join('\n'),
          );
      }
    }
    for (const match of text.matchAll(/export\s+\*\s+(?:as\s+\w+\s+)?from\s*['"]([^'"]+)['"]/g)) exportAll(source(file, match[1]));
  }
  for (const file of files(join(root, 'src')).filter((f) => /[\\/]index\.ts$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^export (?:async )?(?:function|class|const|interface|type|abstract class) (\w+)/gm))
      reached.add(`${file}#${match[1]}`);
    follow(file, text);
  }
  return reached;
}
const exported = isLibrary ? publicDeclarations() : new Set();

for (const file of files(join(root, 'src'))) {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const where = `${relative(root, file)}:${i + 1}`;
    const isComment = /^\s*(\*|\/\/|\/\*)/.test(line);
    if (!isComment && /\bMath\.random\(/.test(line)) findings.push(`${where}: Math.random in source (use node:crypto)`);
    if (!isComment && isLibrary && /\bconsole\.(log|error|warn|info|debug)\(/.test(line)) findings.push(`${where}: console.* in a library`);
    const match = EXPORT.exec(line);
    if (!match) return;
    let j = i - 1;
    while (j >= 0 && /^\s*(@|$)/.test(lines[j])) j--;
    if (!/\*\/\s*$/.test(lines[j] ?? '')) {
      findings.push(`${where}: export ${match[1]} has no TSDoc comment`);
      return;
    }
    let start = j;
    while (start > 0 && !/\/\*\*/.test(lines[start])) start--;
    const doc = lines.slice(start, j + 1).join('\n');
    const needsExample =
      isLibrary && /^export (?:async )?(?:abstract )?(?:function|class)/.test(line) && exported.has(`${file}#${match[1]}`);
    if (needsExample && !doc.includes('@example')) findings.push(`${where}: export ${match[1]} has no @example in its TSDoc`);
  });
}

for (const file of files(join(root, 'test'))) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (/\b(it|test|describe)\.(only|skip)\(|\bx(it|describe)\(/.test(line))
        findings.push(`${relative(root, file)}:${i + 1}: focused or skipped test`);
    });
}

for (const finding of findings) console.error(finding);
console.log(`lint: ${findings.length === 0 ? 'ok' : `${findings.length} finding${findings.length === 1 ? '' : 's'}`}`);

let strictFailed = false;
{
  const bin = (name) => join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', name);
  const targets = ['src', 'test'].filter((dir) => existsSync(join(root, dir)));
  for (const [name, args] of [
    ['eslint', ['--max-warnings=0', ...targets]],
    ['prettier', ['--check', '--log-level=warn', ...targets]],
  ]) {
    const result = spawnSync(bin(name), args, { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) strictFailed = true;
  }
}
process.exit(findings.length === 0 && !strictFailed ? 0 : 1);
