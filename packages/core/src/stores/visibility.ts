import type { DataBlob } from '../blob.js';
import type { WorkflowExecutionStatus } from '../enums.js';
import type { Page, PageRequest } from '../page-token.js';
import type { VisibilityQuery } from '../query/ast.js';
import type { EpochMicros } from '../time.js';

export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export type SearchAttributeValue =
  | { readonly type: 'Keyword'; readonly value: string }
  | { readonly type: 'Text'; readonly value: string }
  | { readonly type: 'Int'; readonly value: number }
  | { readonly type: 'Double'; readonly value: number }
  | { readonly type: 'Bool'; readonly value: boolean }
  | { readonly type: 'Datetime'; readonly value: EpochMicros }
  | { readonly type: 'KeywordList'; readonly value: readonly string[] };

export type SearchAttributes = Readonly<Record<string, SearchAttributeValue>>;

export interface VisibilityRecord {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowTypeName: string;
  readonly taskQueue: string;
  readonly status: WorkflowExecutionStatus;
  readonly startTime: EpochMicros;
  readonly executionTime: EpochMicros;
  readonly closeTime?: EpochMicros;
  /** Microseconds from start to close, for closed runs. */
  readonly executionDuration?: number;
  readonly historyLength: number;
  readonly historySizeBytes: number;
  readonly stateTransitionCount: number;
  readonly parentWorkflowId?: string;
  readonly parentRunId?: string;
  readonly rootWorkflowId?: string;
  readonly rootRunId?: string;
  readonly memo?: DataBlob;
  readonly searchAttributes: SearchAttributes;
}

/**
 * The minimal filter the stores share. Every field narrows the result (AND); absent fields
 * do not filter. The full list-filter language arrives on top of this.
 */
export interface VisibilityFilter {
  readonly statuses?: readonly WorkflowExecutionStatus[];
  readonly workflowTypeName?: string;
  readonly workflowId?: string;
  /** Inclusive lower bound on start time. */
  readonly startTimeFrom?: EpochMicros;
  /** Exclusive upper bound on start time. */
  readonly startTimeTo?: EpochMicros;
  readonly closeTimeFrom?: EpochMicros;
  readonly closeTimeTo?: EpochMicros;
  /**
   * A parsed and validated list filter (see parseVisibilityQuery), ANDed with the fields above.
   * Stores that cannot evaluate it yet must reject it rather than ignore it.
   */
  readonly query?: VisibilityQuery;
}

export interface ListWorkflowExecutionsRequest extends PageRequest {
  readonly namespaceId: string;
  readonly filter?: VisibilityFilter;
}

export interface CountWorkflowExecutionsRequest {
  readonly namespaceId: string;
  readonly filter?: VisibilityFilter;
  readonly groupByStatus?: boolean;
}

export interface CountWorkflowExecutionsResponse {
  readonly count: number;
  /** Present when grouped: one entry per status that has at least one run. */
  readonly groups?: readonly { readonly status: WorkflowExecutionStatus; readonly count: number }[];
}

/** A namespace's custom search attributes by name. System attributes (SYSTEM_SEARCH_ATTRIBUTES) never appear here. */
export type CustomSearchAttributes = Readonly<Record<string, SearchAttributeType>>;

export interface VisibilityStore {
  /** Idempotent: recording the same start twice leaves one record. */
  recordWorkflowExecutionStarted(record: VisibilityRecord): Promise<void>;
  recordWorkflowExecutionClosed(record: VisibilityRecord): Promise<void>;
  /** Replaces the record (e.g. after search attributes change). */
  upsertWorkflowExecution(record: VisibilityRecord): Promise<void>;
  deleteWorkflowExecution(namespaceId: string, runId: string): Promise<void>;
  /** NotFoundError when absent. */
  getWorkflowExecution(namespaceId: string, runId: string): Promise<VisibilityRecord>;
  /** Open runs first, then by start time (newest first), then by run id. */
  listWorkflowExecutions(request: ListWorkflowExecutionsRequest): Promise<Page<VisibilityRecord>>;
  countWorkflowExecutions(request: CountWorkflowExecutionsRequest): Promise<CountWorkflowExecutionsResponse>;

  /*
   * Custom search attributes per namespace: the catalogue a frontend passes to
   * parseVisibilityQuery as `customAttributes`. Optional while the stores grow them; a caller
   * that needs them must fail loudly when they are absent, not carry on without a catalogue.
   *
   * A valid name starts with an ASCII letter, continues with ASCII letters, digits or `_`, and
   * is at most 255 characters long; names are case-sensitive.
   */

  /**
   * Registers attributes for the namespace. Idempotent per name: adding a name again with the
   * same type changes nothing. All or nothing: on any error none of the names is added.
   * AlreadyExistsError when a name is registered with a different type;
   * InvalidPersistenceRequestError for an invalid name, an unknown type, or a name of a system
   * search attribute (WorkflowId, ExecutionStatus, BuildIds, ...).
   */
  addSearchAttributes?(namespaceId: string, attributes: CustomSearchAttributes): Promise<void>;
  /**
   * Unregisters attributes; runs keep whatever values they hold. All or nothing:
   * NotFoundError when one of the names is not registered for the namespace.
   */
  removeSearchAttributes?(namespaceId: string, names: readonly string[]): Promise<void>;
  /** The namespace's custom attributes; an empty record for a namespace that has none. */
  getSearchAttributes?(namespaceId: string): Promise<CustomSearchAttributes>;
}
