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
import { visibilityQueryAttributeTypesSuite } from './visibility-query-attribute-types.js';
import { visibilityQueryCountsSuite } from './visibility-query-counts.js';
import { visibilityQueryCustomAttributesSuite } from './visibility-query-custom-attributes.js';
import { visibilityQueryInjectionSuite } from './visibility-query-injection.js';
import { visibilityQueryLogicSuite } from './visibility-query-logic.js';
import { visibilityQueryPagingSuite } from './visibility-query-paging.js';
import { visibilityQuerySystemAttributesSuite } from './visibility-query-system-attributes.js';

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

/** The list-filter query language and custom search attributes; counted on its own by the suite self-test (>= 80 cases). */
export const VISIBILITY_QUERY_SUITES: readonly SuiteDefinition[] = [
  visibilityQueryAttributeTypesSuite,
  visibilityQuerySystemAttributesSuite,
  visibilityQueryLogicSuite,
  visibilityQueryPagingSuite,
  visibilityQueryCountsSuite,
  visibilityQueryCustomAttributesSuite,
  visibilityQueryInjectionSuite,
];

/** Every visibility case; each visibility target runs all of them. */
export const VISIBILITY_SUITES: readonly SuiteDefinition[] = [visibilitySuite, badVisibilityInputSuite, ...VISIBILITY_QUERY_SUITES];
