import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { TargetUnavailableError } from '../target.js';

/** Where `bash conformance/servers/start.sh <target>` records how to reach the server it started. */
export const DEFAULT_RUN_DIR = fileURLToPath(new URL('../../servers/.run/', import.meta.url));

export interface SqlServerRunFile {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  readonly serverVersion: string;
}

export interface CassandraRunFile {
  readonly host: string;
  readonly port: number;
  readonly datacenter: string;
  readonly serverVersion: string;
}

export interface SearchRunFile {
  readonly url: string;
  readonly serverVersion: string;
}

export async function readRunFile<T>(runDir: string, targetName: string, requiredFields: readonly (keyof T & string)[]): Promise<T> {
  const file = path.join(runDir, `${targetName}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new TargetUnavailableError(`local server not started (bash conformance/servers/start.sh ${targetName})`);
    }
    throw err;
  }
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const missing = requiredFields.filter((f) => parsed[f] === undefined);
  // A run file without connection details is the server script's bug, not an absent server.
  if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(', ')}`);
  return parsed as T;
}
