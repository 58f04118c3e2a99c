import { expect } from 'vitest';
import { ConditionFailedError, InvalidPersistenceRequestError, NotFoundError } from '@hourglass/core';
import type { ClusterMember, PersistenceStores } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { MICROS_INSTANT, expectBlob, readAllPages, rejectsWith, textBlob, uid } from '../fixtures.js';

const HOUR = 3_600_000_000;
const DAY = 24 * HOUR;

function member(overrides: Partial<ClusterMember> = {}): ClusterMember {
  const now = MICROS_INSTANT;
  return {
    hostId: uid(),
    rpcAddress: '10.0.0.7',
    rpcPort: 7234,
    role: `role-${uid()}`,
    sessionStart: now - HOUR,
    lastHeartbeat: now,
    // Far in the future: only the prune test creates rows that are already expired.
    recordExpiry: now + 3650 * DAY,
    ...overrides,
  };
}

async function membersOf(s: PersistenceStores, filter: { role?: string; hostId?: string; lastHeartbeatAfter?: number; notExpiredAt?: number }): Promise<ClusterMember[]> {
  return (await readAllPages((page) => s.clusterMetadata.getClusterMembers({ ...page, ...filter }), 50)).items;
}

export function clusterMetadataSuite(cell: Cell): void {
  cell.test('cluster metadata: first save with expectedVersion 0 creates version 1', async (s) => {
    const clusterName = `cluster-${uid()}`;
    const data = textBlob('initial');
    const saved = await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 4, data, expectedVersion: 0 });
    expect(saved.version).toBe(1);
    const read = await s.clusterMetadata.getClusterMetadata(clusterName);
    expect({ clusterName: read.clusterName, numHistoryShards: read.numHistoryShards, version: read.version }).toEqual({ clusterName, numHistoryShards: 4, version: 1 });
    expectBlob(read.data, data);
  });

  cell.test('cluster metadata: saving with the current version bumps it by one and replaces the data', async (s) => {
    const clusterName = `cluster-${uid()}`;
    await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('v1'), expectedVersion: 0 });
    const second = await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('v2'), expectedVersion: 1 });
    expect(second.version).toBe(2);
    const third = await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('v3'), expectedVersion: 2 });
    expect(third.version).toBe(3);
    const read = await s.clusterMetadata.getClusterMetadata(clusterName);
    expect(read.version).toBe(3);
    expectBlob(read.data, textBlob('v3'));
  });

  cell.test('cluster metadata: a stale expectedVersion fails with ConditionFailed and changes nothing', async (s) => {
    const clusterName = `cluster-${uid()}`;
    await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('v1'), expectedVersion: 0 });
    await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('v2'), expectedVersion: 1 });
    await rejectsWith(s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('stale'), expectedVersion: 1 }), ConditionFailedError);
    const read = await s.clusterMetadata.getClusterMetadata(clusterName);
    expect(read.version).toBe(2);
    expectBlob(read.data, textBlob('v2'));
  });

  cell.test('cluster metadata: expectedVersion 0 when the record exists fails with ConditionFailed', async (s) => {
    const clusterName = `cluster-${uid()}`;
    await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('v1'), expectedVersion: 0 });
    await rejectsWith(s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('again'), expectedVersion: 0 }), ConditionFailedError);
    expectBlob((await s.clusterMetadata.getClusterMetadata(clusterName)).data, textBlob('v1'));
  });

  cell.test('cluster metadata: a non-zero expectedVersion for an absent record fails with ConditionFailed', async (s) => {
    const clusterName = `cluster-${uid()}`;
    await rejectsWith(s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('x'), expectedVersion: 3 }), ConditionFailedError);
    await rejectsWith(s.clusterMetadata.getClusterMetadata(clusterName), NotFoundError);
  });

  cell.test('cluster metadata: changing numHistoryShards fails with InvalidPersistenceRequest and changes nothing', async (s) => {
    const clusterName = `cluster-${uid()}`;
    await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 8, data: textBlob('v1'), expectedVersion: 0 });
    await rejectsWith(s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 16, data: textBlob('v2'), expectedVersion: 1 }), InvalidPersistenceRequestError);
    const read = await s.clusterMetadata.getClusterMetadata(clusterName);
    expect({ numHistoryShards: read.numHistoryShards, version: read.version }).toEqual({ numHistoryShards: 8, version: 1 });
  });

  cell.test('cluster metadata: get of a never-saved cluster fails with NotFound', async (s) => {
    await rejectsWith(s.clusterMetadata.getClusterMetadata(`cluster-${uid()}`), NotFoundError);
  });

  cell.test('cluster metadata: list pages through every cluster exactly once', async (s) => {
    const names = [0, 1, 2, 3, 4].map(() => `cluster-${uid()}`);
    for (const clusterName of names) await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 2, data: textBlob(clusterName), expectedVersion: 0 });
    const { items, pages } = await readAllPages((p) => s.clusterMetadata.listClusterMetadata(p), 2);
    const mine = items.filter((r) => names.includes(r.clusterName));
    expect(mine.map((r) => r.clusterName).sort()).toEqual([...names].sort());
    expect(pages).toBeGreaterThanOrEqual(3);
    for (const r of mine) expectBlob(r.data, textBlob(r.clusterName));
  });

  cell.test('cluster metadata: delete removes the record', async (s) => {
    const clusterName = `cluster-${uid()}`;
    const other = `cluster-${uid()}`;
    await s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 2, data: textBlob('x'), expectedVersion: 0 });
    await s.clusterMetadata.saveClusterMetadata({ clusterName: other, numHistoryShards: 2, data: textBlob('y'), expectedVersion: 0 });
    await s.clusterMetadata.deleteClusterMetadata(clusterName);
    await rejectsWith(s.clusterMetadata.getClusterMetadata(clusterName), NotFoundError);
    expect((await s.clusterMetadata.getClusterMetadata(other)).version).toBe(1);
  });

  cell.test('cluster membership: upsert inserts a member that reads back field for field', async (s) => {
    const m = member({ sessionStart: MICROS_INSTANT - 7, lastHeartbeat: MICROS_INSTANT + 3 });
    await s.clusterMetadata.upsertClusterMembership(m);
    expect(await membersOf(s, { hostId: m.hostId })).toEqual([m]);
  });

  cell.test('cluster membership: a second upsert refreshes the same (hostId, role) row', async (s) => {
    const m = member();
    await s.clusterMetadata.upsertClusterMembership(m);
    const refreshed = { ...m, lastHeartbeat: m.lastHeartbeat + 5_000_001, recordExpiry: m.recordExpiry + 5_000_001, rpcPort: 7235 };
    await s.clusterMetadata.upsertClusterMembership(refreshed);
    expect(await membersOf(s, { hostId: m.hostId })).toEqual([refreshed]);
  });

  cell.test('cluster membership: the same host in two roles is two rows; role filters them', async (s) => {
    const hostId = uid();
    const a = member({ hostId, role: `frontend-${uid()}` });
    const b = member({ hostId, role: `history-${uid()}` });
    await s.clusterMetadata.upsertClusterMembership(a);
    await s.clusterMetadata.upsertClusterMembership(b);
    const both = await membersOf(s, { hostId });
    expect(both.map((m) => m.role).sort()).toEqual([a.role, b.role].sort());
    expect(await membersOf(s, { role: b.role })).toEqual([b]);
  });

  cell.test('cluster membership: lastHeartbeatAfter keeps members whose heartbeat is at or after it', async (s) => {
    const role = `role-${uid()}`;
    const old = member({ role, lastHeartbeat: MICROS_INSTANT - 10 * HOUR });
    const boundary = member({ role, lastHeartbeat: MICROS_INSTANT - HOUR });
    const fresh = member({ role, lastHeartbeat: MICROS_INSTANT });
    for (const m of [old, boundary, fresh]) await s.clusterMetadata.upsertClusterMembership(m);
    const found = await membersOf(s, { role, lastHeartbeatAfter: MICROS_INSTANT - HOUR });
    expect(found.map((m) => m.hostId).sort()).toEqual([boundary.hostId, fresh.hostId].sort());
  });

  cell.test('cluster membership: notExpiredAt drops members whose record expired before that instant', async (s) => {
    const role = `role-${uid()}`;
    const expired = member({ role, recordExpiry: MICROS_INSTANT - HOUR });
    const live = member({ role, recordExpiry: MICROS_INSTANT + HOUR });
    await s.clusterMetadata.upsertClusterMembership(expired);
    await s.clusterMetadata.upsertClusterMembership(live);
    expect((await membersOf(s, { role, notExpiredAt: MICROS_INSTANT })).map((m) => m.hostId)).toEqual([live.hostId]);
    expect((await membersOf(s, { role })).map((m) => m.hostId).sort()).toEqual([expired.hostId, live.hostId].sort());
  });

  cell.test('cluster membership: pages through members of a role without loss or repeats', async (s) => {
    const role = `role-${uid()}`;
    const hosts = Array.from({ length: 7 }, () => member({ role }));
    for (const m of hosts) await s.clusterMetadata.upsertClusterMembership(m);
    const { items, pages } = await readAllPages((p) => s.clusterMetadata.getClusterMembers({ ...p, role }), 3);
    expect(items.map((m) => m.hostId).sort()).toEqual(hosts.map((m) => m.hostId).sort());
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  cell.test('cluster membership: prune removes expired rows only, reports how many, and honours maxRecords', async (s) => {
    const role = `role-${uid()}`;
    // The only rows in the suite whose expiry lies before MICROS_INSTANT - DAY.
    const expired = [1, 2, 3].map((i) => member({ role, lastHeartbeat: MICROS_INSTANT - 30 * DAY, recordExpiry: MICROS_INSTANT - 20 * DAY - i }));
    const live = member({ role });
    for (const m of [...expired, live]) await s.clusterMetadata.upsertClusterMembership(m);
    const pruneAt = MICROS_INSTANT - DAY;
    expect(await s.clusterMetadata.pruneClusterMembership(pruneAt, 2)).toBe(2);
    expect(await s.clusterMetadata.pruneClusterMembership(pruneAt, 100)).toBe(1);
    expect(await s.clusterMetadata.pruneClusterMembership(pruneAt, 100)).toBe(0);
    expect((await membersOf(s, { role })).map((m) => m.hostId)).toEqual([live.hostId]);
  });
}
