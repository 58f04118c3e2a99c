import { decodeJsonBlob, encodeJsonBlob } from '@hourglass/core';
import type { ExecutionRow, HistoryTask, PersistenceStores, WorkflowKey, WorkflowMutation, WorkflowSnapshot } from '@hourglass/core';
import type { HistoryEvent } from '../grpc/api.js';
import { decodeEvents, encodeEvents } from './history-codec.js';
import type { MutableState } from './mutable-state.js';

const EMPTY_MAP = new Map<never, never>();
const EMPTY_SET = new Set<never>();

export function workflowKey(ms: MutableState): WorkflowKey {
  return { namespaceId: ms.namespaceId, workflowId: ms.workflowId, runId: ms.runId };
}

function rowOf(ms: MutableState): ExecutionRow {
  return {
    ...workflowKey(ms),
    executionInfo: encodeJsonBlob(ms),
    executionState: encodeJsonBlob({ state: ms.state, status: ms.status }),
    state: ms.state as ExecutionRow['state'],
    status: ms.status as ExecutionRow['status'],
    nextEventId: ms.nextEventId,
    lastWriteVersion: 0,
    startVersion: 0,
    createRequestId: ms.createRequestId,
    dbRecordVersion: ms.dbRecordVersion,
  };
}

/** The whole run in one row: sub-records live inside the executionInfo blob. */
export function snapshotOf(ms: MutableState, tasks: readonly HistoryTask[]): WorkflowSnapshot {
  return {
    ...rowOf(ms),
    activityInfos: EMPTY_MAP,
    timerInfos: EMPTY_MAP,
    childExecutionInfos: EMPTY_MAP,
    requestCancelInfos: EMPTY_MAP,
    signalInfos: EMPTY_MAP,
    signalRequestedIds: EMPTY_SET,
    tasks,
  };
}

export function mutationOf(ms: MutableState, expectedDbRecordVersion: number, tasks: readonly HistoryTask[]): WorkflowMutation {
  return {
    ...rowOf(ms),
    expectedDbRecordVersion,
    upsertActivityInfos: EMPTY_MAP,
    deleteActivityInfos: EMPTY_SET,
    upsertTimerInfos: EMPTY_MAP,
    deleteTimerInfos: EMPTY_SET,
    upsertChildExecutionInfos: EMPTY_MAP,
    deleteChildExecutionInfos: EMPTY_SET,
    upsertRequestCancelInfos: EMPTY_MAP,
    deleteRequestCancelInfos: EMPTY_SET,
    upsertSignalInfos: EMPTY_MAP,
    deleteSignalInfos: EMPTY_SET,
    upsertSignalRequestedIds: EMPTY_SET,
    deleteSignalRequestedIds: EMPTY_SET,
    clearBufferedEvents: false,
    tasks,
  };
}

export async function loadMutableState(stores: PersistenceStores, shardId: number, key: WorkflowKey): Promise<MutableState> {
  const stored = await stores.executions.getWorkflowExecution(shardId, key);
  const ms = decodeJsonBlob<MutableState>(stored.executionInfo);
  ms.dbRecordVersion = stored.dbRecordVersion;
  return ms;
}

/** Appends one batch of events (ids `first..`) to the run's branch; returns the batch's encoded size. */
export async function appendEvents(stores: PersistenceStores, shardId: number, ms: MutableState, events: readonly HistoryEvent[], txnId: number): Promise<number> {
  const first = Number(events[0]!.eventId);
  const blob = encodeEvents(events);
  await stores.history.appendHistoryNodes({
    shardId,
    branch: ms.branch,
    nodeId: first,
    txnId,
    prevTxnId: ms.lastTxnId,
    events: blob,
    isNewBranch: first === 1,
    info: `${ms.namespaceId}/${ms.workflowId}/${ms.runId}`,
  });
  return blob.data.byteLength;
}

/**
 * Events [fromEventId, toEventId) of a run, in order. Batches are followed as a chain from
 * event 1: a node that does not start where the previous batch ended is the leftover of a
 * write that failed after its history append, and is skipped.
 */
export async function readEvents(
  stores: PersistenceStores,
  shardId: number,
  ms: Pick<MutableState, 'branch'>,
  fromEventId: number,
  toEventId: number,
): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  if (fromEventId >= toEventId) return out;
  let expected = 1;
  let token: Uint8Array | undefined;
  do {
    const page = await stores.history.readHistoryBranch({
      shardId,
      branch: ms.branch,
      minNodeId: 1,
      maxNodeId: toEventId,
      pageSize: 1000,
      ...(token ? { nextPageToken: token } : {}),
    });
    for (const node of page.items) {
      if (node.nodeId !== expected) continue;
      const events = decodeEvents(node.events);
      for (const e of events) {
        const id = Number(e.eventId);
        if (id >= fromEventId && id < toEventId) out.push(e);
      }
      expected += events.length;
    }
    token = page.nextPageToken;
  } while (token && token.byteLength > 0);
  return out;
}
