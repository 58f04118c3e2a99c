import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError } from '@hourglass/core';
import type { CassandraStoreOptions } from '../src/options.js';
import { clientOptions, consistencyLevels, validateOptions } from '../src/options.js';

const base: CassandraStoreOptions = { contactPoints: ['127.0.0.1'], localDataCenter: 'dc1', keyspace: 'hourglass' };
const levels = cassandra.types.consistencies;

describe('store options', () => {
  it('defaults to LOCAL_QUORUM with LOCAL_SERIAL for lightweight transactions', () => {
    expect(consistencyLevels(base)).toEqual({ consistency: levels.localQuorum, serialConsistency: levels.localSerial });
  });

  it('takes configured consistency levels', () => {
    expect(consistencyLevels({ ...base, consistency: 'QUORUM', serialConsistency: 'SERIAL' })).toEqual({ consistency: levels.quorum, serialConsistency: levels.serial });
  });

  it('rejects a serial level as the regular consistency and an unknown serial level', () => {
    expect(() => consistencyLevels({ ...base, consistency: 'SERIAL' as never })).toThrow(InvalidPersistenceRequestError);
    expect(() => consistencyLevels({ ...base, serialConsistency: 'QUORUM' as never })).toThrow(InvalidPersistenceRequestError);
  });

  it.each([
    ['no contact points', { contactPoints: [] }],
    ['an empty data center', { localDataCenter: '' }],
    ['a keyspace that is not a plain identifier', { keyspace: 'x; DROP KEYSPACE y' }],
    ['a port out of range', { port: 70000 }],
    ['a non-positive request timeout', { requestTimeoutMs: 0 }],
  ])('rejects %s', (_what, override) => {
    expect(() => validateOptions({ ...base, ...override })).toThrow(InvalidPersistenceRequestError);
  });

  it('passes port, credentials, TLS and the request timeout to the driver', () => {
    const options = clientOptions(
      { ...base, port: 19042, credentials: { username: 'u', password: 'p' }, tls: { ca: 'CA', serverName: 'db.internal' }, requestTimeoutMs: 3000 },
      consistencyLevels(base),
    );
    expect(options.protocolOptions?.port).toBe(19042);
    expect(options.credentials).toEqual({ username: 'u', password: 'p' });
    expect(options.sslOptions).toMatchObject({ ca: 'CA', servername: 'db.internal', rejectUnauthorized: true });
    expect(options.socketOptions?.readTimeout).toBe(3000);
    expect(options.keyspace).toBe('hourglass');
  });
});
