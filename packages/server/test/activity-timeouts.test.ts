import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { openSqlStores } from '@hourglass/sql';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { HourglassServer } from '../src/server.js';

const { CommandType, EventType } = proto.temporal.api.enums.v1;

// These drive the worker protocol by hand, so each timeout is observed exactly as the server records it.
let server: HourglassServer;
let connection: Connection;
const ns = 'default';

beforeAll(async () => {
  const stores = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
  server = await HourglassServer.start({ stores, port: 0, namespaces: [ns], longPollTimeoutMs: 3000 });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.shutdown(1000);
});

async function startAndScheduleActivity(activity: Record<string, unknown>): Promise<{ workflowId: string; taskQueue: string }> {
  const svc = connection.workflowService;
  const taskQueue = `timeouts-${randomUUID()}`;
  const workflowId = `timeouts-${randomUUID()}`;
  await svc.startWorkflowExecution({ namespace: ns, workflowId, workflowType: { name: 'w' }, taskQueue: { name: taskQueue }, requestId: randomUUID() });
  const task = await svc.pollWorkflowTaskQueue({ namespace: ns, taskQueue: { name: taskQueue }, identity: 'hand' });
  await svc.respondWorkflowTaskCompleted({
    namespace: ns,
    taskToken: task.taskToken,
    identity: 'hand',
    commands: [{ commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK, scheduleActivityTaskCommandAttributes: { activityId: 'a1', activityType: { name: 'act' }, taskQueue: { name: taskQueue }, ...activity } }],
  });
  return { workflowId, taskQueue };
}

/** The events of the next workflow task, which the activity's outcome schedules. */
async function nextWorkflowTaskEvents(taskQueue: string): Promise<{ eventType?: number | null; activityTaskTimedOutEventAttributes?: unknown; activityTaskFailedEventAttributes?: unknown }[]> {
  for (let i = 0; i < 5; i++) {
    const task = await connection.workflowService.pollWorkflowTaskQueue({ namespace: ns, taskQueue: { name: taskQueue }, identity: 'hand' });
    if (task.taskToken?.length) return task.history?.events ?? [];
  }
  throw new Error('no workflow task');
}

test('schedule-to-start: an activity nobody picks up times out', { timeout: 15_000 }, async () => {
  const { taskQueue } = await startAndScheduleActivity({ scheduleToStartTimeout: { seconds: 1 }, startToCloseTimeout: { seconds: 10 } });
  const events = await nextWorkflowTaskEvents(taskQueue);
  const timedOut = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
  expect(timedOut?.activityTaskTimedOutEventAttributes).toMatchObject({ failure: { timeoutFailureInfo: { timeoutType: 2 /* SCHEDULE_TO_START */ } } });
});

test('schedule-to-close: an activity still running at its overall deadline times out', { timeout: 15_000 }, async () => {
  const { taskQueue } = await startAndScheduleActivity({ scheduleToCloseTimeout: { seconds: 1 } });
  const activity = await connection.workflowService.pollActivityTaskQueue({ namespace: ns, taskQueue: { name: taskQueue }, identity: 'hand' });
  expect(activity.activityId).toBe('a1');
  const events = await nextWorkflowTaskEvents(taskQueue);
  const timedOut = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
  expect(timedOut?.activityTaskTimedOutEventAttributes).toMatchObject({ failure: { timeoutFailureInfo: { timeoutType: 3 /* SCHEDULE_TO_CLOSE */ } } });
});

test('a retry that would start after the schedule-to-close deadline is not made', { timeout: 15_000 }, async () => {
  const { taskQueue } = await startAndScheduleActivity({ scheduleToCloseTimeout: { seconds: 2 }, retryPolicy: { initialInterval: { seconds: 5 } } });
  const activity = await connection.workflowService.pollActivityTaskQueue({ namespace: ns, taskQueue: { name: taskQueue }, identity: 'hand' });
  await connection.workflowService.respondActivityTaskFailed({ namespace: ns, taskToken: activity.taskToken, failure: { message: 'boom', applicationFailureInfo: { type: 'Boom' } } });
  const events = await nextWorkflowTaskEvents(taskQueue);
  const failed = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED);
  expect(failed?.activityTaskFailedEventAttributes).toMatchObject({ retryState: 3 /* TIMEOUT */, failure: { message: 'boom' } });
});
