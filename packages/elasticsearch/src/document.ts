import {
  InvalidPersistenceRequestError,
  WorkflowExecutionStatus,
  requireBlob,
  requireNonEmpty,
  requireSafeInteger,
  workflowExecutionStatusFromName,
  workflowExecutionStatusNames,
} from '@hourglass/core';
import type { SearchAttributeType, SearchAttributeValue, SearchAttributes, VisibilityRecord } from '@hourglass/core';
import { CorruptDocumentError } from './errors.js';

/**
 * The indexed form of a visibility record (mapping: schema/elasticsearch/visibility). Times are
 * epoch microseconds in `long` fields: exact on every server, where `date` keeps milliseconds
 * and 6.8 has no `date_nanos`. Custom search attributes sit under `SearchAttributes.<Type>.<Name>`
 * so the dynamic templates give each its type and a read knows the type from the path.
 */
export interface VisibilityDocument {
  NamespaceId: string;
  WorkflowId: string;
  RunId: string;
  WorkflowType: string;
  TaskQueue: string;
  ExecutionStatus: string;
  /** Anything but Running; sorts open runs first. */
  Closed: boolean;
  StartTime: number;
  ExecutionTime: number;
  CloseTime?: number;
  ExecutionDuration?: number;
  HistoryLength: number;
  HistorySizeBytes: number;
  StateTransitionCount: number;
  ParentWorkflowId?: string;
  ParentRunId?: string;
  RootWorkflowId?: string;
  RootRunId?: string;
  /** Base64 of the memo blob's bytes. */
  Memo?: string;
  MemoEncoding?: string;
  SearchAttributes: Partial<Record<SearchAttributeType, Record<string, unknown>>>;
}

export const SEARCH_ATTRIBUTE_TYPES: readonly SearchAttributeType[] = ['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'];

/** Document ids must be unique per (namespace, run); JSON keeps any characters in either apart. */
export function documentId(namespaceId: string, runId: string): string {
  return JSON.stringify([namespaceId, runId]);
}

/** A name becomes part of a field path, so dots (path separators) and leading underscores (reserved) are refused. */
export function requireSearchAttributeName(name: string): void {
  if (name.length === 0 || name.length > 255 || name.includes('.') || name.startsWith('_') || name.trim() !== name) {
    throw new InvalidPersistenceRequestError(`search attribute name ${JSON.stringify(name)} must be 1-255 characters without dots, surrounding spaces or a leading underscore`);
  }
}

function requireSearchAttributeValue(name: string, attribute: SearchAttributeValue): unknown {
  const bad = (what: string) => new InvalidPersistenceRequestError(`search attribute ${name} of type ${attribute.type} needs ${what}, got ${JSON.stringify(attribute.value)}`);
  switch (attribute.type) {
    case 'Keyword':
    case 'Text':
      if (typeof attribute.value !== 'string') throw bad('a string');
      return attribute.value;
    case 'Int':
    case 'Datetime':
      if (typeof attribute.value !== 'number' || !Number.isSafeInteger(attribute.value)) throw bad('a safe integer');
      return attribute.value;
    case 'Double':
      if (typeof attribute.value !== 'number' || !Number.isFinite(attribute.value)) throw bad('a finite number');
      return attribute.value;
    case 'Bool':
      if (typeof attribute.value !== 'boolean') throw bad('a boolean');
      return attribute.value;
    case 'KeywordList':
      if (!Array.isArray(attribute.value) || !attribute.value.every((v) => typeof v === 'string')) throw bad('an array of strings');
      return [...attribute.value];
    default:
      throw new InvalidPersistenceRequestError(`search attribute ${name} has unknown type ${JSON.stringify((attribute as { type: unknown }).type)}`);
  }
}

function requireStatus(status: unknown): asserts status is WorkflowExecutionStatus {
  if (typeof status !== 'number' || !(status in workflowExecutionStatusNames)) {
    throw new InvalidPersistenceRequestError(`status ${String(status)} is not a WorkflowExecutionStatus`);
  }
}

export function toDocument(record: VisibilityRecord): VisibilityDocument {
  requireNonEmpty(record.namespaceId, 'namespaceId');
  requireNonEmpty(record.runId, 'runId');
  requireNonEmpty(record.workflowId, 'workflowId');
  if (typeof record.workflowTypeName !== 'string') throw new InvalidPersistenceRequestError('workflowTypeName must be a string');
  if (typeof record.taskQueue !== 'string') throw new InvalidPersistenceRequestError('taskQueue must be a string');
  requireStatus(record.status);
  requireSafeInteger(record.startTime, 'startTime');
  requireSafeInteger(record.executionTime, 'executionTime');
  requireSafeInteger(record.historyLength, 'historyLength', 0);
  requireSafeInteger(record.historySizeBytes, 'historySizeBytes', 0);
  requireSafeInteger(record.stateTransitionCount, 'stateTransitionCount', 0);
  if (record.closeTime !== undefined) requireSafeInteger(record.closeTime, 'closeTime');
  if (record.executionDuration !== undefined) requireSafeInteger(record.executionDuration, 'executionDuration', 0);
  if (record.memo !== undefined) requireBlob(record.memo, 'memo');
  if (typeof record.searchAttributes !== 'object' || record.searchAttributes === null) {
    throw new InvalidPersistenceRequestError('searchAttributes must be an object');
  }

  const searchAttributes: VisibilityDocument['SearchAttributes'] = {};
  for (const [name, attribute] of Object.entries(record.searchAttributes)) {
    requireSearchAttributeName(name);
    const value = requireSearchAttributeValue(name, attribute);
    (searchAttributes[attribute.type] ??= {})[name] = value;
  }
  const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  return {
    NamespaceId: record.namespaceId,
    WorkflowId: record.workflowId,
    RunId: record.runId,
    WorkflowType: record.workflowTypeName,
    TaskQueue: record.taskQueue,
    ExecutionStatus: workflowExecutionStatusNames[record.status],
    Closed: record.status !== WorkflowExecutionStatus.Running,
    StartTime: record.startTime,
    ExecutionTime: record.executionTime,
    ...optional('CloseTime', record.closeTime),
    ...optional('ExecutionDuration', record.executionDuration),
    HistoryLength: record.historyLength,
    HistorySizeBytes: record.historySizeBytes,
    StateTransitionCount: record.stateTransitionCount,
    ...optional('ParentWorkflowId', record.parentWorkflowId),
    ...optional('ParentRunId', record.parentRunId),
    ...optional('RootWorkflowId', record.rootWorkflowId),
    ...optional('RootRunId', record.rootRunId),
    ...(record.memo === undefined ? {} : { Memo: Buffer.from(record.memo.data).toString('base64'), MemoEncoding: record.memo.encoding }),
    SearchAttributes: searchAttributes,
  };
}

export function fromDocument(source: unknown, id: string): VisibilityRecord {
  if (typeof source !== 'object' || source === null) throw new CorruptDocumentError(`document ${id} has no _source`);
  const doc = source as Record<string, unknown>;
  const fail = (field: string, want: string): never => {
    throw new CorruptDocumentError(`document ${id}: ${field} should be ${want}, found ${JSON.stringify(doc[field])}`);
  };
  const str = (field: string): string => (typeof doc[field] === 'string' ? (doc[field] as string) : fail(field, 'a string'));
  const int = (field: string): number => (typeof doc[field] === 'number' && Number.isSafeInteger(doc[field]) ? (doc[field] as number) : fail(field, 'an integer'));
  const optionalStr = (field: string) => (doc[field] === undefined ? undefined : str(field));
  const optionalInt = (field: string) => (doc[field] === undefined ? undefined : int(field));

  const status = workflowExecutionStatusFromName(str('ExecutionStatus'));
  if (status === undefined) fail('ExecutionStatus', 'a status name');
  const record: { -readonly [K in keyof VisibilityRecord]: VisibilityRecord[K] } = {
    namespaceId: str('NamespaceId'),
    workflowId: str('WorkflowId'),
    runId: str('RunId'),
    workflowTypeName: str('WorkflowType'),
    taskQueue: str('TaskQueue'),
    status: status!,
    startTime: int('StartTime'),
    executionTime: int('ExecutionTime'),
    historyLength: int('HistoryLength'),
    historySizeBytes: int('HistorySizeBytes'),
    stateTransitionCount: int('StateTransitionCount'),
    searchAttributes: readSearchAttributes(doc['SearchAttributes'], id),
  };
  const closeTime = optionalInt('CloseTime');
  if (closeTime !== undefined) record.closeTime = closeTime;
  const executionDuration = optionalInt('ExecutionDuration');
  if (executionDuration !== undefined) record.executionDuration = executionDuration;
  for (const [field, key] of [
    ['ParentWorkflowId', 'parentWorkflowId'],
    ['ParentRunId', 'parentRunId'],
    ['RootWorkflowId', 'rootWorkflowId'],
    ['RootRunId', 'rootRunId'],
  ] as const) {
    const value = optionalStr(field);
    if (value !== undefined) record[key] = value;
  }
  const memo = optionalStr('Memo');
  if (memo !== undefined) {
    const bytes = Buffer.from(memo, 'base64');
    record.memo = { encoding: str('MemoEncoding'), data: new Uint8Array(bytes) };
  }
  return record;
}

function readSearchAttributes(raw: unknown, id: string): SearchAttributes {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null) throw new CorruptDocumentError(`document ${id}: SearchAttributes is not an object`);
  const result: Record<string, SearchAttributeValue> = {};
  for (const [type, values] of Object.entries(raw as Record<string, unknown>)) {
    if (!SEARCH_ATTRIBUTE_TYPES.includes(type as SearchAttributeType) || typeof values !== 'object' || values === null) {
      throw new CorruptDocumentError(`document ${id}: unknown search attribute group SearchAttributes.${type}`);
    }
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      result[name] = { type, value } as SearchAttributeValue;
    }
  }
  return result;
}
