import * as React from 'react';
import { Box } from '@twilio-paste/core/box';

export interface ProgressBarProps {
  label: string;
  /** Omit both for an indeterminate bar (the scan does not know how many pages remain). */
  value?: number;
  max?: number;
  valueText?: string;
}

// Paste 17 ships no progress bar; this one follows the ARIA progressbar pattern with Paste tokens.
// The indeterminate bar moves by `transform`, which the compositor animates without style or layout
// work. It used to animate `margin-left`: the whole page was laid out again on every frame of a scan,
// and with 2,000 suspects listed that kept the browser's main thread busy for most of the scan
// (Chrome's profile: 16 s of 24 s; `npm run bench -- --only load`, BENCH_PROFILE=1).
// The bar is 30 % of the track: -100 % of its own width starts it just left of the track, 333 % ends
// it just past the right edge.
const INDETERMINATE_CSS = `
@keyframes stuck-tasks-progress { from { transform: translateX(-100%); } to { transform: translateX(333%); } }
@media (prefers-reduced-motion: reduce) { [data-stuck-tasks-progress] { animation: none !important; transform: translateX(117%); } }
`;

export const ProgressBar: React.FC<ProgressBarProps> = ({ label, value, max, valueText }) => {
  const determinate = value !== undefined && max !== undefined && max > 0;
  const percent = determinate ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <Box
      role="progressbar"
      aria-label={label}
      aria-valuemin={determinate ? 0 : undefined}
      aria-valuemax={determinate ? max : undefined}
      aria-valuenow={determinate ? value : undefined}
      aria-valuetext={valueText}
      backgroundColor="colorBackgroundStrong"
      borderRadius="borderRadius20"
      height="sizeSquare20"
      overflow="hidden"
      width="100%"
    >
      {determinate ? (
        <Box backgroundColor="colorBackgroundPrimary" height="100%" style={{ width: `${percent}%` }} />
      ) : (
        <>
          <style>{INDETERMINATE_CSS}</style>
          <Box
            data-stuck-tasks-progress=""
            backgroundColor="colorBackgroundPrimary"
            height="100%"
            style={{ width: '30%', animation: 'stuck-tasks-progress 1.4s ease-in-out infinite' }}
          />
        </>
      )}
    </Box>
  );
};
