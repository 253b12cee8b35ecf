import { explainApiFailure, rateLimitReset } from '../src/api/failure.js';

const now = Date.UTC(2026, 11, 7, 12, 0, 0);
const context = { provider: 'x-app', appOnly: true, userContextProviders: ['x-app', 'x-user'], retriedWithFreshToken: false, now };
const h = (init: Record<string, string> = {}) => new Headers(init);

describe('api failures, explained from what the server said', () => {
  it('insufficient_scope names the scopes and the login (exit 2)', () => {
    const failure = explainApiFailure(
      403,
      h({ 'www-authenticate': 'Bearer error="insufficient_scope", scope="read:notifications"' }),
      '{}',
      context,
    );
    expect(failure).toEqual({
      category: 'auth',
      message:
        "HTTP 403: this endpoint needs the scope read:notifications, which x-app's token was not granted: add it to providers.x-app.scopes, then run tokensmith login x-app",
    });
  });

  it("X's unsupported-authentication names a user-context provider from the config", () => {
    const body = JSON.stringify({
      type: 'https://api.twitter.com/2/problems/unsupported-authentication',
      status: 403,
      title: 'Unsupported Authentication',
    });
    expect(explainApiFailure(403, h(), body, context).message).toMatch(/authenticates as the app alone\. Call it with x-user/);
    expect(explainApiFailure(403, h(), body, { ...context, userContextProviders: [] }).message).toMatch(
      /Configure a user-context provider/,
    );
  });

  it("X's client-not-enrolled names the Project setting", () => {
    const body = JSON.stringify({
      type: 'https://api.twitter.com/2/problems/client-forbidden',
      reason: 'client-not-enrolled',
      title: 'Client Forbidden',
    });
    expect(explainApiFailure(403, h(), body, context)).toMatchObject({
      category: 'auth',
      message: expect.stringMatching(/client-not-enrolled.*attach the app to a Project/),
    });
  });

  it('401 after a fresh token says the login is gone', () => {
    expect(explainApiFailure(401, h(), '', { ...context, retriedWithFreshToken: true }).message).toMatch(
      /login for x-app is gone.*tokensmith login x-app/,
    );
  });

  it('429 says when the window resets and how that is known (exit 3)', () => {
    const reset = String(now / 1000 + 90);
    expect(explainApiFailure(429, h({ 'x-rate-limit-reset': reset }), '', context)).toEqual({
      category: 'provider',
      message: 'HTTP 429: rate limited; the window resets at 2026-12-07T12:01:30.000Z (in 90 s, from x-rate-limit-reset)',
    });
    expect(rateLimitReset(h({ 'retry-after': 'Mon, 07 Dec 2026 12:10:00 GMT' }), now)).toEqual({
      at: now + 600_000,
      source: 'Retry-After',
    });
    expect(rateLimitReset(h({ 'retry-after': '5' }), now)).toEqual({ at: now + 5000, source: 'Retry-After' });
  });

  it('5xx is the server (3); another 4xx is the request (1)', () => {
    expect(explainApiFailure(503, h(), '', context).category).toBe('provider');
    expect(explainApiFailure(404, h(), '', context).category).toBe('usage');
  });
});
