import type { SearchAttributeType } from '../stores/visibility.js';
import { nowMicros } from '../time.js';
import type { EpochMicros } from '../time.js';
import type { VisibilityQuery } from './ast.js';
import { tokenize } from './lexer.js';
import { parseSyntax } from './syntax.js';
import { typecheck } from './typecheck.js';

export interface ParseVisibilityQueryOptions {
  /** The namespace's registered custom search attributes. System attributes are always known. */
  readonly customAttributes?: ReadonlyMap<string, SearchAttributeType>;
  /** Whether the backend can sort by arbitrary attributes; when false, ORDER BY is rejected. */
  readonly allowOrderBy?: boolean;
  /** Whether the query is for a count, where `GROUP BY ExecutionStatus` is meaningful; otherwise GROUP BY is rejected. */
  readonly allowGroupBy?: boolean;
  /**
   * The instant `NOW()` stands for; defaults to the current time. One value per call, so every
   * NOW() in a query agrees, and the tree holds absolute times that can be paged over stably.
   */
  readonly now?: EpochMicros;
}

const NO_CUSTOM_ATTRIBUTES: ReadonlyMap<string, SearchAttributeType> = new Map();

/**
 * Parses and validates a Temporal list filter (the SQL-like WHERE clause of ListWorkflowExecutions).
 * An empty or blank query matches every execution. Throws VisibilityQueryError, and nothing
 * else, for any text that is not a valid filter.
 */
export function parseVisibilityQuery(text: string, options: ParseVisibilityQueryOptions = {}): VisibilityQuery {
  const now = options.now ?? nowMicros();
  // A caller's mistake, not the user's, so it is not reported as a query error.
  if (!Number.isSafeInteger(now)) throw new RangeError(`now must be integer EpochMicros, got ${now}`);
  const syntax = parseSyntax(tokenize(text));
  return typecheck(syntax, {
    customAttributes: options.customAttributes ?? NO_CUSTOM_ATTRIBUTES,
    allowOrderBy: options.allowOrderBy ?? false,
    allowGroupBy: options.allowGroupBy ?? false,
    now,
  });
}
