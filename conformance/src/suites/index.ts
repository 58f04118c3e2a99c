import type { SuiteDefinition } from '../cell.js';
import { badInputSuite, badVisibilityInputSuite } from './bad-input.js';
import { clusterMetadataSuite } from './cluster-metadata.js';
import { dataSuite } from './data.js';
import { executionCreateSuite } from './execution-create.js';
import { executionReadSuite } from './execution-read.js';
import { executionResetSuite } from './execution-reset.js';
import { executionUpdateSuite } from './execution-update.js';
import { historySuite } from './history.js';
import { historyTasksSuite } from './history-tasks.js';
import { namespaceSuite } from './namespace.js';
import { racesSuite } from './races.js';
import { shardSuite } from './shard.js';
import { taskQueueSuite } from './task-queue.js';
import { visibilitySuite } from './visibility.js';

/** Suites for targets with the core stores (everything but visibility). */
export const CORE_SUITES: readonly SuiteDefinition[] = [
  clusterMetadataSuite,
  namespaceSuite,
  shardSuite,
  executionCreateSuite,
  executionUpdateSuite,
  executionResetSuite,
  executionReadSuite,
  historyTasksSuite,
  historySuite,
  taskQueueSuite,
  racesSuite,
  dataSuite,
  badInputSuite,
];

export const VISIBILITY_SUITES: readonly SuiteDefinition[] = [visibilitySuite, badVisibilityInputSuite];
