import type { StoreName } from './paths.js';

/** What an update reports as it goes; the CLI renders these as progress lines on stderr. */
export type ProgressEvent =
  | { readonly type: 'lock-wait'; readonly store: StoreName }
  | {
      readonly type: 'version-start';
      readonly store: StoreName;
      readonly from: string | undefined;
      readonly version: string;
      readonly description: string;
      readonly statements: number;
      /** Set when an interrupted update continues after this many already-applied statements. */
      readonly resumingAt?: number | undefined;
    }
  | {
      readonly type: 'statement';
      readonly store: StoreName;
      readonly version: string;
      readonly file: string;
      /** 0-based position within the version. */
      readonly index: number;
      readonly total: number;
      readonly sql: string;
      /** True when an earlier interrupted run already applied it. */
      readonly skipped: boolean;
    }
  | { readonly type: 'version-done'; readonly store: StoreName; readonly version: string }
  | { readonly type: 'up-to-date'; readonly store: StoreName; readonly version: string };
