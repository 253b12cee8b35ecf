import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokensmithError } from '@tokensmith/core/kit';
import { callbackFromInput, callbackPage, startLoopbackListener, type LoopbackListener } from '../src/index.js';
import { refused } from './helpers.js';

const listeners: LoopbackListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function listen(uri = 'http://127.0.0.1/callback'): Promise<LoopbackListener> {
  const listener = await startLoopbackListener(uri);
  listeners.push(listener);
  return listener;
}

describe('startLoopbackListener (RFC 8252)', () => {
  it('binds 127.0.0.1 on an ephemeral port when the redirect URI has none, and reports the actual redirect URI', async () => {
    const listener = await listen();
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d{2,5}\/callback$/);
    expect(new URL(listener.redirectUri).port).not.toBe('');
  });

  it("binds the redirect URI's own port when it has one, and says so when the port is taken", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await expect(startLoopbackListener(`http://127.0.0.1:${port}/cb`)).rejects.toMatchObject({
      code: 'config_error',
      message: expect.stringContaining(`127.0.0.1:${port}`),
      operation: 'authorization',
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const listener = await listen(`http://127.0.0.1:${port}/cb`);
    expect(listener.redirectUri).toBe(`http://127.0.0.1:${port}/cb`);
  });

  it('refuses localhost, other hosts and https (the listener is plain http on 127.0.0.1 only)', async () => {
    for (const uri of ['http://localhost/callback', 'http://[::1]/callback', 'https://127.0.0.1/callback', 'http://example.com/callback']) {
      await expect(startLoopbackListener(uri)).rejects.toMatchObject({ code: 'invalid_options' });
    }
  });

  it('answers 404 off the path, 400 without code/error or with a foreign Host, and accepts exactly one callback', async () => {
    const listener = await listen();
    const base = new URL(listener.redirectUri);
    expect((await fetch(new URL('/favicon.ico', base))).status).toBe(404);
    expect((await fetch(new URL('/callback/x?code=1&state=2', base))).status).toBe(404);
    expect((await fetch(`${listener.redirectUri}?foo=bar`)).status).toBe(400);
    expect((await fetch(`${listener.redirectUri}?code=1`, { method: 'POST' })).status).toBe(405);
    const foreignHost = await new Promise<number>((resolve, reject) => {
      const req = request(`${listener.redirectUri}?code=1&state=2`, { headers: { host: `evil.example:${base.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(foreignHost).toBe(400);
    const waiting = listener.waitForCallback({ timeoutMs: 5_000 });
    const browser = fetch(`${listener.redirectUri}?code=abc&state=xyz`);
    const callback = await waiting;
    expect(callback.url.href).toBe(`${listener.redirectUri}?code=abc&state=xyz`);
    expect((await fetch(`${listener.redirectUri}?code=again&state=xyz`)).status).toBe(409);
    await callback.respond({ ok: true });
    const page = await browser;
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('You can close this tab');
    expect(html).toContain('role="status"');
    expect(html).not.toMatch(/<script|\s(src|href)=/);
    expect(await refused(listener.redirectUri)).toBe(true);
  });

  it('shows an escaped error page when the outcome is a failure', async () => {
    const listener = await listen();
    const waiting = listener.waitForCallback({ timeoutMs: 5_000 });
    const browser = fetch(`${listener.redirectUri}?error=access_denied&state=x`);
    await (await waiting).respond({ ok: false, message: 'denied <b>"here"</b>' });
    const page = await browser;
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('denied &#60;b&#62;&#34;here&#34;&#60;/b&#62;');
    expect(callbackPage({ ok: false, message: '<x>' })).not.toContain('<x>');
  });

  it('times out with callback_timeout and closes', async () => {
    const listener = await listen();
    const started = Date.now();
    await expect(listener.waitForCallback({ timeoutMs: 100 })).rejects.toMatchObject({
      code: 'callback_timeout',
      message: expect.stringContaining(listener.redirectUri),
      operation: 'authorization',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    await listener.close();
    expect(await refused(listener.redirectUri)).toBe(true);
  });

  it('stops on abort with aborted, and answers a waiting browser when closed', async () => {
    const listener = await listen();
    const controller = new AbortController();
    const waiting = listener.waitForCallback({ timeoutMs: 5_000, signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
    await listener.close();
    expect(await refused(listener.redirectUri)).toBe(true);

    const other = await listen();
    const browser = fetch(`${other.redirectUri}?code=c&state=s`);
    await other.waitForCallback({ timeoutMs: 5_000 });
    await other.close();
    expect((await browser).status).toBe(400);
  });
});

describe('callbackFromInput (paste-the-code mode)', () => {
  const pending = { redirectUri: 'http://127.0.0.1/callback', state: 'st' };
  it('accepts the redirected URL, its query, or a bare code (with the pending state and iss filled in)', () => {
    expect(callbackFromInput(' http://127.0.0.1:5555/callback?code=abc&state=zz \n', pending).href).toBe(
      'http://127.0.0.1/callback?code=abc&state=zz',
    );
    expect(callbackFromInput('?code=abc&state=zz', pending).href).toBe('http://127.0.0.1/callback?code=abc&state=zz');
    expect(callbackFromInput('abc.DEF-1', pending, { iss: 'https://issuer.example' }).href).toBe(
      'http://127.0.0.1/callback?code=abc.DEF-1&state=st&iss=https%3A%2F%2Fissuer.example',
    );
  });
  it('refuses empty text, text with spaces and URLs without a code, without echoing them', () => {
    for (const input of ['', '   ', 'two words', 'https://auth.example.com/authorize?client_id=x']) {
      let caught: unknown;
      try {
        callbackFromInput(input, pending);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TokensmithError);
      expect(caught).toMatchObject({ code: 'login_required', operation: 'authorization' });
      if (input.trim()) expect((caught as Error).message).not.toContain(input);
    }
  });
});

describe('startLoopbackListener: closing', () => {
  it('settles a pending wait when closed (the flow finished another way), so no timer is left behind', async () => {
    const listener = await startLoopbackListener('http://127.0.0.1/callback');
    const waiting = listener.waitForCallback({ timeoutMs: 60_000 });
    await listener.close();
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
  });
});
