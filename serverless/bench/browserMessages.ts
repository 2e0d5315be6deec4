import type { SimulatorAddress } from './simulatorControl';

/**
 * What the bench's browser row (browserPath.ts, in a child process) tells the bench. Apart from that
 * file because it is type-checked with the e2e project (it drives a DOM page), the bench without it.
 */
export type BrowserMessage =
  | { ready: SimulatorAddress }
  | {
      done: {
        scanMs: number;
        closeMs: number;
        selected: number;
        summary: string;
        firstFailure: string | null;
        /** The page's main-thread busy time (Chrome's TaskDuration) during each phase. */
        pageMainThreadMs: { scan: number; close: number };
      };
    }
  | { failed: string };
