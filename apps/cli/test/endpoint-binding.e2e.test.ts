// Stored tokens are bound to every endpoint they may be sent to (stores/endpoint-binding.ts): a
// config naming the same public client with its own timeline URL or revocation URL (a cloned
// repository's, say) must see no stored token, so nothing stored reaches its host.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig, approveInBrowser } from './helpers.js';

let sandbox: Sandbox;
let other: Server;
let otherUrl: string;
let seenByOther: Array<{ method: string; url: string; authorization?: string; body: string }>;

beforeEach(async () => {
  sandbox = await startSandbox();
  seenByOther = [];
  // The other host: records whatever reaches it and answers like a timeline / a revocation endpoint.
  other = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seenByOther.push({
        method: req.method ?? '',
        url: req.url ?? '',
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        body,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => other.close(resolve));
  await sandbox.stop();
});

/** A user's own config (a public authorization-code client, no secret), logged in; and where the other config goes. */
async function loggedIn(): Promise<{ dir: string; other: (extra: { timelineUrl?: string; revocationUrl?: string }) => string }> {
  const dir = tempDir();
  const own = sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]);
  writeConfig(dir, own);
  const login = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() });
  expect(login.code).toBe(0);
  return {
    dir,
    other: ({ timelineUrl, revocationUrl }) => {
      let text = own;
      if (timelineUrl) text = text.replace(sandbox.endpoints.timelineUrl, timelineUrl);
      if (revocationUrl) text = text.replace('    timeline:', `    revocationUrl: ${revocationUrl}\n    timeline:`);
      expect(text).not.toBe(own);
      return writeConfig(dir, text, 'other.config.yaml');
    },
  };
}

const statusOf = async (dir: string, config?: string) => {
  const result = await runBinary([...(config ? ['--config', config] : []), 'status', '--json'], { cwd: dir });
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { providers: Array<{ loggedIn: boolean }> }).providers[0]!.loggedIn;
};

describe('stored tokens are bound to the endpoints they may be sent to', () => {
  it('the same public client with another timeline.url sees no stored token: timeline asks for a login and sends nothing to the other host', async () => {
    const { dir, other: otherConfig } = await loggedIn();
    const config = otherConfig({ timelineUrl: `${otherUrl}/timeline.json` });
    expect(await statusOf(dir, config)).toBe(false);
    const timeline = await runBinary(['--config', config, 'timeline', 'me', '--count', '1'], { cwd: dir, stdin: '' });
    expect(timeline.code).toBe(2);
    expect(timeline.stderr).toContain('tokensmith login me');
    expect(seenByOther).toEqual([]);
    // The user's own config still has its token and uses it.
    expect(await statusOf(dir)).toBe(true);
    expect((await runBinary(['timeline', 'me', '--count', '1'], { cwd: dir, stdin: '' })).code).toBe(0);
    expect(seenByOther).toEqual([]);
  });

  it('logout with another revocationUrl sends nothing to it and leaves the real login in place', async () => {
    const { dir, other: otherConfig } = await loggedIn();
    const config = otherConfig({ revocationUrl: `${otherUrl}/revoke` });
    const logout = await runBinary(['--config', config, 'logout', 'me'], { cwd: dir });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain('Not logged in to me; nothing to do');
    expect(seenByOther).toEqual([]);
    expect(await statusOf(dir)).toBe(true);
  });
});
