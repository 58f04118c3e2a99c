import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, SchemaVersionMismatchError, ShardOwnershipLostError, TimeoutError, UnavailableError } from '@hourglass/core';
import { setupCassandraSchema } from '@hourglass/schema-tool';
import { openCassandraStores } from '../src/index.js';
import { consistencyLevels } from '../src/options.js';
import { CqlSession } from '../src/session.js';
import { CassandraShardStore } from '../src/stores/shard.js';

/**
 * Drives the real nodes that `bash conformance/servers/cassandra/start.sh <target>` starts. A
 * target whose run file is absent is skipped (and reported as skipped), never passed.
 */
const RUN_DIR = fileURLToPath(new URL('../../../conformance/servers/.run/', import.meta.url));

interface RunFile {
  host: string;
  port: number;
  datacenter: string;
}

function runFile(target: string): RunFile | undefined {
  const file = `${RUN_DIR}${target}.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunFile) : undefined;
}

for (const target of ['cassandra-4.0', 'cassandra-3.11']) {
  const server = runFile(target);
  describe.skipIf(server === undefined)(`${target}: schema gate and driver failures`, () => {
    const keyspace = `hg_gate_${randomBytes(4).toString('hex')}`;
    let admin: cassandra.Client;
    const connection = () => ({ contactPoints: [server!.host], port: server!.port, localDataCenter: server!.datacenter, keyspace });

    beforeAll(async () => {
      admin = new cassandra.Client({ contactPoints: [server!.host], protocolOptions: { port: server!.port }, localDataCenter: server!.datacenter });
      await admin.connect();
      await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    });

    afterAll(async () => {
      await admin?.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await admin?.shutdown();
    });

    it('refuses a keyspace without the schema, naming the schema-tool fix command', async () => {
      const err = await openCassandraStores(connection()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SchemaVersionMismatchError);
      const mismatch = err as SchemaVersionMismatchError;
      expect(mismatch.currentVersion).toBeUndefined();
      expect(mismatch.fixCommand).toContain('update-schema --db cassandra');
      expect(mismatch.fixCommand).toContain(`--keyspace ${keyspace}`);
    });

    it('refuses a keyspace left at schema 1.0, then opens once concurrent setups brought it to the newest version', async () => {
      const client = new cassandra.Client({ contactPoints: [server!.host], protocolOptions: { port: server!.port }, localDataCenter: server!.datacenter, keyspace });
      await client.connect();
      try {
        await setupCassandraSchema(client, { keyspace, targetVersion: '1.0' });
        const err = await openCassandraStores(connection()).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(SchemaVersionMismatchError);
        expect((err as SchemaVersionMismatchError).currentVersion).toBe('1.0');
        // Several processes starting at once: the update lease makes them take turns.
        const results = await Promise.all([0, 1, 2].map(() => setupCassandraSchema(client, { keyspace })));
        expect(results.map((r) => r.version)).toEqual(['1.1', '1.1', '1.1']);
      } finally {
        await client.shutdown();
      }
      const stores = await openCassandraStores(connection());
      try {
        expect(stores.serverVersion).toMatch(/^\d+\.\d+/);
        await expect(stores.shards.assertShardOwnership(4242, 1)).rejects.toBeInstanceOf(ShardOwnershipLostError);
      } finally {
        await stores.close();
      }
    });

    it('names the schema-tool commands when the keyspace does not exist', async () => {
      const err = await openCassandraStores({ ...connection(), keyspace: `${keyspace}_missing` }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidPersistenceRequestError);
      expect((err as Error).message).toContain('schema-tool create-keyspace --db cassandra');
    });

    it('reports an unreachable cluster as UnavailableError', async () => {
      const err = await openCassandraStores({ ...connection(), contactPoints: ['127.0.0.1'], port: 1 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UnavailableError);
    });

    it('reports a request that outlives its timeout as TimeoutError, not as success', async () => {
      const client = new cassandra.Client({ contactPoints: [server!.host], protocolOptions: { port: server!.port }, localDataCenter: server!.datacenter, keyspace });
      await client.connect();
      try {
        // Connected normally; from here on no request can be answered within a millisecond.
        client.options.socketOptions!.readTimeout = 1;
        const shards = new CassandraShardStore(new CqlSession(client, consistencyLevels(connection())));
        const big = { encoding: 'test', data: new Uint8Array(4 * 1024 * 1024) };
        const err = await shards.getOrCreateShard({ shardId: 77, initialRangeId: 1, initialShardInfo: big }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TimeoutError);
      } finally {
        await client.shutdown();
      }
    });
  });
}
