// How the page writes a simulated time or duration, one rule for every place that shows one (toolbar, timeline,
// feed, narration, inspector, compare, lesson editor): exact to 0.1 ms, in ms below a second, in seconds above.

/** The value rounded to the 0.1 ms the page shows (the engine's times are floats such as 1234.5678901). */
function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Seconds with up to four decimals (0.1 ms), trailing zeros dropped but one kept: "3.0", "2.5", "2624.1856". */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '.0');
}

/** "162.7 ms", "3.0 s", "2624.1856 s" (and "-40.0 ms" for a negative duration). */
export function formatMs(ms: number): string {
  const r = tenths(ms);
  return Math.abs(r) < 1000 ? `${r.toFixed(1)} ms` : `${seconds(r)} s`;
}

/**
 * The same value in scenario syntax, unit attached: "23.3ms", "2.6242s". It parses back, but to the rounded
 * value: a recorded line keeps its exact time (see src/ui/lesson/lessonRecord.ts).
 */
export function formatScenarioMs(ms: number): string {
  return formatMs(ms).replace(' ', '');
}
