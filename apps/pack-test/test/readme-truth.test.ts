// The READMEs a user reads first say what is true today: every command line the CLI's README shows
// is a command of the built binary with options it has, the registry is named only as "once
// published", and the libraries say they are ESM-only.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownSnippets } from './snippets.js';
import { ROOT, cleanEnv, publicWorkspaces, run, runOk } from './workspaces.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const launcher = join(ROOT, 'apps/cli/bin/tokensmith.cjs');

/** The ```sh blocks' lines of a Markdown file, without comments. */
function shellLines(text: string): string[] {
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()));
}

test('every tokensmith command in the CLI README exists, with the options it shows', async () => {
  const commands = shellLines(read('apps/cli/README.md')).filter((line) => line.startsWith('tokensmith '));
  expect(commands.length).toBeGreaterThan(8);
  const global = (await runOk(process.execPath, [launcher, '--help'], { cwd: ROOT })).stdout;
  const wrong: string[] = [];
  for (const line of commands) {
    const [, command, ...rest] = line.split(/\s+/);
    const help = (await runOk(process.execPath, [launcher, command!, '--help'], { cwd: ROOT })).stdout;
    if (!help.startsWith(`Usage: tokensmith ${command}`)) wrong.push(`${line}: no command ${command}`);
    for (const flag of rest.filter((word) => word.startsWith('--')).map((word) => word.replace(/=.*$/, '')))
      if (!new RegExp(`${flag}\\b`).test(help) && !new RegExp(`${flag}\\b`).test(global)) wrong.push(`${line}: no option ${flag}`);
  }
  expect(wrong).toEqual([]);
}, 120_000);

test('the CLI README covers the four strategies, the keychain, trust, --no-input and exit 130, and is not "one file"', () => {
  const text = read('apps/cli/README.md');
  for (const needed of [
    'device',
    'keychain',
    'tokensmith trust',
    '--no-input',
    '`130`',
    'client credentials',
    'OAuth 1.0a PIN',
    'authorization code',
  ])
    expect(text).toContain(needed);
  expect(text).not.toMatch(/one file/i);
});

test('registry installs are offered only as "once published", beside a way to install today', () => {
  for (const file of ['README.md', 'apps/cli/README.md']) {
    const text = read(file);
    const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n'));
    // `npx tokensmith` inside the checkout runs the workspace's own link (node_modules/.bin), not the registry's.
    const registry = blocks.filter(
      (line) => /^(npm install -g tokensmith|npx tokensmith)\b/.test(line) && !/node_modules\/\.bin/.test(line),
    );
    expect(registry.filter((line) => !/once published/i.test(line))).toEqual([]);
    expect(text).toContain('npm pack -w tokensmith');
  }
});

test('each library README says the package is ESM-only and how to require() it, and keeps no drafting heading', () => {
  for (const w of publicWorkspaces().filter((w) => w.entrypoints.length > 0)) {
    const text = read(join(w.dir, 'README.md'));
    expect({ name: w.name, esm: /ESM-only/.test(text) && /"type": "module"/.test(text) && /require\(esm\)/.test(text) }).toEqual({
      name: w.name,
      esm: true,
    });
    expect(text).not.toContain('Row for the stores table');
  }
});

test("the core README's strategy list names every strategy package", () => {
  const strategies = publicWorkspaces()
    .filter((w) => /^packages\/(client-credentials|oauth1-pin|authorization-code|device-code)$/.test(w.dir))
    .map((w) => w.name);
  expect(strategies).toHaveLength(4);
  const text = read('packages/core/README.md');
  for (const name of strategies) expect(text).toContain(`\`${name}\``);
  expect(markdownSnippets('packages/core/README.md', text).length).toBeGreaterThan(0);
});

test("the CLI README's sandbox walk-through runs as shown (no person needed for these steps)", async () => {
  const block = shellLines(read('apps/cli/README.md'));
  const start = block.findIndex((line) => line.startsWith('tokensmith sandbox --write'));
  expect(start).toBeGreaterThanOrEqual(0);
  const [, , , file] = block[start]!.split(/\s+/);
  // The steps after `sandbox` up to the block's end; logins wait for a person, so they are left out.
  const steps: string[] = [];
  for (const line of block.slice(start + 1)) {
    if (!line.startsWith('tokensmith ')) break;
    if (!line.startsWith('tokensmith login ')) steps.push(line);
  }
  expect(steps.length).toBeGreaterThanOrEqual(4);
  const home = mkdtempSync(join(tmpdir(), 'tokensmith-readme-'));
  const env = cleanEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), CI: 'true', NO_COLOR: '1' });
  const sandbox = spawn(process.execPath, [launcher, 'sandbox', '--write', file!], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (/listening on http/.test(output) && existsSync(join(home, file!))) resolve();
      };
      sandbox.stdout.on('data', seen);
      sandbox.stderr.on('data', seen);
      sandbox.once('exit', (code) => reject(new Error(`sandbox exited ${code}: ${output}`)));
    });
    const failed: string[] = [];
    for (const step of steps) {
      const result = await run(process.execPath, [launcher, ...step.split(/\s+/).slice(1)], { cwd: home, env });
      if (result.code !== 0) failed.push(`${step}: exit ${result.code}: ${result.stderr.trim()}`);
    }
    expect(failed).toEqual([]);
  } finally {
    sandbox.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}, 120_000);
