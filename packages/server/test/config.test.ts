import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ConfigError, createLogger, formatProblem, loadServerConfig, parseServerConfigText, startServerFromConfig } from '../src/config/index.js';
import type { ConfigEnvironment, ServerConfig } from '../src/config/index.js';

const FILES: Record<string, string> = {
  '/secrets/pg': 's3cret\n',
  '/tls/ca.crt': '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n',
  '/tls/client.crt': 'client cert',
  '/tls/client.key': 'client key',
};

const environment: ConfigEnvironment = {
  env: { PG_PASSWORD: 'from-env' },
  readFile(path) {
    const text = FILES[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  },
};

function parse(yaml: string): ServerConfig {
  return parseServerConfigText(yaml, 'test.yaml', environment);
}

/** The problems of an invalid config, one formatted line each. */
function problems(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected the config to be refused');
}

const POSTGRES = `
persistence:
  numHistoryShards: 4
  main:
    postgres:
      host: db.internal
      port: 5432
      user: temporal
      password: pw
      database: temporal
`;

describe('valid configs', () => {
  test('a minimal PostgreSQL config gets the defaults for frontend, log and namespaces', () => {
    const config = parse(POSTGRES);
    expect(config).toEqual({
      persistence: {
        numHistoryShards: 4,
        main: { kind: 'postgres', host: 'db.internal', port: 5432, user: 'temporal', password: 'pw', database: 'temporal', pool: {} },
        autoSetupSchema: false,
      },
      frontend: { ip: '127.0.0.1', port: 7233, maxPayloadBytes: 2 * 1024 * 1024 },
      log: { format: 'json', level: 'info' },
      namespaces: ['default'],
    });
  });

  test('every setting is read: pool, TLS files, password from a file, separate visibility database, frontend, log, namespaces', () => {
    const config = parse(`
persistence:
  numHistoryShards: 8
  autoSetupSchema: true
  main:
    mysql:
      host: 10.0.0.5
      port: 3306
      user: temporal
      passwordFile: /secrets/pg
      database: temporal
      pool: { max: 30, idleTimeoutMs: 1000, connectTimeoutMs: 2000 }
      tls: { caFile: /tls/ca.crt, certFile: /tls/client.crt, keyFile: /tls/client.key, serverName: db, disableHostVerification: true }
  visibility:
    postgres: { host: vis, port: 5433, user: v, passwordEnv: PG_PASSWORD, database: visibility }
frontend: { ip: 0.0.0.0, port: 0, maxPayloadBytes: 1024 }
log: { format: pretty, level: debug }
namespaces: [default, orders, default]
`);
    expect(config.persistence.main).toEqual({
      kind: 'mysql',
      host: '10.0.0.5',
      port: 3306,
      user: 'temporal',
      password: 's3cret',
      database: 'temporal',
      pool: { max: 30, idleTimeoutMs: 1000, connectTimeoutMs: 2000 },
      tls: { ca: FILES['/tls/ca.crt'], cert: 'client cert', key: 'client key', serverName: 'db', rejectUnauthorized: false },
    });
    expect(config.persistence.visibility).toMatchObject({ kind: 'postgres', host: 'vis', password: 'from-env', database: 'visibility' });
    expect(config.persistence.autoSetupSchema).toBe(true);
    expect(config.frontend).toEqual({ ip: '0.0.0.0', port: 0, maxPayloadBytes: 1024 });
    expect(config.log).toEqual({ format: 'pretty', level: 'debug' });
    expect(config.namespaces).toEqual(['default', 'orders']);
  });

  test('Cassandra main store with Elasticsearch visibility; hosts may be a comma-separated string', () => {
    const config = parse(`
persistence:
  numHistoryShards: 4
  main:
    cassandra: { hosts: "a, b", keyspace: temporal, datacenter: dc1, user: cassandra, password: pw, consistency: QUORUM, serialConsistency: SERIAL }
  visibility:
    elasticsearch: { url: "http://es:9200", index: temporal_visibility_v1, user: elastic, passwordEnv: PG_PASSWORD }
`);
    expect(config.persistence.main).toEqual({
      kind: 'cassandra',
      hosts: ['a', 'b'],
      keyspace: 'temporal',
      datacenter: 'dc1',
      credentials: { username: 'cassandra', password: 'pw' },
      consistency: 'QUORUM',
      serialConsistency: 'SERIAL',
    });
    expect(config.persistence.visibility).toEqual({
      kind: 'elasticsearch',
      url: 'http://es:9200',
      index: 'temporal_visibility_v1',
      credentials: { username: 'elastic', password: 'from-env' },
    });
  });

  test('SQLite main store', () => {
    const config = parse('persistence: { numHistoryShards: 1, main: { sqlite: { filename: ./hourglass.db } } }');
    expect(config.persistence.main).toEqual({ kind: 'sqlite', filename: './hourglass.db' });
  });

  test('the example configs in packages/server/examples are valid', () => {
    const env: ConfigEnvironment = { env: { HOURGLASS_PG_PASSWORD: 'x' }, readFile: () => '' };
    for (const name of ['hourglass.postgres.yaml', 'hourglass.cassandra-elasticsearch.yaml']) {
      const path = fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
      expect(() => loadServerConfig(path, env), name).not.toThrow();
    }
  });
});

describe('invalid configs: one problem per mistake, located by its YAML path', () => {
  test('a port that is not a number', () => {
    expect(problems(POSTGRES.replace('port: 5432', 'port: abc'))).toEqual(['persistence.main.postgres.port: must be a port number, got "abc"']);
  });

  test('a port out of range', () => {
    expect(problems(POSTGRES.replace('port: 5432', 'port: 70000'))).toEqual(['persistence.main.postgres.port: must be a port number, got 70000']);
  });

  test('unknown keys at every level are errors, naming the keys that are allowed', () => {
    expect(problems(`${POSTGRES}      databse: x\n  numHistoryShard: 4\nfrontends: {}\n`)).toEqual([
      'frontends: unknown setting (expected one of: persistence, frontend, log, namespaces)',
      'persistence.numHistoryShard: unknown setting (expected one of: numHistoryShards, main, visibility, autoSetupSchema)',
      'persistence.main.postgres.databse: unknown setting (expected one of: host, port, user, password, passwordFile, passwordEnv, database, pool, tls)',
    ]);
  });

  test('missing required settings', () => {
    expect(problems('persistence:\n  main:\n    postgres: { host: h }\n')).toEqual([
      'persistence.numHistoryShards: is required',
      'persistence.main.postgres.port: is required',
      'persistence.main.postgres.user: is required',
      'persistence.main.postgres.database: is required',
    ]);
    expect(problems('frontend: { port: 7233 }')).toEqual(['persistence: is required']);
  });

  test('no store, two stores, an unknown store kind', () => {
    expect(problems('persistence: { numHistoryShards: 1, main: {} }')).toEqual(['persistence.main: must configure one store: sqlite, postgres, mysql, cassandra']);
    expect(problems('persistence: { numHistoryShards: 1, main: { sqlite: { filename: a }, postgres: {} } }')).toEqual([
      'persistence.main: must configure exactly one store, got sqlite and postgres',
    ]);
    expect(problems('persistence: { numHistoryShards: 1, main: { oracle: {} } }')).toEqual([
      'persistence.main.oracle: unknown setting (expected one of: sqlite, postgres, mysql, cassandra)',
      'persistence.main: must configure one store: sqlite, postgres, mysql, cassandra',
    ]);
  });

  test('Cassandra without a visibility store is refused, and Cassandra cannot be the visibility store', () => {
    const cassandra = 'persistence:\n  numHistoryShards: 1\n  main:\n    cassandra: { hosts: [a], keyspace: temporal, datacenter: dc1 }\n';
    expect(problems(cassandra)).toEqual([
      'persistence.visibility: is required with a cassandra main store (Cassandra has no visibility store): configure elasticsearch or an SQL database',
    ]);
    expect(problems(`${cassandra}  visibility:\n    cassandra: { hosts: [a], keyspace: v, datacenter: dc1 }\n`)).toEqual([
      'persistence.visibility.cassandra: unknown setting (expected one of: sqlite, postgres, mysql, elasticsearch)',
      'persistence.visibility: must configure one store: sqlite, postgres, mysql, elasticsearch',
    ]);
  });

  test('wrong types and values: shard count, booleans, enums, keyspace, URL, IP, namespaces', () => {
    expect(
      problems(`
persistence:
  numHistoryShards: 2.5
  autoSetupSchema: "yes"
  main:
    cassandra: { hosts: [], keyspace: "1bad", datacenter: dc1, consistency: SOME }
  visibility:
    elasticsearch: { url: "es:9200", index: v }
frontend: { ip: not-an-ip, maxPayloadBytes: 0 }
log: { format: xml, level: verbose }
namespaces: ["", ok]
`),
    ).toEqual([
      'persistence.numHistoryShards: must be an integer from 1 to 16384, got 2.5',
      'persistence.autoSetupSchema: must be true or false, got "yes"',
      'persistence.main.cassandra.hosts: must be a non-empty list of strings, got []',
      'persistence.main.cassandra.keyspace: must be an unquoted Cassandra identifier (a letter, then letters, digits or _; at most 48), got "1bad"',
      'persistence.main.cassandra.consistency: must be one of ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, LOCAL_ONE, got "SOME"',
      'persistence.visibility.elasticsearch.url: must be an http:// or https:// URL, got "es:9200"',
      'frontend.ip: must be an IP address, got "not-an-ip"',
      'frontend.maxPayloadBytes: must be an integer from 1 to 134217728, got 0',
      'log.format: must be one of json, pretty, got "xml"',
      'log.level: must be one of debug, info, warn, error, got "verbose"',
      'namespaces: must be a non-empty list of strings, got ["","ok"]',
    ]);
  });

  test('secrets: two sources at once, an unreadable file, an unset variable, a password without a user', () => {
    expect(problems(POSTGRES.replace('password: pw', 'password: pw\n      passwordEnv: PG_PASSWORD'))).toEqual([
      'persistence.main.postgres.passwordEnv: conflicts with password: give the password one way only',
    ]);
    expect(problems(POSTGRES.replace('password: pw', 'passwordFile: /secrets/missing'))).toEqual([
      "persistence.main.postgres.passwordFile: cannot read /secrets/missing: ENOENT: no such file or directory, open '/secrets/missing'",
    ]);
    expect(problems(POSTGRES.replace('password: pw', 'passwordEnv: NOT_SET'))).toEqual(['persistence.main.postgres.passwordEnv: environment variable NOT_SET is not set']);
    expect(problems(`${POSTGRES}  visibility:\n    elasticsearch: { url: "http://es:9200", index: v, password: pw }\n`)).toEqual([
      'persistence.visibility.elasticsearch.user: is required when a password is given',
    ]);
  });

  test('TLS: certificate without key, unreadable CA file, unknown TLS setting', () => {
    expect(problems(`${POSTGRES}      tls: { certFile: /tls/client.crt, caFile: /tls/nope, verify: false }\n`)).toEqual([
      'persistence.main.postgres.tls.verify: unknown setting (expected one of: caFile, certFile, keyFile, serverName, disableHostVerification)',
      "persistence.main.postgres.tls.caFile: cannot read /tls/nope: ENOENT: no such file or directory, open '/tls/nope'",
      'persistence.main.postgres.tls.keyFile: is required with certFile',
    ]);
  });

  test('a section that is not a mapping, and a document that is not one', () => {
    expect(problems(`${POSTGRES}frontend: 7233\n`)).toEqual(['frontend: must be a mapping, got 7233']);
    expect(problems('- a\n- b\n')).toEqual(['the config must be a YAML mapping, got ["a","b"]']);
  });

  test('YAML syntax errors and duplicate keys are reported with their line', () => {
    const found = problems(`${POSTGRES}frontend: { port: 1\n`);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/^YAML syntax error at line \d+, column \d+: /);
    expect(problems(`${POSTGRES}log: {}\nlog: {}\n`)[0]).toMatch(/^YAML syntax error at line 12, column 1: Map keys must be unique/);
  });

  test('several problems at once are all reported, and the error message lists each on its own line', () => {
    let error: unknown;
    try {
      parse('persistence:\n  numHistoryShards: -1\n  main:\n    postgres: { host: h, port: "abc", user: u, database: d }\nlog: { level: loud }\nextra: 1\n');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      [
        'test.yaml has 4 problems:',
        '  extra: unknown setting (expected one of: persistence, frontend, log, namespaces)',
        '  persistence.numHistoryShards: must be an integer from 1 to 16384, got -1',
        '  persistence.main.postgres.port: must be a port number, got "abc"',
        '  log.level: must be one of debug, info, warn, error, got "loud"',
      ].join('\n'),
    );
  });

  test('a missing config file is one clear problem', () => {
    expect(() => loadServerConfig('/no/such/hourglass.yaml')).toThrow(/\/no\/such\/hourglass.yaml has 1 problem:\n {2}cannot read the config file: ENOENT/);
  });
});

describe('starting from a config', () => {
  test('a shard count that differs from the one the cluster was created with is logged as a warning and the stored one stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hourglass-config-shards-'));
    const yaml = (shards: number) => `persistence:\n  numHistoryShards: ${shards}\n  autoSetupSchema: true\n  main:\n    sqlite: { filename: ${join(dir, 'shards.db')} }\nfrontend: { port: 0 }\n`;
    try {
      const first = await startServerFromConfig(parse(yaml(2)));
      await first.shutdown(1_000);
      const lines: string[] = [];
      const second = await startServerFromConfig(parse(yaml(3)), createLogger({ level: 'warn', format: 'json', write: (line) => lines.push(line) }));
      await second.shutdown(1_000);
      const warnings = lines.map((line) => JSON.parse(line) as { level: string; msg: string; configured?: number; stored?: number });
      expect(warnings).toContainEqual(expect.objectContaining({ level: 'warn', configured: 3, stored: 2, msg: expect.stringMatching(/numHistoryShards differs/) }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
