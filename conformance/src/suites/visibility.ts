import { expect } from 'vitest';
import { NotFoundError, WorkflowExecutionStatus } from '@hourglass/core';
import type { SearchAttributes, VisibilityRecord, VisibilityStore } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { MICROS_INSTANT, expectBlob, readAllPages, rejectsWith, textBlob, uid } from '../fixtures.js';

const SECOND = 1_000_000;

export function openRecord(namespaceId: string, overrides: Partial<VisibilityRecord> = {}): VisibilityRecord {
  return {
    namespaceId,
    workflowId: `wf-${uid()}`,
    runId: uid(),
    workflowTypeName: 'OrderWorkflow',
    taskQueue: 'orders',
    status: WorkflowExecutionStatus.Running,
    startTime: MICROS_INSTANT,
    executionTime: MICROS_INSTANT,
    historyLength: 2,
    historySizeBytes: 512,
    stateTransitionCount: 1,
    searchAttributes: {},
    ...overrides,
  };
}

export function closedRecord(record: VisibilityRecord, status: VisibilityRecord['status'] = WorkflowExecutionStatus.Completed, closeAfter = 10 * SECOND): VisibilityRecord {
  return { ...record, status, closeTime: record.startTime + closeAfter, executionDuration: closeAfter, historyLength: record.historyLength + 5 };
}

function expectRecord(actual: VisibilityRecord, expected: VisibilityRecord): void {
  const { memo: actualMemo, searchAttributes: actualSa, ...actualRest } = actual;
  const { memo: expectedMemo, searchAttributes: expectedSa, ...expectedRest } = expected;
  expect(actualRest).toEqual(expectedRest);
  expect(actualSa).toEqual(expectedSa);
  if (expectedMemo === undefined) expect(actualMemo).toBeUndefined();
  else expectBlob(actualMemo, expectedMemo, 'memo');
}

async function listAll(v: VisibilityStore, namespaceId: string, filter: Parameters<VisibilityStore['listWorkflowExecutions']>[0]['filter'] = {}, pageSize = 100): Promise<VisibilityRecord[]> {
  return (await readAllPages((p) => v.listWorkflowExecutions({ ...p, namespaceId, filter }), pageSize)).items;
}

const ALL_TYPES: SearchAttributes = {
  CustomKeywordField: { type: 'Keyword', value: 'keyword-ü' },
  CustomTextField: { type: 'Text', value: 'free text with words' },
  CustomIntField: { type: 'Int', value: 2 ** 40 + 7 },
  CustomDoubleField: { type: 'Double', value: -1234.5625 },
  CustomBoolField: { type: 'Bool', value: true },
  CustomDatetimeField: { type: 'Datetime', value: MICROS_INSTANT + 1 },
  CustomKeywordListField: { type: 'KeywordList', value: ['alpha', 'beta', 'gamma'] },
};

export function visibilitySuite(cell: Cell): void {
  cell.visibilityTest('visibility: a started run reads back field for field', async (v) => {
    const record = openRecord(uid(), { memo: textBlob('memo'), parentWorkflowId: 'parent-wf', parentRunId: uid(), rootWorkflowId: 'root-wf', rootRunId: uid() });
    await v.recordWorkflowExecutionStarted(record);
    expectRecord(await v.getWorkflowExecution(record.namespaceId, record.runId), record);
  });

  cell.visibilityTest('visibility: recording the same start twice leaves one record', async (v) => {
    const record = openRecord(uid());
    await v.recordWorkflowExecutionStarted(record);
    await v.recordWorkflowExecutionStarted(record);
    expect((await listAll(v, record.namespaceId)).map((r) => r.runId)).toEqual([record.runId]);
  });

  cell.visibilityTest('visibility: recording the close replaces the open record', async (v) => {
    const record = openRecord(uid());
    await v.recordWorkflowExecutionStarted(record);
    const closed = closedRecord(record, WorkflowExecutionStatus.Failed);
    await v.recordWorkflowExecutionClosed(closed);
    expectRecord(await v.getWorkflowExecution(record.namespaceId, record.runId), closed);
    expect(await listAll(v, record.namespaceId)).toHaveLength(1);
  });

  cell.visibilityTest('visibility: a close recorded without a start is stored', async (v) => {
    const closed = closedRecord(openRecord(uid()));
    await v.recordWorkflowExecutionClosed(closed);
    expectRecord(await v.getWorkflowExecution(closed.namespaceId, closed.runId), closed);
  });

  cell.visibilityTest('visibility: upsert replaces the record, search attributes included', async (v) => {
    const record = openRecord(uid(), { searchAttributes: { CustomKeywordField: { type: 'Keyword', value: 'old' }, CustomIntField: { type: 'Int', value: 1 } } });
    await v.recordWorkflowExecutionStarted(record);
    const upserted = { ...record, historyLength: 9, searchAttributes: { CustomKeywordField: { type: 'Keyword', value: 'new' } } } satisfies VisibilityRecord;
    await v.upsertWorkflowExecution(upserted);
    expectRecord(await v.getWorkflowExecution(record.namespaceId, record.runId), upserted);
  });

  cell.visibilityTest('visibility: search attributes of all seven types round-trip', async (v) => {
    const record = openRecord(uid(), { searchAttributes: ALL_TYPES });
    await v.recordWorkflowExecutionStarted(record);
    expect((await v.getWorkflowExecution(record.namespaceId, record.runId)).searchAttributes).toEqual(ALL_TYPES);
  });

  cell.visibilityTest('visibility: delete removes the record', async (v) => {
    const record = openRecord(uid());
    await v.recordWorkflowExecutionStarted(record);
    await v.deleteWorkflowExecution(record.namespaceId, record.runId);
    await rejectsWith(v.getWorkflowExecution(record.namespaceId, record.runId), NotFoundError);
    expect(await listAll(v, record.namespaceId)).toEqual([]);
  });

  cell.visibilityTest('visibility: get of an unknown run fails with NotFound', async (v) => {
    await rejectsWith(v.getWorkflowExecution(uid(), uid()), NotFoundError);
  });

  cell.visibilityTest('visibility: a run is only visible in its own namespace', async (v) => {
    const record = openRecord(uid());
    await v.recordWorkflowExecutionStarted(record);
    await rejectsWith(v.getWorkflowExecution(uid(), record.runId), NotFoundError);
    expect(await listAll(v, uid())).toEqual([]);
  });

  cell.visibilityTest('visibility: list orders open runs first, then start time newest first, then run id; paging keeps that order', async (v) => {
    const ns = uid();
    const at = (seconds: number) => MICROS_INSTANT + seconds * SECOND;
    const openOld = openRecord(ns, { startTime: at(1) });
    const openNew = openRecord(ns, { startTime: at(3) });
    const closedOld = closedRecord(openRecord(ns, { startTime: at(2) }));
    const closedNew = closedRecord(openRecord(ns, { startTime: at(4) }));
    const [tieA, tieB] = [uid(), uid()].map((runId) => closedRecord(openRecord(ns, { startTime: at(5), runId })));
    const all = [closedOld, openNew, tieB!, openOld, closedNew, tieA!];
    for (const r of all) {
      if (r.closeTime === undefined) await v.recordWorkflowExecutionStarted(r);
      else await v.recordWorkflowExecutionClosed(r);
    }
    const ties = [tieA!, tieB!].sort((x, y) => (x.runId < y.runId ? -1 : 1));
    const expected = [openNew, openOld, ...ties, closedNew, closedOld].map((r) => r.runId);
    expect((await listAll(v, ns)).map((r) => r.runId)).toEqual(expected);
    const { items, pages } = await readAllPages((p) => v.listWorkflowExecutions({ ...p, namespaceId: ns }), 4);
    expect(items.map((r) => r.runId)).toEqual(expected);
    expect(pages).toBeGreaterThanOrEqual(2);
  });

  cell.visibilityTest('visibility: list filters by status, workflow type and workflow id', async (v) => {
    const ns = uid();
    const running = openRecord(ns, { workflowTypeName: 'A' });
    const completed = closedRecord(openRecord(ns, { workflowTypeName: 'B' }));
    const failed = closedRecord(openRecord(ns, { workflowTypeName: 'B' }), WorkflowExecutionStatus.Failed);
    await v.recordWorkflowExecutionStarted(running);
    await v.recordWorkflowExecutionClosed(completed);
    await v.recordWorkflowExecutionClosed(failed);
    const ids = async (filter: Parameters<typeof listAll>[2]) => (await listAll(v, ns, filter)).map((r) => r.runId).sort();
    expect(await ids({ statuses: [WorkflowExecutionStatus.Running] })).toEqual([running.runId]);
    expect(await ids({ statuses: [WorkflowExecutionStatus.Completed, WorkflowExecutionStatus.Failed] })).toEqual([completed.runId, failed.runId].sort());
    expect(await ids({ workflowTypeName: 'B' })).toEqual([completed.runId, failed.runId].sort());
    expect(await ids({ workflowId: failed.workflowId })).toEqual([failed.runId]);
    expect(await ids({ workflowTypeName: 'B', statuses: [WorkflowExecutionStatus.Failed] })).toEqual([failed.runId]);
    expect(await ids({ workflowTypeName: 'A', statuses: [WorkflowExecutionStatus.Failed] })).toEqual([]);
  });

  cell.visibilityTest('visibility: start-time range is inclusive below and exclusive above', async (v) => {
    const ns = uid();
    const records = [0, 1, 2, 3].map((i) => openRecord(ns, { startTime: MICROS_INSTANT + i }));
    for (const r of records) await v.recordWorkflowExecutionStarted(r);
    const found = await listAll(v, ns, { startTimeFrom: MICROS_INSTANT + 1, startTimeTo: MICROS_INSTANT + 3 });
    expect(found.map((r) => r.startTime).sort()).toEqual([MICROS_INSTANT + 1, MICROS_INSTANT + 2]);
  });

  cell.visibilityTest('visibility: close-time range keeps closed runs inside it only', async (v) => {
    const ns = uid();
    const base = openRecord(ns);
    const early = closedRecord({ ...base, runId: uid() }, WorkflowExecutionStatus.Completed, 1 * SECOND);
    const middle = closedRecord({ ...base, runId: uid() }, WorkflowExecutionStatus.Completed, 2 * SECOND);
    const late = closedRecord({ ...base, runId: uid() }, WorkflowExecutionStatus.Completed, 3 * SECOND);
    for (const r of [early, middle, late]) await v.recordWorkflowExecutionClosed(r);
    await v.recordWorkflowExecutionStarted({ ...base, runId: uid() });
    const found = await listAll(v, ns, { closeTimeFrom: middle.closeTime!, closeTimeTo: late.closeTime! });
    expect(found.map((r) => r.runId)).toEqual([middle.runId]);
  });

  cell.visibilityTest('visibility: count and count grouped by status', async (v) => {
    const ns = uid();
    await v.recordWorkflowExecutionStarted(openRecord(ns));
    await v.recordWorkflowExecutionStarted(openRecord(ns));
    await v.recordWorkflowExecutionClosed(closedRecord(openRecord(ns)));
    await v.recordWorkflowExecutionClosed(closedRecord(openRecord(ns), WorkflowExecutionStatus.TimedOut));
    await v.recordWorkflowExecutionClosed(closedRecord(openRecord(ns, { workflowTypeName: 'Other' }), WorkflowExecutionStatus.TimedOut));
    expect((await v.countWorkflowExecutions({ namespaceId: ns })).count).toBe(5);
    expect((await v.countWorkflowExecutions({ namespaceId: ns, filter: { statuses: [WorkflowExecutionStatus.TimedOut] } })).count).toBe(2);
    const grouped = await v.countWorkflowExecutions({ namespaceId: ns, groupByStatus: true });
    expect(grouped.count).toBe(5);
    expect([...(grouped.groups ?? [])].sort((a, b) => a.status - b.status)).toEqual([
      { status: WorkflowExecutionStatus.Running, count: 2 },
      { status: WorkflowExecutionStatus.Completed, count: 1 },
      { status: WorkflowExecutionStatus.TimedOut, count: 2 },
    ]);
    const filtered = await v.countWorkflowExecutions({ namespaceId: ns, groupByStatus: true, filter: { workflowTypeName: 'OrderWorkflow' } });
    expect([...(filtered.groups ?? [])].sort((a, b) => a.status - b.status)).toEqual([
      { status: WorkflowExecutionStatus.Running, count: 2 },
      { status: WorkflowExecutionStatus.Completed, count: 1 },
      { status: WorkflowExecutionStatus.TimedOut, count: 1 },
    ]);
  });

  cell.visibilityTest('visibility: times round-trip to the microsecond', async (v) => {
    const record = closedRecord(openRecord(uid(), { startTime: MICROS_INSTANT + 1, executionTime: MICROS_INSTANT + 999 }), WorkflowExecutionStatus.Completed, 1_000_001);
    await v.recordWorkflowExecutionClosed(record);
    const read = await v.getWorkflowExecution(record.namespaceId, record.runId);
    expect([read.startTime, read.executionTime, read.closeTime, read.executionDuration]).toEqual([MICROS_INSTANT + 1, MICROS_INSTANT + 999, MICROS_INSTANT + 1_000_002, 1_000_001]);
  });

  cell.visibilityTest('visibility: Unicode workflow ids and type names round-trip and filter exactly', async (v) => {
    const ns = uid();
    const record = openRecord(ns, { workflowId: `注文-🧾-${uid()}`, workflowTypeName: 'Bestellüng' });
    await v.recordWorkflowExecutionStarted(record);
    await v.recordWorkflowExecutionStarted(openRecord(ns, { workflowTypeName: 'Bestellung' }));
    expectRecord(await v.getWorkflowExecution(ns, record.runId), record);
    expect((await listAll(v, ns, { workflowId: record.workflowId })).map((r) => r.runId)).toEqual([record.runId]);
    expect((await listAll(v, ns, { workflowTypeName: 'Bestellüng' })).map((r) => r.runId)).toEqual([record.runId]);
  });
}
