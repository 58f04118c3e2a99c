import { createInterface } from 'node:readline/promises';
import type { CommandContext, CommandResult, Reporter, SchemaBackend } from '../backend.js';
import { BACKENDS, findBackend } from '../backends.js';
import { SchemaToolError, UsageError, describeCause } from '../errors.js';
import type { StoreName } from '../paths.js';
import type { CommandSpec } from './commands.js';
import { COMMANDS, findCommand } from './commands.js';
import type { OptionSpec, OptionValues } from './options.js';
import { formatOptions, parseOptions } from './options.js';
import { renderProgress } from './render.js';

/** What the CLI touches outside itself, so tests can drive it in-process. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** Whether a human can answer a confirmation prompt. */
  readonly interactive: boolean;
  ask(question: string): Promise<string>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const PROGRAM = 'schema-tool';

// Parsed specially (also as -h); listed so help documents it.
const HELP_OPTION: OptionSpec = { name: 'help', type: 'boolean', description: 'show help; after a command, that command\'s flags (also -h)' };

function commonOptions(): OptionSpec[] {
  return [
    { name: 'db', type: 'string', valueName: 'kind', description: 'database kind', choices: BACKENDS.map((b) => b.name) },
    { name: 'store', type: 'string', valueName: 'store', description: 'which store the schema belongs to', choices: ['main', 'visibility'], default: 'main' },
    { name: 'output', type: 'string', valueName: 'format', description: 'text for people, json for machines (result on stdout)', choices: ['text', 'json'], default: 'text' },
  ];
}

/** Connection flags of every backend, without repeating a flag two backends share. */
function allConnectionOptions(): OptionSpec[] {
  const seen = new Map<string, OptionSpec>();
  for (const backend of BACKENDS) for (const option of backend.connectionOptions) if (!seen.has(option.name)) seen.set(option.name, option);
  return [...seen.values()];
}

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  return [
    `Usage: ${PROGRAM} <command> --db <kind> [flags]`,
    '',
    'Manages the versioned database schema of an Hourglass store.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Common flags:',
    formatOptions([...commonOptions(), HELP_OPTION]),
    '',
    'Databases (--db):',
    ...BACKENDS.map((b) => `  ${b.name.padEnd(width)}${b.summary}`),
    '',
    'Connection flags (each falls back to the environment variable shown):',
    formatOptions(allConnectionOptions()),
    '',
    'Exit codes: 0 success, 1 failure (including schema drift found by validate), 2 bad usage.',
    '',
    'Examples:',
    `  ${PROGRAM} create-database --db postgres --endpoint 127.0.0.1 --user temporal --database hourglass`,
    `  ${PROGRAM} setup-schema    --db postgres --database hourglass`,
    `  ${PROGRAM} update-schema   --db postgres --database hourglass --dry-run`,
    `  SQL_DATABASE=./hourglass.db ${PROGRAM} update-schema --db sqlite --store visibility --output json`,
  ].join('\n');
}

export function commandHelp(command: CommandSpec, backend: SchemaBackend | undefined): string {
  const connection = backend ? backend.connectionOptions : allConnectionOptions();
  return [
    `Usage: ${PROGRAM} ${command.name} --db <kind> [flags]`,
    '',
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    command.details,
    '',
    ...(command.options.length > 0 ? ['Flags:', formatOptions(command.options), ''] : []),
    'Common flags:',
    formatOptions([...commonOptions(), HELP_OPTION]),
    '',
    `Connection flags${backend ? ` for --db ${backend.name}` : ''} (each falls back to the environment variable shown):`,
    formatOptions(connection),
  ].join('\n');
}

/** Finds `--db` before full parsing, because the backend decides which connection flags exist. */
function peekDb(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--db') return argv[i + 1];
    if (arg.startsWith('--db=')) return arg.slice(5);
  }
  return undefined;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    io.writeErr(`${globalHelp()}\n`);
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.writeOut(`${globalHelp()}\n`);
    return EXIT_OK;
  }
  const wantsJson = argv.includes('--output=json') || argv.some((arg, i) => arg === '--output' && argv[i + 1] === 'json');
  try {
    const command = findCommand(first);
    if (!command) throw new UsageError(`unknown command "${first}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    const rest = argv.slice(1);
    const dbName = peekDb(rest);
    const backend = dbName === undefined ? undefined : findBackend(dbName);
    if (dbName !== undefined && !backend) throw new UsageError(`--db must be one of ${BACKENDS.map((b) => b.name).join(', ')}; got "${dbName}"`);
    const specs = [...commonOptions(), ...command.options, ...(backend ? backend.connectionOptions : allConnectionOptions())];
    const parsed = parseOptions(rest, specs, io.env);
    if (parsed.help) {
      io.writeOut(`${commandHelp(command, backend)}\n`);
      return EXIT_OK;
    }
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    if (!backend) throw new UsageError('--db is required');
    const store = parsed.values['store'] as StoreName;
    if (!backend.stores.includes(store)) throw new UsageError(`--db ${backend.name} has no ${store} store`);
    const json = parsed.values['output'] === 'json';
    const reporter: Reporter = {
      progress: (event) => io.writeErr(`${renderProgress(event)}\n`),
      info: (message) => io.writeErr(`${message}\n`),
    };
    const context: CommandContext = { store, options: parsed.values, reporter };
    const result = await dispatch(command, backend, context, parsed.values, io);
    if (json) io.writeOut(`${JSON.stringify({ ok: result.ok, db: backend.name, ...result.json })}\n`);
    else if (result.text.length > 0) io.writeOut(`${result.text.join('\n')}\n`);
    return result.ok ? EXIT_OK : EXIT_FAILURE;
  } catch (err) {
    const usage = err instanceof UsageError;
    const message = err instanceof SchemaToolError ? err.message : describeCause(err);
    if (wantsJson) io.writeOut(`${JSON.stringify({ ok: false, error: message, usage })}\n`);
    io.writeErr(`${PROGRAM}: error: ${message}\n`);
    if (usage) io.writeErr(`run "${PROGRAM} ${findCommand(first) ? `${first} ` : ''}--help" for usage\n`);
    if (!(err instanceof SchemaToolError) && io.env['SCHEMA_TOOL_DEBUG'] && err instanceof Error) io.writeErr(`${err.stack}\n`);
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}

async function dispatch(command: CommandSpec, backend: SchemaBackend, context: CommandContext, values: OptionValues, io: CliIo): Promise<CommandResult> {
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const schemaDir = text('schema-dir');
  switch (command.name) {
    case 'setup-schema': {
      const schemaFile = text('schema-file');
      const disableVersioning = values['disable-versioning'] === true;
      const initialVersion = text('initial-version');
      if (schemaFile === undefined && (disableVersioning || initialVersion !== undefined)) {
        throw new UsageError('--disable-versioning and --initial-version only apply together with --schema-file');
      }
      if (schemaFile !== undefined && schemaDir !== undefined) throw new UsageError('give either --schema-file or --schema-dir, not both');
      if (disableVersioning && initialVersion !== undefined) throw new UsageError('--initial-version records a version; it contradicts --disable-versioning');
      if (schemaFile !== undefined && !disableVersioning && initialVersion === undefined) {
        throw new UsageError('--schema-file needs --disable-versioning, or --initial-version X.Y to record the version it creates');
      }
      return backend.setupSchema(context, { schemaDir, schemaFile, disableVersioning, initialVersion });
    }
    case 'update-schema':
      return backend.updateSchema(context, { schemaDir, targetVersion: text('target-version'), dryRun: values['dry-run'] === true });
    case 'create-database':
      return backend.createDatabase(context);
    case 'drop-database': {
      if (values['force'] !== true) await confirmDrop(text('database') ?? text('keyspace'), io);
      return backend.dropDatabase(context);
    }
    case 'version':
      return backend.version(context, { schemaDir });
    case 'validate':
      return backend.validate(context, { schemaDir });
  }
}

async function confirmDrop(database: string | undefined, io: CliIo): Promise<void> {
  const name = database ?? '(none given)';
  if (!io.interactive) throw new UsageError(`refusing to drop database ${name} without --force (stdin is not a terminal, so nobody can confirm)`);
  const answer = await io.ask(`Drop database ${name} and everything in it? Type its name to confirm: `);
  if (answer.trim() !== database) throw new SchemaToolError('drop-database cancelled: the confirmation did not match the database name');
}

/** The real process: stdout/stderr, environment, and a readline prompt on the terminal. */
export function processIo(): CliIo {
  return {
    env: process.env,
    writeOut: (text) => void process.stdout.write(text),
    writeErr: (text) => void process.stderr.write(text),
    interactive: process.stdin.isTTY === true,
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
