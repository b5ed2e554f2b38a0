// Order statistics for the benchmark's samples.

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** The median over i of xs[i] / ys[i]: each ratio of two rounds run next to each other, so that the
 * drift of a shared machine between rounds cancels. Ratios that are not finite (a round not measured)
 * are left out. */
export function pairedMedian(xs: readonly number[], ys: readonly number[]): number {
  return median(xs.map((x, i) => x / ys[i]!).filter(Number.isFinite));
}
