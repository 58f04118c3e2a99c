import type { TestProject } from 'vitest/node';
import { probeContainerRuntime } from '../src/targets/containers.js';
import '../src/provided-context.js';

/**
 * Probes for a container runtime once per run (not once per test file) and hands the
 * answer to the test files; without a runtime every testcontainers cell is not-run.
 */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('containerRuntime', await probeContainerRuntime());
}
