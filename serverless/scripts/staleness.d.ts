// Types for staleness.js (plain CommonJS so that node scripts can require it; see there).
export type Staleness = { kind: 'missing'; files: string[] } | { kind: 'stale'; file: string } | null;

export function isBuildInput(name: string): boolean;
export function buildInputsUnder(dir: string): string[];
export function staleness(build: { inputs: string[]; outputs: string[]; stamp?: string }): Staleness;
