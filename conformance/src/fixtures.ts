import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import {
  AlreadyExistsError,
  ConditionFailedError,
  CurrentWorkflowConditionFailedError,
  InvalidPersistenceRequestError,
  NotFoundError,
  ShardOwnershipLostError,
  WorkflowConditionFailedError,
} from '@hourglass/core';
import type { DataBlob, Page, PageRequest, PersistenceError, PersistenceErrorCode } from '@hourglass/core';

export const TEST_ENCODING = 'conformance/test';

export function uid(): string {
  return randomUUID();
}

export function textBlob(text: string, encoding = TEST_ENCODING): DataBlob {
  return { encoding, data: new TextEncoder().encode(text) };
}

/** A blob of random bytes: every byte value occurs, so text-mangling stores are caught. */
export function randomBlob(size: number, encoding = TEST_ENCODING): DataBlob {
  return { encoding, data: new Uint8Array(randomBytes(size)) };
}

/** Shard ids far apart, so each test owns its shard's tasks and executions. */
export function randomShardId(): number {
  return randomInt(1, 2 ** 31 - 1);
}

/** A fixed instant with a non-zero microsecond part (2025-11-25T06:00:00.123457Z). */
export const MICROS_INSTANT = 1_764_050_400_123_457;

export function expectBlob(actual: DataBlob | undefined, expected: DataBlob, what = 'blob'): void {
  expect(actual, `${what} is missing`).toBeDefined();
  expect(actual!.encoding, `${what} encoding`).toBe(expected.encoding);
  expect(actual!.data.byteLength, `${what} length`).toBe(expected.data.byteLength);
  const same = Buffer.from(actual!.data.buffer, actual!.data.byteOffset, actual!.data.byteLength).equals(
    Buffer.from(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength),
  );
  expect(same, `${what} bytes differ`).toBe(true);
}

export function expectBlobMap<K>(actual: ReadonlyMap<K, DataBlob>, expected: ReadonlyMap<K, DataBlob>, what: string): void {
  expect([...actual.keys()].sort(), `${what} keys`).toEqual([...expected.keys()].sort());
  for (const [key, value] of expected) expectBlob(actual.get(key), value, `${what}[${String(key)}]`);
}

type ErrorClass<E extends PersistenceError> = abstract new (...args: never[]) => E;

const CODES = new Map<ErrorClass<PersistenceError>, PersistenceErrorCode>([
  [ConditionFailedError, 'CONDITION_FAILED'],
  [ShardOwnershipLostError, 'SHARD_OWNERSHIP_LOST'],
  [CurrentWorkflowConditionFailedError, 'CURRENT_WORKFLOW_CONDITION_FAILED'],
  [WorkflowConditionFailedError, 'WORKFLOW_CONDITION_FAILED'],
  [NotFoundError, 'NOT_FOUND'],
  [AlreadyExistsError, 'ALREADY_EXISTS'],
  [InvalidPersistenceRequestError, 'INVALID_PERSISTENCE_REQUEST'],
]);

/** Awaits a call that must fail with the given typed persistence error, and returns that error. */
export async function rejectsWith<E extends PersistenceError>(call: Promise<unknown>, errorClass: ErrorClass<E>): Promise<E> {
  const outcome = await call.then(
    (value: unknown) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) expect.fail(`expected ${errorClass.name}, but the call succeeded`);
  const error = (outcome as { error: unknown }).error;
  if (!(error instanceof errorClass)) {
    expect.fail(`expected ${errorClass.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  expect((error as E).code).toBe(CODES.get(errorClass as ErrorClass<PersistenceError>));
  return error as E;
}

/** Invalid input may be rejected synchronously (a throw) or asynchronously (a rejection); both count. */
export function invoke<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Follows next-page tokens to the end; fails on a page larger than asked or a runaway loop. */
export async function readAllPages<T>(fetchPage: (request: PageRequest) => Promise<Page<T>>, pageSize: number, maxPages = 10_000): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let token: Uint8Array | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = await fetchPage(token === undefined ? { pageSize } : { pageSize, nextPageToken: token });
    expect(page.items.length, 'page larger than pageSize').toBeLessThanOrEqual(pageSize);
    items.push(...page.items);
    if (page.nextPageToken === undefined || page.nextPageToken.byteLength === 0) return { items, pages };
    token = page.nextPageToken;
  }
  throw new Error(`paging did not end within ${maxPages} pages`);
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Runs the calls at once and sorts the outcomes into winners and losers. */
export async function race<T>(calls: readonly (() => Promise<T>)[]): Promise<{ winners: number[]; losers: { index: number; error: unknown }[] }> {
  const outcomes = await Promise.allSettled(calls.map((call) => invoke(call)));
  const winners: number[] = [];
  const losers: { index: number; error: unknown }[] = [];
  outcomes.forEach((o, index) => (o.status === 'fulfilled' ? winners.push(index) : losers.push({ index, error: o.reason })));
  return { winners, losers };
}

export const RACERS = 12;
