// The one comparison every kernel test uses: GPU result against its CPU oracle,
// |actual − expected| ≤ atol + rtol·|expected| element-wise.

export interface Tolerance {
  atol: number;
  rtol: number;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what = 'result'): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  const bad: string[] = [];
  let count = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const err = Math.abs(a - e);
    const lim = tol.atol + tol.rtol * Math.abs(e);
    if (!(err <= lim)) {
      count++;
      worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
      if (bad.length < 5) bad.push(`[${i}] got ${a}, expected ${e}`);
    }
  }
  if (count > 0) {
    throw new Error(`${what}: ${count}/${expected.length} outside atol=${tol.atol} rtol=${tol.rtol} (worst |err| ${worst}): ${bad.join('; ')}`);
  }
}

export function expectEqualArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, what = 'result'): void {
  expectClose(actual, expected, { atol: 0, rtol: 0 }, what);
}
