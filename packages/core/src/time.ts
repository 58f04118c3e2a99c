/**
 * Timestamps are microseconds since the Unix epoch, carried as a JS number. That is exact
 * until the year 2255 and keeps microsecond precision, which a Date (milliseconds) cannot.
 */
export type EpochMicros = number;

export const MICROS_PER_MILLI = 1000;
export const MICROS_PER_SECOND = 1_000_000;

export function fromDate(date: Date): EpochMicros {
  return date.getTime() * MICROS_PER_MILLI;
}

export function toDate(micros: EpochMicros): Date {
  return new Date(Math.floor(micros / MICROS_PER_MILLI));
}

let lastNow = 0;
/** Wall clock in microseconds; never goes backwards within one process. */
export function nowMicros(): EpochMicros {
  const origin = performance.timeOrigin + performance.now();
  const micros = Math.floor(origin * MICROS_PER_MILLI);
  lastNow = micros > lastNow ? micros : lastNow + 1;
  return lastNow;
}

/** RFC 3339 with six fractional digits, e.g. 2026-11-25T05:43:43.123456Z. */
export function toRfc3339Micros(micros: EpochMicros): string {
  const millis = Math.floor(micros / MICROS_PER_MILLI);
  const rest = micros - millis * MICROS_PER_MILLI;
  const iso = new Date(millis).toISOString(); // ...ss.mmmZ
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses RFC 3339 keeping microseconds (digits beyond six are truncated). Undefined when invalid. */
export function parseRfc3339Micros(text: string): EpochMicros | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear takes the year literally.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  const base = date.getTime();
  if (Number.isNaN(base)) return undefined;
  const check = new Date(base);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const micros = Number((frac + '000000').slice(0, 6));
  return (base - offsetMinutes * 60_000) * MICROS_PER_MILLI + micros;
}
