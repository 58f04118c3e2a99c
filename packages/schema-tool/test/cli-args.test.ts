import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/main.js';
import { EXIT_OK, EXIT_USAGE, runCli } from '../src/cli/main.js';
import type { OptionSpec } from '../src/cli/options.js';
import { parseOptions } from '../src/cli/options.js';
import { UsageError } from '../src/errors.js';

const SPECS: OptionSpec[] = [
  { name: 'db', type: 'string', description: 'kind', choices: ['sqlite', 'postgres'] },
  { name: 'port', type: 'string', description: 'port', env: 'SQL_PORT' },
  { name: 'store', type: 'string', description: 'store', default: 'main' },
  { name: 'tls', type: 'boolean', description: 'tls', env: 'SQL_TLS' },
];

describe('parseOptions', () => {
  it('reads --name value, --name=value and booleans', () => {
    const parsed = parseOptions(['--db', 'sqlite', '--port=5433', '--tls'], SPECS);
    expect(parsed.values).toEqual({ db: 'sqlite', port: '5433', tls: true, store: 'main' });
    expect(parseOptions(['--tls=false'], SPECS).values['tls']).toBe(false);
  });

  it('prefers flags over environment over defaults', () => {
    const env = { SQL_PORT: '7000', SQL_TLS: 'yes' };
    expect(parseOptions([], SPECS, env).values).toEqual({ port: '7000', tls: true, store: 'main' });
    expect(parseOptions(['--port', '8000', '--tls=0'], SPECS, env).values).toMatchObject({ port: '8000', tls: false });
  });

  it('reports help, positionals and everything after --', () => {
    const parsed = parseOptions(['-h', 'extra', '--', '--db'], SPECS);
    expect(parsed.help).toBe(true);
    expect(parsed.positionals).toEqual(['extra', '--db']);
  });

  it.each([
    [['--nope'], /unknown flag --nope/],
    [['-x'], /unknown flag -x/],
    [['--port'], /flag --port needs a value/],
    [['--port', '--tls'], /flag --port needs a value/],
    [['--db', 'oracle'], /--db must be one of sqlite, postgres; got "oracle"/],
    [['--tls=maybe'], /--tls must be true or false/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseOptions(argv, SPECS)).toThrow(UsageError);
    expect(() => parseOptions(argv, SPECS)).toThrow(message);
  });

  it('names the environment variable when its value is bad', () => {
    expect(() => parseOptions([], SPECS, { SQL_TLS: 'perhaps' })).toThrow(/SQL_TLS must be true or false/);
  });
});

function fakeIo(env: Record<string, string> = {}): CliIo & { out: string; err: string } {
  const io = {
    env,
    out: '',
    err: '',
    interactive: false,
    writeOut(text: string) {
      io.out += text;
    },
    writeErr(text: string) {
      io.err += text;
    },
    ask: async () => '',
  };
  return io;
}

describe('runCli usage handling', () => {
  it('prints global help with every command and SQL env variable', async () => {
    const io = fakeIo();
    expect(await runCli(['--help'], io)).toBe(EXIT_OK);
    for (const word of ['setup-schema', 'update-schema', 'create-database', 'drop-database', 'version', 'validate', 'SQL_HOST', 'SQL_PORT', 'SQL_USER', 'SQL_PASSWORD', 'SQL_DATABASE', 'SQL_TLS_CA_FILE', '--tls-disable-host-verification']) {
      expect(io.out).toContain(word);
    }
  });

  it('prints command help', async () => {
    const io = fakeIo();
    expect(await runCli(['update-schema', '--help'], io)).toBe(EXIT_OK);
    expect(io.out).toContain('--dry-run');
    expect(io.out).toContain('--target-version');
  });

  it.each([
    [[], /Usage: schema-tool/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['version'], /--db is required/],
    [['version', '--db', 'oracle'], /--db must be one of sqlite, postgres, mysql(, [a-z]+)*; got "oracle"/],
    [['version', '--db', 'sqlite', '--store', 'archive'], /--store must be one of main, visibility/],
    [['version', '--db', 'sqlite', 'stray'], /unexpected argument "stray"/],
    [['setup-schema', '--db', 'sqlite', '--disable-versioning'], /only apply together with --schema-file/],
    [['setup-schema', '--db', 'sqlite', '--schema-file', 'x.sql'], /--schema-file needs --disable-versioning/],
    [['drop-database', '--db', 'sqlite', '--database', '/tmp/none.db'], /refusing to drop database \/tmp\/none.db without --force/],
  ])('exits 2 with one clear line for %j', async (argv, message) => {
    const io = fakeIo();
    expect(await runCli(argv, io)).toBe(EXIT_USAGE);
    expect(io.err).toMatch(message);
    expect(io.err).not.toMatch(/\n\s+at /);
  });

  it('writes a JSON error on stdout when --output json is asked for', async () => {
    const io = fakeIo();
    expect(await runCli(['version', '--db', 'oracle', '--output', 'json'], io)).toBe(EXIT_USAGE);
    expect(JSON.parse(io.out)).toMatchObject({ ok: false, usage: true });
  });
});
