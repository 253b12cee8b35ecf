// Project lint, run per workspace by `turbo run lint` (and so by `npm test`): the conventions that a
// type checker cannot see. Prints each finding as file:line and exits 1 when there is any.
//   - every exported declaration in src/ has a TSDoc comment (packages/ also need an @example);
//   - no focused or skipped tests (.only, .skip, xit, xdescribe) in test/;
//   - no Math.random in src/ (state, nonces and PKCE come from node:crypto);
//   - no console.* in packages/*/src (libraries report through errors and callbacks).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();
const isLibrary = /[\\/]packages[\\/]/.test(root);
const findings = [];

function files(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(files(path));
    else if (/\.(ts|mts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const EXPORT = /^export (?:async )?(?:function|class|const|interface|type|abstract class) (\w+)/;

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
    const needsExample = isLibrary && /^export (?:async )?(?:function|class)/.test(line);
    if (needsExample && !doc.includes('@example')) findings.push(`${where}: export ${match[1]} has no @example in its TSDoc`);
  });
}

for (const file of files(join(root, 'test'))) {
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (/\b(it|test|describe)\.(only|skip)\(|\bx(it|describe)\(/.test(line)) findings.push(`${relative(root, file)}:${i + 1}: focused or skipped test`);
  });
}

for (const finding of findings) console.error(finding);
console.log(`lint: ${findings.length === 0 ? 'ok' : `${findings.length} finding${findings.length === 1 ? '' : 's'}`}`);
process.exit(findings.length === 0 ? 0 : 1);
