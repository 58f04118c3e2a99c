import type { OptionSpec, OptionValues } from './cli/options.js';
import type { StoreName } from './paths.js';
import type { ProgressEvent } from './progress.js';

/**
 * A database kind the CLI can manage. Each backend is one module registered in
 * `backends.ts`; it declares its own connection flags and implements every command.
 */
export interface SchemaBackend {
  /** The `--db` value. */
  readonly name: string;
  readonly summary: string;
  readonly stores: readonly StoreName[];
  /** Connection flags (with environment variables) this backend reads from `context.options`. */
  readonly connectionOptions: readonly OptionSpec[];
  setupSchema(context: CommandContext, request: SetupRequest): Promise<CommandResult>;
  updateSchema(context: CommandContext, request: UpdateRequest): Promise<CommandResult>;
  createDatabase(context: CommandContext): Promise<CommandResult>;
  dropDatabase(context: CommandContext): Promise<CommandResult>;
  version(context: CommandContext, request: SchemaDirRequest): Promise<CommandResult>;
  validate(context: CommandContext, request: SchemaDirRequest): Promise<CommandResult>;
}

export interface CommandContext {
  readonly store: StoreName;
  /** Every parsed flag, including the backend's connection flags. */
  readonly options: OptionValues;
  readonly reporter: Reporter;
}

/** Where human-readable progress goes (stderr); never mixed into `--output json`. */
export interface Reporter {
  progress(event: ProgressEvent): void;
  info(message: string): void;
}

export interface SchemaDirRequest {
  /** Directory of `vX.Y/` subdirectories; undefined means the packaged schema. */
  readonly schemaDir: string | undefined;
}

export interface SetupRequest extends SchemaDirRequest {
  /** Apply this single file instead of the versioned directories. */
  readonly schemaFile: string | undefined;
  /** With `schemaFile`: apply it without touching the bookkeeping tables. */
  readonly disableVersioning: boolean;
  /** With `schemaFile` and versioning: the version to record for it. */
  readonly initialVersion: string | undefined;
}

export interface UpdateRequest extends SchemaDirRequest {
  readonly targetVersion: string | undefined;
  readonly dryRun: boolean;
}

/** `ok: false` makes the CLI exit 1 (for example, validate found drift). */
export interface CommandResult {
  readonly ok: boolean;
  /** Lines for stdout in text mode. */
  readonly text: readonly string[];
  /** The machine-readable result for `--output json`. */
  readonly json: Record<string, unknown>;
}
