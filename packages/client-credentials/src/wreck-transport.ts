import { Agent as HttpAgent, type AgentOptions, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { httpLogLines, type LogLine } from '@tokensmith/core/kit';

/** The agents wreck takes (`http.agents`): all three are required. */
export interface WreckAgents {
  http: HttpAgent;
  https: HttpsAgent;
  httpsAllowUnauthorized: HttpsAgent;
}

/**
 * What one simple-oauth2 client's requests go through: agents that see every request wreck makes
 * (to log it, and to destroy its socket when a deadline passes, which wreck's own timeout never
 * does while reading a body), and the requests still open.
 *
 * @example
 * ```ts
 * const transport = createWreckTransport(log);
 * new simpleOAuth2.ClientCredentials({ ...config, http: { ...config.http, agents: transport.agents } });
 * transport.destroyOpen(); // on a deadline: every socket closed
 * ```
 */
export interface WreckTransport {
  agents: WreckAgents;
  /** Destroys every request still open (its socket with it). */
  destroyOpen(): void;
  /**
   * Whether wreck itself destroyed a response since the last call (and resets it). wreck does that
   * only when its body reader fails, that is when the body passed `maxBytes`; it then reports the
   * close it caused as "Payload stream closed prematurely", which this tells apart.
   */
  takeCutShort(): boolean;
}

type RequestHook = (request: ClientRequest) => void;

// `addRequest` is how node:http hands every ClientRequest to its agent (what proxy agents hook);
// the hook is a closure, so it survives simple-oauth2 and wreck cloning their options.
class HookedHttpAgent extends HttpAgent {
  constructor(
    options: AgentOptions,
    readonly hook: RequestHook,
  ) {
    super(options);
  }
  addRequest(request: ClientRequest, options: unknown): void {
    this.hook(request);
    (HttpAgent.prototype as unknown as { addRequest(r: ClientRequest, o: unknown): void }).addRequest.call(this, request, options);
  }
}

class HookedHttpsAgent extends HttpsAgent {
  constructor(
    options: AgentOptions & { rejectUnauthorized?: boolean },
    readonly hook: RequestHook,
  ) {
    super(options);
  }
  addRequest(request: ClientRequest, options: unknown): void {
    this.hook(request);
    (HttpsAgent.prototype as unknown as { addRequest(r: ClientRequest, o: unknown): void }).addRequest.call(this, request, options);
  }
}

/** Logs one wreck request in the format of `createLoggingFetch`, with its real headers and form body. */
function logRequest(request: ClientRequest, log: LogLine): void {
  const lines = httpLogLines(log);
  const url = `${request.protocol}//${String(request.getHeader('host') ?? request.host)}${request.path}`;
  const started = performance.now();
  let body = '';
  const write = request.write.bind(request) as (chunk: unknown, ...rest: unknown[]) => boolean;
  // wreck writes the form body right after the agent sees the request, then ends it.
  request.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) body += chunk.toString();
    return write(chunk, ...rest);
  }) as ClientRequest['write'];
  const end = request.end.bind(request) as (...args: unknown[]) => ClientRequest;
  request.end = ((...args: unknown[]) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.getHeaders()))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    lines.request(request.method, url, headers, body === '' ? undefined : body);
    return end(...args);
  }) as ClientRequest['end'];
  request.once('response', (response) => lines.response(response.statusCode ?? 0, request.method, url, performance.now() - started));
  request.once('error', (error: NodeJS.ErrnoException) =>
    lines.failure(request.method, url, performance.now() - started, String(error.code ?? error.name ?? 'Error')),
  );
}

/**
 * Creates the agents for one simple-oauth2 client (no keep-alive: a CLI process exits as soon as
 * its token request is done).
 *
 * @example
 * ```ts
 * const transport = createWreckTransport(logSinkOf(options.fetch));
 * ```
 */
export function createWreckTransport(log: LogLine | undefined): WreckTransport {
  const open = new Set<ClientRequest>();
  let cutShort = false;
  const hook: RequestHook = (request) => {
    open.add(request);
    request.once('close', () => open.delete(request));
    request.once('response', (response) => {
      const destroy = response.destroy.bind(response);
      response.destroy = (error?: Error) => {
        // Streams destroy themselves once read to the end (autoDestroy): only an early cut counts.
        if (!response.complete) cutShort = true;
        return destroy(error);
      };
    });
    if (log) logRequest(request, log);
  };
  return {
    agents: {
      http: new HookedHttpAgent({ keepAlive: false }, hook),
      https: new HookedHttpsAgent({ keepAlive: false }, hook),
      httpsAllowUnauthorized: new HookedHttpsAgent({ keepAlive: false, rejectUnauthorized: false }, hook),
    },
    destroyOpen() {
      for (const request of open) request.destroy();
      open.clear();
    },
    takeCutShort() {
      const was = cutShort;
      cutShort = false;
      return was;
    },
  };
}
