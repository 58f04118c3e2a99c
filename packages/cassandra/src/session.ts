import type cassandra from 'cassandra-driver';
import { mapDriverError } from './driver-errors.js';
import type { ConsistencyLevels } from './options.js';

export type CqlParams = readonly unknown[];

export interface CqlStatement {
  readonly query: string;
  readonly params: CqlParams;
}

export type Row = cassandra.types.Row;

/** The outcome of a conditional write: applied, or the current rows the conditions were checked against. */
export interface ConditionalResult {
  readonly applied: boolean;
  readonly rows: readonly Row[];
}

/**
 * The one place the stores talk to the driver: every statement is prepared, runs at the
 * configured consistency, and every failure leaves here as a typed persistence error.
 */
export class CqlSession {
  constructor(
    readonly client: cassandra.Client,
    private readonly levels: ConsistencyLevels,
  ) {}

  async execute(query: string, params: CqlParams, operation: string, options: { serialRead?: boolean; fetchSize?: number } = {}): Promise<cassandra.types.ResultSet> {
    try {
      return await this.client.execute(query, params as unknown[], {
        prepare: true,
        isIdempotent: isRead(query),
        ...(options.serialRead === true ? { consistency: this.levels.serialConsistency } : {}),
        ...(options.fetchSize === undefined ? {} : { fetchSize: options.fetchSize }),
      });
    } catch (err) {
      throw mapDriverError(err, operation);
    }
  }

  /** Rows of a query, fetching further driver pages only as the caller keeps reading. */
  async *rows(query: string, params: CqlParams, operation: string, fetchSize: number): AsyncGenerator<Row> {
    let pageState: string | undefined;
    do {
      let rs: cassandra.types.ResultSet;
      try {
        rs = await this.client.execute(query, params as unknown[], { prepare: true, isIdempotent: isRead(query), fetchSize, ...(pageState === undefined ? {} : { pageState }) });
      } catch (err) {
        throw mapDriverError(err, operation);
      }
      yield* rs.rows;
      pageState = rs.pageState ?? undefined;
    } while (pageState !== undefined);
  }

  /** A single conditional statement (lightweight transaction). */
  async conditional(query: string, params: CqlParams, operation: string): Promise<ConditionalResult> {
    return conditionalResult(await this.execute(query, params, operation));
  }

  /** A logged batch; conditional when any statement carries IF (then all must share one partition). */
  async batch(statements: readonly CqlStatement[], operation: string): Promise<ConditionalResult> {
    let rs: cassandra.types.ResultSet;
    try {
      rs = await this.client.batch(
        statements.map((s) => ({ query: s.query, params: s.params as unknown[] })),
        { prepare: true, logged: true },
      );
    } catch (err) {
      throw mapDriverError(err, operation);
    }
    return conditionalResult(rs);
  }

  /** Several deletes of one partition as one mutation, without the batch log. */
  async unloggedBatch(statements: readonly CqlStatement[], operation: string): Promise<void> {
    try {
      await this.client.batch(
        statements.map((s) => ({ query: s.query, params: s.params as unknown[] })),
        { prepare: true, logged: false },
      );
    } catch (err) {
      throw mapDriverError(err, operation);
    }
  }
}

/**
 * Reads may be retried on another host after a timeout; writes may not, because the first
 * attempt may have been applied (the driver treats statements as non-idempotent by default).
 */
function isRead(query: string): boolean {
  return /^\s*SELECT\b/i.test(query);
}

function conditionalResult(rs: cassandra.types.ResultSet): ConditionalResult {
  const first = rs.first();
  // A statement without IF returns no rows; it was applied if it did not throw.
  if (first === null) return { applied: true, rows: [] };
  const applied = first.get('[applied]') as boolean | null;
  if (applied === true || applied === null) return { applied: true, rows: [] };
  return { applied: false, rows: rs.rows.filter((r) => r.keys().length > 1) };
}
