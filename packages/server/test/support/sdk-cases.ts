import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { expect } from 'vitest';

/**
 * Official-SDK case bodies that more than one suite runs unchanged, whatever store the server
 * under test sits on (workflows.test.ts on SQLite, config-sql-databases.test.ts on PostgreSQL and
 * MariaDB). Each needs a client of the server and a task queue a worker (support/harness.ts) polls.
 */
export interface SdkCaseContext {
  readonly client: Client;
  readonly taskQueue: string;
}

const id = (prefix: string): string => `${prefix}-${randomUUID()}`;

export async function activityRetriedUntilItSucceeds({ client, taskQueue }: SdkCaseContext): Promise<void> {
  const result = await client.workflow.execute('retryingActivity', { taskQueue, workflowId: id('retry'), args: [randomUUID()] });
  expect(result).toBe('succeeded on attempt 3');
}

export async function workflowCancelsHeartbeatingActivity({ client, taskQueue }: SdkCaseContext): Promise<void> {
  const result = await client.workflow.execute('cancelsActivity', { taskQueue, workflowId: id('cancel-activity') });
  expect(result).toBe('activity canceled');
}

export async function workflowRetriedUntilARunSucceeds({ client, taskQueue }: SdkCaseContext): Promise<void> {
  const result = await client.workflow.execute('succeedsOnThirdAttempt', {
    taskQueue,
    workflowId: id('wf-retry'),
    retry: { initialInterval: '100 ms', backoffCoefficient: 1, maximumAttempts: 5 },
  });
  expect(result).toBe('succeeded on attempt 3');
}

export async function childResultReachesParent({ client, taskQueue }: SdkCaseContext): Promise<void> {
  const result = await client.workflow.execute('parent', { taskQueue, workflowId: id('parent'), args: ['child'] });
  expect(result).toBe('parent got: Hello, child!');
}

export async function continueAsNewChainsRuns({ client, taskQueue }: SdkCaseContext): Promise<void> {
  const result = await client.workflow.execute('countdown', { taskQueue, workflowId: id('can'), args: [3] });
  expect(result).toBe('done after continue-as-new');
}
