import BetterSqlite3 from 'better-sqlite3';
import { DefaultQueryCompiler } from 'kysely';
import { percentile } from './stats.js';

/**
 * Where one op's time goes, measured by wrapping the layers an op passes through. Wrapping
 * costs a clock read on each side of every call (well under a microsecond per statement),
 * so these figures come from a separate pass, never from the timed rounds.
 *
 * The parts are averaged over the fastest TYPICAL_SHARE of ops: on a shared machine the
 * slowest ops are the ones another process preempted (or a GC or WAL checkpoint hit), and the
 * stall would be booked to whichever layer happened to be running.
 */
export interface TimeSplit {
  /** Wall time of the op. */
  readonly totalUs: number;
  /** Inside SQLite: better-sqlite3 run/get/all, transaction control included. */
  readonly sqliteUs: number;
  /** better-sqlite3 prepare(): parsing and planning SQL text (zero when every statement comes from a cache). */
  readonly prepareUs: number;
  /** Kysely turning a query's operation tree into SQL text. */
  readonly compileUs: number;
  /** Everything else: query builders, validation, promises and the connection mutex, row mapping. */
  readonly otherUs: number;
  /** SQL statements executed per op, not counting BEGIN / COMMIT / ROLLBACK. */
  readonly statements: number;
  /** Explicit transactions (BEGIN) per op; a lone autocommit statement is not counted. */
  readonly transactions: number;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

interface Patch {
  readonly target: Record<string, unknown>;
  readonly key: string;
  readonly original: unknown;
}

const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback)\b/i;
/** Ops slower than this share of all ops are left out of the averages (see TimeSplit). */
export const TYPICAL_SHARE = 0.9;
const BEGIN = /^\s*begin\b/i;

/** Runs `runOp` for indexes 0 … ops-1 with every layer timed, and returns the typical op's split. */
export async function profileOps(ops: number, runOp: (index: number) => void | Promise<void>): Promise<TimeSplit> {
  let sqliteMs = 0;
  let prepareMs = 0;
  let compileMs = 0;
  let statements = 0;
  let transactions = 0;
  const patches: Patch[] = [];
  const wrap = (target: object, key: string, around: (original: Method, self: unknown, args: unknown[]) => unknown) => {
    const record = target as Record<string, unknown>;
    const original = record[key] as Method;
    patches.push({ target: record, key, original });
    record[key] = function (this: unknown, ...args: unknown[]) {
      return around(original, this, args);
    };
  };
  const timed = (add: (ms: number) => void) => (original: Method, self: unknown, args: unknown[]) => {
    const started = performance.now();
    try {
      return original.apply(self, args);
    } finally {
      add(performance.now() - started);
    }
  };

  const scratch = new BetterSqlite3(':memory:');
  const statementPrototype = Object.getPrototypeOf(scratch.prepare('select 1')) as object;
  scratch.close();
  const inSqlite = timed((ms) => (sqliteMs += ms));
  for (const method of ['run', 'get', 'all']) {
    wrap(statementPrototype, method, (original, self, args) => {
      // Counted at execution, so cached and freshly prepared statements count alike.
      const sql = (self as BetterSqlite3.Statement).source;
      if (!TRANSACTION_CONTROL.test(sql)) statements++;
      else if (BEGIN.test(sql)) transactions++;
      return inSqlite(original, self, args);
    });
  }
  wrap(BetterSqlite3.prototype, 'prepare', timed((ms) => (prepareMs += ms)));
  wrap(DefaultQueryCompiler.prototype, 'compileQuery', timed((ms) => (compileMs += ms)));

  const perOp = { total: new Float64Array(ops), sqlite: new Float64Array(ops), prepare: new Float64Array(ops), compile: new Float64Array(ops) };
  try {
    for (let index = 0; index < ops; index++) {
      const [sqliteBefore, prepareBefore, compileBefore] = [sqliteMs, prepareMs, compileMs];
      const started = performance.now();
      const pending = runOp(index);
      if (pending) await pending;
      perOp.total[index] = performance.now() - started;
      perOp.sqlite[index] = sqliteMs - sqliteBefore;
      perOp.prepare[index] = prepareMs - prepareBefore;
      perOp.compile[index] = compileMs - compileBefore;
    }
  } finally {
    for (const { target, key, original } of patches.reverse()) target[key] = original;
  }
  const cutoff = percentile(Float64Array.from(perOp.total).sort(), TYPICAL_SHARE);
  const typical = [...perOp.total.keys()].filter((i) => perOp.total[i]! <= cutoff);
  const meanUs = (values: Float64Array) => (typical.reduce((sum, i) => sum + values[i]!, 0) * 1000) / typical.length;
  const totalUs = meanUs(perOp.total);
  const sqliteUs = meanUs(perOp.sqlite);
  const prepareUs = meanUs(perOp.prepare);
  const compileUs = meanUs(perOp.compile);
  return {
    totalUs,
    sqliteUs,
    prepareUs,
    compileUs,
    otherUs: totalUs - sqliteUs - prepareUs - compileUs,
    statements: statements / ops,
    transactions: transactions / ops,
  };
}
