// `tokensmith --help` without commander. The pages are commander's own output, captured at build
// time (help/capture.ts) with the two width-dependent steps left open: each item (an option, an
// argument, a command) and the command's description. This module does those two steps the way
// commander 14's Help.formatItem and Help.boxWrap do, for the terminal's width at run time.
// test/help-pages.test.ts holds every page equal to commander's output at many widths.

/** One piece of a captured page: literal text, an item to lay out, or a description to wrap. */
export type HelpSegment = string | { item: [term: string, termWidth: number, description: string] } | { wrap: string };

/** Every page of the command's help, as captured from commander. */
export interface HelpPages {
  /** commander's Help.minWidthToWrap: below it, nothing is wrapped. */
  minWidthToWrap: number;
  /** `tokensmith --help`: its examples differ with and without a config file (the demo). */
  root: { demo: HelpSegment[]; configured: HelpSegment[] };
  /** `tokensmith <command> --help`, by command name. */
  commands: Record<string, HelpSegment[]>;
}

// commander's stripColor and displayWidth: the width of a string without its SGR escapes.
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[\d*(;\d*)*m/g;
const displayWidth = (text: string) => text.replace(SGR, '').length;

/** Wraps at whitespace, keeping existing line breaks (commander's Help.boxWrap). */
function boxWrap(text: string, width: number, minWidthToWrap: number): string {
  if (width < minWidthToWrap) return text;
  const wrapped: string[] = [];
  for (const line of text.split(/\r\n|\n/)) {
    const chunks = line.match(/[\s]*[^\s]+/g);
    if (chunks === null) {
      wrapped.push('');
      continue;
    }
    let current = [chunks[0]];
    let currentWidth = displayWidth(chunks[0]);
    for (const chunk of chunks.slice(1)) {
      const chunkWidth = displayWidth(chunk);
      if (currentWidth + chunkWidth <= width) {
        current.push(chunk);
        currentWidth += chunkWidth;
        continue;
      }
      wrapped.push(current.join(''));
      const next = chunk.trimStart();
      current = [next];
      currentWidth = displayWidth(next);
    }
    wrapped.push(current.join(''));
  }
  return wrapped.join('\n');
}

/** Where a description goes under its term when the column beside it is too narrow. */
const UNDER_INDENT = '      ';
/** Below this many columns for a description under its term, nothing is wrapped (as commander does below its minimum). */
const MIN_UNDER_WIDTH = 20;

/**
 * An indented term, padded, and its description wrapped beside it: commander's Help.formatItem,
 * except where commander would not wrap at all because the column beside the term is narrower than
 * `minWidthToWrap` (a 40-column terminal): there the description goes under the term, wrapped to
 * the terminal's width, instead of running off the screen. The program's help uses this too
 * (program.ts configures it), so the captured pages and commander stay equal.
 *
 * @example
 * ```ts
 * formatHelpItem('-o, --output <path>', 19, 'where to write it', 40, 40); // '  -o, --output <path>\n      where to write it'
 * ```
 */
export function formatHelpItem(term: string, termWidth: number, description: string, helpWidth: number, minWidthToWrap: number): string {
  const indent = '  ';
  if (!description) return indent + term;
  const paddedTerm = term.padEnd(termWidth + term.length - displayWidth(term));
  const remainingWidth = helpWidth - termWidth - 2 - indent.length;
  const preformatted = /\n[^\S\r\n]/.test(description);
  const underWidth = helpWidth - UNDER_INDENT.length;
  if (remainingWidth < minWidthToWrap && !preformatted && underWidth >= MIN_UNDER_WIDTH) {
    const under = boxWrap(description, underWidth, 0)
      .split('\n')
      .map((line) => UNDER_INDENT + line);
    return [indent + term, ...under].join('\n');
  }
  const formatted =
    remainingWidth < minWidthToWrap || preformatted
      ? description
      : boxWrap(description, remainingWidth, minWidthToWrap).replace(/\n/g, '\n' + ' '.repeat(termWidth + 2));
  return indent + paddedTerm + '  ' + formatted.replace(/\n/g, `\n${indent}`);
}

/**
 * Lays out one captured page for a terminal `helpWidth` columns wide, byte for byte what commander
 * prints at that width.
 *
 * @example
 * ```ts
 * renderHelpPage(pages.commands.timeline!, 80, pages.minWidthToWrap); // 'Usage: tokensmith timeline [options] [provider]\n...'
 * ```
 */
export function renderHelpPage(segments: readonly HelpSegment[], helpWidth: number, minWidthToWrap: number): string {
  return segments
    .map((segment) =>
      typeof segment === 'string'
        ? segment
        : 'item' in segment
          ? formatHelpItem(...segment.item, helpWidth, minWidthToWrap)
          : boxWrap(segment.wrap, helpWidth, minWidthToWrap),
    )
    .join('');
}

/** What a help request asks for: the page of the program (`''`) or of one command, or the version. */
export type HelpRequest = { page: string } | { version: true };

/**
 * The help and version requests answered without commander: `--help`, `-h` and `help` alone,
 * `<command> --help`, `<command> -h` and `help <command>` for a command in `commands`, `--version`
 * and `-V` alone. Anything else (another option beside them, an unknown command) is commander's.
 *
 * @example
 * ```ts
 * helpRequest(['timeline', '--help'], ['timeline', 'login']); // { page: 'timeline' }
 * helpRequest(['--store', 'memory', '--help'], ['timeline']); // undefined
 * ```
 */
export function helpRequest(argv: readonly string[], commands: readonly string[]): HelpRequest | undefined {
  const isHelpFlag = (arg: string | undefined) => arg === '--help' || arg === '-h';
  const [first, second] = argv;
  if (argv.length === 1) {
    if (isHelpFlag(first) || first === 'help') return { page: '' };
    if (first === '--version' || first === '-V') return { version: true };
  }
  if (argv.length === 2 && first !== undefined && second !== undefined) {
    if (isHelpFlag(second) && commands.includes(first)) return { page: first };
    if (first === 'help' && commands.includes(second)) return { page: second };
  }
  return undefined;
}
