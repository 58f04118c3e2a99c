import { randomUUID } from 'node:crypto';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as activities from './support/activities.js';
import { cliExecutable } from './support/cli-process.js';
import { workflowBundle } from './support/harness.js';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cliExecutable() },
      searchAttributes: [defineSearchAttributeKey('EnvKeyword', SearchAttributeType.KEYWORD)],
    },
  });
});

afterAll(async () => {
  await env?.teardown();
});

test('TestWorkflowEnvironment.createLocal runs the hourglass binary and a worker against it', { timeout: 60_000 }, async () => {
  const taskQueue = `testing-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const result = await worker.runUntil(env.client.workflow.execute('helloActivity', { taskQueue, workflowId: `testing-${randomUUID()}`, args: ['env'] }));
  expect(result).toBe('Hello, env!');
});

test('search attributes passed to createLocal are registered in the namespace', async () => {
  const listed = await env.connection.operatorService.listSearchAttributes({ namespace: env.namespace ?? 'default' });
  expect(listed.customAttributes?.['EnvKeyword']).toBe(2);
});
