import { scanWorkspace } from '../../engine';
import type { EngineDeps, WorkspaceScan } from '../../engine';
import type { CommandContext } from '../context';
import { startProgress } from '../progress';

/** Walks the whole workspace (both commands do), drawing a progress line on standard error. */
export async function scanWithProgress(
  deps: EngineDeps,
  { io, tuning }: Pick<CommandContext, 'io' | 'tuning'>,
): Promise<WorkspaceScan> {
  const progress = startProgress(io.stderr, 'scan', 0, { pages: 0, stuck: 0, needsReview: 0 });
  try {
    return await scanWorkspace(deps, {
      pageDeadlineMs: tuning.scanPageDeadlineMs,
      pageRetryDelayMs: tuning.scanPageRetryDelayMs,
      onPage: ({ pages, counts }) =>
        progress.update(counts.scanned, { pages, stuck: counts.stuck, needsReview: counts.needsReview }),
    });
  } finally {
    progress.stop();
  }
}
