import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigEnvironment } from './parse-config.js';
import { parseServerConfig } from './parse-config.js';
import { ConfigError } from './problems.js';
import type { ConfigProblem } from './problems.js';
import type { ServerConfig } from './server-config.js';

export const PROCESS_ENVIRONMENT: ConfigEnvironment = {
  env: process.env,
  readFile: (path) => readFileSync(path, 'utf8'),
};

/** Parses YAML text into a validated config; throws ConfigError listing every problem. */
export function parseServerConfigText(text: string, source: string, environment: ConfigEnvironment = PROCESS_ENVIRONMENT): ServerConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (document.errors.length > 0) {
    const problems: ConfigProblem[] = document.errors.map((error) => {
      const { line, col } = lines.linePos(error.pos[0]);
      return { path: '', message: `YAML syntax error at line ${line}, column ${col}: ${error.message.split('\n')[0]}` };
    });
    throw new ConfigError(source, problems);
  }
  const { config, problems } = parseServerConfig(document.toJS(), environment);
  if (!config) throw new ConfigError(source, problems);
  return config;
}

/** Reads and validates a config file; an unreadable file is a ConfigError too. */
export function loadServerConfig(path: string, environment: ConfigEnvironment = PROCESS_ENVIRONMENT): ServerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [{ path: '', message: `cannot read the config file: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  return parseServerConfigText(text, path, environment);
}
