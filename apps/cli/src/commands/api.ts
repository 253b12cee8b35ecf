import { constants, createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { paginate } from '@tokensmith/core';
import { readBodyText } from '@tokensmith/core/kit';
import { CliError } from '../cli-error.js';
import { explainApiFailure } from '../api/failure.js';
import { createProviderFetch } from '../api/provider-fetch.js';
import { parseFields } from '../api/fields.js';
import { planApiRequest, type ApiRequestPlan } from '../api/request.js';
import { bodyForTerminal, compactJson, statusAndHeaders, stdoutMode, stdoutWriter, type StdoutWriter } from '../api/output.js';
import type { ProviderSession } from '../session.js';
import type { CliIO } from '../terminal/io.js';
import { STRATEGIES_BY_NAME, type StrategyName } from '../strategies/index.js';

// `tokensmith api`: one request (or every page of one) to a provider's API, authenticated by the
// provider's strategy through createAuthenticatedFetch, exactly as `timeline` calls: the strategy
// signs (OAuth 1.0a over the query and a form body), a 401 gets one fresh token, 429/5xx are
// retried, and a redirect to another origin is followed without credentials (core). The request is
// planned, origin check included, before anything is sent.

/** The options of `tokensmith api`, as parsed. */
export interface ApiOptions {
  target: string;
  method?: string | undefined;
  header: string[];
  rawField: string[];
  field: string[];
  input?: string | undefined;
  form?: boolean | undefined;
  include?: boolean | undefined;
  jq?: string | undefined;
  silent?: boolean | undefined;
  paginate?: boolean | undefined;
  slurp?: boolean | undefined;
  maxPages?: number | undefined;
}

/** Largest body read to print on a terminal, filter with --jq or explain a failure (after decompression). */
const MAX_READ_BYTES = 16 * 1024 * 1024;

/** Whether a strategy acts for the app alone (its adapter says so): X refuses it on user-context endpoints. */
const actsAsAppOnly = (strategy: string) =>
  Object.hasOwn(STRATEGIES_BY_NAME, strategy) && STRATEGIES_BY_NAME[strategy as StrategyName].appOnly;

/** Reads `-F key=@file` (a path) or `@-` (standard input). */
function fieldReader(io: CliIO): (source: string) => Promise<string> {
  return async (source) => {
    if (source === '-')
      return readBodyText(new Response(Readable.toWeb(io.stdin) as ReadableStream), { maxBytes: MAX_READ_BYTES, what: 'stdin' });
    try {
      return await readFile(source, 'utf8');
    } catch (error) {
      throw new CliError('usage', `-F @${source}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
}

/** The request body for fetch: JSON text, a form (which OAuth 1.0a signs), or a stream from --input. */
function requestBody(plan: ApiRequestPlan, io: CliIO, input: string | undefined): RequestInit['body'] {
  switch (plan.body.kind) {
    case 'none':
      return undefined;
    case 'json':
      return plan.body.text;
    case 'form':
      return plan.body.params;
    case 'input': {
      const source = input === '-' ? io.stdin : createReadStream(input!);
      return Readable.toWeb(source) as ReadableStream<Uint8Array>;
    }
  }
}

/** Runs `tokensmith api` for one provider session. */
export async function runApi(io: CliIO, session: ProviderSession, options: ApiOptions, now: () => number = Date.now): Promise<void> {
  const { name, config, context, progress } = session;
  const fields = await parseFields(options.rawField, options.field, fieldReader(io));
  // Checked before anything is sent: a missing file would otherwise fail mid-request as a stream error.
  if (options.input !== undefined && options.input !== '-') {
    await access(options.input, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
      throw new CliError('usage', `--input ${options.input}: cannot read the file (${error.code ?? 'error'})`);
    });
  }
  const plan = planApiRequest({
    target: options.target,
    api: { provider: name, baseUrl: config.baseUrl, allowedOrigins: config.allowedOrigins },
    // Pages are read with GET: with --paginate the fields go to the query unless -X says otherwise.
    method: options.method ?? (options.paginate && options.input === undefined ? 'GET' : undefined),
    headers: options.header,
    fields,
    form: options.form,
    input: options.input !== undefined,
  });
  if (options.paginate && (plan.method !== 'GET' || plan.body.kind !== 'none'))
    throw new CliError('usage', `--paginate reads pages with GET; ${plan.method} with a body cannot be paginated`);
  if (options.slurp && !options.paginate) throw new CliError('usage', '--slurp collects the pages of --paginate; add --paginate');

  let retriedWithFreshToken = false;
  const host = plan.url.host;
  const api = createProviderFetch(session.provider, {
    host,
    progress,
    timeoutMs: config.timeoutMs,
    onFreshToken: () => (retriedWithFreshToken = true),
    fetchOptions: { fetch: session.fetch },
  });
  const mode = stdoutMode(io.stdout, io.env);
  const out = stdoutWriter(io.stdout);

  /** Prints a failed answer's body, then throws the explanation (its category is the exit code). */
  const fail = async (response: Response, text: string): Promise<never> => {
    progress.stop();
    if (text !== '') await out.write(mode.tty ? bodyForTerminal(text, mode.color) : text.endsWith('\n') ? text : `${text}\n`);
    const userContextProviders = context.entries
      .map((entry) => ({ entry, named: (context.config.providers[entry.name] as { strategy?: string } | undefined)?.strategy }))
      .filter(({ named }) => typeof named === 'string' && !actsAsAppOnly(named))
      .map(({ entry }) => entry.name);
    const failure = explainApiFailure(response.status, response.headers, text, {
      provider: name,
      appOnly: actsAsAppOnly(config.strategy),
      userContextProviders,
      retriedWithFreshToken,
      now: now(),
    });
    throw new CliError(failure.category, failure.message);
  };
  const readText = (response: Response) =>
    readBodyText(response, { what: `the answer from ${host}`, maxBytes: MAX_READ_BYTES, code: 'response_too_large' });

  if (options.paginate) {
    await writePages(api, plan, options, { out, mode, fail, progress, io });
    return;
  }

  progress.start(`${plan.method} ${plan.url.origin}${plan.url.pathname}`);
  const body = requestBody(plan, io, options.input);
  const response = await api(plan.url.href, {
    method: plan.method,
    headers: plan.headers,
    ...(body === undefined ? {} : { body }),
    // A streamed --input body: fetch requires half duplex for a stream.
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } satisfies RequestInit & { duplex?: 'half' });
  progress.stop();
  if (options.include && !options.silent) await out.write(statusAndHeaders(response, mode.tty));
  if (response.status >= 400) await fail(response, await readText(response));
  if (options.silent) {
    await response.body?.cancel();
    return;
  }
  if (options.jq !== undefined) {
    const { runJq } = await import('../api/jq.js');
    await out.write(await runJq(await readText(response), options.jq, { compact: !mode.tty }));
    return;
  }
  if (mode.tty) {
    await out.write(bodyForTerminal(await readText(response), mode.color));
    return;
  }
  // Piped: the bytes as received, chunk by chunk (no cap: nothing is held in memory).
  if (!response.body) return;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await out.write(value);
    if (out.closed) {
      await reader.cancel();
      return;
    }
  }
}

/** Writes every page as it arrives (one compact line each when piped), or one array with --slurp. */
async function writePages(
  api: (url: string, init?: RequestInit) => Promise<Response>,
  plan: ApiRequestPlan,
  options: ApiOptions,
  sink: {
    out: StdoutWriter;
    mode: { tty: boolean; color: boolean };
    fail: (response: Response, text: string) => Promise<never>;
    progress: ProviderSession['progress'];
    io: CliIO;
  },
): Promise<void> {
  const { out, mode, progress } = sink;
  const runJq = options.jq === undefined ? undefined : (await import('../api/jq.js')).runJq;
  // With --slurp on a pipe (and no --jq), the array is written as the pages come, so memory stays
  // flat there too; a terminal or --jq needs the whole array, held as text.
  const streamArray = options.slurp && !mode.tty && runJq === undefined;
  const slurped: string[] = [];
  let pages = 0;
  let stoppedAt: string | undefined;
  const iterator = paginate(api, plan.url, {
    init: { headers: plan.headers },
    ...(options.maxPages ? { maxPages: options.maxPages } : {}),
  });
  // The progress line waits for the next page and is cleared before a page is written, so the
  // data on stdout never shares a terminal line with it.
  progress.start(`page 1 from ${plan.url.host}`);
  for await (const page of iterator) {
    progress.stop();
    if (options.include && !options.silent && page.index === 0) await out.write(statusAndHeaders(pageResponse(page), mode.tty));
    if (page.status >= 400) await sink.fail(pageResponse(page), page.text);
    if (page.json === undefined)
      throw new CliError(
        'provider',
        `page ${page.index + 1} from ${plan.url.host} is not JSON (HTTP ${page.status}); --paginate reads JSON pages`,
      );
    pages++;
    stoppedAt = page.next;
    if (options.silent) continue;
    const line = compactJson(page.text);
    if (options.slurp) {
      if (streamArray) await out.write(`${pages === 1 ? '[' : ','}${line}`);
      else slurped.push(line);
    } else if (runJq) await out.write(await runJq(line, options.jq!, { compact: !mode.tty }));
    else await out.write(mode.tty ? bodyForTerminal(page.text, mode.color) : `${line}\n`);
    if (out.closed) return;
    if (page.next !== undefined) progress.start(`page ${page.index + 2} from ${plan.url.host}`);
  }
  progress.stop();
  if (options.slurp && !options.silent) {
    if (streamArray) await out.write(pages === 0 ? '[]\n' : ']\n');
    else {
      const array = `[${slurped.join(',')}]`;
      await out.write(runJq ? await runJq(array, options.jq!, { compact: !mode.tty }) : bodyForTerminal(array, mode.color));
    }
  }
  if (stoppedAt !== undefined && options.maxPages !== undefined)
    sink.io.stderr.write(`Stopped after ${pages} page${pages === 1 ? '' : 's'} (--max-pages ${options.maxPages}); more pages remain.\n`);
}

/** A page as a Response, for the failure explanation and --include. */
function pageResponse(page: { status: number; headers: Headers }): Response {
  return new Response(null, { status: page.status, headers: page.headers });
}
