import { describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, WorkflowExecutionStatus } from '@hourglass/core';
import type { VisibilityRecord } from '@hourglass/core';
import { documentId, fromDocument, toDocument } from '../src/document.js';
import { CorruptDocumentError } from '../src/errors.js';

const record: VisibilityRecord = {
  namespaceId: 'ns',
  workflowId: 'wf',
  runId: 'run',
  workflowTypeName: 'T',
  taskQueue: 'q',
  status: WorkflowExecutionStatus.Completed,
  startTime: 1_764_050_400_123_457,
  executionTime: 1_764_050_400_123_458,
  closeTime: 1_764_050_401_123_457,
  executionDuration: 1_000_000,
  historyLength: 7,
  historySizeBytes: 512,
  stateTransitionCount: 3,
  parentWorkflowId: 'p',
  memo: { encoding: 'json/plain', data: new Uint8Array([0, 1, 255]) },
  searchAttributes: {
    K: { type: 'Keyword', value: 'v' },
    L: { type: 'KeywordList', value: ['a'] },
    I: { type: 'Int', value: 2 ** 40 },
    D: { type: 'Datetime', value: 5 },
  },
};

describe('toDocument / fromDocument', () => {
  it('round-trips a record exactly, typing search attributes by their group', () => {
    const doc = toDocument(record);
    expect(doc.Closed).toBe(true);
    expect(doc.ExecutionStatus).toBe('Completed');
    expect(doc.SearchAttributes).toEqual({ Keyword: { K: 'v' }, KeywordList: { L: ['a'] }, Int: { I: 2 ** 40 }, Datetime: { D: 5 } });
    expect(fromDocument(JSON.parse(JSON.stringify(doc)), 'x')).toEqual(record);
  });

  it('keeps ids of different (namespace, run) pairs apart even when they share separators', () => {
    expect(documentId('a~b', 'c')).not.toBe(documentId('a', 'b~c'));
  });

  it.each([
    ['an empty run id', { runId: '' }],
    ['an unknown status', { status: 99 }],
    ['a fractional start time', { startTime: 1.5 }],
    ['a search attribute name with a dot', { searchAttributes: { 'a.b': { type: 'Keyword', value: 'x' } } }],
    ['an Int attribute holding a string', { searchAttributes: { I: { type: 'Int', value: '1' } } }],
    ['an attribute of an unknown type', { searchAttributes: { X: { type: 'Blob', value: 1 } } }],
  ])('rejects %s with InvalidPersistenceRequest', (_what, change) => {
    expect(() => toDocument({ ...record, ...change } as unknown as VisibilityRecord)).toThrow(InvalidPersistenceRequestError);
  });

  it('reports a document of the wrong shape as corrupt, not as a caller error', () => {
    expect(() => fromDocument({ ...toDocument(record), StartTime: 'yesterday' }, 'x')).toThrow(CorruptDocumentError);
    expect(() => fromDocument({ ...toDocument(record), SearchAttributes: { Blob: {} } }, 'x')).toThrow(CorruptDocumentError);
  });
});
