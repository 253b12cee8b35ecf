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
export async function runJq(json: string, filter: string): Promise<string> {
  const { raw } = (await import('jq-wasm')) as typeof import('jq-wasm');
  try {
    const out = await raw(json, filter, ['-r']);
    return out === '' || out.endsWith('\n') ? out : `${out}\n`;
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200);
    throw new CliError('usage', `--jq ${filter.slice(0, 80)}: ${detail}`);
  }
}
