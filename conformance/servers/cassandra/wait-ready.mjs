// Polls CQL until `SELECT release_version FROM system.local` answers; prints the version.
// Usage: node wait-ready.mjs <host> <port> <datacenter> <timeoutSeconds> [pid]
// Exits 1 on timeout or when the server process dies first.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../../package.json', import.meta.url));
const cassandra = require('cassandra-driver');

const [host, port, datacenter, timeoutSeconds, pid] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutSeconds) * 1000;

function processAlive() {
  if (!pid) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}

let lastError = 'no attempt made';
while (Date.now() < deadline) {
  if (!processAlive()) {
    console.error(`cassandra process ${pid} exited before it became ready`);
    process.exit(1);
  }
  const client = new cassandra.Client({
    contactPoints: [host],
    protocolOptions: { port: Number(port) },
    localDataCenter: datacenter,
    socketOptions: { connectTimeout: 2000, readTimeout: 5000 },
  });
  try {
    await client.connect();
    const rs = await client.execute('SELECT release_version FROM system.local');
    process.stdout.write(String(rs.first().get('release_version')));
    await client.shutdown();
    process.exit(0);
  } catch (err) {
    lastError = err instanceof Error ? err.message : String(err);
    await client.shutdown().catch(() => undefined);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
console.error(`cassandra on ${host}:${port} not ready after ${timeoutSeconds}s: ${lastError}`);
process.exit(1);
