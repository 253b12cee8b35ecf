import { formatGitCredential, parseGitCredential, servesGitRequest } from '../src/bridges/git-credential.js';
import { tokenOverrideVariable } from '../src/bridges/env-override.js';
import { execCredentialApiVersion, formatToken, shellQuote } from '../src/bridges/token-formats.js';
import { execFileSync } from 'node:child_process';

const bearer = { type: 'bearer' as const, accessToken: "AAAA'$(x)", expiresAt: Date.UTC(2026, 11, 7, 12, 0, 0) };
const context = { provider: 'x', strategy: 'client-credentials' };

describe('token formats', () => {
  it('raw, header and json', () => {
    expect(formatToken(bearer, 'raw', context)).toBe("AAAA'$(x)\n");
    expect(formatToken(bearer, 'header', context)).toBe("Authorization: Bearer AAAA'$(x)\n");
    expect(JSON.parse(formatToken(bearer, 'json', context))).toMatchObject({
      provider: 'x',
      tokenType: 'bearer',
      accessToken: "AAAA'$(x)",
      expiresAt: '2026-12-07T12:00:00.000Z',
    });
  });

  it('env: assignments a POSIX shell evaluates back to the exact values', () => {
    const text = formatToken(bearer, 'env', context);
    const out = execFileSync('/bin/sh', [
      '-c',
      `eval "$1"; printf '%s|%s' "$TOKENSMITH_TOKEN" "$TOKENSMITH_TOKEN_EXPIRES_AT"`,
      'sh',
      text,
    ]).toString();
    expect(out).toBe("AAAA'$(x)|2026-12-07T12:00:00.000Z");
    expect(formatToken({ type: 'bearer', accessToken: 't' }, 'env', context)).toBe(
      "TOKENSMITH_TOKEN='t'\nTOKENSMITH_TOKEN_EXPIRES_AT=''\n",
    );
    expect(shellQuote("a'b")).toBe("'a'\\''b'");
  });

  it('exec-credential: the ExecCredential kubectl reads, in the apiVersion it asked for', () => {
    const v1 = JSON.parse(formatToken(bearer, 'exec-credential', context));
    expect(v1).toEqual({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: { interactive: false },
      status: { token: "AAAA'$(x)", expirationTimestamp: '2026-12-07T12:00:00.000Z' },
    });
    const info = JSON.stringify({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      spec: { interactive: false },
    });
    expect(JSON.parse(formatToken(bearer, 'exec-credential', { ...context, execInfo: info })).apiVersion).toBe(
      'client.authentication.k8s.io/v1beta1',
    );
    expect(() => execCredentialApiVersion('{"apiVersion":"client.authentication.k8s.io/v1alpha1"}')).toThrow(/v1 or .*v1beta1/);
    expect(JSON.parse(formatToken({ type: 'bearer', accessToken: 't' }, 'exec-credential', context)).status).toEqual({ token: 't' });
  });

  it('refuses a bare header for OAuth 1.0a and DPoP-bound tokens, naming the command that works, without the token', () => {
    const oauth1 = { type: 'oauth1' as const, token: 'tok-secretish', tokenSecret: 'ts', extra: {} };
    expect(() => formatToken(oauth1, 'header', { provider: 'tw', strategy: 'oauth1-pin' })).toThrow(/tokensmith api tw/);
    expect(() => formatToken(bearer, 'header', { ...context, senderConstrained: true })).toThrow(/DPoP.*tokensmith api x/);
    let message = '';
    try {
      formatToken(oauth1, 'env', { provider: 'tw', strategy: 'oauth1-pin' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/OAuth 1\.0a/);
    expect(message).not.toContain('tok-secretish');
  });
});

describe("git's credential protocol", () => {
  it('parses key=value lines up to the blank line, first value of each, unknown keys ignored', () => {
    expect(parseGitCredential('protocol=https\nhost=github.com:8443\ncapability[]=authtype\npath=o/r.git\n\nhost=late\n')).toEqual({
      protocol: 'https',
      host: 'github.com:8443',
      path: 'o/r.git',
    });
    expect(() => parseGitCredential('not a pair\n')).toThrow(/key=value/);
  });

  it('answers username, password and the expiry in Unix seconds', () => {
    expect(formatGitCredential({ username: 'x-access-token', password: 'p', expiresAt: 1_767_225_600_500 })).toBe(
      'username=x-access-token\npassword=p\npassword_expiry_utc=1767225600\n',
    );
    expect(() => formatGitCredential({ username: 'u', password: 'a\nhost=evil' })).toThrow(/newline/);
  });

  it('serves listed hosts over https, and http only on loopback', () => {
    expect(servesGitRequest(['github.com'], { protocol: 'https', host: 'GitHub.com' })).toBe(true);
    expect(servesGitRequest(['github.com'], { protocol: 'http', host: 'github.com' })).toBe(false);
    expect(servesGitRequest(['127.0.0.1:8080'], { protocol: 'http', host: '127.0.0.1:8080' })).toBe(true);
    expect(servesGitRequest(['github.com'], { protocol: 'https', host: 'github.com.evil.example' })).toBe(false);
    expect(servesGitRequest(['github.com'], { protocol: 'https' })).toBe(false);
  });
});

describe('environment override', () => {
  it('names TOKENSMITH_<PROVIDER>_TOKEN, upper-cased, non-alphanumerics as _', () => {
    expect(tokenOverrideVariable('github-work')).toBe('TOKENSMITH_GITHUB_WORK_TOKEN');
    expect(tokenOverrideVariable('x.app')).toBe('TOKENSMITH_X_APP_TOKEN');
  });
});
