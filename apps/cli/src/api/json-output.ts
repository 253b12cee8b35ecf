import { sanitizeForTerminal } from '../terminal/safety.js';

// An API answer on a terminal: indented, optionally coloured, and with every string's terminal
// controls made visible (JSON escapes C0 controls itself, but not C1 controls or bidi overrides).
// Re-indented token by token, never through JSON.parse and JSON.stringify: a 64-bit id such as
// X's `"id":1374004777531007833` must print with the digits the server sent.

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\]:,])/y;

const COLORS = { key: '\u001b[1;34m', string: '\u001b[32m', number: '\u001b[36m', literal: '\u001b[33m', reset: '\u001b[0m' };

/**
 * `text` indented by two spaces (colours when `color`), or `undefined` when it is not JSON.
 *
 * @example
 * ```ts
 * prettyJson('{"id":1374004777531007833,"ok":true}', false); // '{\n  "id": 1374004777531007833,\n  "ok": true\n}'
 * ```
 */
export function prettyJson(text: string, color: boolean): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  const paint = (kind: keyof typeof COLORS, token: string) => (color ? `${COLORS[kind]}${token}${COLORS.reset}` : token);
  let out = '';
  let depth = 0;
  const newline = () => `\n${'  '.repeat(depth)}`;
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) tokens.push(match[1]!);
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    switch (token) {
      case '{':
      case '[':
        if (next === (token === '{' ? '}' : ']')) {
          out += token;
          return;
        }
        depth++;
        out += token + newline();
        return;
      case '}':
      case ']':
        if (tokens[index - 1] === (token === '}' ? '{' : '[')) {
          out += token;
          return;
        }
        depth--;
        out += newline() + token;
        return;
      case ',':
        out += ',' + newline();
        return;
      case ':':
        out += ': ';
        return;
    }
    if (token.startsWith('"')) out += paint(next === ':' ? 'key' : 'string', sanitizeForTerminal(token));
    else out += paint(/^[-\d]/.test(token) ? 'number' : 'literal', token);
  });
  return out;
}
