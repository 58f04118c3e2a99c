import { invalidArgument } from '../grpc/rpc-error.js';

/** Where a paged history read continues: the run (the chain may move on) and the next event id. */
export function encodeHistoryCursor(runId: string, next: number): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ runId, next }));
}

export function decodeHistoryCursor(bytes: Uint8Array): { runId: string; next: number } {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { runId?: unknown; next?: unknown };
    if (typeof parsed.runId === 'string' && typeof parsed.next === 'number') return { runId: parsed.runId, next: parsed.next };
  } catch {
    // fall through
  }
  throw invalidArgument('malformed next page token');
}
