import { describe, expect, it } from 'vitest';
import { ConditionFailedError, CurrentWorkflowConditionFailedError, ShardOwnershipLostError, WorkflowConditionFailedError, WorkflowState } from '@hourglass/core';
import type { Row } from '../src/session.js';
import { currentIs, currentIsClosedRun, currentIsNot, explainNotApplied, noCurrentRun, runAbsent, runAtVersion, shardOwned } from '../src/stores/execution-conditions.js';
import { RowType } from '../src/stores/shard-rows.js';

/** A row as a not-applied conditional batch returns it: its key columns and current values. */
function row(values: Record<string, unknown>): Row {
  return { get: (name: string) => (name in values ? values[name] : null), keys: () => ['[applied]', ...Object.keys(values)] } as unknown as Row;
}

const key = { namespaceId: 'ns', workflowId: 'wf', runId: 'run-1' };
const shardRow = (rangeId: number) => row({ row_type: RowType.Shard, range_id: rangeId });
const runRow = (runId: string, dbRecordVersion: number) => row({ row_type: RowType.Execution, namespace_id: 'ns', workflow_id: 'wf', run_id: runId, db_record_version: dbRecordVersion });
const currentRow = (runId: string, extra: Record<string, unknown> = {}) =>
  row({ row_type: RowType.Current, namespace_id: 'ns', workflow_id: 'wf', run_id: '', current_run_id: runId, create_request_id: 'req', state: WorkflowState.Running, status: 1, last_write_version: 4, start_version: 2, ...extra });

describe('explaining a conditional batch that was not applied', () => {
  it('blames the shard first: a moved rangeId is ShardOwnershipLost with both range ids', () => {
    const err = explainNotApplied([shardOwned(7, 3), runAtVersion(key, 1)], [shardRow(4), runRow('run-1', 5)], 'update');
    expect(err).toBeInstanceOf(ShardOwnershipLostError);
    expect(err).toMatchObject({ shardId: 7, expectedRangeId: 3, actualRangeId: 4 });
  });

  it('treats a shard row the batch did not return as absent', () => {
    const err = explainNotApplied([shardOwned(7, 3)], [], 'update');
    expect(err).toMatchObject({ code: 'SHARD_OWNERSHIP_LOST', actualRangeId: undefined });
  });

  it('reports a stale dbRecordVersion as WorkflowConditionFailed with both versions', () => {
    const err = explainNotApplied([shardOwned(7, 3), runAtVersion(key, 1)], [shardRow(3), runRow('run-1', 2)], 'update');
    expect(err).toBeInstanceOf(WorkflowConditionFailedError);
    expect(err).toMatchObject({ expectedDbRecordVersion: 1, actualDbRecordVersion: 2 });
  });

  it('reports a missing run as WorkflowConditionFailed with no actual version', () => {
    const err = explainNotApplied([shardOwned(7, 3), runAtVersion(key, 1)], [shardRow(3)], 'update');
    expect(err).toMatchObject({ code: 'WORKFLOW_CONDITION_FAILED', actualDbRecordVersion: undefined });
  });

  it('reports an existing run id on create as WorkflowConditionFailed', () => {
    const err = explainNotApplied([shardOwned(7, 3), runAbsent(key)], [shardRow(3), runRow('run-1', 9)], 'create');
    expect(err).toMatchObject({ code: 'WORKFLOW_CONDITION_FAILED', actualDbRecordVersion: 9 });
  });

  it('carries the current run in CurrentWorkflowConditionFailed when a brand-new create finds one', () => {
    const err = explainNotApplied([shardOwned(7, 3), noCurrentRun(key), runAbsent(key)], [shardRow(3), currentRow('run-0')], 'create');
    expect(err).toBeInstanceOf(CurrentWorkflowConditionFailedError);
    expect((err as CurrentWorkflowConditionFailedError).current).toEqual({ runId: 'run-0', createRequestId: 'req', state: WorkflowState.Running, status: 1, lastWriteVersion: 4, startVersion: 2 });
  });

  it('attaches no current run when the current row is absent', () => {
    const err = explainNotApplied([shardOwned(7, 3), currentIsClosedRun(key, 'run-0', 4)], [shardRow(3)], 'create');
    expect(err).toBeInstanceOf(CurrentWorkflowConditionFailedError);
    expect((err as CurrentWorkflowConditionFailedError).current).toBeUndefined();
  });

  it('fails update-current on another current run and bypass-current on this one', () => {
    expect(explainNotApplied([currentIs(key)], [currentRow('run-0')], 'update')).toMatchObject({ code: 'CURRENT_WORKFLOW_CONDITION_FAILED', runId: 'run-0' });
    expect(explainNotApplied([currentIsNot(key)], [currentRow('run-1')], 'update')).toMatchObject({ code: 'CURRENT_WORKFLOW_CONDITION_FAILED', runId: 'run-1' });
  });

  it('requires the previous run to be closed at the given lastWriteVersion', () => {
    expect(explainNotApplied([currentIsClosedRun(key, 'run-0', 4)], [currentRow('run-0')], 'create')).toBeInstanceOf(CurrentWorkflowConditionFailedError);
    const closed = currentRow('run-0', { state: WorkflowState.Completed });
    expect(explainNotApplied([currentIsClosedRun(key, 'run-0', 5), runAbsent(key)], [closed], 'create')).toBeInstanceOf(CurrentWorkflowConditionFailedError);
  });

  it('ignores rows of other runs and workflows when matching', () => {
    const other = row({ row_type: RowType.Execution, namespace_id: 'ns', workflow_id: 'other', run_id: 'run-1', db_record_version: 99 });
    expect(explainNotApplied([runAtVersion(key, 1)], [other, runRow('run-1', 1)], 'update')).toBeInstanceOf(ConditionFailedError);
  });

  it('never explains a failure as success: conditions that all hold give ConditionFailed', () => {
    const err = explainNotApplied([shardOwned(7, 3), runAtVersion(key, 1), currentIs(key)], [shardRow(3), runRow('run-1', 1), currentRow('run-1')], 'update');
    expect(err).toBeInstanceOf(ConditionFailedError);
  });
});
