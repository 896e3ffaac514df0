/**
 * Durations as people write them in configuration: "5d", "2w", "36h", "90s", "1500ms".
 * Pure, so the workflow, the worker and the CLI read them the same way.
 */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

export const DAY = UNIT_MS.d;
export const WEEK = UNIT_MS.w;

/** Parses "2w", "5d", "1500ms" …; returns undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2]]);
}

/** Shows a duration in Dutch for people: "5 dagen", "2 weken", "36 uur". */
export function formatDuration(ms: number): string {
  if (ms % WEEK === 0) return plural(ms / WEEK, 'week', 'weken');
  if (ms % DAY === 0) return plural(ms / DAY, 'dag', 'dagen');
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h} uur`;
  if (ms % UNIT_MS.m === 0) return plural(ms / UNIT_MS.m, 'minuut', 'minuten');
  if (ms % UNIT_MS.s === 0) return plural(ms / UNIT_MS.s, 'seconde', 'seconden');
  return `${ms} ms`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
