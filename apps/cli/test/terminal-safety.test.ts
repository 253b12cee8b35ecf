import { hasTerminalControls, sanitizeForTerminal } from '../src/terminal/safety.js';

describe('sanitizeForTerminal', () => {
  it.each([
    ['CSI colour', 'a\u001b[31mred', 'a\\x1b[31mred'],
    ['OSC 52 clipboard write (BEL-terminated)', '\u001b]52;c;cm0gLXJmIH4=\u0007', '\\x1b]52;c;cm0gLXJmIH4=\\x07'],
    ['OSC 0 window title (ST-terminated)', '\u001b]0;pwned\u001b\\', '\\x1b]0;pwned\\x1b\\'],
    ['CR overwrite', 'safe\rEVIL', 'safe\\x0dEVIL'],
    ['DEL and NUL', 'a\u007fb\u0000', 'a\\x7fb\\x00'],
    ['8-bit CSI and OSC (C1)', '\u009b2J\u009d0;t\u009c', '\\x9b2J\\x9d0;t\\x9c'],
    ['bidi override (Trojan Source)', 'abc\u202Edcb', 'abc\\u202edcb'],
    ['bidi isolates', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['newline (not in tweet mode)', 'a\nb', 'a\\x0ab'],
    ['tab', 'a\tb', 'a\\x09b'],
  ])('shows %s visibly', (_name, input, expected) => {
    expect(sanitizeForTerminal(input)).toBe(expected);
  });

  it('keeps newlines only when asked, and escapes every other control then', () => {
    expect(sanitizeForTerminal('line 1\nline 2\r\u001b[A', { keepNewlines: true })).toBe('line 1\nline 2\\x0d\\x1b[A');
  });

  it('leaves printable text, accents, CJK and emoji alone', () => {
    const text = 'Café — 東京 🚀 @twitterapi & <b>';
    expect(sanitizeForTerminal(text)).toBe(text);
    expect(hasTerminalControls(text)).toBe(false);
  });

  it('leaves nothing a terminal can act on, for every code point up to U+FFFF', () => {
    let all = '';
    for (let code = 0; code <= 0xffff; code++) if (code < 0xd800 || code > 0xdfff) all += String.fromCharCode(code);
    const safe = sanitizeForTerminal(all);
    expect(hasTerminalControls(safe)).toBe(false);
    // eslint-disable-next-line no-control-regex
    expect(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(safe)).toBe(false);
  });

  it('detects controls', () => {
    expect(hasTerminalControls('\u0007')).toBe(true);
    expect(hasTerminalControls('x')).toBe(false);
  });
});
