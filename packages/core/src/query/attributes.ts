import type { SearchAttributeType } from '../stores/visibility.js';
import type { QueryAttribute } from './ast.js';

/**
 * Temporal's system search attributes, which every namespace has and which map onto fields of
 * VisibilityRecord rather than onto `searchAttributes`. ExecutionStatus and ExecutionDuration
 * are typed Int because their values are stored as numbers here (status enum, microseconds).
 */
export const SYSTEM_SEARCH_ATTRIBUTES: ReadonlyMap<string, SearchAttributeType> = new Map<string, SearchAttributeType>([
  ['WorkflowId', 'Keyword'],
  ['RunId', 'Keyword'],
  ['WorkflowType', 'Keyword'],
  ['StartTime', 'Datetime'],
  ['CloseTime', 'Datetime'],
  ['ExecutionTime', 'Datetime'],
  ['ExecutionStatus', 'Int'],
  ['ExecutionDuration', 'Int'],
  ['HistoryLength', 'Int'],
  ['HistorySizeBytes', 'Int'],
  ['StateTransitionCount', 'Int'],
  ['TaskQueue', 'Keyword'],
  ['ParentWorkflowId', 'Keyword'],
  ['ParentRunId', 'Keyword'],
  ['RootWorkflowId', 'Keyword'],
  ['RootRunId', 'Keyword'],
  ['BuildIds', 'KeywordList'],
  ['TemporalChangeVersion', 'KeywordList'],
]);

export const EXECUTION_STATUS_ATTRIBUTE = 'ExecutionStatus';
export const EXECUTION_DURATION_ATTRIBUTE = 'ExecutionDuration';

/**
 * Names are case-sensitive, as in Temporal. A system attribute shadows a custom one of the same
 * name, because Temporal never lets a namespace register a system name.
 */
export function resolveAttribute(name: string, customAttributes: ReadonlyMap<string, SearchAttributeType>): QueryAttribute | undefined {
  const systemType = SYSTEM_SEARCH_ATTRIBUTES.get(name);
  if (systemType !== undefined) return { name, type: systemType, system: true };
  const customType = customAttributes.get(name);
  if (customType !== undefined) return { name, type: customType, system: false };
  return undefined;
}

/** A known name differing only in letter case, to turn "unknown attribute" into a useful hint. */
export function suggestAttribute(name: string, customAttributes: ReadonlyMap<string, SearchAttributeType>): string | undefined {
  const lower = name.toLowerCase();
  for (const known of [...SYSTEM_SEARCH_ATTRIBUTES.keys(), ...customAttributes.keys()]) {
    if (known.toLowerCase() === lower) return known;
  }
  return undefined;
}
