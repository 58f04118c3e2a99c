import { UsageError } from '../errors.js';

/** One command-line flag; `env` names the environment variable that supplies it when the flag is absent. */
export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly description: string;
  readonly env?: string;
  readonly valueName?: string;
  readonly default?: string;
  /** Restricts a string flag to these values. */
  readonly choices?: readonly string[];
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface ParsedArgs {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', '']);

/**
 * Parses `--name value`, `--name=value`, boolean `--name` / `--name=false`, and `-h`/`--help`.
 * Values come from the flag, else its environment variable, else its default. Unknown flags
 * and missing values raise UsageError naming the flag.
 */
export function parseOptions(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  env: Readonly<Record<string, string | undefined>> = {},
): ParsedArgs {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const values: OptionValues = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`unknown flag ${arg} (flags are spelled --name; see --help)`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown flag --${name} (see --help)`);
    if (spec.type === 'boolean') {
      values[name] = eq === -1 ? true : parseBoolean(arg.slice(eq + 1), `--${name}`);
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`flag --${name} needs a value`);
      value = next;
      i++;
    }
    values[name] = checkChoice(spec, value, `--${name}`);
  }
  for (const spec of specs) {
    if (values[spec.name] !== undefined) continue;
    const fromEnv = spec.env === undefined ? undefined : env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      values[spec.name] = spec.type === 'boolean' ? parseBoolean(fromEnv, spec.env!) : checkChoice(spec, fromEnv, spec.env!);
    } else if (spec.default !== undefined) {
      values[spec.name] = spec.default;
    }
  }
  return { values, positionals, help };
}

function parseBoolean(text: string, source: string): boolean {
  const lower = text.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  throw new UsageError(`${source} must be true or false, got "${text}"`);
}

function checkChoice(spec: OptionSpec, value: string, source: string): string {
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(`${source} must be one of ${spec.choices.join(', ')}; got "${value}"`);
  }
  return value;
}

/** Renders flags as aligned help lines, with their environment variable and default. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const heads = specs.map((spec) => `  --${spec.name}${spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>` : ''}`);
  const width = Math.min(Math.max(...heads.map((h) => h.length)) + 2, 44);
  return specs
    .map((spec, i) => {
      const extras: string[] = [];
      if (spec.choices) extras.push(`one of: ${spec.choices.join(', ')}`);
      if (spec.env) extras.push(`env ${spec.env}`);
      if (spec.default !== undefined) extras.push(`default ${spec.default}`);
      const text = spec.description + (extras.length > 0 ? ` (${extras.join('; ')})` : '');
      const head = heads[i]!;
      return head.length + 2 > width ? `${head}\n${' '.repeat(width)}${text}` : `${head.padEnd(width)}${text}`;
    })
    .join('\n');
}
