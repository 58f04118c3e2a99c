/**
 * Errors the schema tool raises on purpose. The CLI prints their message as one line and maps
 * them to exit codes; anything else is an unexpected bug and is printed with its stack.
 */
export class SchemaToolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command line itself is wrong (unknown flag, missing value); exit code 2. */
export class UsageError extends SchemaToolError {}

/** A statement of a versioned schema failed; names exactly where, so the operator can fix the file. */
export class SchemaUpdateError extends SchemaToolError {
  constructor(
    readonly version: string,
    readonly file: string,
    readonly statementIndex: number,
    readonly statement: string,
    cause: unknown,
  ) {
    super(
      `schema version ${version}: statement ${statementIndex + 1} of ${file} failed: ${describeCause(cause)}`,
      { cause },
    );
  }
}

/** One line describing a driver failure; socket errors often carry only a code, or nest several attempts. */
export function describeCause(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0 && !cause.message) return describeCause(cause.errors[0]);
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const first = cause.message.split('\n')[0]?.trim();
    if (first) return first;
    return typeof code === 'string' ? code : cause.name;
  }
  return String(cause);
}
