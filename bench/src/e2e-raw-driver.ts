import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import Long from 'long';
import type { E2eRound } from './e2e-lanes.js';
import { runLanes } from './e2e-lanes.js';

const { CommandType, EventType, HistoryEventFilterType } = proto.temporal.api.enums.v1;

function jsonPayloads(value: unknown): temporal.api.common.v1.IPayloads {
  return { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) }] };
}

/**
 * The lower bound: the gRPC calls a one-activity workflow needs, made directly with no SDK worker,
 * no workflow sandbox and no history replay. Per workflow: StartWorkflowExecution,
 * PollWorkflowTaskQueue, RespondWorkflowTaskCompleted (schedule the activity),
 * PollActivityTaskQueue, RespondActivityTaskCompleted, PollWorkflowTaskQueue,
 * RespondWorkflowTaskCompleted (complete), and GetWorkflowExecutionHistory waiting for the close
 * event from the start on, as the SDK client does. Each poll is sent before the call that creates its task, as a worker's
 * pollers are always waiting, so tasks can be handed over without being stored first.
 */
export class RawDriver {
  private constructor(
    private readonly connection: Connection,
    private readonly taskQueuePrefix: string,
  ) {}

  static async start(address: string, taskQueuePrefix: string): Promise<RawDriver> {
    return new RawDriver(await Connection.connect({ address }), taskQueuePrefix);
  }

  async round(prefix: string, total: number, concurrency: number): Promise<E2eRound> {
    return runLanes(total, concurrency, (lane, index) => this.runOne(`${this.taskQueuePrefix}-${lane}`, `${prefix}-${index}`));
  }

  private async runOne(taskQueueName: string, workflowId: string): Promise<void> {
    const service = this.connection.workflowService;
    const namespace = 'default';
    const identity = 'bench-raw';
    const taskQueue = { name: taskQueueName };

    const firstTask = service.pollWorkflowTaskQueue({ namespace, taskQueue, identity });
    const started = await service.startWorkflowExecution({
      namespace,
      workflowId,
      workflowType: { name: 'oneActivity' },
      taskQueue,
      input: jsonPayloads('bench'),
      requestId: workflowId,
      identity,
    });
    // Waits for the close event from the start on, as the SDK client's execute() does.
    const closed = service.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId, runId: started.runId },
      waitNewEvent: true,
      historyEventFilterType: HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    const task1 = await firstTask;
    if (!task1.taskToken?.length) throw new Error(`no workflow task for ${workflowId}`);

    const activityTask = service.pollActivityTaskQueue({ namespace, taskQueue, identity });
    await service.respondWorkflowTaskCompleted({
      namespace,
      identity,
      taskToken: task1.taskToken,
      commands: [
        {
          commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
          scheduleActivityTaskCommandAttributes: {
            activityId: '1',
            activityType: { name: 'greet' },
            taskQueue,
            input: jsonPayloads('bench'),
            startToCloseTimeout: { seconds: Long.fromNumber(10) },
          },
        },
      ],
    });
    const activity = await activityTask;
    if (!activity.taskToken?.length) throw new Error(`no activity task for ${workflowId}`);

    const secondTask = service.pollWorkflowTaskQueue({ namespace, taskQueue, identity });
    await service.respondActivityTaskCompleted({ namespace, identity, taskToken: activity.taskToken, result: jsonPayloads('Hello, bench!') });
    const task2 = await secondTask;
    if (!task2.taskToken?.length) throw new Error(`no second workflow task for ${workflowId}`);
    await service.respondWorkflowTaskCompleted({
      namespace,
      identity,
      taskToken: task2.taskToken,
      commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: { result: jsonPayloads('Hello, bench!') } }],
    });

    const last = (await closed).history?.events?.at(-1);
    if (last?.eventType !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) throw new Error(`${workflowId} did not complete: ${String(last?.eventType)}`);
  }

  async stop(): Promise<void> {
    await this.connection.close();
  }
}
