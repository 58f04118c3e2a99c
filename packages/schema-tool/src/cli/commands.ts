import type { OptionSpec } from './options.js';

export type CommandName = 'setup-schema' | 'update-schema' | 'create-database' | 'drop-database' | 'version' | 'validate';

export interface CommandSpec {
  readonly name: CommandName;
  readonly summary: string;
  readonly details: string;
  readonly options: readonly OptionSpec[];
  /** Other names the command answers to (Cassandra speaks of keyspaces, not databases). */
  readonly aliases?: readonly string[];
}

const SCHEMA_DIR: OptionSpec = {
  name: 'schema-dir',
  type: 'string',
  valueName: 'dir',
  description: 'directory of vX.Y/ version directories (default: the packaged schema/<db>/<store>/versioned)',
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'setup-schema',
    summary: 'create the bookkeeping tables and apply the base (oldest) schema version',
    details:
      'Does nothing if the store is already set up. With --schema-file, applies that one file instead:\n' +
      'with --disable-versioning the bookkeeping tables are left alone, otherwise --initial-version is recorded.',
    options: [
      SCHEMA_DIR,
      { name: 'schema-file', type: 'string', valueName: 'file', description: 'apply this SQL file instead of the versioned directories' },
      { name: 'disable-versioning', type: 'boolean', description: 'with --schema-file: do not create or update the bookkeeping tables' },
      { name: 'initial-version', type: 'string', valueName: 'X.Y', description: 'with --schema-file: the version to record for it' },
    ],
  },
  {
    name: 'update-schema',
    summary: 'apply every version after the current one, up to the target',
    details:
      'Each version runs in its own transaction where DDL is transactional (PostgreSQL, SQLite); on MySQL/MariaDB\n' +
      'progress is recorded per statement so a re-run after a failure resumes where it stopped. Concurrent\n' +
      'updaters wait for each other. A store that was never set up starts from the oldest version.',
    options: [
      SCHEMA_DIR,
      { name: 'target-version', type: 'string', valueName: 'X.Y', description: 'stop at this version (default: the newest)' },
      { name: 'dry-run', type: 'boolean', description: 'print the exact statements that would run, and change nothing' },
    ],
  },
  {
    name: 'create-database',
    aliases: ['create-keyspace'],
    summary: 'create the database named by --database (for sqlite: an empty file; for cassandra: the --keyspace)',
    details: 'Succeeds without change when the database already exists.',
    options: [],
  },
  {
    name: 'drop-database',
    aliases: ['drop-keyspace'],
    summary: 'drop the database named by --database (for cassandra: the --keyspace), with everything in it',
    details: 'Asks for confirmation on a terminal; elsewhere it refuses unless --force is given.',
    options: [{ name: 'force', type: 'boolean', description: 'drop without asking' }],
  },
  {
    name: 'version',
    summary: "show the store's current schema version, the version this code requires, and the newest",
    details: 'Exit code 0 whether or not an update is needed; see "compatible" in --output json.',
    options: [SCHEMA_DIR],
  },
  {
    name: 'validate',
    summary: 'compare live tables, columns and indexes with what the current version defines',
    details:
      'The expected schema is built by applying the versioned files to a scratch database of the same kind\n' +
      '(SQLite in memory; a rolled-back PostgreSQL schema; a temporary MySQL database, which needs CREATE permission).\n' +
      'Exits 1 and lists every difference when the schema drifted.',
    options: [SCHEMA_DIR],
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name || command.aliases?.includes(name) === true);
}
