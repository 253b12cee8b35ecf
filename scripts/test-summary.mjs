// Adds up every workspace's test-results.json (written by summary-reporter.mjs, restored by
// turbo on a cache hit) into one closing line, and fails if a workspace ran no test.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0,
  failed = 0,
  skipped = 0;
const missing = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (!pkg.scripts?.test) continue;
    const file = join(dir, 'test-results.json');
    if (!existsSync(file)) {
      missing.push(pkg.name);
      continue;
    }
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    if (r.passed === 0) missing.push(pkg.name);
  }
}
if (missing.length) console.error(`workspaces that ran no test: ${missing.join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 ? 1 : 0);
