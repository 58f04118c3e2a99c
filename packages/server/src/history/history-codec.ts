import type { DataBlob } from '@hourglass/core';
import { decodeByName, encodeByName } from '../grpc/proto.js';
import type { HistoryEvent } from '../grpc/api.js';

/** History batches are stored as Temporal's own History message, so any Temporal tool can read them. */
export const HISTORY_ENCODING = 'proto3';
const HISTORY_TYPE = 'temporal.api.history.v1.History';

export function encodeEvents(events: readonly HistoryEvent[]): DataBlob {
  return { encoding: HISTORY_ENCODING, data: encodeByName(HISTORY_TYPE, { events }) };
}

export function decodeEvents(blob: DataBlob): HistoryEvent[] {
  if (blob.encoding !== HISTORY_ENCODING) throw new Error(`unsupported history encoding '${blob.encoding}'`);
  return decodeByName<{ events?: HistoryEvent[] }>(HISTORY_TYPE, blob.data).events ?? [];
}
