import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { WorkflowExecutionStatus, parseVisibilityQuery } from '@hourglass/core';
import type { SearchAttributeType, SearchAttributes, VisibilityRecord } from '@hourglass/core';
import { openSqlStores } from '../src/open.js';
import type { SqlPersistenceStores } from '../src/open.js';

/**
 * List-filter queries on the live PostgreSQL and MariaDB servers must select exactly the runs
 * SQLite (the reference translation) selects. Targets without a run file are skipped.
 */
const RUN_DIR = fileURLToPath(new URL('../../../conformance/servers/.run/', import.meta.url));

const CUSTOM = new Map<string, SearchAttributeType>([
  ['Color', 'Keyword'],
  ['Size', 'Int'],
  ['Price', 'Double'],
  ['Paid', 'Bool'],
  ['Due', 'Datetime'],
  ['Tags', 'KeywordList'],
  ['Notes', 'Text'],
  ['Odd "name".$[0]', 'Keyword'],
]);

const T0 = 1_700_000_000_000_000;
const SECOND = 1_000_000;
const namespaceId = 'ns-query';

const RUNS: Record<string, { status?: VisibilityRecord['status']; type?: string; start?: number; duration?: number; sa: SearchAttributes }> = {
  red: {
    sa: {
      Color: { type: 'Keyword', value: 'red' },
      Size: { type: 'Int', value: 10 },
      Price: { type: 'Double', value: 9.5 },
      Paid: { type: 'Bool', value: true },
      Due: { type: 'Datetime', value: T0 + 10 * SECOND },
      Tags: { type: 'KeywordList', value: ['urgent', 'gift'] },
      Notes: { type: 'Text', value: 'Deliver to the BACK door, please.' },
    },
  },
  blue: {
    status: WorkflowExecutionStatus.Completed,
    duration: 30 * SECOND,
    sa: {
      Color: { type: 'Keyword', value: 'Blue' },
      Size: { type: 'Int', value: 20 },
      Price: { type: 'Double', value: 20.25 },
      Paid: { type: 'Bool', value: false },
      Due: { type: 'Datetime', value: T0 + 20 * SECOND },
      Tags: { type: 'KeywordList', value: ['bulk', 'Gift'] },
      Notes: { type: 'Text', value: 'ÜBER-fast front door 注文 処理' },
    },
  },
  accent: { type: 'Refund', start: T0 + 5 * SECOND, sa: { Color: { type: 'Keyword', value: 'rédwood' }, Notes: { type: 'Text', value: 'combining e\u0301 café' }, 'Odd "name".$[0]': { type: 'Keyword', value: 'x' } } },
  mistyped: { type: 'Refund', status: WorkflowExecutionStatus.Failed, duration: 2 * SECOND, sa: { Size: { type: 'Keyword', value: '15' }, Color: { type: 'Int', value: 3 } } },
  bare: { sa: {} },
};

const QUERIES = [
  '',
  "Color = 'red'",
  "Color = 'blue'",
  "Color != 'red'",
  "NOT Color = 'red'",
  "Color IN ('red', 'Blue')",
  "Color NOT IN ('red')",
  "Color STARTS_WITH 'r'",
  "Color STARTS_WITH 'ré'",
  "Color NOT STARTS_WITH 'r'",
  "Color BETWEEN 'B' AND 'red'",
  "Color BETWEEN 'a' AND 'z'",
  "Color > 'red'",
  'Color IS NULL',
  'Color IS NOT NULL',
  'Size > 10',
  'Size >= 10',
  'Size IS NULL',
  'Price BETWEEN 9.5 AND 20',
  'Price > 20.1',
  'Paid = true',
  'Paid = false',
  'Paid != true',
  `Due > '${new Date((T0 + 15 * SECOND) / 1000).toISOString()}'`,
  "Tags = 'gift'",
  "Tags = 'Gift'",
  "Tags != 'gift'",
  "Tags IN ('bulk', 'gift')",
  "Tags NOT IN ('bulk', 'nothing')",
  'Tags IS NULL',
  "Notes = 'door'",
  "Notes = 'back DOOR'",
  "Notes = 'über'",
  "Notes = 'fast'",
  "Notes = '処理'",
  "Notes = 'e\u0301'",
  "Notes = 'e'",
  "Notes = 'CAFÉ'",
  "Notes != 'front'",
  "Notes = 'do'",
  "`Odd \"name\".$[0]` = 'x'",
  "WorkflowType = 'Refund'",
  "ExecutionStatus IN ('Completed', 'Failed')",
  "ExecutionDuration > '5s'",
  'CloseTime IS NOT NULL',
  "(Color = 'red' OR Color = 'Blue') AND Paid = false",
  "WorkflowType = 'Order' AND NOT (Color = 'red' OR Tags = 'bulk')",
  'NOT (Size > 10)',
];

function record(label: string): VisibilityRecord {
  const run = RUNS[label]!;
  const start = run.start ?? T0;
  return {
    namespaceId,
    workflowId: `wf-${label}`,
    runId: label,
    workflowTypeName: run.type ?? 'Order',
    taskQueue: 'q',
    status: run.status ?? WorkflowExecutionStatus.Running,
    startTime: start,
    executionTime: start,
    historyLength: 1,
    historySizeBytes: 1,
    stateTransitionCount: 1,
    searchAttributes: run.sa,
    ...(run.duration === undefined ? {} : { closeTime: start + run.duration, executionDuration: run.duration }),
  };
}

async function matching(stores: SqlPersistenceStores, text: string): Promise<string[]> {
  const query = parseVisibilityQuery(text, { customAttributes: CUSTOM });
  const page = await stores.visibility.listWorkflowExecutions({ namespaceId, pageSize: 100, filter: { query } });
  return page.items.map((r) => r.runId).sort();
}

async function load(stores: SqlPersistenceStores): Promise<void> {
  for (const label of Object.keys(RUNS)) await stores.visibility.upsertWorkflowExecution(record(label));
}

interface RunFile {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

const TARGETS = [
  { target: 'postgres-10.18', dialect: 'postgres' },
  { target: 'postgres-15', dialect: 'postgres' },
  { target: 'mariadb-10.11', dialect: 'mysql' },
] as const;

let reference: SqlPersistenceStores;
const expected = new Map<string, string[]>();

beforeAll(async () => {
  reference = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
  await load(reference);
  for (const text of QUERIES) expected.set(text, await matching(reference, text));
});
afterAll(async () => {
  await reference?.close();
});

async function adminQuery(dialect: 'postgres' | 'mysql', run: RunFile, statements: string[]): Promise<void> {
  if (dialect === 'postgres') {
    const client = new pg.Client({ host: run.host, port: run.port, user: run.user, password: run.password, database: run.database });
    await client.connect();
    try {
      for (const s of statements) await client.query(s);
    } finally {
      await client.end();
    }
  } else {
    const conn = await mysql.createConnection({ host: run.host, port: run.port, user: run.user, password: run.password });
    try {
      for (const s of statements) await conn.query(s);
    } finally {
      await conn.end();
    }
  }
}

for (const { target, dialect } of TARGETS) {
  const file = `${RUN_DIR}${target}.json`;
  const run = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunFile) : undefined;
  describe.skipIf(run === undefined)(`${target}: list-filter queries select what SQLite selects`, () => {
    const database = `hg_query_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    let stores: SqlPersistenceStores;

    beforeAll(async () => {
      await adminQuery(dialect, run!, [`create database ${database}`]);
      stores = await openSqlStores({ dialect, host: run!.host, port: run!.port, user: run!.user, password: run!.password, database, setupSchema: true });
      await load(stores);
    });
    afterAll(async () => {
      await stores?.close();
      await adminQuery(dialect, run!, [`drop database if exists ${database}`]);
    });

    it.each(QUERIES)('%s', async (text) => {
      expect(await matching(stores, text)).toEqual(expected.get(text));
    });
  });
}
