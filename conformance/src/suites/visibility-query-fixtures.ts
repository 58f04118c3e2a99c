import { expect } from 'vitest';
import { WorkflowExecutionStatus, parseVisibilityQuery, toRfc3339Micros } from '@hourglass/core';
import type { ParseVisibilityQueryOptions, SearchAttributeType, VisibilityFilter, VisibilityQuery, VisibilityRecord, VisibilityStore } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { MICROS_INSTANT, readAllPages, uid } from '../fixtures.js';
import { openRecord } from './visibility.js';

export const SECOND = 1_000_000;

/** The instant the seeded runs cluster around; its microsecond part is not zero (…:00.123457Z). */
export const T0 = MICROS_INSTANT;

/** What NOW() stands for in every parsed query, so relative times are reproducible. */
export const QUERY_NOW = T0 + 3600 * SECOND;

/**
 * The custom attributes every seeded namespace declares, one per type. Operator and type cases
 * parse against this catalogue directly, so they test query evaluation even on a store that does
 * not implement the optional registration methods; the custom-attribute cases use the store's own.
 */
export const CUSTOM_ATTRIBUTES: ReadonlyMap<string, SearchAttributeType> = new Map<string, SearchAttributeType>([
  ['CustomKeywordField', 'Keyword'],
  ['CustomTextField', 'Text'],
  ['CustomIntField', 'Int'],
  ['CustomDoubleField', 'Double'],
  ['CustomBoolField', 'Bool'],
  ['CustomDatetimeField', 'Datetime'],
  ['CustomKeywordListField', 'KeywordList'],
]);

export function parse(text: string, options: ParseVisibilityQueryOptions = {}): VisibilityQuery {
  return parseVisibilityQuery(text, { customAttributes: CUSTOM_ATTRIBUTES, now: QUERY_NOW, ...options });
}

/** A single-quoted query literal holding exactly `value`: backslashes and quotes escaped. */
export function quote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** A Datetime literal with all six fractional digits. */
export function datetime(micros: number): string {
  return quote(toRfc3339Micros(micros));
}

/** The fields that make a run closed `closeAfter` microseconds after `startTime`. */
export function closedFields(startTime: number, status: VisibilityRecord['status'], closeAfter: number): Partial<VisibilityRecord> {
  return { startTime, executionTime: startTime, status, closeTime: startTime + closeAfter, executionDuration: closeAfter };
}

/** Runs by label; each label becomes the run's workflow id unless the seed sets one. */
export type Seeds = Readonly<Record<string, Partial<VisibilityRecord>>>;

export interface SeededNamespace {
  readonly namespaceId: string;
  readonly records: ReadonlyMap<string, VisibilityRecord>;
  labelOf(runId: string): string;
}

/**
 * Writes the runs into a fresh namespace: open ones as starts, closed ones as closes. The runs
 * are independent, so they are written at once: a search store that waits for a refresh per
 * write batches them into one request instead of waiting once per run.
 */
export async function seed(v: VisibilityStore, seeds: Seeds): Promise<SeededNamespace> {
  const namespaceId = uid();
  const records = new Map<string, VisibilityRecord>();
  const labels = new Map<string, string>();
  for (const [label, overrides] of Object.entries(seeds)) {
    const record = openRecord(namespaceId, { workflowId: label, ...overrides });
    records.set(label, record);
    labels.set(record.runId, label);
  }
  await Promise.all(
    [...records.values()].map((record) =>
      record.status === WorkflowExecutionStatus.Running ? v.recordWorkflowExecutionStarted(record) : v.recordWorkflowExecutionClosed(record),
    ),
  );
  return {
    namespaceId,
    records,
    labelOf: (runId) => {
      const label = labels.get(runId);
      if (label === undefined) throw new Error(`the store returned run ${runId}, which this case never wrote`);
      return label;
    },
  };
}

/** Every run the query lists, page by page, as labels in the order the store returned them. */
export async function listLabels(v: VisibilityStore, world: SeededNamespace, filter: VisibilityFilter, pageSize = 100): Promise<string[]> {
  const { items } = await readAllPages((page) => v.listWorkflowExecutions({ ...page, namespaceId: world.namespaceId, filter }), pageSize);
  return items.map((r) => world.labelOf(r.runId));
}

export async function matching(v: VisibilityStore, world: SeededNamespace, text: string, options: ParseVisibilityQueryOptions = {}): Promise<string[]> {
  return (await listLabels(v, world, { query: parse(text, options) })).sort();
}

export async function expectMatches(v: VisibilityStore, world: SeededNamespace, text: string, expected: readonly string[], options: ParseVisibilityQueryOptions = {}): Promise<void> {
  expect(await matching(v, world, text, options), `runs listed for: ${text}`).toEqual([...expected].sort());
}

/** A query and the labels of exactly the runs it must list. */
export type QueryExpectation = readonly [query: string, expected: readonly string[]];

/**
 * One case per query, each seeding its own namespace with `seeds`. An empty expectation would
 * also pass on a store that lists nothing for every query, so tables may not hold one; such
 * queries belong in a case that also checks a query that does match.
 */
export function queryCases(cell: Cell, topic: string, seeds: Seeds, table: readonly QueryExpectation[]): void {
  for (const [query, expected] of table) {
    if (expected.length === 0) throw new Error(`${topic}: the expectation for ${query} is empty; pair it with a matching query in its own case`);
    cell.visibilityTest(`visibility query: ${topic}: ${query} lists ${expected.join(', ')}`, async (v) => {
      const world = await seed(v, seeds);
      await expectMatches(v, world, query, expected);
    });
  }
}
