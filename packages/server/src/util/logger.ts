/** Structured logger: one JSON object per line, or a readable line for people. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'pretty';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function isLogLevel(value: string): value is LogLevel {
  return value in ORDER;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { message: value.message, name: value.name, ...(value.stack ? { stack: value.stack } : {}) };
  return value;
}

export function createLogger(options: { level: LogLevel; format: LogFormat; write?: (line: string) => void; base?: Record<string, unknown> }): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = options.base ?? {};
  const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void => {
    if (ORDER[level] < ORDER[options.level]) return;
    const all: Record<string, unknown> = { ...base, ...fields };
    for (const k of Object.keys(all)) all[k] = serialise(all[k]);
    if (options.format === 'json') {
      write(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...all }));
    } else {
      const extras = Object.entries(all)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}${extras ? ' ' + extras : ''}`);
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, write, base: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
