/**
 * Temporal's visibility list filter: text → tokens (lexer) → syntax tree with offsets (syntax)
 * → attributes resolved, operators checked and literals converted (typecheck) → VisibilityQuery.
 * Backends consume the result through foldQuery; renderQuery gives canonical text back.
 */
export type * from './ast.js';
export { VisibilityQueryError, type VisibilityQueryErrorReason } from './errors.js';
export { parseVisibilityQuery, type ParseVisibilityQueryOptions } from './parse.js';
export { foldQuery, type QueryFolder } from './fold.js';
export { renderQuery } from './render.js';
export { SYSTEM_SEARCH_ATTRIBUTES } from './attributes.js';
export { MAX_NESTING_DEPTH } from './syntax.js';
export { requireAttributeNameList, requireRegistrableAttributeName, requireRegistrableAttributes } from './registration.js';
