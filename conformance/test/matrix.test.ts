import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildMatrix, selectTargets } from '../src/matrix.js';
import type { MatrixEnvironment } from '../src/matrix.js';
import { TargetUnavailableError } from '../src/target.js';
import type { Target } from '../src/target.js';
import { isServerUnreachable } from '../src/targets/unreachable.js';

const NO_RUNTIME = 'Could not find a working container runtime strategy';

let runDir: string;
beforeEach(async () => {
  runDir = await mkdtemp(path.join(tmpdir(), 'hourglass-matrix-'));
});
afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

function environment(probe: MatrixEnvironment['probeContainerRuntime'] = async () => ({ available: false, reason: NO_RUNTIME })): MatrixEnvironment {
  return { runDir, probeContainerRuntime: probe };
}

function byName(targets: readonly Target[], name: string): Target {
  const target = targets.find((t) => t.name === name);
  if (target === undefined) throw new Error(`no target ${name}`);
  return target;
}

async function openFailure(target: Target): Promise<unknown> {
  return target.open().then(
    () => {
      throw new Error(`${target.name} opened unexpectedly`);
    },
    (err: unknown) => err,
  );
}

/** A TCP port on which nothing listens: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('matrix definition', () => {
  const targets = buildMatrix(environment());

  it('names every cell of the brief exactly once', () => {
    expect(targets.map((t) => t.name)).toEqual([
      'sqlite-memory',
      'sqlite-file',
      'postgres-15',
      'postgres-10.18',
      'postgres-13.4',
      'mariadb-10.11',
      'cassandra-4.0',
      'cassandra-3.11',
      'elasticsearch-7.10.2',
      'elasticsearch-6.8.9',
      'opensearch-2',
      'elasticsearch-8',
      'tc-postgres-10.18',
      'tc-postgres-13.4',
      'tc-mysql-5.7',
      'tc-mysql-8.0.19',
      'tc-cassandra-3.11',
      'tc-cassandra-4.0',
      'tc-elasticsearch-6.8.23',
      'tc-elasticsearch-7.10.2',
      'tc-elasticsearch-8.5.0',
    ]);
  });

  it('assigns providers by how the server is obtained', () => {
    const provider = (name: string) => byName(targets, name).provider;
    expect(['sqlite-memory', 'sqlite-file'].map(provider)).toEqual(['embedded', 'embedded']);
    expect(targets.filter((t) => t.name.startsWith('tc-')).every((t) => t.provider === 'testcontainers')).toBe(true);
    expect(targets.filter((t) => !t.name.startsWith('tc-') && !t.name.startsWith('sqlite')).every((t) => t.provider === 'local-server')).toBe(true);
  });

  it('labels MariaDB as MariaDB and keeps the mysql family for real MySQL images only', () => {
    expect(byName(targets, 'mariadb-10.11').family).toBe('mariadb');
    expect(targets.filter((t) => t.family === 'mysql').map((t) => t.name)).toEqual(['tc-mysql-5.7', 'tc-mysql-8.0.19']);
    expect(targets.filter((t) => t.family === 'mariadb' && /mysql/i.test(t.name))).toEqual([]);
  });

  it('gives search engines visibility only, Cassandra core stores only, SQL both', () => {
    for (const t of targets) {
      const expected =
        t.family === 'elasticsearch' || t.family === 'opensearch'
          ? { coreStores: false, visibility: true }
          : t.family === 'cassandra'
            ? { coreStores: true, visibility: false }
            : { coreStores: true, visibility: true };
      expect(t.capabilities, t.name).toEqual(expected);
    }
  });

  it('records the requested server version for every server target', () => {
    for (const t of targets.filter((t) => t.provider !== 'embedded')) expect(t.serverVersion, t.name).toMatch(/^\d+(\.\d+)*$/);
  });
});

describe('target selection (HOURGLASS_TARGETS)', () => {
  const targets = buildMatrix(environment());

  it('selects every target when unset or blank', () => {
    expect(selectTargets(targets, undefined).every((s) => s.excludedReason === undefined)).toBe(true);
    expect(selectTargets(targets, ' , ').every((s) => s.excludedReason === undefined)).toBe(true);
  });

  it('keeps the listed targets and marks the others excluded', () => {
    const selected = selectTargets(targets, ' sqlite-memory,postgres-15 ');
    expect(selected.filter((s) => s.excludedReason === undefined).map((s) => s.target.name)).toEqual(['sqlite-memory', 'postgres-15']);
    expect(selected.find((s) => s.target.name === 'sqlite-file')?.excludedReason).toBe('excluded by HOURGLASS_TARGETS');
    expect(selected).toHaveLength(targets.length);
  });

  it('rejects names that match no target', () => {
    expect(() => selectTargets(targets, 'sqlite-memory,mysql-8')).toThrow(/unknown targets: mysql-8/);
    expect(() => selectTargets(targets, undefined, 'postgres-16')).toThrow(/HOURGLASS_REQUIRED_TARGETS names unknown targets: postgres-16/);
  });

  it('requires the embedded targets always and the named servers on request', () => {
    const selected = selectTargets(targets, undefined, 'postgres-15');
    const required = selected.filter((s) => s.required === true).map((s) => s.target.name);
    expect(required).toEqual(['sqlite-memory', 'sqlite-file', 'postgres-15']);
    const onlyServer = selectTargets(targets, 'postgres-15');
    expect(onlyServer.find((s) => s.target.name === 'sqlite-memory')?.required).toBeUndefined();
  });
});

describe('container fallback', () => {
  it('makes every testcontainers target not-run with the runtime error, probing once', async () => {
    const probe = vi.fn(async () => ({ available: false as const, reason: NO_RUNTIME }));
    const targets = buildMatrix(environment(probe)).filter((t) => t.provider === 'testcontainers');
    expect(targets.length).toBe(9);
    for (const target of targets) {
      const err = await openFailure(target);
      expect(err, target.name).toBeInstanceOf(TargetUnavailableError);
      expect((err as Error).message).toBe(`no container runtime: ${NO_RUNTIME}`);
    }
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it('never probes for embedded or local-server targets', async () => {
    const probe = vi.fn(async () => ({ available: false as const, reason: NO_RUNTIME }));
    const targets = buildMatrix(environment(probe));
    await openFailure(byName(targets, 'postgres-15'));
    expect(probe).not.toHaveBeenCalled();
  });
});

describe('local-server targets', () => {
  it('are not-run with the start command when the run file is missing', async () => {
    for (const target of buildMatrix(environment()).filter((t) => t.provider === 'local-server')) {
      const err = await openFailure(target);
      expect(err, target.name).toBeInstanceOf(TargetUnavailableError);
      expect((err as Error).message).toBe(`local server not started (bash conformance/servers/start.sh ${target.name})`);
    }
  });

  it('fail (not not-run) when the run file lacks connection details', async () => {
    await writeFile(path.join(runDir, 'postgres-15.json'), JSON.stringify({ host: '127.0.0.1', serverVersion: '15' }));
    const err = await openFailure(byName(buildMatrix(environment()), 'postgres-15'));
    expect(err).not.toBeInstanceOf(TargetUnavailableError);
    expect((err as Error).message).toMatch(/lacks port, user, database/);
  });

  it.each(['postgres-15', 'mariadb-10.11'])('%s is not-run when nothing listens at the recorded address', async (name) => {
    const port = await closedPort();
    await writeFile(path.join(runDir, `${name}.json`), JSON.stringify({ host: '127.0.0.1', port, user: 'u', password: 'p', database: 'd', serverVersion: 'x' }));
    const err = await openFailure(byName(buildMatrix(environment()), name));
    expect(err).toBeInstanceOf(TargetUnavailableError);
    expect((err as Error).message).toMatch(/not reachable/);
  });

  it('search targets are not-run when nothing listens at the recorded url', async () => {
    const port = await closedPort();
    await writeFile(path.join(runDir, 'opensearch-2.json'), JSON.stringify({ url: `http://127.0.0.1:${port}`, serverVersion: '2' }));
    const err = await openFailure(byName(buildMatrix(environment()), 'opensearch-2'));
    expect(err).toBeInstanceOf(TargetUnavailableError);
    expect((err as Error).message).toMatch(/not reachable/);
  });
});

describe('isServerUnreachable', () => {
  it('recognises refused connections, also when nested', () => {
    expect(isServerUnreachable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isServerUnreachable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isServerUnreachable(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }))).toBe(true);
  });

  it('does not mistake real server errors for absence', () => {
    expect(isServerUnreachable(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).toBe(false);
    expect(isServerUnreachable(new Error('boom'))).toBe(false);
    expect(isServerUnreachable(undefined)).toBe(false);
  });
});
