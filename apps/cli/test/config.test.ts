import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess, tempDir, writeConfig } from './helpers.js';
import { FLOW_OWNED_PARAMS } from '@tokensmith/authorization-code';
import { RESERVED_AUTHORIZATION_PARAMS } from '../src/config/schema.js';

const SECRET = 'SUPER-SECRET-VALUE-123';
// Config checks happen before any request, so these URLs are never contacted.
const endpoints = {
  tokenUrl: 'https://api.twitter.com/oauth2/token',
  timelineUrl: 'https://api.twitter.com/1.1/statuses/user_timeline.json',
};

function appProvider(overrides = ''): string {
  return `providers:
  twitter:
    strategy: client-credentials
    tokenUrl: ${endpoints.tokenUrl}
    clientId: app-key
    clientSecret: \${APP_SECRET}
    timeline:
      url: ${endpoints.timelineUrl}
      user: twitterapi
${overrides}`;
}

async function configError(yaml: string, env: NodeJS.ProcessEnv = { APP_SECRET: SECRET }, argv = ['timeline', 'twitter']) {
  const dir = tempDir();
  // Named with --config (the user's own choice, trusted): these URLs are not loopback, so a file merely
  // found in the working directory would stop at the trust gate before the messages under test.
  const path = writeConfig(dir, yaml);
  const result = await runInProcess(['--config', path, ...argv], { cwd: dir, env });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toContain(SECRET);
  return result.stderr;
}

describe('config errors name the path and the fix, exit 1, and print no secret', () => {
  it.each([
    [
      'a field that is not a URL',
      appProvider().replace(/tokenUrl: .*/, 'tokenUrl: not-a-url'),
      'providers.twitter.tokenUrl: must be a URL (http:// or https://)',
    ],
    ['a missing required field', appProvider().replace(/ {4}clientId: .*\n/, ''), 'providers.twitter.clientId: is required'],
    [
      'an unknown strategy',
      appProvider().replace('client-credentials', 'magic'),
      'providers.twitter.strategy: strategy must be one of client-credentials, oauth1-pin, authorization-code, device-code',
    ],
    ['an unknown field', appProvider('    clientSecrett: oops\n'), 'providers.twitter: unknown field clientSecrett'],
    [
      'a bad timeline format',
      appProvider().replace('user: twitterapi', 'user: twitterapi\n      format: rss'),
      'providers.twitter.timeline.format: must be one of twitter-v1, twitter-v2, mastodon',
    ],
    ['an empty providers map', 'providers: {}\n', 'providers: providers must name at least one provider'],
    ['no providers key', 'store: file\n', 'providers: is required'],
    [
      'a defaultProvider that does not exist',
      `defaultProvider: nope\n${appProvider()}`,
      'defaultProvider: defaultProvider must be one of the names under providers',
    ],
    [
      'a bad store',
      `store: ftp://x\n${appProvider()}`,
      "store: must be 'auto' (the default), 'keychain', 'file', 'file:/absolute/path.json' (or file:~/...), 'memory' or a redis:// URL",
    ],
    [
      'a token file with a relative path',
      `store: file:tokens.json\n${appProvider()}`,
      "store: must be 'auto' (the default), 'keychain', 'file', 'file:/absolute",
    ],
    [
      'an authorization-code provider without endpoints',
      'providers:\n  m:\n    strategy: authorization-code\n    clientId: cli\n    scopes: [read]\n',
      'providers.m: needs either issuer (for discovery) or both authorizationUrl and tokenUrl',
    ],
    [
      'an authorization-code provider without scopes',
      'providers:\n  m:\n    strategy: authorization-code\n    issuer: https://m.example\n    clientId: cli\n',
      'providers.m.scopes: is required',
    ],
    ['a wrong type', appProvider('    timeoutMs: soon\n'), 'providers.twitter.timeoutMs: must be a number of milliseconds'],
    ['a negative refreshSkewSeconds', appProvider('    refreshSkewSeconds: -1\n'), 'providers.twitter.refreshSkewSeconds: must be >= 0'],
    [
      'an http:// tokenUrl off loopback',
      appProvider().replace(/tokenUrl: .*/, 'tokenUrl: http://api.twitter.com/oauth2/token'),
      'providers.twitter.tokenUrl: must use https:// (plain http:// is allowed only on loopback',
    ],
    ['a bad invalidateUrl', appProvider('    invalidateUrl: nope\n'), 'providers.twitter.invalidateUrl: must be a URL'],
    [
      'an unknown authMethod',
      'providers:\n  m:\n    strategy: authorization-code\n    issuer: https://m.example\n    clientId: cli\n    scopes: [read]\n    authMethod: jwt\n',
      'providers.m.authMethod: must be one of basic, post, none, private_key_jwt, client_secret_jwt',
    ],
    [
      'authorizationParams that are not strings',
      'providers:\n  m:\n    strategy: authorization-code\n    issuer: https://m.example\n    clientId: cli\n    scopes: [read]\n    authorizationParams: { prompt: [consent] }\n',
      'providers.m.authorizationParams.prompt: must be a string',
    ],
    [
      'authorizationParams overriding state',
      'providers:\n  m:\n    strategy: authorization-code\n    issuer: https://m.example\n    clientId: cli\n    scopes: [read]\n    authorizationParams: { state: x }\n',
      'providers.m.authorizationParams: must not set response_type',
    ],
    [
      'authMethod post without a secret',
      'providers:\n  m:\n    strategy: authorization-code\n    issuer: https://m.example\n    clientId: cli\n    scopes: [read]\n    authMethod: post\n',
      "providers.m: needs clientSecret for authMethod 'basic', 'post' or 'client_secret_jwt'",
    ],
    [
      'a device-code provider without endpoints',
      'providers:\n  d:\n    strategy: device-code\n    clientId: cli\n    scopes: [read]\n',
      'providers.d: needs either issuer (for discovery) or both deviceAuthorizationUrl and tokenUrl',
    ],
    [
      'a defaultProvider inherited from Object (toString)',
      `defaultProvider: toString\n${appProvider()}`,
      'defaultProvider: defaultProvider must be one of the names under providers',
    ],
    [
      'a timeline cap below 1 KiB',
      appProvider().replace('user: twitterapi', 'user: twitterapi\n      maxResponseBytes: 10'),
      'providers.twitter.timeline.maxResponseBytes: must be at least 1024',
    ],
  ])('%s', async (_name, yaml, expected) => {
    // providers validates every provider (a command that uses one validates only that one: issue 27.15).
    expect(await configError(yaml, undefined, ['providers'])).toContain(expected);
  });

  it('a missing environment variable names the provider, the field and the fix', async () => {
    const stderr = await configError(appProvider(), {});
    expect(stderr).toContain(
      'provider twitter needs environment variable APP_SECRET, which is not set (providers.twitter.clientSecret in ',
    );
    expect(stderr).toContain('export APP_SECRET=...');
  });

  it('invalid YAML and a non-mapping file', async () => {
    expect(await configError('providers: [unclosed\n')).toMatch(/tokensmith\.config\.yaml is not valid YAML/);
    expect(await configError('- just\n- a list\n')).toContain('the config must be a mapping with a providers key');
  });

  it('invalid JSON and a --config path that does not exist', async () => {
    const dir = tempDir();
    writeConfig(dir, '{"providers": ', 'tokensmith.config.json');
    const bad = await runInProcess(['providers'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('tokensmith.config.json is not valid JSON');
    const missing = await runInProcess(['--config', 'nope.yaml', 'providers'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.yaml does not exist (check --config)');
  });

  it('an unknown provider name lists the configured ones', async () => {
    expect(await configError(appProvider(), { APP_SECRET: SECRET }, ['timeline', 'mastodon'])).toContain(
      'unknown provider mastodon; configured: twitter',
    );
  });

  it('usage errors: a bad --count and an unknown command', async () => {
    const dir = tempDir();
    expect((await runInProcess(['timeline', '--count', '0'], { cwd: dir })).stderr).toContain(
      '--count must be a whole number from 1 to 200',
    );
    const unknown = await runInProcess(['frobnicate'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('reads a JSON config, substitutes ${ENV} and lists providers', async () => {
    const dir = tempDir();
    writeConfig(
      dir,
      JSON.stringify({
        providers: { x: { strategy: 'client-credentials', tokenUrl: endpoints.tokenUrl, clientId: 'id', clientSecret: '${S}' } },
      }),
      'tokensmith.config.json',
    );
    const result = await runInProcess(['providers', '--json'], { cwd: dir, env: { S: SECRET, TOKENSMITH_TRUSTED_VARIABLES: 'S' } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).providers).toEqual([
      {
        provider: 'x',
        strategy: 'client-credentials',
        preset: null,
        endpoints: { tokenUrl: 'https://api.twitter.com/oauth2/token' },
        default: false,
        scopes: [],
        timeline: null,
        resolved: true,
        missingVariables: [],
      },
    ]);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('warns when a config with literal secrets is readable by others, without printing them', async () => {
    const dir = tempDir();
    writeConfig(dir, appProvider().replace('${APP_SECRET}', SECRET), 'tokensmith.config.yaml', 0o644);
    const result = await runInProcess(['providers'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('holds literal secrets (providers.twitter.clientSecret) and is readable by other users; run chmod 600');
    expect(result.stderr + result.stdout).not.toContain(SECRET);
  });
});

describe('help', () => {
  it("in demo mode an unknown provider says the names are the built-in demo's", async () => {
    const result = await runInProcess(['--store', 'memory', 'token', 'twitter'], { cwd: tempDir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "unknown provider twitter; configured: sandbox-app, sandbox-oauth1, sandbox-oauth2, sandbox-device (no config file found, so these are the built-in demo's; run tokensmith init",
    );
  });

  it('documents every command with examples and the exit codes', async () => {
    const dir = tempDir();
    const top = await runInProcess(['--help'], { cwd: dir });
    expect(top.code).toBe(0);
    for (const command of ['timeline', 'token', 'providers', 'login', 'logout', 'status', 'sandbox']) expect(top.stdout).toContain(command);
    expect(top.stdout).toContain('Exit codes:');
    // No config file here: the examples use the built-in demo's names, so each works as shown.
    expect(top.stdout).toContain('tokensmith timeline sandbox-app --user twitterapi');
    expect(top.stdout).not.toContain('tokensmith timeline twitter');
    writeConfig(dir, appProvider());
    expect((await runInProcess(['--help'], { cwd: dir })).stdout).toContain('tokensmith timeline twitter --user twitterapi');
    const timeline = await runInProcess(['timeline', '--help'], { cwd: dir });
    expect(timeline.stdout).toContain('Examples:');
    expect(timeline.stdout).toContain('--user <name>');
  });
});

describe('${ENV} per provider, every error at once, and where the config is found', () => {
  const two = `defaultProvider: good
providers:
  good:
    strategy: client-credentials
    tokenUrl: https://api.example.com/oauth2/token
    clientId: id
    clientSecret: \${GOOD_SECRET}
  other:
    strategy: oauth1-pin
    consumerKey: \${OTHER_KEY}
    consumerSecret: \${OTHER_SECRET}
    requestTokenUrl: \${OTHER_BASE}/oauth/request_token
    authorizeUrl: https://api.example.com/oauth/authorize
    accessTokenUrl: https://api.example.com/oauth/access_token
`;
  const env = { GOOD_SECRET: SECRET, TOKENSMITH_TRUSTED_VARIABLES: 'GOOD_SECRET,OTHER_KEY,OTHER_SECRET,OTHER_BASE' };

  it('a missing variable in one provider blocks neither providers, status nor the other provider', async () => {
    const dir = tempDir();
    writeConfig(dir, two);
    const listed = await runInProcess(['providers'], { cwd: dir, env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/other\s+oauth1-pin\s+unresolved: set OTHER_KEY, OTHER_SECRET, OTHER_BASE/);
    const json = JSON.parse((await runInProcess(['providers', '--json'], { cwd: dir, env })).stdout);
    expect(json.source).toBe(join(dir, 'tokensmith.config.yaml'));
    expect(json.origin).toBe('working-directory');
    expect(
      json.providers.map((p: { provider: string; resolved: boolean; missingVariables: string[] }) => [
        p.provider,
        p.resolved,
        p.missingVariables,
      ]),
    ).toEqual([
      ['good', true, []],
      ['other', false, ['OTHER_KEY', 'OTHER_SECRET', 'OTHER_BASE']],
    ]);
    const status = await runInProcess(['--store', 'memory', 'status', '--json'], { cwd: dir, env });
    // The fields every command's JSON shares (commands/json-fields.ts): present, null or empty, never missing.
    const notLoggedIn = { loggedIn: false, tokenType: null, expiresAt: null, refreshable: false, scopes: [], user: null, dpopBound: false };
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).providers).toEqual([
      { ...notLoggedIn, provider: 'good', strategy: 'client-credentials', usable: true },
      {
        ...notLoggedIn,
        provider: 'other',
        strategy: 'oauth1-pin',
        usable: false,
        missingVariables: ['OTHER_KEY', 'OTHER_SECRET', 'OTHER_BASE'],
      },
    ]);
    // Its URLs leave this machine: the commands that send need the file trusted (listing did not).
    expect((await runInProcess(['trust'], { cwd: dir, env })).code).toBe(0);
    // The good provider gets past variable resolution (to the missing timeline setting)...
    const good = await runInProcess(['timeline', 'good'], { cwd: dir, env });
    expect(good.stderr).toContain('providers.good.timeline is not set');
    // ...and the other one names its variables and fields.
    const other = await runInProcess(['timeline', 'other'], { cwd: dir, env });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      'provider other needs environment variables OTHER_KEY, OTHER_SECRET, OTHER_BASE, which are not set (providers.other.consumerKey, providers.other.consumerSecret, providers.other.requestTokenUrl in',
    );
    expect(listed.stdout + listed.stderr + status.stdout + good.stderr + other.stderr).not.toContain(SECRET);
  });

  it('reports every schema error of the file in one run, before any variable is set', async () => {
    const dir = tempDir();
    writeConfig(
      dir,
      two
        .replace('clientId: id', 'clientId: ""')
        .replace('authorizeUrl: https://api.example.com/oauth/authorize', 'authorizeUrl: ftp://x')
        .replace('defaultProvider: good', 'defaultProvider: good\nstorage: file'),
    );
    const result = await runInProcess(['providers'], { cwd: dir, env: {} });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(top level): unknown field storage');
    expect(result.stderr).toContain('providers.good.clientId: must not be empty');
    expect(result.stderr).toContain('providers.other.authorizeUrl: must be a URL (http:// or https://)');
    // A field whose variable is unset is checked once it is set, not reported as a bad URL now.
    expect(result.stderr).not.toContain('providers.other.requestTokenUrl');
  });

  it('looks in --config, then ./tokensmith.config.*, then $XDG_CONFIG_HOME/tokensmith/config.yaml; init --global writes there', async () => {
    const dir = tempDir();
    const xdg = join(dir, 'xdg');
    const userEnv = { XDG_CONFIG_HOME: xdg, GOOD_SECRET: SECRET };
    const none = await runInProcess(['providers', '--json'], { cwd: dir, env: userEnv });
    expect(JSON.parse(none.stdout).origin).toBe('demo');
    const init = await runInProcess(['init', '--global'], { cwd: dir, env: userEnv });
    expect(init.code).toBe(0);
    const userPath = join(xdg, 'tokensmith', 'config.yaml');
    expect(init.stderr).toContain(`wrote ${userPath} (mode 600)`);
    expect(statSync(userPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(xdg, 'tokensmith')).mode & 0o777).toBe(0o700);
    const user = JSON.parse((await runInProcess(['providers', '--json'], { cwd: dir, env: userEnv })).stdout);
    expect([user.source, user.origin, user.providers[0].provider]).toEqual([userPath, 'user', 'twitter']);
    expect((await runInProcess(['providers'], { cwd: dir, env: userEnv })).stdout).toContain(`from ${userPath}`);
    writeConfig(dir, two);
    const local = JSON.parse((await runInProcess(['providers', '--json'], { cwd: dir, env: userEnv })).stdout);
    expect([local.origin, local.providers[0].provider]).toEqual(['working-directory', 'good']);
    writeConfig(dir, two.replace(/good/g, 'picked'), 'picked.yaml');
    const explicit = JSON.parse(
      (await runInProcess(['--config', 'picked.yaml', 'providers', '--json'], { cwd: dir, env: userEnv })).stdout,
    );
    expect([explicit.origin, explicit.providers[0].provider]).toEqual(['explicit', 'picked']);
  });

  it('defaults XDG_CONFIG_HOME to ~/.config, as gh does', async () => {
    const dir = tempDir();
    const home = join(dir, 'home');
    mkdirSync(join(home, '.config', 'tokensmith'), { recursive: true });
    writeConfig(join(home, '.config', 'tokensmith'), two, 'config.yaml');
    const result = await runInProcess(['providers', '--json'], { cwd: dir, env: { HOME: home, XDG_CONFIG_HOME: '' } });
    expect(JSON.parse(result.stdout).source).toBe(join(home, '.config', 'tokensmith', 'config.yaml'));
  });
});

test('the config refuses exactly the authorization parameters the strategy owns (the two lists cannot drift)', () => {
  expect([...RESERVED_AUTHORIZATION_PARAMS].sort()).toEqual([...FLOW_OWNED_PARAMS].sort());
});
