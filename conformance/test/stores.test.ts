import { inject } from 'vitest';
import { describeTarget } from '../src/cell.js';
import { buildMatrix, defaultMatrixEnvironment, selectTargets } from '../src/matrix.js';
import { CORE_SUITES, VISIBILITY_SUITES } from '../src/suites/index.js';
import '../src/provided-context.js';

// The runtime was probed once in globalSetup; every container target reuses that answer.
const containerRuntime = inject('containerRuntime');
const matrix = buildMatrix({ ...defaultMatrixEnvironment, probeContainerRuntime: () => Promise.resolve(containerRuntime) });

for (const selected of selectTargets(matrix, process.env.HOURGLASS_TARGETS, process.env.HOURGLASS_REQUIRED_TARGETS)) {
  describeTarget(selected, { core: CORE_SUITES, visibility: VISIBILITY_SUITES });
}
