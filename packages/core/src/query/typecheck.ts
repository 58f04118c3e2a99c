import type { SearchAttributeType } from '../stores/visibility.js';
import type { EpochMicros } from '../time.js';
import type { ComparisonOperator, OrderByTerm, QueryAttribute, QueryExpr, VisibilityQuery } from './ast.js';
import { EXECUTION_STATUS_ATTRIBUTE, resolveAttribute, suggestAttribute } from './attributes.js';
import { VisibilityQueryError } from './errors.js';
import type { SyntaxAttribute, SyntaxExpr, SyntaxQuery } from './syntax.js';
import { convertLiteral } from './values.js';

export interface TypecheckOptions {
  readonly customAttributes: ReadonlyMap<string, SearchAttributeType>;
  readonly allowOrderBy: boolean;
  readonly allowGroupBy: boolean;
  readonly now: EpochMicros;
}

type Operation = 'equality' | 'ordering' | 'in' | 'between' | 'startsWith';

/**
 * Which operations each type supports, following Temporal: Text only matches (=, !=); a
 * KeywordList only tests membership; Bool only compares for equality; ordering and ranges
 * make sense on Keyword, Int, Double and Datetime; STARTS_WITH only on Keyword.
 */
const SUPPORTED: Readonly<Record<SearchAttributeType, ReadonlySet<Operation>>> = {
  Keyword: new Set(['equality', 'ordering', 'in', 'between', 'startsWith']),
  KeywordList: new Set(['equality', 'in']),
  Text: new Set(['equality']),
  Int: new Set(['equality', 'ordering', 'in', 'between']),
  Double: new Set(['equality', 'ordering', 'in', 'between']),
  Datetime: new Set(['equality', 'ordering', 'in', 'between']),
  Bool: new Set(['equality']),
};

/** Status values are enum members; their numeric order means nothing to a user. */
const EXECUTION_STATUS_SUPPORTED: ReadonlySet<Operation> = new Set(['equality', 'in']);

/** Resolves every attribute, checks each operator against the attribute's type and converts the literals. */
export function typecheck(syntax: SyntaxQuery, options: TypecheckOptions): VisibilityQuery {
  const checker = new Typechecker(options.customAttributes, options.now);
  const where = syntax.where === undefined ? undefined : checker.expr(syntax.where);
  if (syntax.groupByPosition !== undefined && !options.allowGroupBy) {
    throw new VisibilityQueryError('unsupported', 'GROUP BY is only supported when counting executions', syntax.groupByPosition);
  }
  const groupBy = syntax.groupBy.map((syntaxAttribute, index) => {
    if (index > 0) throw new VisibilityQueryError('unsupported', 'GROUP BY supports only a single attribute', syntaxAttribute.position);
    const attribute = checker.attribute(syntaxAttribute);
    if (!isExecutionStatus(attribute)) {
      throw new VisibilityQueryError('unsupported', `GROUP BY supports only ${EXECUTION_STATUS_ATTRIBUTE}, not '${attribute.name}'`, syntaxAttribute.position);
    }
    return attribute;
  });
  if (syntax.orderByPosition !== undefined && !options.allowOrderBy) {
    throw new VisibilityQueryError('unsupported', 'ORDER BY is not supported by this visibility store', syntax.orderByPosition);
  }
  const orderBy: OrderByTerm[] = syntax.orderBy.map((term) => {
    const attribute = checker.attribute(term.attribute);
    if (attribute.type === 'Text') {
      throw new VisibilityQueryError('unsupported', `cannot sort by Text attribute '${attribute.name}'`, term.attribute.position);
    }
    return { attribute, direction: term.direction };
  });
  return { where, groupBy, orderBy };
}

class Typechecker {
  constructor(
    private readonly customAttributes: ReadonlyMap<string, SearchAttributeType>,
    private readonly now: EpochMicros,
  ) {}

  expr(node: SyntaxExpr): QueryExpr {
    switch (node.kind) {
      case 'and':
      case 'or':
        return { kind: node.kind, operands: node.operands.map((operand) => this.expr(operand)) };
      case 'not':
        return { kind: 'not', operand: this.expr(node.operand) };
      case 'comparison': {
        const attribute = this.attribute(node.attribute);
        this.require(attribute, operationOf(node.operator), node.operator, node.operatorPosition);
        return { kind: 'comparison', attribute, operator: node.operator, value: convertLiteral(attribute, node.value, this.now) };
      }
      case 'in': {
        const attribute = this.attribute(node.attribute);
        this.require(attribute, 'in', node.negated ? 'NOT IN' : 'IN', node.operatorPosition);
        return { kind: 'in', attribute, negated: node.negated, values: node.values.map((value) => convertLiteral(attribute, value, this.now)) };
      }
      case 'between': {
        const attribute = this.attribute(node.attribute);
        this.require(attribute, 'between', node.negated ? 'NOT BETWEEN' : 'BETWEEN', node.operatorPosition);
        // Bool is the only type whose values are neither strings nor numbers, and it has no ranges.
        const lower = convertLiteral(attribute, node.lower, this.now) as string | number;
        const upper = convertLiteral(attribute, node.upper, this.now) as string | number;
        return { kind: 'between', attribute, negated: node.negated, lower, upper };
      }
      case 'startsWith': {
        const attribute = this.attribute(node.attribute);
        this.require(attribute, 'startsWith', node.negated ? 'NOT STARTS_WITH' : 'STARTS_WITH', node.operatorPosition);
        return { kind: 'startsWith', attribute, negated: node.negated, prefix: convertLiteral(attribute, node.prefix, this.now) as string };
      }
      case 'isNull':
        return { kind: 'isNull', attribute: this.attribute(node.attribute), negated: node.negated };
    }
  }

  attribute(syntax: SyntaxAttribute): QueryAttribute {
    const attribute = resolveAttribute(syntax.name, this.customAttributes);
    if (attribute !== undefined) return attribute;
    const suggestion = suggestAttribute(syntax.name, this.customAttributes);
    const hint = suggestion === undefined ? '' : ` (names are case-sensitive: did you mean '${suggestion}'?)`;
    throw new VisibilityQueryError('unknown-attribute', `unknown search attribute '${syntax.name}'${hint}`, syntax.position);
  }

  private require(attribute: QueryAttribute, operation: Operation, operator: string, position: number): void {
    if (isExecutionStatus(attribute)) {
      if (EXECUTION_STATUS_SUPPORTED.has(operation)) return;
      throw new VisibilityQueryError('unsupported', `operator ${operator} is not supported on ${EXECUTION_STATUS_ATTRIBUTE}, which takes only =, !=, IN and NOT IN`, position);
    }
    if (!SUPPORTED[attribute.type].has(operation)) {
      throw new VisibilityQueryError('unsupported', `operator ${operator} is not supported on ${attribute.type} attribute '${attribute.name}'`, position);
    }
  }
}

function isExecutionStatus(attribute: QueryAttribute): boolean {
  return attribute.system && attribute.name === EXECUTION_STATUS_ATTRIBUTE;
}

function operationOf(operator: ComparisonOperator): Operation {
  return operator === '=' || operator === '!=' ? 'equality' : 'ordering';
}
