import { describe, expect, it } from 'vitest';
import { DummyDriver, Kysely, MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler, sql } from 'kysely';
import { DEFAULT_INNODB_FULL_TEXT, visibilityDialect } from '../src/dialects/visibility-dialect.js';
import type { InnodbFullTextSettings } from '../src/dialects/visibility-dialect.js';

/** Compiles SQL for MySQL without a server, to see which words go to MATCH and which to LIKE. */
const mysql = new Kysely<Record<string, never>>({
  dialect: {
    createAdapter: () => new MysqlAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new MysqlIntrospector(db),
    createQueryCompiler: () => new MysqlQueryCompiler(),
  },
});

function compiled(settings: InnodbFullTextSettings, words: string[]) {
  return visibilityDialect('mysql', settings).runsWithWords('ns', 'Notes', words).compile(mysql);
}

describe('MySQL/MariaDB full-text: which words the FULLTEXT index answers', () => {
  it('indexed words go to MATCH in boolean mode, each required; the rest to LIKE; every value is a parameter', () => {
    const q = compiled(DEFAULT_INNODB_FULL_TEXT, ['quick', 'to', 'the', 'fox', 'e\u0301t\u00e9', 'w'.repeat(85)]);
    expect(q.sql).toMatch(/match \(text_words\) against \(\? in boolean mode\)/);
    expect(q.sql).not.toMatch(/quick|fox|'%/);
    expect(q.parameters).toEqual(['ns', 'Notes', '+"quick" +"fox"', '% to %', '% the %', '% e\u0301t\u00e9 %', `% ${'w'.repeat(85)} %`]);
  });

  it('a larger innodb_ft_min_token_size sends the words it leaves out to LIKE', () => {
    expect(compiled({ ...DEFAULT_INNODB_FULL_TEXT, minTokenSize: 4 }, ['quick', 'fox']).parameters).toEqual(['ns', 'Notes', '+"quick"', '% fox %']);
  });

  it('with a stopword table of unknown words, every word is matched with LIKE', () => {
    const q = compiled({ ...DEFAULT_INNODB_FULL_TEXT, customStopwords: true }, ['quick', 'fox']);
    expect(q.sql).not.toMatch(/match/);
    expect(q.parameters).toEqual(['ns', 'Notes', '% quick %', '% fox %']);
  });
});

describe('exact comparison', () => {
  const column = sql`string_value`;
  it('MySQL compares UTF-8 bytes (utf8mb4_bin pads spaces) and restates equalities on the indexed column', () => {
    expect(visibilityDialect('mysql').exact(column).compile(mysql).sql).toBe('cast(string_value as binary)');
    expect(visibilityDialect('mysql').indexedKey(column, true)?.compile(mysql).sql).toBe('string_value');
    expect(visibilityDialect('mysql').indexedKey(column, false)?.compile(mysql).sql).toBe('string_value');
  });

  it('PostgreSQL restates equalities on the 256-character prefix its attribute indexes hold; SQLite needs nothing', () => {
    expect(visibilityDialect('postgres').exact(column)).toBe(column);
    expect(visibilityDialect('postgres').indexedKey(column, true)?.compile(mysql).sql).toBe('left(string_value, 256)');
    expect(visibilityDialect('postgres').indexedKey(column, false)).toBeUndefined();
    expect(visibilityDialect('sqlite').exact(column)).toBe(column);
    expect(visibilityDialect('sqlite').indexedKey(column, true)).toBeUndefined();
  });
});
