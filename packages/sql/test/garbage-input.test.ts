import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError } from '@hourglass/core';
import { openSqlStores } from '../src/open.js';
import type { SqlPersistenceStores } from '../src/open.js';

/**
 * Whatever a caller passes, a store answers with a typed error, never a TypeError from deep
 * inside (reading a property of undefined) and never a raw driver error.
 */
let stores: SqlPersistenceStores;
beforeAll(async () => {
  stores = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
});
afterAll(async () => {
  await stores.close();
});

const GARBAGE: readonly unknown[] = [undefined, null, {}, [], { pageSize: 'ten' }, Number.NaN];

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/** The public methods of each store interface in @hourglass/core. */
const METHODS = {
  clusterMetadata: ['getClusterMetadata', 'saveClusterMetadata', 'listClusterMetadata', 'deleteClusterMetadata', 'upsertClusterMembership', 'getClusterMembers', 'pruneClusterMembership'],
  namespaces: ['createNamespace', 'getNamespace', 'updateNamespace', 'listNamespaces', 'deleteNamespace', 'deleteNamespaceByName'],
  shards: ['getOrCreateShard', 'updateShard', 'assertShardOwnership'],
  executions: [
    'createWorkflowExecution',
    'updateWorkflowExecution',
    'conflictResolveWorkflowExecution',
    'getWorkflowExecution',
    'getCurrentExecution',
    'deleteWorkflowExecution',
    'deleteCurrentWorkflowExecution',
    'listConcreteExecutions',
    'addHistoryTasks',
    'getHistoryTasks',
    'completeHistoryTask',
    'rangeCompleteHistoryTasks',
  ],
  history: ['appendHistoryNodes', 'readHistoryBranch', 'forkHistoryBranch', 'deleteHistoryBranch', 'getHistoryTree', 'listHistoryBranches'],
  taskQueues: ['createTaskQueue', 'getTaskQueue', 'updateTaskQueue', 'listTaskQueues', 'deleteTaskQueue', 'createTasks', 'getTasks', 'completeTasksLessThan'],
  visibility: ['recordWorkflowExecutionStarted', 'recordWorkflowExecutionClosed', 'upsertWorkflowExecution', 'deleteWorkflowExecution', 'getWorkflowExecution', 'listWorkflowExecutions', 'countWorkflowExecutions'],
} as const;

describe('every store method rejects garbage with InvalidPersistenceRequestError', () => {
  for (const [storeName, names] of Object.entries(METHODS)) {
    it(storeName, async () => {
      const store = stores[storeName as keyof typeof METHODS] as unknown as Record<string, AnyMethod>;
      for (const name of names) {
        expect(typeof store[name], `${storeName}.${name} exists`).toBe('function');
        for (const value of GARBAGE) {
          // The garbage goes in every argument position at once, and in the first one with sane rest.
          for (const args of [[value, value, value, value], [value, 1, { namespaceId: 'ns', workflowId: 'wf', runId: 'r' }]]) {
            const outcome = await Promise.resolve()
              .then(() => store[name]!(...args))
              .then(
                () => 'resolved',
                (err: unknown) => err,
              );
            const where = `${storeName}.${name}(${args.map((a) => JSON.stringify(a) ?? 'undefined').join(', ')})`;
            expect(outcome, `${where} should fail`).not.toBe('resolved');
            expect(outcome, `${where} failed with ${String(outcome)}`).toBeInstanceOf(InvalidPersistenceRequestError);
          }
        }
      }
    });
  }
});
