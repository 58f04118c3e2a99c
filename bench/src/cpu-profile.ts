import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';

/** Where a sampled stack's innermost frame lives. */
export const CODE_OWNERS = ['native', 'kysely', '@hourglass/sql', '@hourglass/core', 'node', 'gc', 'bench', 'other'] as const;
export type CodeOwner = (typeof CODE_OWNERS)[number];

/** Share of CPU samples (0–1) whose innermost frame belongs to each owner. */
export type CpuShares = Record<CodeOwner, number>;

/** Microseconds between samples: fine enough for ops of tens of microseconds. */
const SAMPLING_INTERVAL_US = 50;

function ownerOf(frame: Profiler.ProfileNode['callFrame']): CodeOwner {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(program)' || functionName === '(idle)' || functionName === '(root)') return 'other';
  // Native code (SQLite through better-sqlite3's addon, V8 builtins) has no script URL.
  if (url === '') return 'native';
  if (url.includes('/node_modules/kysely/')) return 'kysely';
  if (url.includes('/packages/sql/')) return '@hourglass/sql';
  if (url.includes('/packages/core/')) return '@hourglass/core';
  if (url.startsWith('node:')) return 'node';
  if (url.includes('/bench/')) return 'bench';
  return 'other';
}

/**
 * Samples the CPU while `work` runs and books each sample to the package its innermost frame
 * belongs to ("self time"). Counts samples rather than summing their intervals, so time the
 * process spent descheduled by other processes is not booked to anyone.
 */
export async function cpuSharesByOwner(work: () => Promise<void>): Promise<CpuShares> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    let profile: Profiler.Profile;
    try {
      await work();
    } finally {
      ({ profile } = await session.post('Profiler.stop'));
    }
    const counts = Object.fromEntries(CODE_OWNERS.map((o) => [o, 0])) as Record<CodeOwner, number>;
    let total = 0;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      counts[ownerOf(node.callFrame)] += hits;
      total += hits;
    }
    return Object.fromEntries(CODE_OWNERS.map((o) => [o, total === 0 ? 0 : counts[o] / total])) as CpuShares;
  } finally {
    session.disconnect();
  }
}
