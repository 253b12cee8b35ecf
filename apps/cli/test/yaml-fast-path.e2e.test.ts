import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runBinary, tempDir } from './helpers.js';

// The YAML fast path through the binary: a value ending in a Unicode space (NBSP, U+3000, U+2000)
// must reach the server whole, as the yaml package reads it, not trimmed by JavaScript's idea of
// white space. (authorizationParams values are sent as written; the schema trims other strings.)
let server: Server;
let base: string;
let sent: URLSearchParams[];

beforeEach(async () => {
  sent = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += String(chunk)));
    req.on('end', () => {
      sent.push(new URLSearchParams(body));
      res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ error: 'invalid_request' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it.each([
  ['NBSP', '\u00A0'],
  ['an ideographic space', '\u3000'],
  ['an en quad', '\u2000'],
])('sends a configured value that ends in %s whole', async (_name, space) => {
  // The user's own config (always trusted), with the working directory elsewhere.
  const home = tempDir();
  const cwd = tempDir();
  mkdirSync(join(home, '.config', 'tokensmith'), { recursive: true });
  writeFileSync(
    join(home, '.config', 'tokensmith', 'config.yaml'),
    `store: file
providers:
  tv:
    strategy: device-code
    deviceAuthorizationUrl: ${base}/device
    tokenUrl: ${base}/token
    clientId: tv-app
    scopes: [read]
    authorizationParams:
      audience: api${space}
`,
    { mode: 0o600 },
  );
  await runBinary(['login', 'tv', '--no-browser'], { cwd, env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  expect(sent.map((form) => form.get('audience'))).toEqual([`api${space}`]);
});
