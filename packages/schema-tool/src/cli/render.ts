import type { ProgressEvent } from '../progress.js';

/** Turns update progress into the lines an operator watches on stderr. */
export function renderProgress(event: ProgressEvent): string {
  switch (event.type) {
    case 'lock-wait':
      return `waiting for another schema update on this database to finish...`;
    case 'version-start':
      return (
        `${event.store}: applying version ${event.version} (${event.from ?? 'empty'} -> ${event.version}, ${event.statements} statement${event.statements === 1 ? '' : 's'})` +
        (event.description ? `: ${event.description}` : '') +
        (event.resumingAt !== undefined ? `; resuming after statement ${event.resumingAt}` : '')
      );
    case 'statement':
      return `  [${event.index + 1}/${event.total}] ${event.skipped ? 'already applied: ' : ''}${event.file}: ${summarize(event.sql)}`;
    case 'version-done':
      return `${event.store}: version ${event.version} done`;
    case 'up-to-date':
      return `${event.store}: already at version ${event.version}, nothing to apply`;
  }
}

function summarize(sql: string): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return oneLine.length > 100 ? `${oneLine.slice(0, 97)}...` : oneLine;
}
