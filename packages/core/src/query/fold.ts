import type { AndExpr, BetweenExpr, ComparisonExpr, InExpr, IsNullExpr, NotExpr, OrExpr, QueryExpr, StartsWithExpr } from './ast.js';

/**
 * One callback per node kind. Compound nodes receive their operands already folded, so a
 * backend builds its own representation (SQL text, an Elasticsearch query, a predicate)
 * bottom-up without re-implementing the traversal.
 */
export interface QueryFolder<R> {
  and(operands: R[], node: AndExpr): R;
  or(operands: R[], node: OrExpr): R;
  not(operand: R, node: NotExpr): R;
  comparison(node: ComparisonExpr): R;
  in(node: InExpr): R;
  between(node: BetweenExpr): R;
  startsWith(node: StartsWithExpr): R;
  isNull(node: IsNullExpr): R;
}

export function foldQuery<R>(expr: QueryExpr, folder: QueryFolder<R>): R {
  switch (expr.kind) {
    case 'and':
      return folder.and(expr.operands.map((operand) => foldQuery(operand, folder)), expr);
    case 'or':
      return folder.or(expr.operands.map((operand) => foldQuery(operand, folder)), expr);
    case 'not':
      return folder.not(foldQuery(expr.operand, folder), expr);
    case 'comparison':
      return folder.comparison(expr);
    case 'in':
      return folder.in(expr);
    case 'between':
      return folder.between(expr);
    case 'startsWith':
      return folder.startsWith(expr);
    case 'isNull':
      return folder.isNull(expr);
  }
}
