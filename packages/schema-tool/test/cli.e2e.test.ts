import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AvailableTarget } from './support/targets.js';
import { FIXTURE, e2eTargets, openDirect, runCli } from './support/targets.js';

/**
 * The built `schema-tool` binary, driven the way a DBA drives it, on SQLite and on every local
 * SQL server that `conformance/servers/start.sh` brought up. A server that is not up is a
 * skipped block that names the reason, never a pass.
 */
for (const target of e2eTargets()) {
  if (!target.available) {
    describe.skip(`schema-tool CLI on ${target.name}: ${target.reason}`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }
  describe(`schema-tool CLI on ${target.name}`, () => {
    const db = ['--db', target.db];

    async function freshDatabase(): Promise<{ name: string; env: Record<string, string> }> {
      const name = target.newDatabase();
      const env = { ...target.env, SQL_DATABASE: name };
      const created = await runCli(['create-database', ...db], env);
      expect(created.code, created.stderr).toBe(0);
      return { name, env };
    }

    async function drop(env: Record<string, string>): Promise<void> {
      await runCli(['drop-database', ...db, '--force'], env);
    }

    it('setup-schema applies only the base version; update-schema moves to the newest; version reports both', async () => {
      const { env } = await freshDatabase();
      try {
        const setup = await runCli(['setup-schema', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env);
        expect(setup.code, setup.stderr).toBe(0);
        expect(JSON.parse(setup.stdout)).toMatchObject({ ok: true, version: '1.0', applied: ['1.0'] });
        expect(setup.stderr).toMatch(/1\.0/);

        const before = JSON.parse((await runCli(['version', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env)).stdout);
        expect(before).toMatchObject({ currentVersion: '1.0', latestVersion: '1.2', requiredVersion: '1.1', compatible: false, pendingVersions: ['1.1', '1.2'] });

        const update = await runCli(['update-schema', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env);
        expect(update.code, update.stderr).toBe(0);
        expect(JSON.parse(update.stdout)).toMatchObject({ previousVersion: '1.0', version: '1.2', applied: ['1.1', '1.2'] });
        // Progress goes to stderr, one line per version at least.
        expect(update.stderr).toMatch(/1\.1[\s\S]*1\.2/);

        const after = JSON.parse((await runCli(['version', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env)).stdout);
        expect(after).toMatchObject({ currentVersion: '1.2', compatible: true, pendingVersions: [] });
        expect(after.history.map((h: { newVersion: string }) => h.newVersion)).toEqual(['1.0', '1.1', '1.2']);
      } finally {
        await drop(env);
      }
    });

    it('update-schema --dry-run prints the exact statements and changes nothing', async () => {
      const { name, env } = await freshDatabase();
      try {
        expect((await runCli(['setup-schema', ...db, '--schema-dir', FIXTURE], env)).code).toBe(0);
        const dry = await runCli(['update-schema', ...db, '--schema-dir', FIXTURE, '--dry-run'], env);
        expect(dry.code, dry.stderr).toBe(0);
        expect(dry.stdout).toContain('ALTER TABLE namespaces ADD COLUMN notes VARCHAR(255);');
        expect(dry.stdout).toContain('CREATE INDEX tasks_by_payload ON tasks (namespace_id, payload);');
        const version = JSON.parse((await runCli(['version', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env)).stdout);
        expect(version.currentVersion).toBe('1.0');
        const direct = await openDirect(target, name);
        try {
          await expect(direct.executor.query('SELECT notes FROM namespaces')).rejects.toThrow();
        } finally {
          await direct.close();
        }
      } finally {
        await drop(env);
      }
    });

    it('--target-version stops there, and an unknown target version fails with one clear line', async () => {
      const { env } = await freshDatabase();
      try {
        const partial = await runCli(['update-schema', ...db, '--schema-dir', FIXTURE, '--target-version', '1.1', '--output', 'json'], env);
        expect(partial.code, partial.stderr).toBe(0);
        expect(JSON.parse(partial.stdout)).toMatchObject({ version: '1.1', applied: ['1.0', '1.1'] });
        const unknown = await runCli(['update-schema', ...db, '--schema-dir', FIXTURE, '--target-version', '7.3'], env);
        expect(unknown.code).toBe(1);
        expect(unknown.stderr.trim().split('\n')[0]).toMatch(/^schema-tool: error: .*7\.3/);
      } finally {
        await drop(env);
      }
    });

    it('validate passes on a clean schema and reports drift with exit code 1', async () => {
      const { name, env } = await freshDatabase();
      try {
        expect((await runCli(['update-schema', ...db, '--schema-dir', FIXTURE], env)).code).toBe(0);
        const clean = await runCli(['validate', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env);
        expect(clean.code, clean.stdout + clean.stderr).toBe(0);
        expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, differences: [] });

        const direct = await openDirect(target, name);
        try {
          await direct.executor.execute(target.db === 'mysql' ? 'DROP INDEX tasks_by_payload ON tasks' : 'DROP INDEX tasks_by_payload');
          await direct.executor.execute('ALTER TABLE namespaces ADD COLUMN rogue INTEGER');
        } finally {
          await direct.close();
        }
        const drifted = await runCli(['validate', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env);
        expect(drifted.code).toBe(1);
        const report = JSON.parse(drifted.stdout) as { ok: boolean; differences: string[] };
        expect(report.ok).toBe(false);
        expect(report.differences.join('\n')).toMatch(/tasks_by_payload/);
        expect(report.differences.join('\n')).toMatch(/rogue/);
      } finally {
        await drop(env);
      }
    });

    it('two concurrent updaters apply each version exactly once', async () => {
      const { env } = await freshDatabase();
      try {
        const [a, b] = await Promise.all([
          runCli(['update-schema', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env),
          runCli(['update-schema', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env),
        ]);
        expect(a.code, a.stderr).toBe(0);
        expect(b.code, b.stderr).toBe(0);
        const applied = [...JSON.parse(a.stdout).applied, ...JSON.parse(b.stdout).applied].sort();
        expect(applied).toEqual(['1.0', '1.1', '1.2']);
        const version = JSON.parse((await runCli(['version', ...db, '--schema-dir', FIXTURE, '--output', 'json'], env)).stdout);
        expect(version.history.map((h: { newVersion: string }) => h.newVersion)).toEqual(['1.0', '1.1', '1.2']);
      } finally {
        await drop(env);
      }
    });

    it('the shipped main and visibility schemas set up, update to the newest and validate clean', async () => {
      const { env } = await freshDatabase();
      try {
        for (const store of ['main', 'visibility']) {
          const setup = await runCli(['setup-schema', ...db, '--store', store], env);
          expect(setup.code, setup.stderr).toBe(0);
          const update = await runCli(['update-schema', ...db, '--store', store, '--output', 'json'], env);
          expect(update.code, update.stderr).toBe(0);
          const version = JSON.parse((await runCli(['version', ...db, '--store', store, '--output', 'json'], env)).stdout);
          expect(version).toMatchObject({ compatible: true, pendingVersions: [] });
          const validate = await runCli(['validate', ...db, '--store', store], env);
          expect(validate.code, validate.stdout + validate.stderr).toBe(0);
        }
      } finally {
        await drop(env);
      }
    });

    it('setup-schema --schema-file --disable-versioning loads one file without bookkeeping', async () => {
      const { name, env } = await freshDatabase();
      try {
        const file = join(tmpdir(), `schema-tool-file-${process.pid}-${Date.now()}.sql`);
        writeFileSync(file, 'CREATE TABLE loose_table (id BIGINT NOT NULL, PRIMARY KEY (id));\n');
        const loaded = await runCli(['setup-schema', ...db, '--schema-file', file, '--disable-versioning', '--output', 'json'], env);
        expect(loaded.code, loaded.stderr).toBe(0);
        expect(JSON.parse(loaded.stdout)).toMatchObject({ statements: 1, version: null });
        const direct = await openDirect(target, name);
        try {
          expect(await direct.executor.query('SELECT COUNT(*) AS n FROM loose_table')).toHaveLength(1);
        } finally {
          await direct.close();
        }
      } finally {
        await drop(env);
      }
    });

    it('drop-database refuses without --force when nobody can confirm', async () => {
      const { env } = await freshDatabase();
      try {
        const refused = await runCli(['drop-database', ...db], env);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/--force/);
      } finally {
        const dropped = await runCli(['drop-database', ...db, '--force', '--output', 'json'], env);
        expect(dropped.code, dropped.stderr).toBe(0);
        expect(JSON.parse(dropped.stdout)).toMatchObject({ ok: true, dropped: true });
      }
    });

    if (target.db !== 'sqlite') {
      it('an unreachable server fails with one clear line and exit code 1', async () => {
        const env = { ...target.env, SQL_PORT: '1', SQL_DATABASE: 'nowhere' };
        const run = await runCli(['version', ...db], env);
        expect(run.code).toBe(1);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr).toMatch(/^schema-tool: error: .*127\.0\.0\.1:1/);
      });
    }
  });
}

describe('schema-tool CLI usage errors', () => {
  const sqlite = e2eTargets()[0] as AvailableTarget;
  it('an unknown flag exits 2 naming the flag', async () => {
    const run = await runCli(['version', '--db', 'sqlite', '--colour'], sqlite.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown flag --colour/);
  });
  it('an unknown --db exits 2 listing the choices', async () => {
    const run = await runCli(['version', '--db', 'oracle'], sqlite.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--db must be one of .*sqlite/);
  });
  it('--output json reports usage errors as json too', async () => {
    const run = await runCli(['frobnicate', '--output', 'json'], sqlite.env);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, usage: true });
  });
});
