export type * from './ast.js';
export { VisibilityQueryError, type VisibilityQueryErrorReason } from './errors.js';
export { parseVisibilityQuery, type ParseVisibilityQueryOptions } from './parse.js';
export { foldQuery, type QueryFolder } from './fold.js';
export { renderQuery } from './render.js';
export { SYSTEM_SEARCH_ATTRIBUTES } from './attributes.js';
export { MAX_NESTING_DEPTH } from './syntax.js';
