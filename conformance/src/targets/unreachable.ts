/**
 * Whether a connection error means "nothing is listening there" (the server is simply not
 * running here) rather than a real failure of a running server.
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export function isServerUnreachable(err: unknown, depth = 0): boolean {
  if (depth > 5 || typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; name?: unknown; errors?: unknown; cause?: unknown; innerErrors?: unknown };
  if (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
  if (e.name === 'NoHostAvailableError') return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isServerUnreachable(inner, depth + 1))) return true;
  if (typeof e.innerErrors === 'object' && e.innerErrors !== null) {
    if (Object.values(e.innerErrors).some((inner) => isServerUnreachable(inner, depth + 1))) return true;
  }
  return isServerUnreachable(e.cause, depth + 1);
}
