/**
 * ExecutionDuration literals, as Temporal accepts them: integer nanoseconds ("1500000"), Go
 * durations ("1h2m3.5s", "-300ms", "2d") or "hh:mm:ss". Arithmetic is done in BigInt
 * nanoseconds so that fractions and large values stay exact.
 */

const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // micro sign
  ['\u03bcs', 1_000n], // Greek small letter mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
  ['d', 86_400_000_000_000n],
]);

const MAX_INT64 = (1n << 63n) - 1n;
const INTEGER = /^[+-]?[0-9]+$/;
const GO_DURATION_COMPONENT = /([0-9]*)(?:\.([0-9]*))?([a-z\u00b5\u03bc]+)/y;
const HH_MM_SS = /^([0-9]+):([0-9]{1,2}):([0-9]{1,2})$/;

/** Nanoseconds, or undefined when the text is none of the accepted forms or overflows int64 as in Go. */
export function parseDurationNanos(text: string): bigint | undefined {
  const nanos = INTEGER.test(text) ? BigInt(text) : (parseGoDuration(text) ?? parseHhMmSs(text));
  if (nanos === undefined || nanos > MAX_INT64 || nanos < -MAX_INT64 - 1n) return undefined;
  return nanos;
}

const NOW_OFFSET_COMPONENT = /([0-9]+)([a-z\u00b5\u03bc]+)/iy;
const NANOS_PER_WEEK = 7n * 86_400_000_000_000n;

/**
 * The offset in `NOW() - 1h30m`: whole numbers only, units case-insensitive, and weeks (`w`)
 * besides Go's units and days, as Temporal's relative-time syntax has it.
 */
export function parseNowOffsetNanos(text: string): bigint | undefined {
  if (text === '') return undefined;
  let total = 0n;
  let index = 0;
  while (index < text.length) {
    NOW_OFFSET_COMPONENT.lastIndex = index;
    const match = NOW_OFFSET_COMPONENT.exec(text);
    if (!match) return undefined;
    const [component, amount = '', unit = ''] = match;
    const lower = unit.toLowerCase();
    const scale = lower === 'w' ? NANOS_PER_WEEK : NANOS_PER_UNIT.get(lower);
    if (scale === undefined) return undefined;
    total += BigInt(amount) * scale;
    index += component.length;
  }
  return total > MAX_INT64 ? undefined : total;
}

/** Truncates toward zero, as Go's Duration.Microseconds does. */
export function nanosToMicros(nanos: bigint): number {
  return Number(nanos / 1000n);
}

function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let sign = 1n;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1n;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  let index = 0;
  while (index < rest.length) {
    GO_DURATION_COMPONENT.lastIndex = index;
    const match = GO_DURATION_COMPONENT.exec(rest);
    if (!match) return undefined;
    const [component, whole = '', fraction = '', unit = ''] = match;
    const scale = NANOS_PER_UNIT.get(unit);
    if (scale === undefined || (whole === '' && fraction === '')) return undefined;
    total += BigInt(whole || '0') * scale;
    if (fraction !== '') total += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
    index += component.length;
  }
  return sign * total;
}

function parseHhMmSs(text: string): bigint | undefined {
  const match = HH_MM_SS.exec(text);
  if (!match) return undefined;
  const [, hours = '', minutes = '', seconds = ''] = match;
  if (Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  return ((BigInt(hours) * 60n + BigInt(minutes)) * 60n + BigInt(seconds)) * 1_000_000_000n;
}

/** Go-style text for a microsecond duration, e.g. "1h2m3.5s" or "250us"; parses back to the same value. */
export function formatDurationMicros(micros: number): string {
  if (!Number.isSafeInteger(micros)) return `${micros}us`;
  if (micros === 0) return '0s';
  const sign = micros < 0 ? '-' : '';
  let rest = Math.abs(micros);
  if (rest < 1_000_000) return rest % 1000 === 0 ? `${sign}${rest / 1000}ms` : `${sign}${rest}us`;
  const hours = Math.floor(rest / 3_600_000_000);
  rest -= hours * 3_600_000_000;
  const minutes = Math.floor(rest / 60_000_000);
  rest -= minutes * 60_000_000;
  const seconds = Math.floor(rest / 1_000_000);
  const fraction = rest - seconds * 1_000_000;
  let text = sign;
  if (hours > 0) text += `${hours}h`;
  if (hours > 0 || minutes > 0) text += `${minutes}m`;
  text += String(seconds);
  if (fraction > 0) text += `.${String(fraction).padStart(6, '0').replace(/0+$/, '')}`;
  return `${text}s`;
}
