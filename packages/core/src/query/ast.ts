import type { SearchAttributeType } from '../stores/visibility.js';

/**
 * The validated form of a visibility list filter. Backends translate this tree (see `foldQuery`)
 * and never look at the query text again, so every literal is already converted to the value
 * the store compares against:
 * - Keyword, KeywordList, Text: string
 * - Int, Double: number
 * - Bool: boolean
 * - Datetime: EpochMicros
 * - ExecutionStatus: the numeric WorkflowExecutionStatus (typed Int, like VisibilityRecord.status)
 * - ExecutionDuration: microseconds (typed Int, like VisibilityRecord.executionDuration)
 */
export interface VisibilityQuery {
  /** Undefined when the query has no condition: it matches every execution. */
  readonly where: QueryExpr | undefined;
  /**
   * Attributes to count by (CountWorkflowExecutions). Empty unless the query had a GROUP BY
   * clause and the caller allowed one; as in Temporal, only ExecutionStatus, alone.
   */
  readonly groupBy: readonly QueryAttribute[];
  /** Empty unless the query had an ORDER BY clause and the caller allowed one. */
  readonly orderBy: readonly OrderByTerm[];
}

export type QueryExpr = AndExpr | OrExpr | NotExpr | QueryPredicate;

export type QueryPredicate = ComparisonExpr | InExpr | BetweenExpr | StartsWithExpr | IsNullExpr;

/** A search attribute as resolved against the system catalogue or the namespace's custom ones. */
export interface QueryAttribute {
  /** The name as the user wrote it, without backticks. */
  readonly name: string;
  readonly type: SearchAttributeType;
  /** True for Temporal's built-in attributes (WorkflowId, StartTime, ...), which map to record fields. */
  readonly system: boolean;
}

export type QueryScalar = string | number | boolean;

/** Operands of an AND or OR: always at least two, and never a node of the same kind (they are flattened). */
export interface AndExpr {
  readonly kind: 'and';
  readonly operands: readonly QueryExpr[];
}

export interface OrExpr {
  readonly kind: 'or';
  readonly operands: readonly QueryExpr[];
}

export interface NotExpr {
  readonly kind: 'not';
  readonly operand: QueryExpr;
}

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * `=` and `!=` mean different things per type: on Text a full-text match, on KeywordList
 * "the list contains / does not contain the value".
 */
export interface ComparisonExpr {
  readonly kind: 'comparison';
  readonly attribute: QueryAttribute;
  readonly operator: ComparisonOperator;
  readonly value: QueryScalar;
}

/** On KeywordList, IN means "the list contains at least one of the values". */
export interface InExpr {
  readonly kind: 'in';
  readonly attribute: QueryAttribute;
  readonly negated: boolean;
  readonly values: readonly QueryScalar[];
}

/** Inclusive on both ends, as in SQL. */
export interface BetweenExpr {
  readonly kind: 'between';
  readonly attribute: QueryAttribute;
  readonly negated: boolean;
  readonly lower: string | number;
  readonly upper: string | number;
}

export interface StartsWithExpr {
  readonly kind: 'startsWith';
  readonly attribute: QueryAttribute;
  readonly negated: boolean;
  readonly prefix: string;
}

export interface IsNullExpr {
  readonly kind: 'isNull';
  readonly attribute: QueryAttribute;
  /** True for IS NOT NULL. */
  readonly negated: boolean;
}

export type SortDirection = 'asc' | 'desc';

export interface OrderByTerm {
  readonly attribute: QueryAttribute;
  readonly direction: SortDirection;
}
