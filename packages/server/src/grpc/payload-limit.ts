/** A decoded Payload: raw bytes plus their metadata map. */
function isPayload(value: Record<string, unknown>): boolean {
  return value['data'] instanceof Uint8Array && (value['metadata'] === undefined || (typeof value['metadata'] === 'object' && value['metadata'] !== null));
}

/**
 * The size of the largest Payload anywhere in a decoded request (inputs, results, details,
 * memo and search attribute values, failure details...), found by walking the message.
 */
export function largestPayloadBytes(message: unknown): number {
  let largest = 0;
  const stack: unknown[] = [message];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) continue;
    if (Array.isArray(value)) {
      for (const v of value) stack.push(v);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (isPayload(record)) {
      largest = Math.max(largest, (record['data'] as Uint8Array).byteLength);
      continue;
    }
    for (const v of Object.values(record)) stack.push(v);
  }
  return largest;
}
