import { loadOpenElasticsearchVisibilityStore } from '../store-modules.js';
import { TargetUnavailableError } from '../target.js';
import type { OpenedTarget } from '../target.js';
import { isServerUnreachable } from './unreachable.js';
import { randomResourceName } from './random-name.js';

async function searchServerVersion(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw isServerUnreachable(err) ? new TargetUnavailableError(`search server not reachable at ${url}: ${String(err)}`, { cause: err }) : err;
  }
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const body = (await response.json()) as { version?: { number?: string; distribution?: string } };
  const number = body.version?.number ?? 'unknown';
  return body.version?.distribution === 'opensearch' ? `opensearch ${number}` : number;
}

/** Opens the visibility store on a fresh index; teardown closes it and deletes the index. */
export async function openOnFreshIndex(url: string): Promise<OpenedTarget> {
  const serverVersion = await searchServerVersion(url);
  const openVisibility = await loadOpenElasticsearchVisibilityStore();
  const index = randomResourceName('hg-conf').replaceAll('_', '-');
  // The store keeps custom search attributes in a companion index next to the visibility one.
  const deleteIndex = async () => {
    for (const name of [index, `${index}-search-attributes`]) {
      const response = await fetch(new URL(name, url.endsWith('/') ? url : `${url}/`), { method: 'DELETE' });
      if (!response.ok && response.status !== 404) throw new Error(`DELETE index ${name} answered ${response.status}`);
    }
  };
  try {
    const visibility = await openVisibility({ url, index, setupSchema: true, refreshOnWrite: true });
    return {
      visibility,
      serverVersion: visibility.serverVersion ?? serverVersion,
      teardown: async () => {
        try {
          await visibility.close?.();
        } finally {
          await deleteIndex();
        }
      },
    };
  } catch (err) {
    await deleteIndex();
    throw err;
  }
}
