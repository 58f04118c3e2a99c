import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Run files written by `bash conformance/servers/start.sh <target>`; override the directory for local runs. */
const RUN_DIR = process.env['HOURGLASS_SERVERS_RUN_DIR'] ?? resolve(import.meta.dirname, '..', '..', '..', '..', 'conformance', 'servers', '.run');

export const SEARCH_TARGETS = ['elasticsearch-7.10.2', 'opensearch-2', 'elasticsearch-6.8.9', 'elasticsearch-8'] as const;

export type SearchServer = { readonly name: string; readonly url: string } | { readonly name: string; readonly url: undefined; readonly reason: string };

/** Every local search target, with its URL when started, or the reason it is skipped. */
export function searchServers(): SearchServer[] {
  return SEARCH_TARGETS.map((name) => {
    const runFile = resolve(RUN_DIR, `${name}.json`);
    if (!existsSync(runFile)) return { name, url: undefined, reason: `not started (bash conformance/servers/start.sh ${name})` };
    return { name, url: (JSON.parse(readFileSync(runFile, 'utf8')) as { url: string }).url };
  });
}
