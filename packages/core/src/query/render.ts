import { workflowExecutionStatusNames } from '../enums.js';
import type { WorkflowExecutionStatus } from '../enums.js';
import { toRfc3339Micros } from '../time.js';
import type { QueryAttribute, QueryExpr, QueryScalar, VisibilityQuery } from './ast.js';
import { EXECUTION_DURATION_ATTRIBUTE, EXECUTION_STATUS_ATTRIBUTE } from './attributes.js';
import { formatDurationMicros } from './duration.js';
import { foldQuery } from './fold.js';
import { isPlainIdentifier } from './lexer.js';

/**
 * Canonical query text for logs, error messages and cache keys: keywords upper-case, strings
 * single-quoted, datetimes in RFC 3339, statuses by name, every nested AND/OR parenthesised.
 * Parsing the output yields the same tree again.
 */
export function renderQuery(query: VisibilityQuery | QueryExpr): string {
  if (!('where' in query)) return renderExpr(query);
  const parts: string[] = [];
  if (query.where !== undefined) parts.push(renderExpr(query.where));
  if (query.groupBy.length > 0) parts.push(`GROUP BY ${query.groupBy.map(renderAttribute).join(', ')}`);
  if (query.orderBy.length > 0) {
    const terms = query.orderBy.map((term) => `${renderAttribute(term.attribute)} ${term.direction.toUpperCase()}`);
    parts.push(`ORDER BY ${terms.join(', ')}`);
  }
  return parts.join(' ');
}

/** Rendered text paired with whether it is an AND/OR, which needs parentheses inside another one. */
interface Rendered {
  readonly text: string;
  readonly compound: boolean;
}

function renderExpr(expr: QueryExpr): string {
  return foldQuery<Rendered>(expr, {
    and: (operands) => ({ text: operands.map(grouped).join(' AND '), compound: true }),
    or: (operands) => ({ text: operands.map(grouped).join(' OR '), compound: true }),
    not: (operand) => ({ text: `NOT ${grouped(operand)}`, compound: false }),
    comparison: (node) => leaf(`${renderAttribute(node.attribute)} ${node.operator} ${renderValue(node.attribute, node.value)}`),
    in: (node) => {
      const values = node.values.map((value) => renderValue(node.attribute, value)).join(', ');
      return leaf(`${renderAttribute(node.attribute)} ${node.negated ? 'NOT IN' : 'IN'} (${values})`);
    },
    between: (node) => {
      const range = `${renderValue(node.attribute, node.lower)} AND ${renderValue(node.attribute, node.upper)}`;
      return leaf(`${renderAttribute(node.attribute)} ${node.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${range}`);
    },
    startsWith: (node) => leaf(`${renderAttribute(node.attribute)} ${node.negated ? 'NOT STARTS_WITH' : 'STARTS_WITH'} ${quoteString(node.prefix)}`),
    isNull: (node) => leaf(`${renderAttribute(node.attribute)} ${node.negated ? 'IS NOT NULL' : 'IS NULL'}`),
  }).text;
}

function leaf(text: string): Rendered {
  return { text, compound: false };
}

function grouped(rendered: Rendered): string {
  return rendered.compound ? `(${rendered.text})` : rendered.text;
}

export function renderAttribute(attribute: QueryAttribute): string {
  return isPlainIdentifier(attribute.name) ? attribute.name : `\`${attribute.name.replaceAll('`', '``')}\``;
}

function renderValue(attribute: QueryAttribute, value: QueryScalar): string {
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (attribute.system && attribute.name === EXECUTION_STATUS_ATTRIBUTE) {
    const name = workflowExecutionStatusNames[value as WorkflowExecutionStatus] as string | undefined;
    return name === undefined ? String(value) : quoteString(name);
  }
  if (attribute.system && attribute.name === EXECUTION_DURATION_ATTRIBUTE) return quoteString(formatDurationMicros(value));
  if (attribute.type === 'Datetime' && Number.isSafeInteger(value)) return quoteString(toRfc3339Micros(value));
  return String(value);
}

/** Only the quote and the backslash need escaping; everything else is taken literally inside quotes. */
function quoteString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
