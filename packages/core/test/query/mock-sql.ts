import { foldQuery } from '../../src/index.js';
import type { QueryAttribute, QueryExpr, QueryScalar } from '../../src/index.js';

/**
 * A minimal SQL backend of the kind the stores will write: it builds WHERE text from the
 * AST with a `?` placeholder for every value and every custom attribute name. The tests use
 * it to show that nothing the user typed can reach the SQL text.
 */
export interface SqlWhere {
  readonly sql: string;
  readonly params: readonly QueryScalar[];
}

const SYSTEM_COLUMNS: Readonly<Record<string, string>> = {
  WorkflowId: 'workflow_id', RunId: 'run_id', WorkflowType: 'workflow_type_name', StartTime: 'start_time',
  CloseTime: 'close_time', ExecutionTime: 'execution_time', ExecutionStatus: 'status',
  ExecutionDuration: 'execution_duration', HistoryLength: 'history_length', HistorySizeBytes: 'history_size_bytes',
  StateTransitionCount: 'state_transition_count', TaskQueue: 'task_queue', ParentWorkflowId: 'parent_workflow_id',
  ParentRunId: 'parent_run_id', RootWorkflowId: 'root_workflow_id', RootRunId: 'root_run_id', BuildIds: 'build_ids',
  TemporalChangeVersion: 'temporal_change_version',
};

/** Every word, symbol and placeholder the translator can emit; anything else in its output is a leak. */
export const SQL_VOCABULARY: ReadonlySet<string> = new Set([
  ...Object.values(SYSTEM_COLUMNS),
  'json_extract', 'search_attributes', 'json_contains', 'match_text', 'instr',
  'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'NULL', '?', '(', ')', ',', '=', '!=', '<', '<=', '>', '>=', '1',
]);

const SQL_TOKEN = /\s*([A-Za-z_][A-Za-z0-9_]*|[0-9]+|!=|<=|>=|[=<>?(),]|\S)/gy;

export function sqlTokens(sql: string): string[] {
  SQL_TOKEN.lastIndex = 0;
  return [...sql.matchAll(SQL_TOKEN)].map((match) => match[1]!);
}

export function toSql(expr: QueryExpr): SqlWhere {
  const params: QueryScalar[] = [];
  const bind = (value: QueryScalar): string => {
    params.push(value);
    return '?';
  };
  const column = (attribute: QueryAttribute): string => {
    if (attribute.system) return SYSTEM_COLUMNS[attribute.name]!;
    return `json_extract(search_attributes, ${bind(attribute.name)})`;
  };
  // The fold visits leaves left to right, so parameters are bound in the order their `?` appear.
  const sql = foldQuery<string>(expr, {
    and: (operands) => operands.map((operand) => `(${operand})`).join(' AND '),
    or: (operands) => operands.map((operand) => `(${operand})`).join(' OR '),
    not: (operand) => `NOT (${operand})`,
    comparison: (node) => {
      const col = column(node.attribute);
      if (node.attribute.type === 'KeywordList') return `${node.operator === '!=' ? 'NOT ' : ''}json_contains(${col}, ${bind(node.value)})`;
      if (node.attribute.type === 'Text') return `${node.operator === '!=' ? 'NOT ' : ''}match_text(${col}, ${bind(node.value)})`;
      return `${col} ${node.operator} ${bind(node.value)}`;
    },
    in: (node) => {
      const col = column(node.attribute);
      const list = node.values.map((value) => bind(value)).join(', ');
      return `${col} ${node.negated ? 'NOT IN' : 'IN'} (${list})`;
    },
    between: (node) => {
      const col = column(node.attribute);
      const lower = bind(node.lower);
      return `${col} ${node.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${lower} AND ${bind(node.upper)}`;
    },
    startsWith: (node) => {
      const col = column(node.attribute);
      return `instr(${col}, ${bind(node.prefix)}) ${node.negated ? '!=' : '='} 1`;
    },
    isNull: (node) => `${column(node.attribute)} ${node.negated ? 'IS NOT NULL' : 'IS NULL'}`,
  });
  return { sql, params };
}
