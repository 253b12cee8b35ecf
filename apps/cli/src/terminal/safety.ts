/**
 * Remote text (tweets, names, OAuth error descriptions, scopes, device codes) is data, not terminal
 * input. A server that can put ESC into a tweet can otherwise recolour the screen, rewrite the
 * window title (OSC 0/2), write the clipboard (OSC 52), overwrite an earlier line with CR, or
 * reorder what a person reads with bidi overrides ("Trojan Source"). Every remote string the CLI
 * prints to a terminal goes through {@link sanitizeForTerminal}; `--json` output does not (JSON
 * escapes control characters itself and must stay the exact data).
 *
 * Neutralising means showing the character visibly, `\x1b` or `\u202e`, rather than dropping it:
 * a person sees that something odd was sent, and nothing is silently lost. Once ESC itself is
 * shown as text, the rest of any CSI/OSC/DCS sequence is inert printable text.
 */

/** Options of {@link sanitizeForTerminal}. */
export interface SanitizeOptions {
  /** Keep `\n` as a line break (a tweet's text); everything else stays escaped. Default false. */
  keepNewlines?: boolean;
}

/**
 * The characters a terminal may act on: C0 controls (incl. ESC, BEL, CR, TAB), DEL, C1 controls
 * U+0080–U+009F (8-bit CSI U+009B and OSC U+009D among them), the bidi embeddings and overrides
 * U+202A–U+202E and isolates U+2066–U+2069.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Makes a remote string safe to write to a terminal: every control character, escape-sequence
 * introducer and bidi control is replaced by its visible escape (`\x1b`, `\x07`, `\r`→`\x0d`,
 * `\u202e`). Printable text, including any non-ASCII letter or emoji, is unchanged.
 *
 * @example
 * ```ts
 * sanitizeForTerminal('hi\u001b]52;c;aGk=\u0007'); // 'hi\\x1b]52;c;aGk=\\x07'
 * sanitizeForTerminal('line 1\nline 2', { keepNewlines: true }); // unchanged
 * ```
 */
export function sanitizeForTerminal(text: string, options: SanitizeOptions = {}): string {
  return String(text).replace(options.keepNewlines ? UNSAFE_BUT_NEWLINE : UNSAFE, visible);
}

/**
 * Whether `text` holds anything {@link sanitizeForTerminal} would change.
 *
 * @example
 * ```ts
 * hasTerminalControls('plain'); // false
 * hasTerminalControls('\u001b[2J'); // true
 * ```
 */
export function hasTerminalControls(text: string): boolean {
  return new RegExp(UNSAFE.source).test(text);
}
