import { CliError } from '../cli-error.js';

// `--jq`: jq itself, compiled to WebAssembly (jq-wasm, MIT), so filters behave as jq's manual says
// and no binary is downloaded. Loaded only when the flag is used: the module embeds the 1.3 MB
// wasm, which `tokensmith api` without --jq (and every other command) must not pay for.

/**
 * Runs a jq filter over JSON text as gh does: strings raw (`jq -r`), other values as JSON, one per
 * line. A bad filter or input is a usage error naming jq's message.
 *
 * @example
 * ```ts
 * await runJq('{"data":[{"id":"1"}]}', '.data[].id'); // '1\n'
 * ```
 */
export async function runJq(json: string, filter: string, options: { compact?: boolean } = {}): Promise<string> {
  // CommonJS: bundled, its exports arrive as the namespace's default.
  const jq = (await import('jq-wasm')) as typeof import('jq-wasm') & { default?: typeof import('jq-wasm') };
  const raw = jq.default?.raw ?? jq.raw;
  try {
    // Indented on a terminal, one line per value on a pipe, as gh does.
    const out = await raw(json, filter, options.compact ? ['-r', '-c'] : ['-r']);
    return out === '' || out.endsWith('\n') ? out : `${out}\n`;
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200);
    throw new CliError('usage', `--jq ${filter.slice(0, 80)}: ${detail}`);
  }
}
