import type { ContainerRuntimeStatus } from './targets/containers.js';

/** Values the conformance globalSetup hands to the test files (vitest provide / inject). */
declare module 'vitest' {
  export interface ProvidedContext {
    containerRuntime: ContainerRuntimeStatus;
  }
}
