import type { SearchHttpClient } from './http.js';
import { describeSearchResponse } from './http.js';

/** What GET / says about the server; the few REST differences Hourglass cares about follow from it. */
export interface SearchServerInfo {
  readonly distribution: 'elasticsearch' | 'opensearch';
  readonly version: string;
  readonly major: number;
}

export class SearchServerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export async function detectSearchServer(client: SearchHttpClient): Promise<SearchServerInfo> {
  const response = await client.request('GET', '/');
  const version = (response.body as { version?: { number?: unknown; distribution?: unknown } } | undefined)?.version;
  if (response.status !== 200 || typeof version?.number !== 'string') {
    throw new SearchServerError(`GET ${client.baseUrl} did not identify a search server: ${describeSearchResponse(response)}`);
  }
  const distribution = version.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch';
  const major = Number.parseInt(version.number, 10);
  if (distribution === 'elasticsearch' && !(major >= 6 && major <= 8)) {
    throw new SearchServerError(`Elasticsearch ${version.number} is not supported (6.8, 7.x and 8.x are)`);
  }
  if (distribution === 'opensearch' && !(major >= 1 && major <= 3)) {
    throw new SearchServerError(`OpenSearch ${version.number} is not supported (1.x to 3.x are)`);
  }
  return { distribution, version: version.number, major };
}

export function describeServer(server: SearchServerInfo): string {
  return `${server.distribution === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} ${server.version}`;
}

/**
 * Elasticsearch 6.x still has mapping types: its mapping and template APIs take typeless
 * bodies only with include_type_name=false, a parameter that 8.x and OpenSearch reject.
 */
export function typelessMappingQuery(server: SearchServerInfo): Readonly<Record<string, string>> {
  return server.distribution === 'elasticsearch' && server.major === 6 ? { include_type_name: 'false' } : {};
}
