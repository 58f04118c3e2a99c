import proto from '@temporalio/proto';
import type { temporal, google } from '@temporalio/proto';

/** Runtime enums of the Temporal API (plain numbers on the wire). */
export const enums = proto.temporal.api.enums.v1;
export const EventType = enums.EventType;
export const CommandType = enums.CommandType;

interface LongLike {
  high: number;
  low: number;
  unsigned: boolean;
  toNumber(): number;
}

/**
 * A protobufjs interface as the server handles it: messages are decoded with `longs: Number`,
 * so every int64 is a plain number, and fields are mutable.
 */
export type Plain<T> = T extends LongLike
  ? number
  : T extends Uint8Array
    ? Uint8Array
    : T extends readonly (infer U)[]
      ? Plain<U>[]
      : T extends object
        ? { -readonly [K in keyof T]: Plain<T[K]> }
        : T;

export type HistoryEvent = Plain<temporal.api.history.v1.IHistoryEvent>;
export type Payloads = Plain<temporal.api.common.v1.IPayloads>;
export type Payload = Plain<temporal.api.common.v1.IPayload>;
export type Header = Plain<temporal.api.common.v1.IHeader>;
export type Memo = Plain<temporal.api.common.v1.IMemo>;
export type SearchAttributesProto = Plain<temporal.api.common.v1.ISearchAttributes>;
export type Failure = Plain<temporal.api.failure.v1.IFailure>;
export type RetryPolicy = Plain<temporal.api.common.v1.IRetryPolicy>;
export type Command = Plain<temporal.api.command.v1.ICommand>;
export type ProtocolMessage = Plain<temporal.api.protocol.v1.IMessage>;
export type Timestamp = Plain<google.protobuf.ITimestamp>;
export type Duration = Plain<google.protobuf.IDuration>;
export type WorkflowExecution = Plain<temporal.api.common.v1.IWorkflowExecution>;
export type UpdateOutcome = Plain<temporal.api.update.v1.IOutcome>;
export type { temporal, google };

export function timestampFromMs(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function msFromTimestamp(ts: Timestamp | null | undefined): number | undefined {
  if (!ts) return undefined;
  return (ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** Milliseconds of a Duration; undefined for absent or zero (meaning "not set" in Temporal). */
export function msFromDuration(d: Duration | null | undefined): number | undefined {
  if (!d) return undefined;
  const ms = (d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
  return ms > 0 ? ms : undefined;
}

export function durationFromMs(ms: number | undefined): Duration | undefined {
  if (ms === undefined) return undefined;
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}
