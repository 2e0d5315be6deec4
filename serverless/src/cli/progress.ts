import { SingleBar } from 'cli-progress';

/** A progress line on the terminal; cli-progress draws nothing when the stream is not a TTY. */
export interface Progress {
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

const FORMATS = {
  scan: 'Scanning: {value} open tasks looked at | {stuck} stuck | {needsReview} need review | {duration_formatted}',
  close: 'Closing  [{bar}] {value}/{total} tasks | {failed} failed | {duration_formatted} | ETA {eta_formatted}',
} as const;

export function startProgress(
  stream: NodeJS.WritableStream,
  kind: keyof typeof FORMATS,
  total: number,
  payload: Record<string, unknown>,
): Progress {
  const bar = new SingleBar({
    stream,
    format: FORMATS[kind],
    // Ctrl-C must stop the process as usual (a SIGINT listener would keep it running), and a
    // process stopped that way must not leave the terminal's cursor hidden.
    hideCursor: false,
    gracefulExit: false,
    clearOnComplete: false,
    barsize: 30,
    etaBuffer: 200,
  });
  bar.start(total, 0, payload);
  return {
    update: (value, update) => bar.update(value, update),
    stop: () => bar.stop(),
  };
}
