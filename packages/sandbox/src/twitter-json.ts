import type { ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';

// JSON with exact 64-bit integers. JSON.stringify cannot write a bigint (and a JavaScript number
// cannot hold a Snowflake id), so this writer does: a bigint is written as its decimal digits, as
// Twitter's API writes `id` next to `id_str`. Everything else is as JSON.stringify writes it.

/**
 * Serialises a value as JSON, writing bigints as exact integer literals.
 *
 * @example
 * ```ts
 * toJsonWithBigInts({ id: 1860000000000000001n, id_str: '1860000000000000001' }); // '{"id":1860000000000000001,"id_str":"1860000000000000001"}'
 * ```
 */
export function toJsonWithBigInts(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined || typeof item === 'function' ? 'null' : toJsonWithBigInts(item))).join(',')}]`;
  if (value !== null && typeof value === 'object' && !('toJSON' in value)) {
    const members: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      members.push(`${JSON.stringify(key)}:${toJsonWithBigInts(item)}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Sends a JSON body that may hold bigints (tweet and user ids).
 *
 * @example
 * ```ts
 * sendTwitterJson(res, 200, tweets, { 'x-rate-limit-limit': '900' });
 * ```
 */
export function sendTwitterJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, body, headers, toJsonWithBigInts);
}
