// npm 11 lists every dependency whose install scripts nobody reviewed on each `npm ci`; the root
// package.json's allowScripts decides them, so an install prints no such warning and a new
// dependency with an install script shows up here first.
import { ROOT, runOk } from './workspaces.js';

test('every dependency with an install script is allowed or denied in the root allowScripts', async () => {
  const { stdout, stderr } = await runOk('npm', ['approve-scripts', '--allow-scripts-pending'], { cwd: ROOT });
  expect((stdout + stderr).trim()).toBe('No packages with unreviewed install scripts.');
});
