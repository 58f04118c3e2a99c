import {
  AlreadyExistsError,
  NotFoundError,
  UnavailableError,
  requireAttributeNameList,
  requireNonEmpty,
  requireRegistrableAttributes,
} from '@hourglass/core';
import type { CustomSearchAttributes, SearchAttributeType } from '@hourglass/core';
import { searchErrorOf } from '@hourglass/schema-tool';
import type { SearchHttpClient } from '@hourglass/schema-tool';
import { CorruptDocumentError, persistenceErrorFor } from './errors.js';
import { send } from './transport.js';

/** How often one call re-reads and retries after a concurrent writer changed the namespace's entry. */
const MAX_CONFLICT_RETRIES = 16;

/** A namespace's catalogue as read, with what the next conditional write must match. */
interface CatalogueEntry {
  readonly attributes: ReadonlyMap<string, SearchAttributeType>;
  /** Absent when the namespace has no entry yet: the write must then create it. */
  readonly version?: { readonly seqNo: number; readonly primaryTerm: number };
}

interface GetBody {
  readonly found?: boolean;
  readonly _seq_no?: unknown;
  readonly _primary_term?: unknown;
  readonly _source?: { readonly attributes?: unknown };
}

/**
 * The per-namespace custom search attributes of an Elasticsearch/OpenSearch visibility index,
 * kept in a companion index `<index>-search-attributes` with one document per namespace.
 *
 * Reads are realtime GETs by id, so a registration is visible at once, with no refresh. Every
 * change is one conditional write (create, or `if_seq_no`/`if_primary_term`), so a call applies
 * all of its names or none, and concurrent callers never lose each other's names: a conflict
 * re-reads and re-decides. The attributes are stored as one JSON string, so attribute names
 * never become fields of the companion index's mapping.
 */
export class SearchAttributeCatalogue {
  private readonly indexPath: string;
  private indexReady = false;

  constructor(
    private readonly client: SearchHttpClient,
    visibilityIndex: string,
  ) {
    this.indexPath = `/${encodeURIComponent(`${visibilityIndex}-search-attributes`)}`;
  }

  async add(namespaceId: string, attributes: CustomSearchAttributes): Promise<void> {
    requireNonEmpty(namespaceId, 'namespaceId');
    const wanted = requireRegistrableAttributes(attributes);
    await this.ensureIndex();
    await this.change('addSearchAttributes', namespaceId, (current) => {
      const next = new Map(current);
      for (const [name, type] of wanted) {
        const registered = current.get(name);
        if (registered !== undefined && registered !== type) {
          throw new AlreadyExistsError(`search attribute '${name}' is already registered in namespace ${namespaceId} as ${registered}, not ${type}`);
        }
        next.set(name, type);
      }
      return next.size === current.size ? undefined : next;
    });
  }

  async remove(namespaceId: string, names: readonly string[]): Promise<void> {
    requireNonEmpty(namespaceId, 'namespaceId');
    requireAttributeNameList(names);
    if (names.length === 0) return;
    await this.change('removeSearchAttributes', namespaceId, (current) => {
      const missing = names.filter((n) => !current.has(n));
      if (missing.length > 0) throw new NotFoundError(`search attributes ${missing.map((n) => `'${n}'`).join(', ')} are not registered in namespace ${namespaceId}`);
      const next = new Map(current);
      for (const name of names) next.delete(name);
      return next;
    });
  }

  async get(namespaceId: string): Promise<CustomSearchAttributes> {
    requireNonEmpty(namespaceId, 'namespaceId');
    const entry = await this.read('getSearchAttributes', namespaceId);
    return Object.fromEntries([...entry.attributes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /**
   * Reads the entry, lets `decide` compute the new attributes (or undefined for no change, or
   * throw to refuse the call), and writes them on the condition that nobody wrote in between.
   */
  private async change(
    operation: string,
    namespaceId: string,
    decide: (current: ReadonlyMap<string, SearchAttributeType>) => ReadonlyMap<string, SearchAttributeType> | undefined,
  ): Promise<void> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const entry = await this.read(operation, namespaceId);
      const next = decide(entry.attributes);
      if (next === undefined) return;
      const query: Record<string, string> =
        entry.version === undefined
          ? { op_type: 'create' }
          : { if_seq_no: String(entry.version.seqNo), if_primary_term: String(entry.version.primaryTerm) };
      const body = { namespaceId, attributes: JSON.stringify(Object.fromEntries(next)) };
      const response = await send(this.client, operation, 'PUT', this.docPath(namespaceId), { query, body }, (status) => (status >= 200 && status < 300) || status === 409);
      if (response.status !== 409) return;
    }
    throw new UnavailableError(`${operation}: namespace ${namespaceId}'s search attributes kept changing under ${MAX_CONFLICT_RETRIES} attempts; try again`);
  }

  private async read(operation: string, namespaceId: string): Promise<CatalogueEntry> {
    const response = await send(this.client, operation, 'GET', this.docPath(namespaceId), {}, (status) => (status >= 200 && status < 300) || status === 404);
    const body = response.body as GetBody | undefined;
    if (response.status === 404) {
      // A missing companion index means nothing was ever registered; any other 404 is a real failure.
      if (body?.found === false || searchErrorOf(body)?.type === 'index_not_found_exception') return { attributes: new Map() };
      throw persistenceErrorFor(operation, response);
    }
    const seqNo = body?._seq_no;
    const primaryTerm = body?._primary_term;
    if (typeof seqNo !== 'number' || typeof primaryTerm !== 'number') {
      throw new CorruptDocumentError(`${operation}: the server answered without _seq_no/_primary_term, which conditional writes need`);
    }
    return { attributes: parseAttributes(body?._source?.attributes, namespaceId), version: { seqNo, primaryTerm } };
  }

  /** Creates the companion index once per store; an index another process created is fine. */
  private async ensureIndex(): Promise<void> {
    if (this.indexReady) return;
    const response = await send(
      this.client,
      'create the search attribute index',
      'PUT',
      this.indexPath,
      { body: { settings: { index: { number_of_shards: 1 } } } },
      (status) => (status >= 200 && status < 300) || status === 400,
    );
    if (response.status === 400 && searchErrorOf(response.body)?.type !== 'resource_already_exists_exception') {
      throw persistenceErrorFor('create the search attribute index', response);
    }
    this.indexReady = true;
  }

  private docPath(namespaceId: string): string {
    return `${this.indexPath}/_doc/${encodeURIComponent(namespaceId)}`;
  }
}

function parseAttributes(raw: unknown, namespaceId: string): Map<string, SearchAttributeType> {
  let parsed: unknown;
  try {
    parsed = typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CorruptDocumentError(`search attributes of namespace ${namespaceId}: attributes is not a JSON object string`);
  }
  return new Map(Object.entries(parsed as Record<string, SearchAttributeType>));
}
