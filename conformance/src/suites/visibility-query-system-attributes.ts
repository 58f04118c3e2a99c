import { WorkflowExecutionStatus } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { SECOND, T0, closedFields, datetime, expectMatches, queryCases, quote, seed } from './visibility-query-fixtures.js';
import type { Seeds } from './visibility-query-fixtures.js';

const PARENT_RUN_ID = '5d4b0a6e-0f5c-4c1e-9d4e-7c1f3a9b2e10';

/**
 * Four runs that differ in every system attribute: one open child, three closed runs of two
 * workflow types with different durations, history sizes and build ids.
 */
const SYSTEM_RUNS: Seeds = {
  p: {
    workflowId: 'order-1',
    workflowTypeName: 'OrderWorkflow',
    taskQueue: 'orders',
    startTime: T0,
    executionTime: T0 + 5 * SECOND,
    historyLength: 2,
    historySizeBytes: 512,
    stateTransitionCount: 1,
    parentWorkflowId: 'parent-1',
    parentRunId: PARENT_RUN_ID,
    rootWorkflowId: 'root-1',
  },
  q: {
    workflowId: 'order-2',
    workflowTypeName: 'OrderWorkflow',
    taskQueue: 'orders',
    ...closedFields(T0 + SECOND, WorkflowExecutionStatus.Completed, 10 * SECOND),
    historyLength: 7,
    historySizeBytes: 2048,
    stateTransitionCount: 5,
    rootWorkflowId: 'root-1',
  },
  r: {
    workflowId: 'refund-1',
    workflowTypeName: 'RefundWorkflow',
    taskQueue: 'refunds',
    ...closedFields(T0 + 2 * SECOND, WorkflowExecutionStatus.Failed, 90 * SECOND),
    historyLength: 12,
    historySizeBytes: 4096,
    stateTransitionCount: 9,
    searchAttributes: { BuildIds: { type: 'KeywordList', value: ['b1', 'b2'] } },
  },
  s: {
    workflowId: 'refund-2',
    workflowTypeName: 'RefundWorkflow',
    taskQueue: 'refunds',
    ...closedFields(T0 + 3 * SECOND, WorkflowExecutionStatus.TimedOut, SECOND),
    historyLength: 7,
    historySizeBytes: 512,
    stateTransitionCount: 4,
    searchAttributes: { BuildIds: { type: 'KeywordList', value: ['b2'] } },
  },
};

export function visibilityQuerySystemAttributesSuite(cell: Cell): void {
  queryCases(cell, 'WorkflowId, WorkflowType, TaskQueue', SYSTEM_RUNS, [
    ["WorkflowId = 'order-2'", ['q']],
    ["WorkflowId STARTS_WITH 'refund-'", ['r', 's']],
    ["WorkflowId IN ('order-1', 'refund-2')", ['p', 's']],
    ["WorkflowId > 'order-2'", ['r', 's']],
    ["WorkflowType = 'RefundWorkflow'", ['r', 's']],
    ["WorkflowType != 'RefundWorkflow'", ['p', 'q']],
    ["TaskQueue = 'orders'", ['p', 'q']],
  ]);

  queryCases(cell, 'ExecutionStatus', SYSTEM_RUNS, [
    ["ExecutionStatus = 'Running'", ['p']],
    ["ExecutionStatus != 'Running'", ['q', 'r', 's']],
    ["ExecutionStatus IN ('Failed', 'TimedOut')", ['r', 's']],
    ["ExecutionStatus NOT IN ('Running', 'Failed')", ['q', 's']],
    ["ExecutionStatus = 'WORKFLOW_EXECUTION_STATUS_COMPLETED'", ['q']],
  ]);

  queryCases(cell, 'StartTime, CloseTime, ExecutionTime', SYSTEM_RUNS, [
    [`StartTime >= ${datetime(T0 + SECOND)}`, ['q', 'r', 's']],
    [`StartTime < ${datetime(T0 + SECOND)}`, ['p']],
    [`StartTime BETWEEN ${datetime(T0 + SECOND)} AND ${datetime(T0 + 2 * SECOND)}`, ['q', 'r']],
    ['CloseTime IS NULL', ['p']],
    ['CloseTime IS NOT NULL', ['q', 'r', 's']],
    [`CloseTime > ${datetime(T0 + 12 * SECOND)}`, ['r']],
    [`CloseTime <= ${datetime(T0 + 11 * SECOND)}`, ['q', 's']],
    [`ExecutionTime = ${datetime(T0 + 5 * SECOND)}`, ['p']],
    [`ExecutionTime < ${datetime(T0 + 2 * SECOND)}`, ['q']],
  ]);

  queryCases(cell, 'ExecutionDuration', SYSTEM_RUNS, [
    ["ExecutionDuration > '1m'", ['r']],
    ["ExecutionDuration = '10s'", ['q']],
    ['ExecutionDuration < 5000000000', ['s']],
    ['ExecutionDuration IS NULL', ['p']],
  ]);

  queryCases(cell, 'history counters', SYSTEM_RUNS, [
    ['HistoryLength = 7', ['q', 's']],
    ['HistoryLength > 7', ['r']],
    ['HistoryLength BETWEEN 2 AND 7', ['p', 'q', 's']],
    ['HistorySizeBytes >= 2048', ['q', 'r']],
    ['StateTransitionCount < 5', ['p', 's']],
  ]);

  queryCases(cell, 'parent, root and build ids', SYSTEM_RUNS, [
    ["ParentWorkflowId = 'parent-1'", ['p']],
    ['ParentWorkflowId IS NULL', ['q', 'r', 's']],
    [`ParentRunId = ${quote(PARENT_RUN_ID)}`, ['p']],
    ["RootWorkflowId = 'root-1'", ['p', 'q']],
    ["BuildIds = 'b2'", ['r', 's']],
    ["BuildIds IN ('b1')", ['r']],
    ['BuildIds IS NULL', ['p', 'q']],
  ]);

  cell.visibilityTest('visibility query: RunId selects exactly one run', async (v) => {
    const world = await seed(v, SYSTEM_RUNS);
    const runId = world.records.get('q')!.runId;
    await expectMatches(v, world, `RunId = ${quote(runId)}`, ['q']);
    await expectMatches(v, world, `RunId != ${quote(runId)}`, ['p', 'r', 's']);
  });
}
