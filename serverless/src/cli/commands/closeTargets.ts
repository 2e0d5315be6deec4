import fs from 'fs';
import path from 'path';
import type { ReviewItem, Suspect } from '@plugin-stuck-tasks/contract';
import type { EngineDeps } from '../../engine';
import type { CommandContext } from '../context';
import { CliError, EXIT_CODES } from '../errors';
import { parseCloseTargets } from '../report';
import type { ReportFormat, ScannedTasks } from '../report';
import { plural, renderScanSummary } from '../summary';
import { scanWithProgress } from './scanWithProgress';

/** What `close` will close, and the lines that tell the operator so before asking. */
export interface CloseTargetsPlan {
  taskSids: string[];
  /** Human-readable lines describing what will be closed and what is left alone. */
  description: string[];
  /** What the scan said about each task, when `close` scanned first (for the outcome report). */
  scanned?: ScannedTasks;
}

/** The options that decide which tasks `close` takes on. */
export interface CloseTargetsOptions {
  force: boolean;
  format?: ReportFormat;
}

/** `close --from FILE`: the tasks a report lists. */
export function readTargetsFile(file: string, options: CloseTargetsOptions, { io }: CommandContext): CloseTargetsPlan {
  const resolved = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${resolved}: ${(error as Error).message}`, EXIT_CODES.usage);
  }
  const targets = parseCloseTargets(resolved, text, options.format);
  const taskSids = options.force ? [...targets.suspects, ...targets.needsReview] : targets.suspects;
  const description = [
    `${resolved} lists ${plural(targets.suspects.length, 'stuck task')} and ${targets.needsReview.length} needing review.`,
  ];
  if (targets.duplicates.length > 0) {
    description.push(`${plural(targets.duplicates.length, 'task is', 'tasks are')} listed twice; each is closed once.`);
  }
  if (targets.needsReview.length > 0) {
    description.push(
      options.force
        ? `--force: the ${targets.needsReview.length} needing review are closed too, unless their call is live.`
        : `The ${targets.needsReview.length} needing review are left alone (add --force to close them too).`,
    );
  }
  return { taskSids, description };
}

/** `close` without `--from`: the tasks a fresh scan finds (its summary is printed first). */
export async function scanTargets(
  deps: EngineDeps,
  options: CloseTargetsOptions,
  context: CommandContext,
): Promise<CloseTargetsPlan> {
  const { settings, io } = context;
  const started = Date.now();
  const scan = await scanWithProgress(deps, context);
  io.stdout.write(renderScanSummary(scan, settings, Date.now() - started, deps));
  const taskSids = scan.suspects.map((suspect) => suspect.taskSid);
  const description: string[] = [];
  if (scan.needsReview.length > 0) {
    if (options.force) {
      taskSids.push(...scan.needsReview.map((item) => item.taskSid));
      description.push(
        `--force: the ${scan.needsReview.length} needing review are closed too, unless their call is live.`,
      );
    } else {
      description.push(`The ${scan.needsReview.length} needing review are left alone (add --force to close them too).`);
    }
  }
  const scanned = new Map<string, Suspect | ReviewItem>();
  for (const item of [...scan.suspects, ...scan.needsReview]) scanned.set(item.taskSid, item);
  return { taskSids, description, scanned };
}
