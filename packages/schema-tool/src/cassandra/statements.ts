import { SchemaToolError, describeCause } from '../errors.js';
import type { SchemaVersion } from '../manifest.js';
import { splitStatements } from '../sql/split.js';

export interface CqlStatement {
  readonly file: string;
  readonly line: number;
  readonly cql: string;
}

/** Every statement of a version in manifest order. CQL's `--` comments and '' quoting match the SQL splitter's defaults. */
export function versionStatements(version: SchemaVersion): CqlStatement[] {
  return version.files.flatMap((file) => {
    try {
      return splitStatements(file.text).map((s) => ({ file: file.name, line: s.line, cql: s.sql }));
    } catch (err) {
      throw new SchemaToolError(`${file.path}: ${describeCause(err)}`);
    }
  });
}
