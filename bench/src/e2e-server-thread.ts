// Worker-thread entry: runs one server on its own event loop, so the benchmark's client-side
// work (the SDK client, the raw gRPC driver) never competes with the server for that loop.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { parseServerConfigText, startServerFromConfig } from '../../packages/server/dist/config/index.js';

export interface ServerThreadData {
  readonly yaml: string;
}

export type ServerThreadMessage = { readonly kind: 'started'; readonly address: string } | { readonly kind: 'failed'; readonly message: string } | { readonly kind: 'stopped' };

const port = parentPort;
if (!port) throw new Error('e2e-server-thread must run as a worker thread');
const { yaml } = workerData as ServerThreadData;

try {
  const config = parseServerConfigText(yaml, 'bench e2e config', { env: process.env, readFile: (path) => readFileSync(path, 'utf8') });
  const server = await startServerFromConfig(config);
  port.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void server.shutdown(2_000).then(() => port.postMessage({ kind: 'stopped' } satisfies ServerThreadMessage));
  });
  port.postMessage({ kind: 'started', address: server.address } satisfies ServerThreadMessage);
} catch (err) {
  port.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies ServerThreadMessage);
}
