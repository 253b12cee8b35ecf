// Keeps test-only subpaths out of a package's tarball: `prepack` runs `strip`, `postpack` runs
// `restore` (npm runs both around `npm pack` and `npm publish`, so also around `changeset publish`).
//
// A workspace lists its test-only exports in package.json, `"testOnlyExports": ["./testing"]`: the
// other workspaces' tests import them through the package's `exports` like any subpath, and its
// `files` excludes their build output ("!dist/testing"). `strip` writes the manifest without those
// `exports` entries (and without the `testOnlyExports` field), so the published package.json never
// points at a file the tarball does not hold; the original is kept beside it and put back by
// `restore`. Run in the package's directory.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const MANIFEST = 'package.json';
const BACKUP = 'package.json.prepack';

const action = process.argv[2];
if (action === 'strip') {
  if (existsSync(BACKUP)) {
    // A previous pack died between prepack and postpack: the backup is the original.
    renameSync(BACKUP, MANIFEST);
  }
  const text = readFileSync(MANIFEST, 'utf8');
  const manifest = JSON.parse(text);
  const testOnly = manifest.testOnlyExports ?? [];
  for (const subpath of testOnly) {
    if (!manifest.exports?.[subpath]) throw new Error(`${manifest.name}: testOnlyExports lists ${subpath}, which is not in exports`);
    delete manifest.exports[subpath];
  }
  delete manifest.testOnlyExports;
  writeFileSync(BACKUP, text);
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
} else if (action === 'restore') {
  if (existsSync(BACKUP)) renameSync(BACKUP, MANIFEST);
} else {
  console.error('usage: node pack-manifest.mjs strip|restore');
  process.exit(1);
}
