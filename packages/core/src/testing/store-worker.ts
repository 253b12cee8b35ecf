// Child process of the cross-process store suite (see describe-store-across-processes.ts). Opens a
// store through the module the suite names, then, on 'go', either makes many concurrent get()
// calls on one token (mode `shared`) or forces one refresh with a single-use refresh token (mode
// `rotation`, or `rotation-in-process-only`: the negative control that locks only in this process).
// argv[2]: JSON WorkerArgs. IPC out: 'ready', 'lock' (each lock request), then 'done' or 'failed'.
import { KeyedMutex, type TokenStore } from '../token-store.js';
import { createTokenManager } from '../token-manager.js';
import { OAuthResponseError, parseOAuthError } from '../errors.js';
import { parseTokenResponse } from '../token-response.js';
import { readBodyText } from '../response-limit.js';
import type { BearerCredentials } from '../credentials.js';

interface WorkerArgs {
  storeModule: string;
  storeArgs: unknown;
  key: string;
  tokenUrl: string;
  mode: 'shared' | 'rotation' | 'rotation-in-process-only';
  calls: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const send = (message: Record<string, unknown>) => process.send?.(message);
const { openStore } = (await import(args.storeModule)) as { openStore: (storeArgs: unknown) => TokenStore | Promise<TokenStore> };
const inner = await openStore(args.storeArgs);
const inProcess = new KeyedMutex();
const store: TokenStore = {
  get: (k) => inner.get(k),
  set: (k, v) => inner.set(k, v),
  delete: (k) => inner.delete(k),
  lock: (k, fn) => {
    send({ type: 'lock' });
    return args.mode === 'rotation-in-process-only' ? inProcess.run(k, fn) : inner.lock(k, fn);
  },
};

const tokens = createTokenManager<BearerCredentials>({
  key: args.key,
  store,
  obtain: async ({ current }) => {
    const form: Record<string, string> =
      current?.type === 'bearer' && current.refreshToken
        ? { grant_type: 'refresh_token', refresh_token: current.refreshToken }
        : { grant_type: 'client_credentials' };
    const res = await fetch(args.tokenUrl, { method: 'POST', body: new URLSearchParams(form) });
    const text = await readBodyText(res, { what: 'token response' });
    if (!res.ok)
      throw new OAuthResponseError('token request', parseOAuthError(res.status, text), {
        operation: 'token_request',
        endpoint: args.tokenUrl,
      });
    const fresh = parseTokenResponse(JSON.parse(text), { status: res.status, now: Date.now() });
    const refreshToken = fresh.refreshToken ?? (current?.type === 'bearer' ? current.refreshToken : undefined);
    return refreshToken === undefined ? fresh : { ...fresh, refreshToken };
  },
});

if (args.mode !== 'shared') await tokens.get();
send({ type: 'ready' });
// A rejection here (closing the store) fails the worker, which the parent test sees as its exit.
// eslint-disable-next-line @typescript-eslint/no-misused-promises
process.once('message', async () => {
  try {
    if (args.mode === 'shared') {
      const results = await Promise.all(Array.from({ length: args.calls }, () => tokens.get()));
      send({ type: 'done', calls: results.length, accessTokens: [...new Set(results.map((r) => r.accessToken))] });
    } else {
      const creds = await tokens.get({ forceRefresh: true });
      send({ type: 'done', accessToken: creds.accessToken, refreshToken: creds.refreshToken });
    }
  } catch (error) {
    const e = error as { code?: string; error?: string; message?: string };
    send({ type: 'failed', code: e.code, error: e.error, message: e.message });
  }
  await inner.close?.();
  process.disconnect();
});
