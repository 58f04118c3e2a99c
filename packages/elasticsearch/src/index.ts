export { openElasticsearchVisibilityStore } from './open.js';
export type { ElasticsearchVisibilityOptions } from './open.js';
export { ElasticsearchVisibilityStore } from './store.js';
export type { ElasticsearchVisibilityStoreOptions } from './store.js';
export { persistenceErrorFor, persistenceErrorForTransport, CorruptDocumentError } from './errors.js';
export { conditionFromFilter, namespaceCondition, searchQuery, toQueryDsl } from './conditions.js';
export type { SearchCondition, QueryDsl } from './conditions.js';
export { toDocument, fromDocument, documentId } from './document.js';
export type { VisibilityDocument } from './document.js';
