import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { InvalidPersistenceRequestError, foldQuery } from '@hourglass/core';
import type { ComparisonExpr, QueryAttribute, QueryExpr, QueryScalar, VisibilityQuery } from '@hourglass/core';
import type { SearchAttributeSql } from '../dialects/dialect.js';
import type { ExecutionsVisibilityTable } from '../tables.js';

type Column = keyof ExecutionsVisibilityTable;

/** System search attributes that are columns of the row rather than entries of the JSON. */
const SYSTEM_COLUMNS: ReadonlyMap<string, Column> = new Map<string, Column>([
  ['WorkflowId', 'workflow_id'],
  ['RunId', 'run_id'],
  ['WorkflowType', 'workflow_type_name'],
  ['StartTime', 'start_time'],
  ['CloseTime', 'close_time'],
  ['ExecutionTime', 'execution_time'],
  ['ExecutionStatus', 'status'],
  ['ExecutionDuration', 'execution_duration'],
  ['HistoryLength', 'history_length'],
  ['HistorySizeBytes', 'history_size_bytes'],
  ['StateTransitionCount', 'state_transition_count'],
  ['TaskQueue', 'task_queue'],
  ['ParentWorkflowId', 'parent_workflow_id'],
  ['ParentRunId', 'parent_run_id'],
  ['RootWorkflowId', 'root_workflow_id'],
  ['RootRunId', 'root_run_id'],
]);

/**
 * Translates a validated list-filter query into a WHERE condition.
 *
 * Logic is two-valued: a predicate on an attribute the run does not have is false, the negated
 * predicates included (`A != 'x'`, `A NOT IN (…)` only match runs that have A, as in Temporal's
 * SQL stores), while NOT is the exact complement of its operand (`NOT A = 'x'` matches runs
 * without A). Only IS NULL matches a missing attribute directly.
 */
export function queryCondition(query: VisibilityQuery, attributes: SearchAttributeSql): RawBuilder<SqlBool> | undefined {
  if (query.orderBy.length > 0) throw new InvalidPersistenceRequestError('the SQL visibility store does not support ORDER BY in list filters');
  if (query.where === undefined) return undefined;
  return sql<SqlBool>`(${translate(query.where, attributes)})`;
}

function translate(expr: QueryExpr, attributes: SearchAttributeSql): RawBuilder<SqlBool> {
  return foldQuery<RawBuilder<SqlBool>>(expr, {
    and: (operands) => sql<SqlBool>`(${sql.join(operands, sql` and `)})`,
    or: (operands) => sql<SqlBool>`(${sql.join(operands, sql` or `)})`,
    // IS NOT TRUE, not NOT: a NULL (missing attribute) operand is false, so its complement is true.
    not: (operand) => sql<SqlBool>`((${operand}) is not true)`,
    comparison: (node) => comparison(node, attributes),
    in: (node) => {
      if (node.attribute.type === 'KeywordList') {
        const contains = attributes.listContainsAny(node.attribute.name, node.values as string[]);
        return node.negated ? sql<SqlBool>`(${attributes.listPresent(node.attribute.name)} and not ${contains})` : contains;
      }
      const values = sql.join(node.values.map(bindable));
      return sql<SqlBool>`(${scalar(node.attribute, attributes)} ${sql.raw(node.negated ? 'not in' : 'in')} (${values}))`;
    },
    between: (node) => {
      const column = scalar(node.attribute, attributes);
      return sql<SqlBool>`(${column} ${sql.raw(node.negated ? 'not between' : 'between')} ${node.lower} and ${node.upper})`;
    },
    startsWith: (node) => {
      const column = scalar(node.attribute, attributes);
      const match = attributes.startsWith(column, node.prefix);
      return node.negated ? sql<SqlBool>`(${column} is not null and not ${match})` : match;
    },
    isNull: (node) => {
      const present = node.attribute.type === 'KeywordList' ? attributes.listPresent(node.attribute.name) : sql<SqlBool>`(${scalar(node.attribute, attributes)} is not null)`;
      return node.negated ? present : sql<SqlBool>`(not ${present})`;
    },
  });
}

function comparison(node: ComparisonExpr, attributes: SearchAttributeSql): RawBuilder<SqlBool> {
  const { attribute, operator, value } = node;
  if (attribute.type === 'KeywordList' || attribute.type === 'Text') {
    // The type checker only allows = and != here: membership for lists, matching for text.
    const present = attribute.type === 'KeywordList' ? attributes.listPresent(attribute.name) : sql<SqlBool>`(${scalar(attribute, attributes)} is not null)`;
    const matches = attribute.type === 'KeywordList' ? attributes.listContainsAny(attribute.name, [value as string]) : attributes.textMatches(scalar(attribute, attributes), value as string);
    return operator === '=' ? matches : sql<SqlBool>`(${present} and not ${matches})`;
  }
  return sql<SqlBool>`(${scalar(attribute, attributes)} ${sql.raw(SQL_OPERATORS[operator])} ${bindable(value)})`;
}

const SQL_OPERATORS: Readonly<Record<ComparisonExpr['operator'], string>> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function scalar(attribute: QueryAttribute, attributes: SearchAttributeSql): RawBuilder<unknown> {
  const column = attribute.system ? SYSTEM_COLUMNS.get(attribute.name) : undefined;
  if (column !== undefined) return sql`${sql.ref(`executions_visibility.${column}`)}`;
  if (attribute.type === 'KeywordList') throw new InvalidPersistenceRequestError(`KeywordList attribute '${attribute.name}' has no single value to compare`);
  return attributes.value(attribute.name, attribute.type);
}

/** Booleans are stored and compared as 1/0, which every driver can bind. */
function bindable(value: QueryScalar): string | number {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}
