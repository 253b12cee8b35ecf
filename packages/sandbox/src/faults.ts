import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';
import { appTokenValid } from './oauth2-app.js';
import { USER_TIMELINE_LIMITS } from './rate-limits.js';
import type { SandboxState } from './state.js';

/** One kind of failure the sandbox can inject. */
export type Fault =
  /** Answer this status (and body/headers) instead of the real response. */
  | { type: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Wait, then answer normally. */
  | { type: 'delay'; ms: number }
  /** Never answer (until the sandbox stops): the client's timeout must fire. */
  | { type: 'hang' }
  /** Destroy the connection without a response. */
  | { type: 'reset' }
  /** A broken body with status 200 (or `status`): an HTML page, truncated JSON, binary bytes or a huge body. */
  | { type: 'garbage'; kind: 'html' | 'truncated-json' | 'binary' | 'huge'; status?: number }
  /**
   * Twitter's 429 (code 88) with `x-rate-limit-*` headers, and `Retry-After` unless turned off.
   * `limit` defaults to Twitter's user_timeline limit for the request's auth: 1500 for an app-only
   * bearer token, 900 otherwise.
   */
  | { type: 'rate-limit'; resetInSeconds?: number; retryAfter?: boolean; limit?: number };

/** Where and how often a fault applies. */
export interface FaultRule {
  /** Request path, e.g. `/oauth2/token` or `/1.1/statuses/user_timeline.json`. */
  path: string;
  /** Only this method (default: any). */
  method?: string;
  fault: Fault;
  /** How many matching requests it hits (default 1); `Infinity` for all. */
  times?: number;
}

/** The fault controls of a running sandbox. */
export interface FaultInjector {
  add(rule: FaultRule): void;
  clear(): void;
  /** How many faults were served. */
  readonly served: number;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

/**
 * Creates the fault list kept in `state.extensions.faults`.
 *
 * @example
 * ```ts
 * const faults = createFaultInjector(state, [{ path: '/oauth2/token', fault: { type: 'status', status: 503 } }]);
 * ```
 */
export function createFaultInjector(state: SandboxState, initial: FaultRule[] = []): FaultInjector {
  const rules: ActiveRule[] = [];
  let served = 0;
  const injector = {
    add(rule: FaultRule) {
      rules.push({ ...rule, remaining: rule.times ?? 1 });
    },
    clear() {
      rules.length = 0;
    },
    get served() {
      return served;
    },
    take(method: string, path: string): Fault | undefined {
      const rule = rules.find((r) => r.path === path && (r.method === undefined || r.method === method) && r.remaining > 0);
      if (!rule) return undefined;
      rule.remaining--;
      served++;
      return rule.fault;
    },
  };
  for (const rule of initial) injector.add(rule);
  state.extensions.faults = injector;
  return injector;
}

/**
 * Serves the fault for this request, if any. Returns 'handled' when the response is done (or never will be), 'continue' otherwise.
 *
 * @example
 * ```ts
 * if ((await applyFault(state, raw, res, 'GET', '/1.1/statuses/user_timeline.json')) === 'handled') return;
 * ```
 */
export async function applyFault(
  state: SandboxState,
  raw: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
): Promise<'handled' | 'continue'> {
  const injector = state.extensions.faults as (FaultInjector & { take(m: string, p: string): Fault | undefined }) | undefined;
  const fault = injector?.take(method, path);
  if (!fault) return 'continue';
  switch (fault.type) {
    case 'status':
      res.writeHead(fault.status, { 'content-type': 'application/json; charset=utf-8', ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ errors: [{ code: 131, message: 'Internal error' }] }));
      return 'handled';
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms).unref());
      return 'continue';
    case 'hang':
      return 'handled';
    case 'reset':
      raw.socket.destroy();
      return 'handled';
    case 'rate-limit': {
      const reset = Math.floor(state.now() / 1000) + (fault.resetInSeconds ?? 1);
      const appOnly = /^Bearer\s+(\S+)\s*$/i.exec(raw.headers.authorization ?? '')?.[1];
      const limit =
        fault.limit ??
        (appOnly !== undefined && appTokenValid(state, appOnly) !== undefined ? USER_TIMELINE_LIMITS.app : USER_TIMELINE_LIMITS.user);
      const headers: Record<string, string> = {
        'x-rate-limit-limit': String(limit),
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(reset),
      };
      if (fault.retryAfter !== false) headers['retry-after'] = String(fault.resetInSeconds ?? 1);
      sendJson(res, 429, { errors: [{ code: 88, message: 'Rate limit exceeded' }] }, headers);
      return 'handled';
    }
    case 'garbage': {
      const status = fault.status ?? 200;
      if (fault.kind === 'html') {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html><body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>');
      } else if (fault.kind === 'truncated-json') {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{"token_type":"bearer","access_tok');
      } else if (fault.kind === 'binary') {
        res.writeHead(status, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from([0, 159, 146, 150, 255, 0, 1, 2]));
      } else {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(`{"token_type":"bearer","access_token":"${'A'.repeat(2 * 1024 * 1024)}"}`);
      }
      return 'handled';
    }
  }
}
