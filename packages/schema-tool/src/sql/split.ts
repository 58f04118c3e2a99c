/**
 * Splits a schema file into statements. A statement ends at a `;` that closes a line (only
 * whitespace or a line comment may follow it), so a `;` inside string literals, quoted
 * identifiers, comments, PostgreSQL dollar-quoted bodies, or in the middle of a line never
 * splits. Pieces holding nothing but comments and whitespace are dropped.
 */
export interface SplitOptions {
  /** MySQL/MariaDB: `\` escapes inside quotes and `#` starts a comment. */
  readonly mysqlSyntax?: boolean;
  /** PostgreSQL: `$tag$ … $tag$` bodies and nested block comments. */
  readonly postgresSyntax?: boolean;
}

export interface SqlStatement {
  readonly sql: string;
  /** 1-based line of the statement's first character, for error messages. */
  readonly line: number;
}

export class SqlSplitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlSplitError';
  }
}

export function splitStatements(text: string, options: SplitOptions = {}): SqlStatement[] {
  const statements: SqlStatement[] = [];
  const mysql = options.mysqlSyntax === true;
  const postgres = options.postgresSyntax === true;
  let hasContent = false;
  let contentStart = 0;
  let i = 0;
  const n = text.length;

  const lineAt = (index: number): number => {
    let line = 1;
    for (let k = 0; k < index; k++) if (text.charCodeAt(k) === 10) line++;
    return line;
  };
  const markContent = (index: number): void => {
    if (!hasContent) {
      hasContent = true;
      contentStart = index;
    }
  };
  const skipLineComment = (from: number): number => {
    const end = text.indexOf('\n', from);
    return end === -1 ? n : end;
  };
  const startsLineComment = (at: number): boolean =>
    (text[at] === '-' && text[at + 1] === '-') || (mysql && text[at] === '#');
  const isIdentChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_$]/.test(c);

  while (i < n) {
    const c = text[i]!;
    if (startsLineComment(i)) {
      i = skipLineComment(i);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      i = skipBlockComment(text, i, postgres);
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      markContent(i);
      const prefix = text[i - 1];
      const escapeString = c === "'" && (mysql || ((prefix === 'E' || prefix === 'e') && !isIdentChar(text[i - 2])));
      i = skipQuoted(text, i, c, escapeString);
      continue;
    }
    if (postgres && c === '$' && !isIdentChar(text[i - 1])) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (tag) {
        markContent(i);
        const close = text.indexOf(tag[0], i + tag[0].length);
        if (close === -1) throw new SqlSplitError(`unterminated dollar-quoted body ${tag[0]} starting on line ${lineAt(i)}`);
        i = close + tag[0].length;
        continue;
      }
    }
    if (c === ';' && endsLine(i + 1)) {
      if (hasContent) statements.push({ sql: text.slice(contentStart, i).trim(), line: lineAt(contentStart) });
      hasContent = false;
      i++;
      continue;
    }
    if (!/\s/.test(c)) markContent(i);
    i++;
  }
  if (hasContent) {
    const sql = text.slice(contentStart, n).trim();
    statements.push({ sql, line: lineAt(contentStart) });
  }
  return statements;

  function endsLine(from: number): boolean {
    let k = from;
    while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
    return k >= n || text[k] === '\n' || text[k] === '\r' || startsLineComment(k);
  }
}

function skipQuoted(text: string, open: number, quote: string, backslashEscapes: boolean): number {
  let k = open + 1;
  while (k < text.length) {
    const ch = text[k];
    if (backslashEscapes && ch === '\\') {
      k += 2;
      continue;
    }
    if (ch === quote) {
      // A doubled quote is an escaped quote inside the literal, not its end.
      if (text[k + 1] === quote) {
        k += 2;
        continue;
      }
      return k + 1;
    }
    k++;
  }
  throw new SqlSplitError(`unterminated ${quote} quote starting at offset ${open}`);
}

function skipBlockComment(text: string, open: number, nested: boolean): number {
  let depth = 1;
  let k = open + 2;
  while (k < text.length) {
    if (text[k] === '*' && text[k + 1] === '/') {
      depth--;
      k += 2;
      if (depth === 0 || !nested) return k;
      continue;
    }
    if (nested && text[k] === '/' && text[k + 1] === '*') {
      depth++;
      k += 2;
      continue;
    }
    k++;
  }
  throw new SqlSplitError(`unterminated /* comment starting at offset ${open}`);
}
