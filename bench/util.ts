// Shared by the benchmark pages: timing with adaptive repeats, medians, logging.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Times `run` (which does `reps` repetitions and resolves when they are done):
 * one warm-up, then repeats chosen so a sample takes about `targetMs`, median of `samples`
 * (one sample when a single run is over 10× the target).
 * Returns milliseconds per repetition.
 */
export async function timeIt(run: (reps: number) => Promise<void>, targetMs = 600, samples = 3): Promise<number> {
  let t0 = performance.now();
  await run(1);
  const once = Math.max(performance.now() - t0, 0.01);
  const reps = Math.max(1, Math.min(200, Math.round(targetMs / once)));
  // Something that takes many seconds once gets one timed sample, not three.
  const n = once > 10 * targetMs ? 1 : samples;
  const per: number[] = [];
  for (let s = 0; s < n; s++) {
    t0 = performance.now();
    await run(reps);
    per.push((performance.now() - t0) / reps);
  }
  return median(per);
}

export function log(line: string): void {
  const el = document.getElementById('log');
  if (el) el.textContent += `\n${line}`;
  console.log(`[bench] ${line}`);
}
