import { readFileSync, existsSync } from 'node:fs';
import { validateConfig } from '../src/config/load.js';
import { checkTrust } from '../src/config/trust.js';
import { PRESETS, presetNamed, type Preset } from '../src/presets/index.js';
import { presetStarter, presetView, suppliedFields } from '../src/presets/describe.js';
import { STRATEGY_ADAPTERS, strategyAdapter, type StrategyName } from '../src/strategies/index.js';
import type { BuildContext } from '../src/strategies/adapter.js';
import { MemoryStore } from '@tokensmith/core';
import { endpointDigest } from '../src/stores/endpoint-binding.js';
import { parse } from 'yaml';
import { runInProcess, tempDir, writeConfig } from './helpers.js';

// Every preset is checked here, with no network: valid under the schema after the merge, for each
// of its strategies; its endpoints equal to the recorded discovery metadata where the provider
// publishes any (test/fixtures/discovery, transcribed from the providers' documentation).

const validate = (providers: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => validateConfig({ providers }, 'test.yaml', env);

/** A provider using a preset and strategy, with what a person supplies (examples for params, dummy credentials). */
function supplied(preset: Preset, strategy: string, params: Record<string, string> = {}): Record<string, unknown> {
  const settings: Record<string, unknown> = { preset: preset.name, strategy };
  for (const field of suppliedFields(preset, strategy))
    settings[field.field] = params[field.field] ?? (field.example.startsWith('${') ? `${field.field}-value` : field.example);
  return settings;
}

const everyStrategy = PRESETS.flatMap((preset) => Object.keys(preset.strategies).map((strategy) => [preset.name, strategy] as const));

describe('presets are data, checked', () => {
  it.each(everyStrategy)('%s with %s is schema-valid after the merge, every URL https', async (name, strategy) => {
    const preset = presetNamed(name)!;
    const { config } = await validate({ p: supplied(preset, strategy) });
    const merged = config.providers.p!;
    expect(merged.strategy).toBe(strategy);
    for (const url of Object.values(presetView(preset).strategies.find((s) => s.strategy === strategy)!.endpoints))
      expect(url).toMatch(/^https:\/\//);
    expect(JSON.stringify(merged)).not.toMatch(/\{(instance|domain|tenant|realm)\}/);
  });

  // What the strategy packages check at construction (`scope openid needs issuer`, auth method and
  // secret) is checked here too: a preset the schema accepts but the strategy refuses fails here.
  it.each(everyStrategy)('%s with %s builds its strategy (no request is sent)', async (name, strategy) => {
    const preset = presetNamed(name)!;
    const registers = preset.registersAt !== undefined;
    const publicClient = !registers && suppliedFields(preset, strategy).some((field) => field.field === 'clientSecret' && !field.required);
    for (const secret of publicClient || registers ? [true, false] : [true]) {
      const settings = supplied(preset, strategy);
      if (!secret) delete settings.clientSecret;
      // A preset that registers an app: with no client of one's own (no clientId either), the app is registered at login.
      if (!secret && registers) delete settings.clientId;
      const { config } = await validate({ p: settings });
      const quiet = { write: () => true, isTTY: false };
      const person = {
        io: { stdout: quiet, stderr: quiet, env: {}, cwd: '/' },
        progress: { start: () => undefined, stop: () => undefined },
        prompter: {},
        mode: { interactive: false },
        providerName: 'p',
        browser: false,
      };
      const context = { interaction: { io: person.io }, person, unattended: true, shared: {} } as unknown as BuildContext;
      const provider = await strategyAdapter(config.providers.p!.strategy).build(config.providers.p!, new MemoryStore(), context);
      expect(typeof provider.getToken).toBe('function');
    }
  });

  it.each(PRESETS.map((preset) => [preset.name, preset] as const))(
    '%s names its documentation and the date it was checked',
    (_name, preset) => {
      expect(preset.docs).toMatch(/^https:\/\/[^/]+\//);
      expect(preset.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(preset.checked))).toBe(false);
      expect(Object.keys(preset.strategies).length).toBeGreaterThan(0);
      for (const strategy of Object.keys(preset.strategies)) expect(Object.hasOwn(STRATEGY_ADAPTERS, strategy)).toBe(true);
    },
  );

  it('has every preset the issue names (bluesky left out: it needs PAR and DPoP)', () => {
    expect(PRESETS.map((preset) => preset.name).sort()).toEqual(
      [
        'x',
        'x-app',
        'x-oauth1',
        'mastodon',
        'github',
        'gitlab',
        'google',
        'microsoft',
        'okta',
        'auth0',
        'keycloak',
        'discord',
        'spotify',
        'reddit',
        'twitch',
        'linkedin',
        'slack',
        'dropbox',
      ].sort(),
    );
  });
});

/** Preset field -> the RFC 8414 / OIDC metadata field it must equal. */
const METADATA_FIELDS: Record<string, string> = {
  authorizationUrl: 'authorization_endpoint',
  tokenUrl: 'token_endpoint',
  revocationUrl: 'revocation_endpoint',
  deviceAuthorizationUrl: 'device_authorization_endpoint',
};

describe('the README presets table', () => {
  it('has a row per preset with its strategies, documentation URL and checked date', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const preset of PRESETS) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${preset.name}\` `));
      expect(row).toBeDefined();
      for (const strategy of Object.keys(preset.strategies)) expect(row).toContain(`\`${strategy}\``);
      expect(row).toContain(`(${preset.docs})`);
      expect(row).toContain(`| ${preset.checked} |`);
    }
  });
});

describe('presets match the discovery metadata their providers publish (recorded copies)', () => {
  const withDiscovery = PRESETS.filter((preset) => preset.discovery !== undefined);

  it('covers google, microsoft, gitlab, okta, auth0, keycloak, linkedin and mastodon', () => {
    expect(withDiscovery.map((preset) => preset.name).sort()).toEqual(
      ['auth0', 'gitlab', 'google', 'keycloak', 'linkedin', 'mastodon', 'microsoft', 'okta'].sort(),
    );
  });

  it.each(withDiscovery.map((preset) => [preset.name, preset] as const))('%s', async (name, preset) => {
    const file = new URL(`./fixtures/discovery/${name}.json`, import.meta.url);
    expect(existsSync(file)).toBe(true);
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as { params: Record<string, string>; metadata: Record<string, unknown> };
    let compared = 0;
    for (const strategy of Object.keys(preset.strategies)) {
      const { config } = await validate({ p: supplied(preset, strategy, recorded.params) });
      const merged = config.providers.p as unknown as Record<string, unknown>;
      for (const [field, metadataField] of Object.entries(METADATA_FIELDS)) {
        if (merged[field] === undefined) continue;
        // A preset may fill an endpoint the metadata does not list (Okta lists device only when enabled): only listed ones compare.
        if (recorded.metadata[metadataField] === undefined) continue;
        expect(`${strategy} ${field} ${String(merged[field])}`).toBe(`${strategy} ${field} ${String(recorded.metadata[metadataField])}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(2);
  });
});

describe('the merge: the preset fills, what the config writes wins', () => {
  it('fills templates from instance, and a written field overrides; timeline merges key by key', async () => {
    const { config } = await validate({
      social: {
        preset: 'mastodon',
        instance: 'fosstodon.org',
        clientId: 'id',
        clientSecret: 'secret',
        scopes: ['read', 'write'],
        timeline: { user: 'someone' },
      },
    });
    expect(config.providers.social).toMatchObject({
      strategy: 'authorization-code',
      authorizationUrl: 'https://fosstodon.org/oauth/authorize',
      tokenUrl: 'https://fosstodon.org/oauth/token',
      revocationUrl: 'https://fosstodon.org/oauth/revoke',
      authMethod: 'post',
      scopes: ['read', 'write'],
      baseUrl: 'https://fosstodon.org',
      timeline: { url: 'https://fosstodon.org', format: 'mastodon', user: 'someone' },
    });
  });

  it('x: Basic with a client secret, none without; offline.access in the scopes', async () => {
    const { config } = await validate({ a: { preset: 'x', clientId: 'id', clientSecret: 's' }, b: { preset: 'x', clientId: 'id' } });
    expect(config.providers.a).toMatchObject({ authMethod: 'basic', scopes: ['tweet.read', 'users.read', 'offline.access'] });
    expect(config.providers.b).toMatchObject({ authMethod: 'none' });
    const { config: written } = await validate({ c: { preset: 'x', clientId: 'id', clientSecret: 's', authMethod: 'post' } });
    expect(written.providers.c).toMatchObject({ authMethod: 'post' });
  });

  it('defaults a template param where the provider has one (gitlab.com, tenant common), and takes another', async () => {
    const { config } = await validate({
      gl: { preset: 'gitlab', clientId: 'id' },
      own: { preset: 'gitlab', instance: 'git.example.org:8443', clientId: 'id' },
      ms: { preset: 'microsoft', clientId: 'id' },
      corp: { preset: 'microsoft', strategy: 'device-code', tenant: 'contoso.onmicrosoft.com', clientId: 'id' },
    });
    expect(config.providers.gl).toMatchObject({
      tokenUrl: 'https://gitlab.com/oauth/token',
      gitHosts: ['gitlab.com'],
      gitUsername: 'oauth2',
    });
    expect(config.providers.own).toMatchObject({
      tokenUrl: 'https://git.example.org:8443/oauth/token',
      gitHosts: ['git.example.org:8443'],
    });
    expect(config.providers.ms).toMatchObject({ tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token' });
    expect(config.providers.corp).toMatchObject({
      deviceAuthorizationUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode',
    });
  });

  it('presetBaseUrl moves every URL the preset fills onto that origin, keeping paths; written URLs stay', async () => {
    const { config } = await validate({
      x: { preset: 'x', presetBaseUrl: 'http://127.0.0.1:8787', clientId: 'id', revocationUrl: 'https://api.x.com/2/oauth2/revoke' },
    });
    expect(config.providers.x).toMatchObject({
      authorizationUrl: 'http://127.0.0.1:8787/i/oauth2/authorize',
      tokenUrl: 'http://127.0.0.1:8787/2/oauth2/token',
      revocationUrl: 'https://api.x.com/2/oauth2/revoke',
      baseUrl: 'http://127.0.0.1:8787/',
      timeline: { url: 'http://127.0.0.1:8787/2', format: 'twitter-v2' },
    });
  });

  it('a template param waiting for an environment variable leaves the provider unresolved, not invalid', async () => {
    const { entries } = await validate({ m: { preset: 'mastodon', instance: '${MASTODON_HOST}', clientId: 'id', clientSecret: 's' } });
    expect(entries[0]).toMatchObject({ name: 'm', strategy: 'authorization-code', config: undefined, missing: ['MASTODON_HOST'] });
    const { config } = await validate(
      { m: { preset: 'mastodon', instance: '${MASTODON_HOST}', clientId: 'id', clientSecret: 's' } },
      { MASTODON_HOST: 'hachyderm.io' },
    );
    expect(config.providers.m).toMatchObject({ tokenUrl: 'https://hachyderm.io/oauth/token' });
  });
});

describe('providerEndpoints', () => {
  it('shows resolved URLs, masking user info and secret-looking query parameters', async () => {
    const { providerEndpoints } = await import('../src/presets/resolved.js');
    expect(
      providerEndpoints({
        tokenUrl: 'https://a.example/token',
        presetBaseUrl: 'http://127.0.0.1:1',
        timeline: { url: 'https://a.example/t?access_token=SECRET-T&x=1' },
      }),
    ).toEqual({ tokenUrl: 'https://a.example/token', timelineUrl: 'https://a.example/t?access_token=[redacted]&x=1' });
  });
});

describe('the endpoint binding sees the merged provider', () => {
  it('binds to the resolved URLs: another instance is another binding; the same URLs written by hand are the same', async () => {
    const base = { preset: 'mastodon', clientId: 'id', clientSecret: 's' };
    const { config } = await validate({
      a: { ...base, instance: 'fosstodon.org' },
      b: { ...base, instance: 'evil.example' },
      byHand: {
        strategy: 'authorization-code',
        preset: 'mastodon',
        instance: 'fosstodon.org',
        authorizationUrl: 'https://fosstodon.org/oauth/authorize',
        tokenUrl: 'https://fosstodon.org/oauth/token',
        clientId: 'id',
        clientSecret: 's',
      },
    });
    const digest = (name: string) => endpointDigest(config.providers[name]!);
    expect(digest('a')).not.toBe(digest('b'));
    expect(digest('a')).toBe(digest('byHand'));
    const { config: moved } = await validate({
      x: { preset: 'x-app', clientId: 'id', clientSecret: 's', presetBaseUrl: 'http://127.0.0.1:1' },
    });
    const { config: real } = await validate({ x: { preset: 'x-app', clientId: 'id', clientSecret: 's' } });
    expect(endpointDigest(moved.providers.x!)).not.toBe(endpointDigest(real.providers.x!));
  });
});

describe('preset errors name the preset and the field', () => {
  const problems = async (providers: Record<string, unknown>) => {
    try {
      await validate(providers);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected the config to be invalid');
  };

  it.each([
    [
      { preset: 'x-ap', clientId: 'a', clientSecret: 'b' },
      "providers.p.preset: no preset 'x-ap' (did you mean x-app?); tokensmith presets lists them",
    ],
    [
      { preset: 'mastodon', clientId: 'a', clientSecret: 'b' },
      "providers.p.instance: preset mastodon needs instance (the server's host name, e.g. instance: fosstodon.org)",
    ],
    [
      { preset: 'mastodon', instance: 'https://fosstodon.org', clientId: 'a', clientSecret: 'b' },
      'providers.p.instance: must be a host name only, no https:// or path (preset mastodon, e.g. instance: fosstodon.org)',
    ],
    [
      { preset: 'keycloak', domain: 'sso.example.com', clientId: 'a' },
      'providers.p.realm: preset keycloak needs realm (the realm, e.g. realm: myrealm)',
    ],
    [
      { preset: 'github', strategy: 'client-credentials', clientId: 'a' },
      'providers.p.strategy: preset github is used with device-code or authorization-code; remove strategy or write one of those',
    ],
    [{ preset: 'x', tenant: 'common', clientId: 'a' }, 'providers.p.tenant: preset x takes no tenant; remove it'],
    [
      { strategy: 'client-credentials', instance: 'a.example', tokenUrl: 'https://a.example/t', clientId: 'a', clientSecret: 'b' },
      'providers.p.instance: is read only with a preset',
    ],
    [
      { preset: 'mastodon', instance: 'fosstodon.org', clientId: 'a' },
      "providers.p: needs clientSecret for authMethod 'basic', 'post' or 'client_secret_jwt' (or set authMethod: none for a public client) (provider p uses preset mastodon)",
    ],
    [
      { preset: 'x-app', clientId: 'a' },
      'providers.p: needs clientSecret (or authMethod: private_key_jwt with privateKey) (provider p uses preset x-app)',
    ],
  ])('%j', async (provider, message) => {
    const text = await problems({ p: provider });
    expect(text).toContain(message);
  });

  it('a missing template param is reported once, not again by every check that needs its URLs', async () => {
    const text = await problems({ p: { preset: 'mastodon', clientId: 'a' } });
    expect(text).toContain('providers.p.instance: preset mastodon needs instance');
    expect(text).not.toContain('authorizationUrl');
    expect(text).toContain('needs clientSecret'); // a problem of its own, still reported
  });

  it('an unknown preset reports only that, not every field it would have filled', async () => {
    const text = await problems({ p: { preset: 'gitlb', clientId: 'a' } });
    expect(text.trim().split('\n')).toHaveLength(2); // the heading and one problem
    expect(text).toContain('did you mean gitlab?');
  });
});

describe("trust: a preset URL is tokensmith's choice, a templated host is the config's", () => {
  const check = (raw: unknown) => {
    const dir = tempDir();
    const path = writeConfig(dir, 'providers: {}\n');
    return checkTrust({ path, raw, sha256: 'x', uid: process.getuid!() }, { XDG_CONFIG_HOME: `${dir}/.config` });
  };

  it('needs none for a preset with fixed public URLs', () => {
    expect(check({ providers: { x: { preset: 'x', clientId: 'id' } } }).required).toBe(false);
    expect(check({ providers: { g: { preset: 'gitlab', clientId: 'id' } } }).required).toBe(false);
  });

  it('needs it for an instance or domain the config names (not loopback)', () => {
    const mastodon = check({ providers: { m: { preset: 'mastodon', instance: 'evil.example', clientId: 'id' } } });
    expect(mastodon).toMatchObject({ required: true, remoteHosts: ['evil.example'] });
    expect(check({ providers: { o: { preset: 'okta', domain: 'corp.okta.com', clientId: 'id' } } }).required).toBe(true);
    expect(check({ providers: { m: { preset: 'mastodon', instance: '127.0.0.1:3000', clientId: 'id' } } }).required).toBe(false);
  });
});

describe('tokensmith presets and init --preset', () => {
  it('presets --json lists each preset with endpoints, scopes, auth method, docs and date', async () => {
    const dir = tempDir();
    const result = await runInProcess(['presets', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const { presets } = JSON.parse(result.stdout) as { presets: Array<ReturnType<typeof presetView>> };
    expect(presets.map((p) => p.name)).toEqual(PRESETS.map((p) => p.name));
    const mastodon = presets.find((p) => p.name === 'mastodon')!;
    expect(mastodon).toMatchObject({
      documentation: 'https://docs.joinmastodon.org/methods/oauth/',
      checked: '2026-12-08',
      params: [{ name: 'instance', example: 'fosstodon.org', default: null }],
      strategies: [
        {
          strategy: 'authorization-code',
          default: true,
          endpoints: { tokenUrl: 'https://{instance}/oauth/token', revocationUrl: 'https://{instance}/oauth/revoke' },
          scopes: ['read'],
          authMethod: { confidential: 'post', public: null },
        },
      ],
      quirks: { refreshTokens: 'none', noExpiry: true },
    });
  });

  it('presets NAME --json shows one; an unknown name suggests the closest', async () => {
    const dir = tempDir();
    const one = await runInProcess(['presets', 'x', '--json'], { cwd: dir });
    expect(JSON.parse(one.stdout)).toMatchObject({ name: 'x', strategies: [{ authMethod: { confidential: 'basic', public: 'none' } }] });
    const wrong = await runInProcess(['presets', 'githu'], { cwd: dir });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('no preset githu (did you mean github?)');
  });

  it('presets prints a table: name, strategies, what to supply', async () => {
    const result = await runInProcess(['presets'], { cwd: tempDir() });
    expect(result.stdout).toMatch(/^mastodon +authorization-code +instance$/m);
    expect(result.stdout).toMatch(/^x-app +client-credentials +clientId, clientSecret$/m);
  });

  it.each(PRESETS.map((preset) => [preset.name] as const))(
    'init --preset %s writes a starter that validates once its variables are set',
    async (name) => {
      const preset = presetNamed(name)!;
      const text = presetStarter(preset);
      const raw = parse(text) as { providers: Record<string, Record<string, unknown>> };
      expect(Object.keys(raw.providers[name]!).sort()).toEqual(
        [
          'preset',
          ...suppliedFields(preset, Object.keys(preset.strategies)[0] as StrategyName)
            .filter((f) => f.required)
            .map((f) => f.field),
        ].sort(),
      );
      const env = Object.fromEntries([...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((match) => [match[1]!, 'value']));
      await expect(validateConfig(raw, 'starter.yaml', env)).resolves.toBeDefined();
    },
  );

  it('init --preset mastodon writes the file, trusted, with only the fields to fill in', async () => {
    const dir = tempDir();
    const result = await runInProcess(['init', '--preset', 'mastodon'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('for preset mastodon');
    const text = readFileSync(`${dir}/tokensmith.config.yaml`, 'utf8');
    expect(text).toContain('    preset: mastodon\n');
    expect(text).toMatch(/^ {4}instance: fosstodon\.org +# the server's host name$/m);
    expect(text).not.toContain('tokenUrl');
    const providers = await runInProcess(['providers', '--json'], {
      cwd: dir,
      env: { MASTODON_CLIENT_ID: 'id', MASTODON_CLIENT_SECRET: 's' },
    });
    expect(providers.code).toBe(0);
    expect(JSON.parse(providers.stdout).providers[0]).toMatchObject({
      preset: 'mastodon',
      endpoints: { tokenUrl: 'https://fosstodon.org/oauth/token' },
    });
  });

  it('init --preset github --strategy authorization-code picks the strategy; a strategy it lacks is refused', async () => {
    const dir = tempDir();
    const ok = await runInProcess(['init', '--preset', 'github', '--strategy', 'authorization-code', '-o', '-'], { cwd: dir });
    expect(ok.stdout).toContain('    strategy: authorization-code\n');
    const bad = await runInProcess(['init', '--preset', 'github', '--strategy', 'oauth1-pin', '-o', '-'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--strategy: preset github is used with device-code or authorization-code');
  });
});
