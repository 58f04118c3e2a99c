import type { ComparisonOperator, SortDirection } from './ast.js';
import { VisibilityQueryError } from './errors.js';
import type { Punctuation, Token } from './lexer.js';

/**
 * The query as written, before attribute names and literals are checked against types.
 * Every node keeps the offset it came from so later errors can point at it.
 */
export interface SyntaxQuery {
  readonly where: SyntaxExpr | undefined;
  readonly groupBy: readonly SyntaxAttribute[];
  /** Offset of the GROUP keyword, when present. */
  readonly groupByPosition: number | undefined;
  readonly orderBy: readonly SyntaxOrderBy[];
  /** Offset of the ORDER keyword, when present. */
  readonly orderByPosition: number | undefined;
}

export type SyntaxExpr =
  | { readonly kind: 'and' | 'or'; readonly operands: readonly SyntaxExpr[] }
  | { readonly kind: 'not'; readonly operand: SyntaxExpr }
  | { readonly kind: 'comparison'; readonly attribute: SyntaxAttribute; readonly operator: ComparisonOperator; readonly operatorPosition: number; readonly value: SyntaxLiteral }
  | { readonly kind: 'in'; readonly attribute: SyntaxAttribute; readonly negated: boolean; readonly operatorPosition: number; readonly values: readonly SyntaxLiteral[] }
  | { readonly kind: 'between'; readonly attribute: SyntaxAttribute; readonly negated: boolean; readonly operatorPosition: number; readonly lower: SyntaxLiteral; readonly upper: SyntaxLiteral }
  | { readonly kind: 'startsWith'; readonly attribute: SyntaxAttribute; readonly negated: boolean; readonly operatorPosition: number; readonly prefix: SyntaxLiteral }
  | { readonly kind: 'isNull'; readonly attribute: SyntaxAttribute; readonly negated: boolean };

export interface SyntaxAttribute {
  readonly name: string;
  readonly position: number;
}

export type SyntaxLiteral =
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  /** `text` includes a leading minus sign when the literal was negated. */
  | { readonly kind: 'number'; readonly text: string; readonly position: number }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly position: number }
  | { readonly kind: 'now'; readonly offsetNanos: bigint; readonly position: number };

export interface SyntaxOrderBy {
  readonly attribute: SyntaxAttribute;
  readonly direction: SortDirection;
}

/** Deep enough for any hand-written filter, shallow enough that recursion cannot exhaust the stack. */
export const MAX_NESTING_DEPTH = 100;

const COMPARISON_SYMBOLS: ReadonlyMap<Punctuation, ComparisonOperator> = new Map<Punctuation, ComparisonOperator>([
  ['=', '='], ['!=', '!='], ['<>', '!='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>='],
]);

/**
 * Recursive descent over the grammar
 *   query      := [or] [GROUP BY attr {, attr}] [ORDER BY attr [ASC|DESC] {, ...}]
 *   or         := and {OR and}
 *   and        := unary {AND unary}
 *   unary      := NOT unary | ( or ) | predicate
 *   predicate  := attr cmp literal | attr [NOT] IN (literal {, literal}) | attr [NOT] BETWEEN literal AND literal
 *               | attr [NOT] STARTS_WITH literal | attr IS [NOT] NULL
 *   literal    := 'string' | "string" | [+|-] number | TRUE | FALSE | NOW() [(+|-) duration]
 */
export function parseSyntax(tokens: readonly Token[]): SyntaxQuery {
  return new SyntaxParser(tokens).parseQuery();
}

class SyntaxParser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseQuery(): SyntaxQuery {
    let where: SyntaxExpr | undefined;
    if (!this.atEnd() && !this.atClause('GROUP') && !this.atClause('ORDER')) where = this.parseOr();
    const groupBy: SyntaxAttribute[] = [];
    let groupByPosition: number | undefined;
    if (this.atClause('GROUP')) {
      groupByPosition = this.next().position;
      this.next();
      do groupBy.push(this.parseAttribute());
      while (this.acceptPunctuation(','));
    }
    let orderBy: SyntaxOrderBy[] = [];
    let orderByPosition: number | undefined;
    if (this.atClause('ORDER')) {
      orderByPosition = this.next().position;
      this.next();
      orderBy = this.parseOrderByTerms();
    }
    const rest = this.peek();
    if (rest.kind === 'keyword' && rest.keyword === 'LIMIT') {
      throw new VisibilityQueryError('unsupported', 'LIMIT clause is not supported; the page size is a request parameter', rest.position);
    }
    if (rest.kind !== 'end') {
      const expected =
        orderByPosition !== undefined ? "',' or the end of the query"
        : groupByPosition !== undefined ? "',', ORDER BY or the end of the query"
        : 'AND, OR, GROUP BY, ORDER BY or the end of the query';
      throw this.unexpected(rest, expected);
    }
    return { where, groupBy, groupByPosition, orderBy, orderByPosition };
  }

  private parseOrderByTerms(): SyntaxOrderBy[] {
    const terms: SyntaxOrderBy[] = [];
    do {
      const attribute = this.parseAttribute();
      let direction: SortDirection = 'asc';
      if (this.atKeyword('ASC')) this.next();
      else if (this.atKeyword('DESC')) {
        this.next();
        direction = 'desc';
      }
      terms.push({ attribute, direction });
    } while (this.acceptPunctuation(','));
    return terms;
  }

  private parseOr(): SyntaxExpr {
    return this.parseChain('OR', 'or', () => this.parseAnd());
  }

  private parseAnd(): SyntaxExpr {
    return this.parseChain('AND', 'and', () => this.parseUnary());
  }

  /** Same-kind operands are flattened, so `a AND (b AND c)` and `a AND b AND c` give one node. */
  private parseChain(keyword: 'AND' | 'OR', kind: 'and' | 'or', operand: () => SyntaxExpr): SyntaxExpr {
    const operands: SyntaxExpr[] = [];
    const push = (expr: SyntaxExpr): void => {
      if (expr.kind === kind) operands.push(...expr.operands);
      else operands.push(expr);
    };
    push(operand());
    while (this.atKeyword(keyword)) {
      this.next();
      push(operand());
    }
    return operands.length === 1 ? operands[0]! : { kind, operands };
  }

  private parseUnary(): SyntaxExpr {
    const token = this.peek();
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw new VisibilityQueryError('unsupported', `query nests deeper than ${MAX_NESTING_DEPTH} levels`, token.position);
    }
    try {
      if (token.kind === 'keyword' && token.keyword === 'NOT') {
        this.next();
        return { kind: 'not', operand: this.parseUnary() };
      }
      if (this.acceptPunctuation('(')) {
        const inner = this.parseOr();
        this.expectPunctuation(')');
        return inner;
      }
      return this.parsePredicate();
    } finally {
      this.depth--;
    }
  }

  private parsePredicate(): SyntaxExpr {
    const attribute = this.parseAttribute();
    const token = this.next();
    const operatorPosition = token.position;
    if (token.kind === 'punctuation') {
      const operator = COMPARISON_SYMBOLS.get(token.symbol);
      if (operator !== undefined) return { kind: 'comparison', attribute, operator, operatorPosition, value: this.parseLiteral() };
    }
    if (token.kind === 'keyword') {
      switch (token.keyword) {
        case 'IN':
          return { kind: 'in', attribute, negated: false, operatorPosition, values: this.parseLiteralList() };
        case 'BETWEEN':
          return this.parseBetween(attribute, false, operatorPosition);
        case 'STARTS_WITH':
          return { kind: 'startsWith', attribute, negated: false, operatorPosition, prefix: this.parseLiteral() };
        case 'IS': {
          const negated = this.atKeyword('NOT');
          if (negated) this.next();
          this.expectKeyword('NULL');
          return { kind: 'isNull', attribute, negated };
        }
        case 'LIKE':
          throw new VisibilityQueryError('unsupported', 'LIKE is not supported; use STARTS_WITH for prefixes', token.position);
        case 'NOT': {
          const negatedOperator = this.next();
          if (negatedOperator.kind === 'keyword') {
            switch (negatedOperator.keyword) {
              case 'IN':
                return { kind: 'in', attribute, negated: true, operatorPosition, values: this.parseLiteralList() };
              case 'BETWEEN':
                return this.parseBetween(attribute, true, operatorPosition);
              case 'STARTS_WITH':
                return { kind: 'startsWith', attribute, negated: true, operatorPosition, prefix: this.parseLiteral() };
              case 'LIKE':
                throw new VisibilityQueryError('unsupported', 'NOT LIKE is not supported; use NOT STARTS_WITH for prefixes', negatedOperator.position);
            }
          }
          throw this.unexpected(negatedOperator, 'IN, BETWEEN or STARTS_WITH after NOT');
        }
      }
    }
    if (token.kind === 'end') {
      throw new VisibilityQueryError('syntax', `incomplete condition: '${attribute.name}' must be followed by an operator`, token.position);
    }
    throw this.unexpected(token, `an operator after '${attribute.name}'`);
  }

  private parseBetween(attribute: SyntaxAttribute, negated: boolean, operatorPosition: number): SyntaxExpr {
    const lower = this.parseLiteral();
    this.expectKeyword('AND');
    const upper = this.parseLiteral();
    return { kind: 'between', attribute, negated, operatorPosition, lower, upper };
  }

  private parseAttribute(): SyntaxAttribute {
    const token = this.next();
    if (token.kind === 'identifier') return { name: token.name, position: token.position };
    if (token.kind === 'string' || token.kind === 'number' || token.kind === 'now' || (token.kind === 'keyword' && (token.keyword === 'TRUE' || token.keyword === 'FALSE'))) {
      throw new VisibilityQueryError('syntax', 'the left side of a condition must be a search attribute name, not a value', token.position);
    }
    if (token.kind === 'keyword') {
      throw new VisibilityQueryError('syntax', `expected a search attribute name but found the reserved word ${token.keyword} (quote the name in backticks if it is an attribute)`, token.position);
    }
    throw this.unexpected(token, 'a search attribute name');
  }

  private parseLiteralList(): SyntaxLiteral[] {
    this.expectPunctuation('(');
    const values = [this.parseLiteral()];
    while (this.acceptPunctuation(',')) values.push(this.parseLiteral());
    this.expectPunctuation(')');
    return values;
  }

  private parseLiteral(): SyntaxLiteral {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.value, position: token.position };
      case 'number':
        return { kind: 'number', text: token.text, position: token.position };
      case 'now':
        return { kind: 'now', offsetNanos: token.offsetNanos, position: token.position };
      case 'keyword':
        if (token.keyword === 'TRUE' || token.keyword === 'FALSE') return { kind: 'boolean', value: token.keyword === 'TRUE', position: token.position };
        if (token.keyword === 'NULL') throw new VisibilityQueryError('syntax', 'compare with NULL using IS NULL or IS NOT NULL', token.position);
        break;
      case 'punctuation':
        if (token.symbol === '-' || token.symbol === '+') {
          const operand = this.next();
          if (operand.kind !== 'number') throw this.unexpected(operand, `a number after '${token.symbol}'`);
          const text = token.symbol === '-' ? `-${operand.text}` : operand.text;
          return { kind: 'number', text, position: token.position };
        }
        break;
      case 'identifier':
        throw new VisibilityQueryError(
          'syntax',
          `expected a value but found the name '${token.name}'; comparing two attributes is not supported (did you forget to quote a string?)`,
          token.position,
        );
    }
    throw this.unexpected(token, 'a value');
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  /** The final `end` token is never consumed, so peeking past it is impossible. */
  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private atEnd(): boolean {
    return this.peek().kind === 'end';
  }

  private atKeyword(keyword: string, lookahead = 0): boolean {
    const token = this.tokens[Math.min(this.index + lookahead, this.tokens.length - 1)]!;
    return token.kind === 'keyword' && token.keyword === keyword;
  }

  /** ORDER or GROUP without BY is more likely an attribute name than a clause, and gets that error instead. */
  private atClause(keyword: 'GROUP' | 'ORDER'): boolean {
    return this.atKeyword(keyword) && this.atKeyword('BY', 1);
  }

  private acceptPunctuation(symbol: Punctuation): boolean {
    const token = this.peek();
    if (token.kind === 'punctuation' && token.symbol === symbol) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectPunctuation(symbol: Punctuation): void {
    if (!this.acceptPunctuation(symbol)) throw this.unexpected(this.peek(), `'${symbol}'`);
  }

  private expectKeyword(keyword: string): void {
    const token = this.next();
    if (token.kind !== 'keyword' || token.keyword !== keyword) throw this.unexpected(token, keyword);
  }

  private unexpected(token: Token, expected: string): VisibilityQueryError {
    return new VisibilityQueryError('syntax', `expected ${expected} but found ${describe(token)}`, token.position);
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'identifier':
      return `'${token.name}'`;
    case 'keyword':
      return token.keyword;
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${token.text}`;
    case 'punctuation':
      return `'${token.symbol}'`;
    case 'now':
      return 'NOW()';
    case 'end':
      return 'the end of the query';
  }
}
