// How the CLI chooses a store (apps/cli/src/stores/), in process: `auto` without a D-Bus session
// bus is the file, chosen fast, with one notice on the first token stored; TOKENSMITH_TOKEN_FILE
// means the file. (The keychain side runs against a real gnome-keyring in stores.e2e.test.ts.)
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../src/stores/open.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'tokensmith-auto-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});
const noBus = () => ({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PATH: process.env.PATH });

describe('openStore: auto', () => {
  it('with no D-Bus session bus: the file, chosen without waiting for a probe, one notice naming it on the first token stored', async () => {
    await openStore('auto', noBus(), () => undefined); // module loading is not the choice
    const notices: string[] = [];
    const started = performance.now();
    const opened = await openStore('auto', noBus(), (line) => notices.push(line));
    const elapsed = performance.now() - started;
    // A bound, not a timing: waiting for the probe would take its 1.5 s timeout; without a bus there
    // is nothing to wait for (measured ~2 ms idle; 2 busy CI cores can stretch that a lot).
    expect(elapsed).toBeLessThan(1_000);
    const file = join(home, '.config', 'tokensmith', 'tokens.json');
    expect(opened.description).toBe(`file ${file}`);
    expect(notices).toEqual([]);
    await opened.store.set('k#c#', { type: 'bearer', accessToken: 't' });
    await opened.store.set('k2#c#', { type: 'bearer', accessToken: 't2' });
    expect(notices).toEqual([
      `notice: no OS keychain answered (no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)); tokens are stored in the file ${file} (mode 0600). Set \`store: file\` to choose it explicitly.`,
    ]);
    expect(await opened.store.entries?.()).toHaveLength(2);
    expect(await opened.store.reset?.()).toMatch(/tokens\.json\.bak-\d+$/);
  });

  it('TOKENSMITH_TOKEN_FILE means the file, without a probe or a notice', async () => {
    const file = join(home, 'chosen.json');
    const notices: string[] = [];
    const opened = await openStore(
      'auto',
      { ...noBus(), TOKENSMITH_TOKEN_FILE: file, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
      (line) => notices.push(line),
    );
    expect(opened.description).toBe(`file ${file}`);
    await opened.store.set('k#c#', { type: 'bearer', accessToken: 't' });
    expect(notices).toEqual([]);
  });

  it('keychain is probed when opened (a named error before any login starts); an unknown setting is a usage error listing the choices', async () => {
    await expect(openStore('keychain', noBus())).rejects.toMatchObject({
      code: 'store_unavailable',
      message: expect.stringMatching(/^no OS keychain: no D-Bus session bus/),
    });
    await expect(openStore('sqlite', noBus())).rejects.toMatchObject({
      message:
        "--store must be 'auto' (the default), 'keychain', 'file', 'file:/absolute/path.json' (or file:~/...), 'memory' or a redis:// URL",
    });
  });
});

describe('openStore: file:<path>, a token file of its own', () => {
  it('an absolute path is the file itself; ~/ is the home directory; nothing goes to the default tokens.json', async () => {
    const own = join(home, 'demo', 'demo-tokens.json');
    const absolute = await openStore(`file:${own}`, noBus());
    expect(absolute.description).toBe(`file ${own}`);
    await absolute.store.set('k#c#', { type: 'bearer', accessToken: 't' });
    expect(JSON.parse(readFileSync(own, 'utf8'))).toBeDefined();
    expect(statSync(own).mode & 0o777).toBe(0o600);
    expect(existsSync(join(home, '.config', 'tokensmith', 'tokens.json'))).toBe(false);

    const fromHome = await openStore('file:~/demo/demo-tokens.json', noBus());
    expect(fromHome.description).toBe(`file ${own}`);
    expect(await fromHome.store.get('k#c#')).toEqual({ type: 'bearer', accessToken: 't' });
  });

  it('wins over TOKENSMITH_TOKEN_FILE (the config names this file on purpose)', async () => {
    const own = join(home, 'own.json');
    const opened = await openStore(`file:${own}`, { ...noBus(), TOKENSMITH_TOKEN_FILE: join(home, 'other.json') });
    expect(opened.description).toBe(`file ${own}`);
  });

  it('a relative path is refused: the tokens would depend on the directory a command runs in', async () => {
    await expect(openStore('file:tokens.json', noBus())).rejects.toMatchObject({ category: 'usage' });
    await expect(openStore('file:', noBus())).rejects.toMatchObject({ category: 'usage' });
  });
});
