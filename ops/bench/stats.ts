/** Percentiles over a list of samples (nearest-rank). */
export function percentiles(samples: number[], ps = [50, 95, 99]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const p of ps) {
    const rank = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
    out[`p${p}`] = Math.round(sorted[rank]! * 100) / 100;
  }
  return out;
}
