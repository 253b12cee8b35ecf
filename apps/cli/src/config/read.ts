import { readFileSync } from 'node:fs';
import { CliError } from '../cli-error.js';
import { parseSimpleYaml } from './yaml-fast-path.js';

// Reading a config file into a plain value: YAML or JSON by extension, bounded in depth before and
// after parsing (a config nested deeper than any real one is an attack or a mistake, and the
// parsers recurse).

/** How deep a config may nest: real configs are 4 levels deep; a deeper file is an attack or a mistake. */
export const MAX_CONFIG_DEPTH = 32;

/** The deepest bracket nesting of a text, outside quoted strings: bounds the parser's recursion before it runs. */
function bracketDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** The nesting depth of a parsed value, without recursion. */
function valueDepth(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_CONFIG_DEPTH) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function tooDeep(path: string): CliError {
  return new CliError(
    'usage',
    `${path} nests deeper than ${MAX_CONFIG_DEPTH} levels; a tokensmith config is a few levels deep (check the file is the config you meant)`,
  );
}

/** Parses config text, JSON when `path` ends in `.json`, else YAML; a usage error names the file and the parser's first line. */
export async function parseConfigText(text: string, path: string): Promise<unknown> {
  const format = path.endsWith('.json') ? 'JSON' : 'YAML';
  if (bracketDepth(text) > MAX_CONFIG_DEPTH) throw tooDeep(path);
  let raw: unknown;
  try {
    if (format === 'JSON') raw = JSON.parse(text);
    else {
      // The usual config is plain nested mappings: read without loading the yaml package (~15 ms).
      raw = parseSimpleYaml(text);
      if (raw === undefined) {
        const yaml = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
        raw = (yaml.parse ?? yaml.default!.parse)(text);
      }
    }
  } catch (error) {
    if (error instanceof RangeError || /call stack/i.test((error as Error).message)) throw tooDeep(path);
    throw new CliError('usage', `${path} is not valid ${format}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (valueDepth(raw) > MAX_CONFIG_DEPTH) throw tooDeep(path);
  return raw;
}

/** The text of the config file at `path`; a usage error names the file and the system error code (never its contents). */
export function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError('usage', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
