import { CliError } from '../cli-error.js';

// `tokensmith api`'s request parameters, as gh api takes them: `-f key=value` is a string as
// written; `-F key=value` is typed (true, false, null, integers and decimals become JSON literals;
// `@file` is a file's contents, `@-` standard input). `key[]=v` appends to an array and
// `key[sub]=v` nests an object, in a JSON body; in a query string or a form they are written as
// the same bracketed names.

/** A JSON value a field carries. */
export type FieldValue = string | number | boolean | null;

/** One `-f`/`-F` parameter: its key path (`a[b][]` is `['a', 'b', '']`) and its value. */
export interface Field {
  /** The name as written before `=` (`labels[]`), used as is in a query string or a form. */
  name: string;
  /** The key path for a JSON body; an empty segment appends to an array. */
  path: string[];
  value: FieldValue;
}

/** Reads `@file` (a path) or `@-` (standard input) for `-F`. */
export type ReadFieldSource = (source: string) => Promise<string>;

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function splitName(name: string, flag: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!match)
    throw new CliError('usage', `${flag} ${name}=...: a field name is a key, optionally followed by [sub] or [] (e.g. labels[]=bug)`);
  return [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
}

function splitPair(arg: string, flag: string): [string, string] {
  const at = arg.indexOf('=');
  if (at <= 0) throw new CliError('usage', `${flag} takes key=value (got "${arg.slice(0, 40)}")`);
  return [arg.slice(0, at), arg.slice(at + 1)];
}

/**
 * The typed value of a `-F` field: JSON literals and numbers as such, `@file`/`@-` read, anything else a string.
 *
 * @example
 * ```ts
 * await typedValue('42', read); // 42
 * ```
 */
export async function typedValue(text: string, read: ReadFieldSource): Promise<FieldValue> {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (NUMBER.test(text) && Number.isFinite(Number(text))) return Number(text);
  if (text.startsWith('@')) return read(text.slice(1));
  return text;
}

/**
 * Parses `-f` (raw) and `-F` (typed) arguments into fields, raw ones first, each in the order given.
 *
 * @example
 * ```ts
 * await parseFields(['status=hi'], ['count=5'], read); // [{ name: 'status', path: ['status'], value: 'hi' }, { name: 'count', path: ['count'], value: 5 }]
 * ```
 */
export async function parseFields(raw: readonly string[], typed: readonly string[], read: ReadFieldSource): Promise<Field[]> {
  const fields: Field[] = [];
  for (const arg of raw) {
    const [name, value] = splitPair(arg, '-f/--raw-field');
    fields.push({ name, path: splitName(name, '-f/--raw-field'), value });
  }
  for (const arg of typed) {
    const [name, text] = splitPair(arg, '-F/--field');
    fields.push({ name, path: splitName(name, '-F/--field'), value: await typedValue(text, read) });
  }
  return fields;
}

type Json = FieldValue | Json[] | { [key: string]: Json };

/**
 * The fields as one JSON object: `a[b]=1` nests, `a[]=1` appends; a key used as both a value and
 * an object is refused, naming it.
 *
 * @example
 * ```ts
 * fieldsToJson([{ name: 'text', path: ['text'], value: 'hi' }]); // { text: 'hi' }
 * ```
 */
export function fieldsToJson(fields: readonly Field[]): Record<string, Json> {
  const root: Record<string, Json> = Object.create(null) as Record<string, Json>;
  for (const field of fields) {
    let node: Record<string, Json> | Json[] = root;
    field.path.forEach((segment, index) => {
      const last = index === field.path.length - 1;
      const nextIsArray = !last && field.path[index + 1] === '';
      if (Array.isArray(node)) {
        if (segment !== '') throw new CliError('usage', `field ${field.name}: ${field.path.slice(0, index).join('.')} is a list`);
        if (last) node.push(field.value);
        else {
          const child: Json[] | Record<string, Json> = nextIsArray ? [] : (Object.create(null) as Record<string, Json>);
          node.push(child);
          node = child;
        }
        return;
      }
      if (segment === '') throw new CliError('usage', `field ${field.name}: [] must follow a key`);
      if (last) {
        if (segment in node) throw new CliError('usage', `field ${field.name} is given twice; use ${segment}[]=... for a list`);
        node[segment] = field.value;
        return;
      }
      const existing: Json | undefined = node[segment];
      if (existing === undefined) node = node[segment] = nextIsArray ? [] : (Object.create(null) as Record<string, Json>);
      else if (typeof existing === 'object' && existing !== null && Array.isArray(existing) === nextIsArray) node = existing;
      else throw new CliError('usage', `field ${field.name} conflicts with another field named ${segment}`);
    });
  }
  return JSON.parse(JSON.stringify(root)) as Record<string, Json>;
}

/**
 * The fields as `name=value` pairs for a query string or a form body (null as an empty value).
 *
 * @example
 * ```ts
 * fieldsToParams([{ name: 'count', path: ['count'], value: 5 }]).toString(); // 'count=5'
 * ```
 */
export function fieldsToParams(fields: readonly Field[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of fields) params.append(field.name, field.value === null ? '' : String(field.value));
  return params;
}
