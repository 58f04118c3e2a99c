import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitStatements, SqlSplitError } from '../src/sql/split.js';

const sqls = (text: string, options = {}): string[] => splitStatements(text, options).map((s) => s.sql);

describe('splitStatements', () => {
  it('splits on a semicolon that ends a line', () => {
    expect(sqls('CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n')).toEqual(['CREATE TABLE a (x INT)', 'CREATE TABLE b (y INT)']);
  });

  it('keeps a mid-line semicolon inside the statement', () => {
    expect(sqls('SELECT 1; SELECT 2;\n')).toEqual(['SELECT 1; SELECT 2']);
  });

  it('allows trailing whitespace or a line comment after the terminator', () => {
    expect(sqls('SELECT 1;   -- first\nSELECT 2;\t\nSELECT 3')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('ignores semicolons in quotes and comments, and starts a statement at its first token', () => {
    const text = [
      "INSERT INTO t VALUES ('a;\nb', 'it''s;');",
      'SELECT "odd;\ncolumn" FROM t;',
      'SELECT `x;\ny` FROM t;',
      '-- a comment;',
      '/* block;',
      'comment; */',
      'SELECT 4;',
    ].join('\n');
    expect(sqls(text)).toEqual([
      "INSERT INTO t VALUES ('a;\nb', 'it''s;')",
      'SELECT "odd;\ncolumn" FROM t',
      'SELECT `x;\ny` FROM t',
      'SELECT 4',
    ]);
  });

  it('drops pieces that hold only comments and whitespace', () => {
    expect(sqls('-- header;\n\n/* nothing; */\n;\nSELECT 1;\n-- trailer\n')).toEqual(['SELECT 1']);
  });

  it('reports the line each statement starts on', () => {
    const statements = splitStatements('-- header\n\nSELECT 1;\n\n  SELECT\n  2;\n');
    expect(statements.map((s) => s.line)).toEqual([3, 5]);
  });

  it('honours MySQL backslash escapes and # comments only in MySQL mode', () => {
    const text = "INSERT INTO t VALUES ('a\\';\nb');\n# note;\nSELECT 2;\n";
    expect(sqls(text, { mysqlSyntax: true })).toEqual(["INSERT INTO t VALUES ('a\\';\nb')", 'SELECT 2']);
    // Standard SQL: the backslash is literal, so the quote closes after it.
    expect(sqls("SELECT 'a\\';\nSELECT 2;\n")).toEqual(["SELECT 'a\\'", 'SELECT 2']);
  });

  it('honours PostgreSQL E-strings, dollar quoting and nested comments', () => {
    const body = 'CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\nEND;\n$body$ LANGUAGE plpgsql;\n';
    expect(sqls(body, { postgresSyntax: true })).toEqual([body.trim().slice(0, -1)]);
    expect(sqls("SELECT E'a\\';\n';\nSELECT $$x;\n$$;\n", { postgresSyntax: true })).toEqual(["SELECT E'a\\';\n'", 'SELECT $$x;\n$$']);
    expect(sqls('/* outer /* inner; */ still;\n */ SELECT 1;\n', { postgresSyntax: true })).toEqual(['SELECT 1']);
  });

  it('rejects unterminated quotes, comments and dollar bodies', () => {
    expect(() => splitStatements("SELECT 'oops;\n")).toThrow(SqlSplitError);
    expect(() => splitStatements('/* never closed;\n')).toThrow(SqlSplitError);
    expect(() => splitStatements('SELECT $a$ body;\n', { postgresSyntax: true })).toThrow(/dollar-quoted/);
  });

  it('round-trips any list of simple statements', () => {
    const statement = fc
      .array(fc.constantFrom('SELECT', 'x', "'a;b'", '"q;"', '1', ';', '(', ')', '/*;*/'), { minLength: 1, maxLength: 8 })
      .map((words) => `SELECT ${words.join(' ')}`);
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 6 }), (statements) => {
        const text = statements.map((s) => `${s};\n`).join('');
        expect(sqls(text)).toEqual(statements);
      }),
    );
  });
});
