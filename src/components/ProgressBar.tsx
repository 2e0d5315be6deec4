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
const INDETERMINATE_CSS = `
@keyframes stuck-tasks-progress { from { margin-left: -30%; } to { margin-left: 100%; } }
@media (prefers-reduced-motion: reduce) { [data-stuck-tasks-progress] { animation: none !important; margin-left: 35%; } }
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
