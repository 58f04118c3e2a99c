import type { VisibilityStore } from '@hourglass/core';
import type { NamespaceRegistry } from '../frontend/namespace-registry.js';
import type { MatchingEngine } from '../matching/matching-engine.js';
import type { Logger } from '../util/logger.js';
import type { RunRepository } from './run-repository.js';

export interface EngineConfig {
  /** How long a poll or a history long poll waits before answering empty. */
  readonly longPollTimeoutMs: number;
  readonly defaultWorkflowTaskTimeoutMs: number;
  /** Payloads larger than this are rejected before they touch any state. */
  readonly maxPayloadBytes: number;
  /** Events per page of history sent to workers and clients. */
  readonly historyPageSize: number;
}

/** The services every part of the history engine works with. */
export interface EngineContext {
  readonly repo: RunRepository;
  readonly matching: MatchingEngine;
  readonly namespaces: NamespaceRegistry;
  readonly visibility: VisibilityStore | undefined;
  readonly config: EngineConfig;
  readonly log: Logger;
}
