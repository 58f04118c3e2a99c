/**
 * What each conformance test records about its target in the vitest task meta, so the
 * reporter (in the main process) learns how the target opened without sharing memory with it.
 */
export interface CellMeta {
  readonly target: string;
  /** The version the opened server reported. */
  readonly serverVersion?: string;
  /** Set when the target could not be reached here; its tests are skipped. */
  readonly notRunReason?: string;
  /** Set when open() failed for a reason other than unavailability; its tests fail. */
  readonly openError?: string;
}

declare module '@vitest/runner' {
  interface TaskMeta {
    hourglassCell?: CellMeta;
  }
}
