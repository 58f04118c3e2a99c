import { describe, expect, it } from 'vitest';
import { DummyDriver, Kysely, MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler } from 'kysely';
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
  it('MySQL compares UTF-8 bytes (utf8mb4_bin pads spaces); SQLite and PostgreSQL compare the column as it is', () => {
    expect(visibilityDialect('mysql').exactNeedsIndexedPrefilter).toBe(true);
    expect(visibilityDialect('sqlite').exactNeedsIndexedPrefilter).toBe(false);
    expect(visibilityDialect('postgres').exactNeedsIndexedPrefilter).toBe(false);
  });
});
