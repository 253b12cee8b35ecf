import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { runInProcess, tempDir } from './helpers.js';

const ENV = { TWITTER_API_KEY: 'k', TWITTER_API_SECRET: 's', MASTODON_CLIENT_ID: 'c', GITHUB_CLIENT_ID: 'g' };

describe('tokensmith init', () => {
  it.each(['client-credentials', 'oauth1-pin', 'authorization-code', 'device-code'])(
    'writes a valid, commented %s starter with mode 600',
    async (strategy) => {
      const dir = tempDir();
      const result = await runInProcess(['init', '--strategy', strategy], { cwd: dir });
      expect(result.code).toBe(0);
      const path = join(dir, 'tokensmith.config.yaml');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const text = readFileSync(path, 'utf8');
      expect(text).toMatch(/^# tokensmith config/);
      const { config, literalSecrets } = await parseConfig(text, path, ENV);
      expect(Object.values(config.providers).map((p) => p.strategy)).toEqual([strategy]);
      expect(literalSecrets).toEqual([]);
      // The default store, said explicitly, with every choice listed in a comment.
      expect(config.store).toBe('auto');
      for (const choice of ['auto (default)', 'keychain', 'file', 'file:/abs/path', 'memory', 'redis://'])
        expect(text).toMatch(new RegExp(`^# +${choice.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'm'));
    },
  );

  it('refuses to overwrite without --force, and rejects an unknown strategy', async () => {
    const dir = tempDir();
    expect((await runInProcess(['init'], { cwd: dir })).code).toBe(0);
    const again = await runInProcess(['init'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; pass --force to overwrite it');
    expect((await runInProcess(['init', '--force', '--strategy', 'oauth1-pin'], { cwd: dir })).code).toBe(0);
    const bad = await runInProcess(['init', '--strategy', 'saml', '--output', 'x.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--strategy must be one of client-credentials, oauth1-pin, authorization-code, device-code');
  });
});
