import { splitExecArgs } from '../src/commands/exec.js';
import { parseTokenInput } from '../src/login/with-token.js';

// The pure parts of `exec` and `login --with-token`; their behaviour through the binary is in bridges.e2e.test.ts.

describe('splitExecArgs', () => {
  it('takes the provider before -- and the command after it, options of the command included', () => {
    expect(splitExecArgs(['exec', 'gh', '--', 'curl', '-s', '--', 'x'], ['gh', 'curl', '-s', '--', 'x'])).toEqual({
      provider: 'gh',
      command: ['curl', '-s', '--', 'x'],
    });
    expect(splitExecArgs(['--config', 'c.yaml', 'exec', '--', 'env'], ['env'])).toEqual({ command: ['env'] });
  });

  it('refuses a missing --, an empty command and two providers', () => {
    expect(() => splitExecArgs(['exec', 'gh', 'curl'], ['gh', 'curl'])).toThrow('exec needs -- before the command');
    expect(() => splitExecArgs(['exec', 'gh', '--'], ['gh'])).toThrow('exec needs a command after --');
    expect(() => splitExecArgs(['exec', 'a', 'b', '--', 'x'], ['a', 'b', 'x'])).toThrow('at most one provider');
  });
});

describe('parseTokenInput', () => {
  it('reads a bare token or an RFC 6749 5.1 token response; --expires-in wins', () => {
    expect(parseTokenInput('  tok-1\n', undefined, 1000)).toEqual({ type: 'bearer', accessToken: 'tok-1' });
    expect(parseTokenInput('tok-1', 60, 1000)).toEqual({ type: 'bearer', accessToken: 'tok-1', expiresAt: 61_000, obtainedAt: 1000 });
    expect(
      parseTokenInput(JSON.stringify({ access_token: 'a', expires_in: 10, refresh_token: 'r', scope: 'read write' }), undefined, 0),
    ).toEqual({ type: 'bearer', accessToken: 'a', expiresAt: 10_000, obtainedAt: 0, refreshToken: 'r', scope: ['read', 'write'] });
    expect(parseTokenInput(JSON.stringify({ access_token: 'a', expires_in: 10 }), 5, 0).expiresAt).toBe(5000);
  });

  it('refuses empty input, two words and broken JSON, never quoting the input', () => {
    for (const input of ['', 'two words', '{"access_token": "secret-value"', '{"expires_in": 5}']) {
      let message = '';
      try {
        parseTokenInput(input, undefined, 0);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('secret-value');
      expect(message).not.toContain('words');
    }
  });
});
