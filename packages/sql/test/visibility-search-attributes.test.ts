import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { sql } from 'kysely';
import { setupSchema } from '@hourglass/schema-tool';
import { AlreadyExistsError, InvalidPersistenceRequestError, NotFoundError, VisibilityQueryError, WorkflowExecutionStatus, parseVisibilityQuery } from '@hourglass/core';
import type { SearchAttributeType, SearchAttributes, VisibilityRecord, VisibilityStore } from '@hourglass/core';
import type { SqlConnection } from '../src/dialects/dialect.js';
import { loadServerDialect } from '../src/dialects/registry.js';
import { openSqlite } from '../src/dialects/sqlite.js';
import { openSqlStores } from '../src/open.js';
import type { SqlPersistenceStores } from '../src/open.js';

/**
 * Visibility schema v1.2 on every SQL database: the custom search attribute registry, typed
 * indexed values, KeywordList containment, native full-text search (short words, stopwords,
 * Unicode, query syntax in values), paging and grouped counts. SQLite always runs; a live server
 * is skipped when its run file (conformance/servers/.run/<target>.json) is absent.
 */
const RUN_DIR = fileURLToPath(new URL('../../../conformance/servers/.run/', import.meta.url));
const T0 = 1_700_000_000_000_000;
const SECOND = 1_000_000;

interface RunFile {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

interface Target {
  readonly name: string;
  readonly skip?: string;
  open(): Promise<{ stores: SqlPersistenceStores; drop(): Promise<void> }>;
}

async function admin(dialect: 'postgres' | 'mysql', run: RunFile, statement: string): Promise<void> {
  if (dialect === 'postgres') {
    const client = new pg.Client({ host: run.host, port: run.port, user: run.user, password: run.password, database: run.database });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
    return;
  }
  const conn = await mysql.createConnection({ host: run.host, port: run.port, user: run.user, password: run.password });
  try {
    await conn.query(statement);
  } finally {
    await conn.end();
  }
}

function liveTarget(name: string, dialect: 'postgres' | 'mysql'): Target {
  const file = `${RUN_DIR}${name}.json`;
  if (!existsSync(file)) return { name, skip: `no run file ${file}: the server is not running`, open: () => Promise.reject(new Error('skipped')) };
  const run = JSON.parse(readFileSync(file, 'utf8')) as RunFile;
  return {
    name,
    async open() {
      const database = `hg_sa_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await admin(dialect, run, `create database ${database}`);
      const stores = await openSqlStores({ dialect, host: run.host, port: run.port, user: run.user, password: run.password, database, setupSchema: true });
      return { stores, drop: () => admin(dialect, run, `drop database if exists ${database}`) };
    },
  };
}

const TARGETS: readonly Target[] = [
  { name: 'sqlite', open: async () => ({ stores: await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true }), drop: async () => undefined }) },
  liveTarget('postgres-10.18', 'postgres'),
  liveTarget('postgres-13.4', 'postgres'),
  liveTarget('postgres-15', 'postgres'),
  liveTarget('mariadb-10.11', 'mysql'),
];

function record(namespaceId: string, runId: string, searchAttributes: SearchAttributes, overrides: Partial<VisibilityRecord> = {}): VisibilityRecord {
  return {
    namespaceId,
    workflowId: `wf-${runId}`,
    runId,
    workflowTypeName: 'T',
    taskQueue: 'q',
    status: WorkflowExecutionStatus.Running,
    startTime: T0,
    executionTime: T0,
    historyLength: 1,
    historySizeBytes: 1,
    stateTransitionCount: 1,
    searchAttributes,
    ...overrides,
  };
}

const CUSTOM = new Map<string, SearchAttributeType>([
  ['Notes', 'Text'],
  ['Tags', 'KeywordList'],
  ['Region', 'Keyword'],
  ['Size', 'Int'],
]);

async function list(v: VisibilityStore, namespaceId: string, text: string): Promise<string[]> {
  const query = parseVisibilityQuery(text, { customAttributes: CUSTOM });
  const page = await v.listWorkflowExecutions({ namespaceId, pageSize: 1000, filter: { query } });
  return page.items.map((r) => r.runId).sort();
}

const TEXTS: Readonly<Record<string, string>> = {
  fox: 'The quick brown fox jumps over a lazy dog',
  short: 'go to it, ok? x y z',
  stop: 'about the from with will',
  unicode: 'Grüße aus Köln — 東京 naïve ÉCOLE',
  syntax: 'alpha "beta" +gamma -delta * NEAR(eps) OR zeta AND eta: theta\'s',
  hyphen: 'state-of-the-art foo_bar 3.14 v2',
  long: `${'w'.repeat(90)} tail`,
};

for (const target of TARGETS) {
  describe.skipIf(target.skip !== undefined)(`${target.name}: visibility search attributes (schema v1.2)${target.skip ? ` — skipped: ${target.skip}` : ''}`, () => {
    let stores: SqlPersistenceStores;
    let drop: () => Promise<void>;
    const ns = 'ns-sa';

    beforeAll(async () => {
      ({ stores, drop } = await target.open());
      for (const [runId, text] of Object.entries(TEXTS)) await stores.visibility.upsertWorkflowExecution(record(ns, runId, { Notes: { type: 'Text', value: text } }));
      await stores.visibility.upsertWorkflowExecution(record(ns, 'tags-dup', { Tags: { type: 'KeywordList', value: ['a', 'a', 'b'] } }));
      await stores.visibility.upsertWorkflowExecution(record(ns, 'tags-empty', { Tags: { type: 'KeywordList', value: [] } }));
      await stores.visibility.upsertWorkflowExecution(record(ns, 'tags-odd', { Tags: { type: 'KeywordList', value: ["it's", '%', 'x"); DROP TABLE executions_visibility; --', 'ß'] } }));
    }, 60_000);
    afterAll(async () => {
      await stores?.close();
      await drop?.();
    });

    it.each([
      ["Notes = 'fox'", ['fox']],
      ["Notes = 'FOX quick'", ['fox']],
      ["Notes = 'a'", ['fox']],
      ["Notes = 'over a dog'", ['fox']],
      ["Notes = 'go ok x'", ['short']],
      ["Notes = 'it'", ['short']],
      ["Notes = 'the'", ['fox', 'hyphen', 'stop']],
      ["Notes = 'about with'", ['stop']],
      ["Notes = 'köln GRÜSSE'", []],
      ["Notes = 'KÖLN grüße'", ['unicode']],
      ["Notes = '東京'", ['unicode']],
      ["Notes = 'naïve école'", ['unicode']],
      ["Notes = 'beta gamma delta'", ['syntax']],
      ['Notes = \'"beta" +gamma -delta\'', ['syntax']],
      ["Notes = 'NEAR eps OR zeta'", ['syntax']],
      ["Notes = 'theta s'", ['syntax']],
      ["Notes = 'eta:'", ['syntax']],
      ["Notes = '*'", []],
      ["Notes = 'art state'", ['hyphen']],
      ["Notes = 'state-of-the-art'", ['hyphen']],
      // `_` is punctuation, not part of a word.
      ["Notes = 'foo'", ['hyphen']],
      ["Notes = 'bar foo_bar'", ['hyphen']],
      ["Notes = 'foobar'", []],
      ["Notes = '14 v2'", ['hyphen']],
      [`Notes = '${'w'.repeat(90)}'`, ['long']],
      ["Notes = 'tail w'", []],
      ["Notes != 'the'", ['long', 'short', 'syntax', 'unicode']],
      ["NOT Notes = 'the'", ['long', 'short', 'syntax', 'tags-dup', 'tags-empty', 'tags-odd', 'unicode']],
      ["Tags = 'a'", ['tags-dup']],
      ["Tags IN ('b', 'ß')", ['tags-dup', 'tags-odd']],
      ["Tags = 'it''s'", ['tags-odd']],
      ["Tags = '%'", ['tags-odd']],
      ["Tags = 'x\"); DROP TABLE executions_visibility; --'", ['tags-odd']],
      ["Tags != 'a'", ['tags-empty', 'tags-odd']],
      ["Tags NOT IN ('a', '%')", ['tags-empty']],
      ['Tags IS NOT NULL', ['tags-dup', 'tags-empty', 'tags-odd']],
    ])('%s', async (text, expected) => {
      expect(await list(stores.visibility, ns, text)).toEqual([...expected].sort());
    });

    it('replacing a run replaces its indexed values; deleting it removes them', async () => {
      const v = stores.visibility;
      const space = `ns-replace-${target.name}`;
      await v.recordWorkflowExecutionStarted(record(space, 'r', { Region: { type: 'Keyword', value: 'eu' }, Notes: { type: 'Text', value: 'first words' }, Tags: { type: 'KeywordList', value: ['one'] } }));
      expect(await list(v, space, "Region = 'eu' AND Notes = 'first' AND Tags = 'one'")).toEqual(['r']);
      // A late start must not overwrite the close, nor its indexed values.
      await v.recordWorkflowExecutionClosed(
        record(space, 'r', { Region: { type: 'Keyword', value: 'us' }, Notes: { type: 'Text', value: 'second' } }, { status: WorkflowExecutionStatus.Completed, closeTime: T0 + SECOND }),
      );
      await v.recordWorkflowExecutionStarted(record(space, 'r', { Region: { type: 'Keyword', value: 'eu' }, Notes: { type: 'Text', value: 'first words' }, Tags: { type: 'KeywordList', value: ['one'] } }));
      expect(await list(v, space, "Region = 'eu' OR Notes = 'first' OR Tags = 'one'")).toEqual([]);
      expect(await list(v, space, "Region = 'us' AND Notes = 'second' AND Tags IS NULL")).toEqual(['r']);
      await v.deleteWorkflowExecution(space, 'r');
      await v.upsertWorkflowExecution(record(space, 'r', {}));
      expect(await list(v, space, "Region = 'us' OR Notes = 'second' OR Region IS NOT NULL")).toEqual([]);
    });

    it('Keyword and KeywordList values compare exactly: trailing spaces count, order is by code point', async () => {
      const v = stores.visibility;
      const space = `ns-exact-${target.name}`;
      const runs: Record<string, string> = { plain: 'eu', padded: 'eu ', upper: 'EU', accented: 'éu' };
      for (const [runId, value] of Object.entries(runs)) {
        await v.upsertWorkflowExecution(record(space, runId, { Region: { type: 'Keyword', value }, Tags: { type: 'KeywordList', value: [value] } }, { workflowId: value }));
      }
      expect(await list(v, space, "Region = 'eu'")).toEqual(['plain']);
      expect(await list(v, space, "Region = 'eu '")).toEqual(['padded']);
      expect(await list(v, space, "Region IN ('eu', 'EU')")).toEqual(['plain', 'upper']);
      expect(await list(v, space, "Region > 'eu'")).toEqual(['accented', 'padded']);
      expect(await list(v, space, "Region BETWEEN 'EU' AND 'eu'")).toEqual(['plain', 'upper']);
      expect(await list(v, space, "Tags = 'eu'")).toEqual(['plain']);
      expect(await list(v, space, "Tags IN ('eu ', 'éu')")).toEqual(['accented', 'padded']);
      expect(await list(v, space, "WorkflowId = 'eu'")).toEqual(['plain']);
    });

    it('long Keyword, KeywordList and Text values are stored and found', async () => {
      const v = stores.visibility;
      const space = `ns-long-${target.name}`;
      // Random, so PostgreSQL cannot compress it below its btree entry limit.
      const long = Array.from({ length: 6000 }, (_, i) => String.fromCharCode(97 + ((i * 7919 + (i >> 3) * 104729) % 26))).join('');
      const similar = `${long.slice(0, 5000)}x`;
      await v.upsertWorkflowExecution(record(space, 'long', { Region: { type: 'Keyword', value: long }, Tags: { type: 'KeywordList', value: [long] }, Notes: { type: 'Text', value: `${long.slice(0, 1000)} tail` } }));
      await v.upsertWorkflowExecution(record(space, 'similar', { Region: { type: 'Keyword', value: similar }, Tags: { type: 'KeywordList', value: [similar] } }));
      expect(await list(v, space, `Region = '${long}'`)).toEqual(['long']);
      expect(await list(v, space, `Region IN ('${similar}', 'x')`)).toEqual(['similar']);
      expect(await list(v, space, `Tags = '${long}'`)).toEqual(['long']);
      expect(await list(v, space, `Region STARTS_WITH '${long.slice(0, 4000)}'`)).toEqual(['long', 'similar']);
      expect(await list(v, space, `Notes = 'TAIL ${long.slice(0, 1000)}'`)).toEqual(['long']);
    });

    it('values of one namespace never match in another', async () => {
      const v = stores.visibility;
      await v.upsertWorkflowExecution(record(`ns-a-${target.name}`, 'shared', { Region: { type: 'Keyword', value: 'eu' }, Notes: { type: 'Text', value: 'hello' } }));
      await v.upsertWorkflowExecution(record(`ns-b-${target.name}`, 'shared', {}));
      expect(await list(v, `ns-b-${target.name}`, "Region = 'eu' OR Notes = 'hello'")).toEqual([]);
      expect(await list(v, `ns-a-${target.name}`, "Region = 'eu' AND Notes = 'hello'")).toEqual(['shared']);
    });

    it('keyset paging stays stable while runs are inserted between pages', async () => {
      const v = stores.visibility;
      const space = `ns-paging-${target.name}`;
      for (let i = 0; i < 6; i++) {
        await v.upsertWorkflowExecution(record(space, `r${i}`, { Size: { type: 'Int', value: i } }, { startTime: T0 + i * SECOND }));
      }
      const query = parseVisibilityQuery('Size >= 0', { customAttributes: CUSTOM });
      const seen: string[] = [];
      let token: Uint8Array | undefined;
      let inserted = 0;
      do {
        const page = await v.listWorkflowExecutions({ namespaceId: space, pageSize: 2, filter: { query }, ...(token ? { nextPageToken: token } : {}) });
        seen.push(...page.items.map((r) => r.runId));
        token = page.nextPageToken;
        // A newer run sorts before the cursor and must not appear; an older one after it must.
        await v.upsertWorkflowExecution(record(space, `new${inserted}`, { Size: { type: 'Int', value: 1 } }, { startTime: T0 + 100 * SECOND }));
        inserted++;
      } while (token !== undefined);
      expect(seen.slice(0, 6)).toEqual(['r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('counts grouped by ExecutionStatus, with a query on custom attributes', async () => {
      const v = stores.visibility;
      const space = `ns-count-${target.name}`;
      const statuses = [WorkflowExecutionStatus.Running, WorkflowExecutionStatus.Completed, WorkflowExecutionStatus.Completed, WorkflowExecutionStatus.Failed];
      for (const [i, status] of statuses.entries()) {
        await v.upsertWorkflowExecution(record(space, `c${i}`, { Tags: { type: 'KeywordList', value: ['x', `t${i % 2}`] } }, { status, ...(status === WorkflowExecutionStatus.Running ? {} : { closeTime: T0 + SECOND }) }));
      }
      const query = parseVisibilityQuery("Tags = 'x' GROUP BY ExecutionStatus", { customAttributes: CUSTOM, allowGroupBy: true });
      expect(await v.countWorkflowExecutions({ namespaceId: space, filter: { query } })).toEqual({
        count: 4,
        groups: [
          { status: WorkflowExecutionStatus.Running, count: 1 },
          { status: WorkflowExecutionStatus.Completed, count: 2 },
          { status: WorkflowExecutionStatus.Failed, count: 1 },
        ],
      });
      const odd = parseVisibilityQuery("Tags = 't1'", { customAttributes: CUSTOM });
      expect(await v.countWorkflowExecutions({ namespaceId: space, filter: { query: odd }, groupByStatus: true })).toEqual({
        count: 2,
        groups: [
          { status: WorkflowExecutionStatus.Completed, count: 1 },
          { status: WorkflowExecutionStatus.Failed, count: 1 },
        ],
      });
    });

    it('concurrent registrations of the same names all succeed; of conflicting types, one type wins', async () => {
      const v = stores.visibility;
      const space = `ns-race-${target.name}`;
      await Promise.all(Array.from({ length: 8 }, () => v.addSearchAttributes!(space, { Region: 'Keyword', Size: 'Int' })));
      expect(await v.getSearchAttributes!(space)).toEqual({ Region: 'Keyword', Size: 'Int' });
      const types: SearchAttributeType[] = ['Keyword', 'Int', 'Bool', 'Text'];
      const outcomes = await Promise.allSettled(types.map((type) => v.addSearchAttributes!(space, { Contested: type })));
      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [types[i]] : []));
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(AlreadyExistsError);
      expect(winners).toHaveLength(1);
      expect((await v.getSearchAttributes!(space)).Contested).toBe(winners[0]);
    });

    it('registers, lists and removes custom search attributes per namespace', async () => {
      const v = stores.visibility;
      const space = `ns-registry-${target.name}`;
      await v.addSearchAttributes!(space, { Region: 'Keyword', Notes: 'Text' });
      await v.addSearchAttributes!(space, { Region: 'Keyword' });
      await expect(v.addSearchAttributes!(space, { Fresh: 'Int', Region: 'Int' })).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(v.addSearchAttributes!(space, { ExecutionStatus: 'Keyword' })).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
      await expect(v.addSearchAttributes!(space, { "x'; DROP TABLE visibility_search_attributes; --": 'Keyword' })).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
      await expect(v.addSearchAttributes!(space, { Odd: 'Float' as SearchAttributeType })).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
      expect(await v.getSearchAttributes!(space)).toEqual({ Region: 'Keyword', Notes: 'Text' });
      expect(await v.getSearchAttributes!(`${space}-other`)).toEqual({});
      await expect(v.removeSearchAttributes!(space, ['Region', 'Missing'])).rejects.toBeInstanceOf(NotFoundError);
      await v.removeSearchAttributes!(space, ['Region']);
      expect(await v.getSearchAttributes!(space)).toEqual({ Notes: 'Text' });
      const registered = new Map(Object.entries(await v.getSearchAttributes!(space)));
      expect(() => parseVisibilityQuery("Region = 'eu'", { customAttributes: registered })).toThrow(VisibilityQueryError);
    });
  });
}

/** A v1.1 database holding one run with attributes of every type, written as the v1.1 store wrote them. */
async function writeV11Run(connection: SqlConnection): Promise<SearchAttributes> {
  await setupSchema(connection.executor, { store: 'main' });
  await setupSchema(connection.executor, { store: 'visibility', targetVersion: '1.1' });
  const attributes: SearchAttributes = {
    Region: { type: 'Keyword', value: 'eu' },
    Size: { type: 'Int', value: 7 },
    Paid: { type: 'Bool', value: true },
    Price: { type: 'Double', value: 2.5 },
    Tags: { type: 'KeywordList', value: ['x', 'y'] },
    Notes: { type: 'Text', value: 'Legacy NOTES, here.' },
  };
  await sql`insert into executions_visibility (namespace_id, run_id, workflow_id, workflow_type_name, task_queue, status, start_time, execution_time,
    history_length, history_size_bytes, state_transition_count, search_attributes)
    values ('ns', 'old', 'wf', 'T', 'q', 1, ${T0}, ${T0}, 1, 1, 1, ${JSON.stringify(attributes)})`.execute(connection.db);
  return attributes;
}

async function expectUpgradedRunFound(stores: SqlPersistenceStores, attributes: SearchAttributes): Promise<void> {
  const custom = new Map<string, SearchAttributeType>([...CUSTOM, ['Paid', 'Bool'], ['Price', 'Double']]);
  const query = parseVisibilityQuery("Region = 'eu' AND Size = 7 AND Paid = true AND Price > 2 AND Tags = 'y' AND Notes = 'notes legacy'", { customAttributes: custom });
  const page = await stores.visibility.listWorkflowExecutions({ namespaceId: 'ns', pageSize: 10, filter: { query } });
  expect(page.items.map((r) => r.runId)).toEqual(['old']);
  expect(page.items[0]!.searchAttributes).toEqual(attributes);
}

describe('sqlite: upgrading visibility v1.1 to v1.2 indexes the attributes of existing runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hg-vis-upgrade-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds runs written under v1.1 by every attribute type', async () => {
    const filename = join(dir, 'upgrade.db');
    const connection = openSqlite({ filename });
    let attributes: SearchAttributes;
    try {
      attributes = await writeV11Run(connection);
    } finally {
      await connection.close();
    }
    const stores = await openSqlStores({ dialect: 'sqlite', filename, setupSchema: true });
    try {
      await expectUpgradedRunFound(stores, attributes);
    } finally {
      await stores.close();
    }
  });
});

for (const name of ['postgres-10.18', 'postgres-15']) {
  const file = `${RUN_DIR}${name}.json`;
  const run = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunFile) : undefined;
  describe.skipIf(run === undefined)(`${name}: upgrading visibility v1.1 to v1.2 indexes the attributes of existing runs`, () => {
    it('finds runs written under v1.1 by every attribute type', async () => {
      const database = `hg_sa_up_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await admin('postgres', run!, `create database ${database}`);
      try {
        const options = { host: run!.host, port: run!.port, user: run!.user, password: run!.password, database };
        const connection = await (await loadServerDialect('postgres'))(options);
        let attributes: SearchAttributes;
        try {
          attributes = await writeV11Run(connection);
        } finally {
          await connection.close();
        }
        const stores = await openSqlStores({ dialect: 'postgres', ...options, setupSchema: true });
        try {
          await expectUpgradedRunFound(stores, attributes);
        } finally {
          await stores.close();
        }
      } finally {
        await admin('postgres', run!, `drop database if exists ${database}`);
      }
    });
  });
}
