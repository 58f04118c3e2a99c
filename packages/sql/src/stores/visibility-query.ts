import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { InvalidPersistenceRequestError, foldQuery } from '@hourglass/core';
import type { ComparisonExpr, QueryAttribute, QueryExpr, QueryScalar, SearchAttributeType, VisibilityQuery } from '@hourglass/core';
import type { VisibilityDialect } from '../dialects/visibility-dialect.js';
import { words } from '../dialects/visibility-words.js';
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

type ScalarType = Exclude<SearchAttributeType, 'KeywordList' | 'Text'>;

/** The typed column of executions_visibility_attribute_values that holds each scalar type. */
const VALUE_COLUMNS: Readonly<Record<ScalarType, string>> = {
  Keyword: 'string_value',
  Int: 'int_value',
  Datetime: 'int_value',
  Bool: 'int_value',
  Double: 'double_value',
};

const RUN = sql.ref('executions_visibility.run_id');

/**
 * Translates a validated list-filter query into a WHERE condition on `executions_visibility`.
 *
 * A custom attribute is found by its name and the type the parser resolved it to, among the
 * typed rows written with the run (schema v1.2): a value stored under another type never
 * matches. Each predicate on a custom attribute becomes `run_id IN (runs of this namespace whose
 * value satisfies it)`, a lookup on the per-type index that every database can drive the query
 * with.
 *
 * Logic is two-valued: a predicate on an attribute the run does not have is false, the negated
 * predicates included (`A != 'x'`, `A NOT IN (…)` only match runs that have A, as in Temporal's
 * SQL stores), while NOT is the exact complement of its operand (`NOT A = 'x'` matches runs
 * without A). Only IS NULL matches a missing attribute directly.
 */
export function queryCondition(query: VisibilityQuery, namespaceId: string, dialect: VisibilityDialect): RawBuilder<SqlBool> | undefined {
  if (query.orderBy.length > 0) throw new InvalidPersistenceRequestError('the SQL visibility store does not support ORDER BY in list filters');
  if (query.where === undefined) return undefined;
  return sql<SqlBool>`(${new Translator(namespaceId, dialect).translate(query.where)})`;
}

class Translator {
  constructor(
    private readonly namespaceId: string,
    private readonly dialect: VisibilityDialect,
  ) {}

  translate(expr: QueryExpr): RawBuilder<SqlBool> {
    return foldQuery<RawBuilder<SqlBool>>(expr, {
      and: (operands) => sql<SqlBool>`(${sql.join(operands, sql` and `)})`,
      or: (operands) => sql<SqlBool>`(${sql.join(operands, sql` or `)})`,
      // IS NOT TRUE, not NOT: a NULL (an absent system value such as CloseTime) operand is false, so its complement is true.
      not: (operand) => sql<SqlBool>`((${operand}) is not true)`,
      comparison: (node) => this.comparison(node),
      in: (node) => {
        if (node.attribute.type === 'KeywordList') {
          const contains = this.listContains(node.attribute.name, node.values as string[]);
          return node.negated ? sql<SqlBool>`(${this.present(node.attribute)} and not ${contains})` : contains;
        }
        const keyword = node.attribute.type === 'Keyword';
        return this.scalar(node.attribute, (column, custom) => {
          const values = node.values.map((v) => sql`${bindable(v)}`);
          const test = sql<SqlBool>`${this.operand(keyword, column)} ${sql.raw(node.negated ? 'not in' : 'in')} (${sql.join(values.map((v) => this.operand(keyword, v)))})`;
          return node.negated || !keyword ? test : this.prefiltered(column, values, custom, test);
        });
      },
      between: (node) => {
        const keyword = node.attribute.type === 'Keyword';
        return this.scalar(node.attribute, (column) => {
          const [lower, upper] = [node.lower, node.upper].map((v) => this.operand(keyword, sql`${v}`));
          return sql<SqlBool>`${this.operand(keyword, column)} ${sql.raw(node.negated ? 'not between' : 'between')} ${lower} and ${upper}`;
        });
      },
      startsWith: (node) =>
        this.scalar(node.attribute, (column) => {
          const match = this.dialect.startsWith(column, node.prefix);
          return node.negated ? sql<SqlBool>`not ${match}` : match;
        }),
      isNull: (node) => {
        const present = this.present(node.attribute);
        return node.negated ? present : sql<SqlBool>`(not ${present})`;
      },
    });
  }

  private comparison(node: ComparisonExpr): RawBuilder<SqlBool> {
    const { attribute, operator, value } = node;
    if (attribute.type === 'KeywordList' || attribute.type === 'Text') {
      // The type checker only allows = and != here: membership for lists, matching for text.
      const matches = attribute.type === 'KeywordList' ? this.listContains(attribute.name, [value as string]) : this.textMatches(attribute, value as string);
      return operator === '=' ? matches : sql<SqlBool>`(${this.present(attribute)} and not ${matches})`;
    }
    const keyword = attribute.type === 'Keyword';
    return this.scalar(attribute, (column, custom) => {
      const operand = sql`${bindable(value)}`;
      const test = sql<SqlBool>`${this.operand(keyword, column)} ${sql.raw(SQL_OPERATORS[operator])} ${this.operand(keyword, operand)}`;
      return operator === '=' && keyword ? this.prefiltered(column, [operand], custom, test) : test;
    });
  }

  /** Keyword operands compare exactly (code points, trailing spaces significant) on every database. */
  private operand(keyword: boolean, operand: RawBuilder<unknown>): RawBuilder<unknown> {
    return keyword ? this.dialect.exact(operand) : operand;
  }

  /** The exact membership `test` of a string column, preceded by the same membership on the indexed key where the test alone cannot use the index. */
  private prefiltered(column: RawBuilder<unknown>, values: readonly RawBuilder<unknown>[], custom: boolean, test: RawBuilder<SqlBool>): RawBuilder<SqlBool> {
    const key = (operand: RawBuilder<unknown>) => this.dialect.indexedKey(operand, custom);
    const indexed = key(column);
    if (indexed === undefined) return test;
    return sql<SqlBool>`(${indexed} in (${sql.join(values.map((v) => key(v)!))}) and ${test})`;
  }

  /** `condition` on the attribute's value: on the row's column for system attributes, else among the run's typed values. */
  private scalar(attribute: QueryAttribute, condition: (column: RawBuilder<unknown>, custom: boolean) => RawBuilder<SqlBool>): RawBuilder<SqlBool> {
    const column = attribute.system ? SYSTEM_COLUMNS.get(attribute.name) : undefined;
    if (column !== undefined) return sql<SqlBool>`(${condition(sql`${sql.ref(`executions_visibility.${column}`)}`, false)})`;
    if (attribute.type === 'KeywordList' || attribute.type === 'Text') {
      throw new InvalidPersistenceRequestError(`${attribute.type} attribute '${attribute.name}' has no single value to compare`);
    }
    const value = sql.ref(VALUE_COLUMNS[attribute.type]);
    return sql<SqlBool>`(${RUN} in (select run_id from executions_visibility_attribute_values
      where namespace_id = ${this.namespaceId} and name = ${attribute.name} and type = ${attribute.type} and ${condition(sql`${value}`, true)}))`;
  }

  /** Whether the run has the attribute (with the resolved type). */
  private present(attribute: QueryAttribute): RawBuilder<SqlBool> {
    const column = attribute.system ? SYSTEM_COLUMNS.get(attribute.name) : undefined;
    if (column !== undefined) return sql<SqlBool>`(${sql.ref(`executions_visibility.${column}`)} is not null)`;
    return sql<SqlBool>`(${RUN} in (select run_id from executions_visibility_attribute_values
      where namespace_id = ${this.namespaceId} and name = ${attribute.name} and type = ${attribute.type}))`;
  }

  /** Whether the run's KeywordList holds at least one of `values`. */
  private listContains(name: string, values: readonly string[]): RawBuilder<SqlBool> {
    if (values.length === 0) return sql<SqlBool>`(1 = 0)`;
    const bound = values.map((v) => sql`${v}`);
    const column = sql`${sql.ref('value')}`;
    const contains = this.prefiltered(column, bound, true, sql<SqlBool>`${this.dialect.exact(column)} in (${sql.join(bound.map((v) => this.dialect.exact(v)))})`);
    return sql<SqlBool>`(${RUN} in (select run_id from executions_visibility_keyword_lists
      where namespace_id = ${this.namespaceId} and name = ${name} and ${contains}))`;
  }

  /** Every word of `query` is a word of the Text value, ignoring case; a query without words matches nothing. */
  private textMatches(attribute: QueryAttribute, query: string): RawBuilder<SqlBool> {
    const wanted = [...new Set(words(query))];
    if (wanted.length === 0) return sql<SqlBool>`(1 = 0)`;
    return sql<SqlBool>`(${RUN} in (${this.dialect.runsWithWords(this.namespaceId, attribute.name, wanted)}))`;
  }
}

const SQL_OPERATORS: Readonly<Record<ComparisonExpr['operator'], string>> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** Booleans are stored and compared as 1/0, which every driver can bind. */
function bindable(value: QueryScalar): string | number {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}
