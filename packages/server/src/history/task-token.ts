import { invalidArgument } from '../grpc/rpc-error.js';

/** What a task token carries; workers hand it back verbatim. */
export interface TaskToken {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly scheduledEventId: number;
  readonly attempt: number;
  /** 'query' tokens name an in-memory query instead of a history task. */
  readonly kind: 'workflow' | 'activity' | 'query';
  readonly queryId?: string;
}

export function encodeTaskToken(token: TaskToken): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(token));
}

export function decodeTaskToken(bytes: Uint8Array | null | undefined, expected: TaskToken['kind']): TaskToken {
  if (!bytes || bytes.byteLength === 0) throw invalidArgument('task token is required');
  let parsed: Partial<TaskToken>;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<TaskToken>;
  } catch {
    throw invalidArgument('malformed task token');
  }
  if (
    typeof parsed.namespaceId !== 'string' ||
    typeof parsed.workflowId !== 'string' ||
    typeof parsed.runId !== 'string' ||
    typeof parsed.scheduledEventId !== 'number' ||
    typeof parsed.attempt !== 'number' ||
    parsed.kind !== expected
  ) {
    throw invalidArgument(`malformed ${expected} task token`);
  }
  return parsed as TaskToken;
}
