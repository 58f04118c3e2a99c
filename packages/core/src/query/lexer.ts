import { parseNowOffsetNanos } from './duration.js';
import { VisibilityQueryError } from './errors.js';

/**
 * Reserved words. An attribute with one of these names must be written in backticks, as in
 * SQL; LIKE and LIMIT are reserved only so that using them gets a precise error.
 */
const KEYWORDS = new Set([
  'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'NULL', 'TRUE', 'FALSE', 'STARTS_WITH',
  'ORDER', 'BY', 'ASC', 'DESC', 'LIKE', 'GROUP', 'LIMIT',
]);

export type Punctuation = '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | '(' | ')' | ',' | '-' | '+';

export type Token =
  | { readonly kind: 'identifier'; readonly name: string; readonly position: number }
  | { readonly kind: 'keyword'; readonly keyword: string; readonly position: number }
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  /** `text` is kept because integer nanoseconds exceed a double's exact range. */
  | { readonly kind: 'number'; readonly text: string; readonly position: number }
  | { readonly kind: 'punctuation'; readonly symbol: Punctuation; readonly position: number }
  /** `NOW()`, optionally shifted: `NOW() - 1h` has offsetNanos -3.6e12. */
  | { readonly kind: 'now'; readonly offsetNanos: bigint; readonly position: number }
  | { readonly kind: 'end'; readonly position: number };

// Sticky and Unicode-aware, so letters outside the BMP are read as one character.
const IDENTIFIER = /[\p{L}_][\p{L}\p{N}_]*/uy;
const IDENTIFIER_PART = /[\p{L}\p{N}_.]/uy;
const PLAIN_IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const NUMBER = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /\s/;
const NOW_CALL = /now\(\)/iy;
const NOW_OFFSET = /[ \t\r\n]*([+-])[ \t\r\n]*([0-9A-Za-z\u00b5\u03bc]*)/y;

type QuoteCharacter = "'" | '"' | '`';

/** Characters inside quotes that need no attention: anything but the closing quote and, in strings, a backslash. */
const ORDINARY_RUN: Readonly<Record<QuoteCharacter, RegExp>> = { "'": /[^'\\]*/y, '"': /[^"\\]*/y, '`': /[^`]*/y };

/** MySQL's backslash escapes; any other escaped character stands for itself. */
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    const pair = text.slice(i, i + 2);
    if (pair === '--' || pair === '/*') {
      throw new VisibilityQueryError('syntax', 'comments are not supported in a visibility query', start);
    }
    if (ch === "'" || ch === '"') {
      const { value, end } = readQuoted(text, start, ch, true);
      tokens.push({ kind: 'string', value, position: start });
      i = end;
    } else if (ch === '`') {
      const { value, end } = readQuoted(text, start, '`', false);
      if (value.length === 0) throw new VisibilityQueryError('syntax', 'empty quoted attribute name', start);
      tokens.push({ kind: 'identifier', name: value, position: start });
      i = end;
    } else if (matchAt(NUMBER, text, i) !== undefined) {
      const number = matchAt(NUMBER, text, i)!;
      i += number.length;
      // `12abc` or `1.2.3` is a typo, not a number followed by a name.
      if (matchAt(IDENTIFIER_PART, text, i) !== undefined) {
        throw new VisibilityQueryError('syntax', `malformed number '${text.slice(start, i + 1)}'`, start);
      }
      tokens.push({ kind: 'number', text: number, position: start });
    } else if (matchAt(NOW_CALL, text, i) !== undefined) {
      const { offsetNanos, end } = readNowOffset(text, i + 'NOW()'.length);
      tokens.push({ kind: 'now', offsetNanos, position: start });
      i = end;
    } else if (matchAt(IDENTIFIER, text, i) !== undefined) {
      const word = matchAt(IDENTIFIER, text, i)!;
      i += word.length;
      const keyword = keywordOf(word);
      tokens.push(keyword !== undefined ? { kind: 'keyword', keyword, position: start } : { kind: 'identifier', name: word, position: start });
    } else {
      const symbol = readPunctuation(text, i);
      if (symbol === undefined) throw new VisibilityQueryError('syntax', `unexpected character ${JSON.stringify(ch)}`, start);
      tokens.push({ kind: 'punctuation', symbol, position: start });
      i += symbol.length;
    }
  }
  tokens.push({ kind: 'end', position: text.length });
  return tokens;
}

/** Whether a name can be written without backticks and read back as the same identifier. */
export function isPlainIdentifier(name: string): boolean {
  return PLAIN_IDENTIFIER.test(name) && keywordOf(name) === undefined;
}

/** ASCII-only case folding: `toUpperCase` would turn e.g. the dotless `ıs` into `IS`. */
function keywordOf(word: string): string | undefined {
  if (!/^[A-Za-z_]+$/.test(word)) return undefined;
  const upper = word.toUpperCase();
  return KEYWORDS.has(upper) ? upper : undefined;
}

function matchAt(pattern: RegExp, text: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(text)?.[0];
}

/**
 * Temporal resolves `NOW() ± duration` before parsing, so the offset is an unquoted word
 * (`1h30m`, `2w`) that the ordinary number and identifier rules would split.
 */
function readNowOffset(text: string, from: number): { offsetNanos: bigint; end: number } {
  NOW_OFFSET.lastIndex = from;
  const match = NOW_OFFSET.exec(text);
  if (!match) return { offsetNanos: 0n, end: from };
  const [whole, sign, duration = ''] = match;
  const durationStart = from + whole.length - duration.length;
  if (duration === '') throw new VisibilityQueryError('syntax', `expected a duration such as 1h after 'NOW() ${sign}'`, durationStart);
  const nanos = parseNowOffsetNanos(duration);
  if (nanos === undefined) {
    throw new VisibilityQueryError('bad-literal', `'${duration}' is not a NOW() offset such as 1h30m or 2w (whole numbers with units ns, us, ms, s, m, h, d, w)`, durationStart);
  }
  return { offsetNanos: sign === '-' ? -nanos : nanos, end: from + whole.length };
}

function readPunctuation(text: string, i: number): Punctuation | undefined {
  const two = text.slice(i, i + 2);
  if (two === '!=' || two === '<>' || two === '<=' || two === '>=') return two;
  const one = text[i];
  switch (one) {
    case '=': case '<': case '>': case '(': case ')': case ',': case '-': case '+':
      return one;
    default:
      return undefined;
  }
}

/**
 * Reads from the opening quote at `start`. A doubled quote stands for one quote character;
 * string literals (not backticked names) also take backslash escapes.
 */
function readQuoted(text: string, start: number, quote: QuoteCharacter, backslashEscapes: boolean): { value: string; end: number } {
  const ordinary = ORDINARY_RUN[quote];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    // Copy runs of ordinary characters at once: long literals would otherwise be built a character at a time.
    const run = matchAt(ordinary, text, i)!;
    value += run;
    i += run.length;
    if (i >= text.length) break;
    const ch = text[i]!;
    if (ch === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (ch === '\\' && backslashEscapes) {
      const next = text[i + 1];
      if (next === undefined) break;
      value += ESCAPES[next] ?? next;
      i += 2;
      continue;
    }
  }
  const what = quote === '`' ? 'quoted attribute name' : 'string literal';
  throw new VisibilityQueryError('syntax', `unterminated ${what}`, start);
}
