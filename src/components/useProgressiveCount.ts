import * as React from 'react';

/**
 * How many of `total` rows to mount right now. Starts with one chunk and adds a chunk per task turn,
 * so a list of thousands of Paste rows appears at once and fills in without freezing the page.
 */
export function useProgressiveCount(total: number, chunk = 200): number {
  const [shown, setShown] = React.useState(() => Math.min(total, chunk));

  React.useEffect(() => {
    if (shown >= total) return undefined;
    const timer = setTimeout(() => setShown((current) => Math.min(total, current + chunk)), 0);
    return () => clearTimeout(timer);
  }, [shown, total, chunk]);

  return Math.min(shown, total);
}
