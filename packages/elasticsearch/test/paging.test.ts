import { describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError } from '@hourglass/core';
import { MAX_PAGE_SIZE, decodeCursor, effectivePageSize, encodeCursor } from '../src/paging.js';

describe('page tokens', () => {
  it('round-trip the sort values of the last hit', () => {
    expect(decodeCursor(encodeCursor([1, 1_764_050_400_123_457, 'run']))).toEqual([1, 1_764_050_400_123_457, 'run']);
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it.each([
    ['bytes that are not JSON', new Uint8Array([0xff, 0x00])],
    ['JSON of another shape', new TextEncoder().encode('{"after":[1,2]}')],
    ['a cursor with extra keys', new TextEncoder().encode('{"after":[0,1,"r"],"x":1}')],
    ['a non-integer start time', new TextEncoder().encode('{"after":[0,1.5,"r"]}')],
  ])('reject %s', (_what, token) => {
    expect(() => decodeCursor(token)).toThrow(InvalidPersistenceRequestError);
  });
});

describe('effectivePageSize', () => {
  it('rejects non-positive and fractional sizes and caps large ones', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => effectivePageSize(bad)).toThrow(InvalidPersistenceRequestError);
    expect(effectivePageSize(MAX_PAGE_SIZE * 3)).toBe(MAX_PAGE_SIZE);
  });
});
