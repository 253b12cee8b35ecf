import { limitResponseBody, TokensmithError } from '../src/kit.js';

const serve = (body: string, headers: Record<string, string> = {}) => (async () => new Response(body, { headers })) as typeof fetch;

describe('limitResponseBody', () => {
  it('passes a body under the cap through unchanged, status and headers included', async () => {
    const capped = limitResponseBody(serve('{"ok":true}', { 'content-type': 'application/json' }), 100);
    const res = await capped('https://auth.example.com/token');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ ok: true });
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const capped = limitResponseBody(serve('x'.repeat(10), { 'content-length': '5000' }), 100);
    await expect(capped('https://auth.example.com/token')).rejects.toMatchObject({
      code: 'invalid_token_response',
      message: 'response from auth.example.com (HTTP 200) is larger than 100 bytes; nothing past the limit was read',
    });
  });

  it('fails a streamed body once it passes the cap', async () => {
    const capped = limitResponseBody(serve('y'.repeat(1000)), 100);
    const res = await capped('https://auth.example.com/token');
    const error = await res.text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokensmithError);
    expect(error).toMatchObject({ code: 'invalid_token_response' });
  });
});
