import { ConditionFailedError, CurrentWorkflowConditionFailedError, ShardOwnershipLostError, WorkflowConditionFailedError, WorkflowState } from '@hourglass/core';
import type { PersistenceError, WorkflowKey } from '@hourglass/core';
import type { Row } from '../session.js';
import { num } from '../values.js';
import { currentRunOf } from './execution-rows.js';
import { storedRangeId } from './shard.js';
import { RowType } from './shard-rows.js';

/**
 * One condition of a fenced batch, described so that a not-applied result can be explained.
 * Cassandra answers a failed conditional batch with the current state of every existing row
 * that carried a condition; a row it does not return does not exist.
 */
export interface Expectation {
  /** Which returned row this expectation is about. */
  matches(row: Row): boolean;
  /** Whether the row's current state (undefined: absent) satisfies the condition. */
  holds(row: Row | undefined): boolean;
  error(row: Row | undefined): PersistenceError;
}

const rowType = (row: Row): number => row.get('row_type') as number;
const isRun = (row: Row, key: WorkflowKey) =>
  rowType(row) === RowType.Execution && row.get('namespace_id') === key.namespaceId && row.get('workflow_id') === key.workflowId && row.get('run_id') === key.runId;
const isCurrentOf = (row: Row, key: { namespaceId: string; workflowId: string }) =>
  rowType(row) === RowType.Current && row.get('namespace_id') === key.namespaceId && row.get('workflow_id') === key.workflowId;
const runIdOf = (row: Row | undefined) => (row?.get('current_run_id') as string | null | undefined) ?? undefined;
const currentOrUndefined = (row: Row | undefined) => (row === undefined || runIdOf(row) === undefined ? undefined : currentRunOf(row));

export function shardOwned(shardId: number, rangeId: number): Expectation {
  return {
    matches: (row) => rowType(row) === RowType.Shard,
    holds: (row) => storedRangeId(row) === rangeId,
    error: (row) => new ShardOwnershipLostError(shardId, rangeId, storedRangeId(row)),
  };
}

export function runAbsent(key: WorkflowKey): Expectation {
  return {
    matches: (row) => isRun(row, key),
    holds: (row) => row === undefined,
    error: (row) => new WorkflowConditionFailedError(`run ${key.runId} already exists`, 0, row === undefined ? undefined : num(row.get('db_record_version'))),
  };
}

export function runAtVersion(key: WorkflowKey, expected: number): Expectation {
  const actual = (row: Row | undefined) => (row === undefined ? undefined : num(row.get('db_record_version')));
  return {
    matches: (row) => isRun(row, key),
    holds: (row) => actual(row) === expected,
    error: (row) => new WorkflowConditionFailedError(`run ${key.runId} is not at dbRecordVersion ${expected} (store has ${actual(row) ?? 'no run'})`, expected, actual(row)),
  };
}

export function noCurrentRun(key: WorkflowKey): Expectation {
  return {
    matches: (row) => isCurrentOf(row, key),
    holds: (row) => runIdOf(row) === undefined,
    error: (row) => new CurrentWorkflowConditionFailedError(`workflow ${key.workflowId} already has a current run`, currentOrUndefined(row)),
  };
}

export function currentIs(key: WorkflowKey): Expectation {
  return {
    matches: (row) => isCurrentOf(row, key),
    holds: (row) => runIdOf(row) === key.runId,
    error: (row) => new CurrentWorkflowConditionFailedError(`run ${key.runId} is not current`, currentOrUndefined(row)),
  };
}

export function currentIsNot(key: WorkflowKey): Expectation {
  return {
    matches: (row) => isCurrentOf(row, key),
    holds: (row) => runIdOf(row) !== key.runId,
    error: (row) => new CurrentWorkflowConditionFailedError(`run ${key.runId} is current`, currentOrUndefined(row)),
  };
}

export function currentIsClosedRun(key: { namespaceId: string; workflowId: string }, runId: string, lastWriteVersion: number): Expectation {
  return {
    matches: (row) => isCurrentOf(row, key),
    holds: (row) => row !== undefined && runIdOf(row) === runId && num(row.get('last_write_version')) === lastWriteVersion && row.get('state') === WorkflowState.Completed,
    error: (row) => new CurrentWorkflowConditionFailedError('current run is not the expected closed run', currentOrUndefined(row)),
  };
}

/** The first expectation, in the caller's precedence order, that the returned rows violate. */
export function explainNotApplied(expectations: readonly Expectation[], rows: readonly Row[], operation: string): PersistenceError {
  for (const expectation of expectations) {
    const row = rows.find((r) => expectation.matches(r));
    if (!expectation.holds(row)) return expectation.error(row);
  }
  return new ConditionFailedError(`${operation}: the conditional write was not applied, but every condition holds on the returned rows`);
}
