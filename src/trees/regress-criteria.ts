// The regression split rules of CART (see SplitRule in cart.ts), each as
// scikit-learn 1.2's DecisionTreeRegressor defines it:
// - squared_error: node value the weighted mean, impurity the weighted variance
//   Σw·y²/W − (Σw·y/W)², boundaries scored by the proxy S_L²/W_L + S_R²/W_R;
// - friedman_mse: the same value and impurity, boundaries scored by Friedman's
//   (W_R·S_L − W_L·S_R)²/(W_L·W_R), and its improvement (for minImpurityDecrease and
//   best-first order) that over W_node, not scaled by W_node/W as the others are;
// - absolute_error: node value the weighted median (scikit-learn's: the smallest k
//   with Σ_{<k} w ≥ W/2, the mean of the k-th and next values when equal), impurity
//   Σw·|y − median|/W, boundaries scored by −(W_L·impurity_L + W_R·impurity_R).
// A child's impurity is the one its parent's split computed (Σw·y² of the right
// side by subtraction, as scikit-learn does), so leaves stop where scikit-learn's do.
import { FEATURE_THRESHOLD, recordBest, weightedDecrease, type SplitRule } from './cart.js';

/** squared_error and friedman_mse: sums of w·y and w·y² per node, one pass per feature. */
export class MseRule implements SplitRule {
  readonly width = 1;
  private sumTotal = 0;
  private sqTotal = 0;
  impurityLeft = 0;
  impurityRight = 0;

  constructor(private readonly y: Float64Array, private readonly friedman: boolean) {}

  node(samples: Int32Array, start: number, end: number, w: Float64Array, weight: number, value: number[], inherited: number): number {
    const y = this.y;
    let sum = 0;
    let sq = 0;
    for (let k = start; k < end; k++) {
      const i = samples[k]!;
      const wy = w[i]! * y[i]!;
      sum += wy;
      sq += wy * y[i]!;
    }
    this.sumTotal = sum;
    this.sqTotal = sq;
    value.push(sum / weight);
    if (!Number.isNaN(inherited)) return inherited;
    const mean = sum / weight;
    return sq / weight - mean * mean;
  }

  scan(order: Int32Array, vals: Float32Array, base: number, start: number, end: number, w: Float64Array, weight: number, minLeaf: number, best: Float64Array): boolean {
    const { y, sumTotal, friedman } = this;
    let found = false;
    let sumL = 0;
    let wL = 0;
    let xi = vals[base + start]!;
    for (let q = base + start; q < base + end - 1; q++) {
      const i = order[q]!;
      const wi = w[i]!;
      sumL += wi * y[i]!;
      wL += wi;
      const xn = vals[q + 1]!;
      if (xn > xi + FEATURE_THRESHOLD) {
        const pos = q + 1 - base;
        if (pos - start >= minLeaf && end - pos >= minLeaf) {
          const wR = weight - wL;
          const sumR = sumTotal - sumL;
          let proxy: number;
          if (friedman) {
            const diff = wR * sumL - wL * sumR;
            proxy = (diff * diff) / (wL * wR);
          } else {
            proxy = (sumL * sumL) / wL + (sumR * sumR) / wR;
          }
          if (proxy > best[0]!) found = recordBest(best, proxy, pos, xi, xn);
        }
      }
      xi = xn;
    }
    return found;
  }

  improvement(order: Int32Array, base: number, start: number, pos: number, _end: number, w: Float64Array, weight: number, impurity: number, totalWeight: number): number {
    const y = this.y;
    let sumL = 0;
    let sqL = 0;
    let wL = 0;
    for (let k = start; k < pos; k++) {
      const i = order[base + k]!;
      const wy = w[i]! * y[i]!;
      sumL += wy;
      sqL += wy * y[i]!;
      wL += w[i]!;
    }
    const wR = weight - wL;
    const sumR = this.sumTotal - sumL;
    const mL = sumL / wL;
    const mR = sumR / wR;
    this.impurityLeft = sqL / wL - mL * mL;
    this.impurityRight = (this.sqTotal - sqL) / wR - mR * mR;
    if (!this.friedman) return weightedDecrease(weight, wL, impurity, this.impurityLeft, this.impurityRight, totalWeight);
    const diff = wR * sumL - wL * sumR;
    return (diff * diff) / (wL * wR * weight);
  }
}

/**
 * absolute_error. Each node sorts its rows by target once; a scan then walks a
 * feature's rows through a Fenwick tree over those target ranks (weights and w·y),
 * which gives the weighted median and Σw·|y − median| of every prefix and suffix in
 * O(log m) each. Those sums are algebraically, not bitwise, scikit-learn's: a
 * boundary must beat the best so far by 1e-11 of the node's Σ|w·y| to replace it, so
 * boundaries whose absolute deviations tie (common with medians) go to the first, as
 * they do in exact arithmetic. The chosen split's impurities are then summed directly.
 */
export class MaeRule implements SplitRule {
  readonly width = 1;
  impurityLeft = 0;
  impurityRight = 0;
  /** The node's rows by target (ties by row), and each row's rank among them. */
  private readonly byY: Int32Array;
  private readonly rank: Int32Array;
  private readonly sortedY: Float64Array;
  private readonly bitW: Float64Array;
  private readonly bitS: Float64Array;
  /** Point weights and w·y of the ranks added so far (beside the Fenwick sums). */
  private readonly ptW: Float64Array;
  private readonly ptS: Float64Array;
  /** Σw·|y − median| left and right of each boundary of the feature being scanned, by position − base. */
  private readonly devL: Float64Array;
  private readonly devR: Float64Array;
  /** Row → 0 (left) / 1 (right) of the chosen split. */
  private readonly side: Uint8Array;
  private m = 0;
  private top = 1;
  private absWY = 0;

  constructor(private readonly y: Float64Array) {
    const n = y.length;
    this.byY = new Int32Array(n);
    this.rank = new Int32Array(n);
    this.sortedY = new Float64Array(n);
    this.bitW = new Float64Array(n + 1);
    this.bitS = new Float64Array(n + 1);
    this.ptW = new Float64Array(n);
    this.ptS = new Float64Array(n);
    this.devL = new Float64Array(n + 1);
    this.devR = new Float64Array(n + 1);
    this.side = new Uint8Array(n);
  }

  node(samples: Int32Array, start: number, end: number, w: Float64Array, weight: number, value: number[], inherited: number): number {
    const { y, byY, rank, sortedY } = this;
    const m = end - start;
    this.m = m;
    let top = 1;
    while (top * 2 <= m) top *= 2;
    this.top = top;
    const rows = byY.subarray(0, m);
    rows.set(samples.subarray(start, end));
    rows.sort((a, b) => y[a]! - y[b]! || a - b);
    let abs = 0;
    for (let r = 0; r < m; r++) {
      const i = rows[r]!;
      rank[i] = r;
      sortedY[r] = y[i]!;
      abs += Math.abs(w[i]! * y[i]!);
    }
    this.absWY = abs;
    const median = this.medianOf(w, weight, 2);
    value.push(median);
    if (!Number.isNaN(inherited)) return inherited;
    let dev = 0;
    for (let k = start; k < end; k++) {
      const i = samples[k]!;
      dev += Math.abs(y[i]! - median) * w[i]!;
    }
    return dev / weight;
  }

  /** Weighted median of the node's rows whose side mark is `which` (2 = all rows), scikit-learn's rule. */
  private medianOf(w: Float64Array, weight: number, which: number): number {
    const { byY, side, sortedY, m } = this;
    const half = weight / 2;
    let cum = 0;
    for (let r = 0; r < m; r++) {
      const i = byY[r]!;
      if (which !== 2 && side[i] !== which) continue;
      cum += w[i]!;
      if (cum >= half) {
        if (cum !== half) return sortedY[r]!;
        for (let s = r + 1; s < m; s++) {
          if (which === 2 || side[byY[s]!] === which) return (sortedY[r]! + sortedY[s]!) / 2;
        }
        return sortedY[r]!;
      }
    }
    return sortedY[m - 1]!;
  }

  private bitReset(): void {
    this.bitW.fill(0, 0, this.m + 1);
    this.bitS.fill(0, 0, this.m + 1);
    this.ptW.fill(0, 0, this.m);
    this.ptS.fill(0, 0, this.m);
  }

  private bitAdd(r: number, wi: number, wy: number): void {
    const { bitW, bitS, m } = this;
    this.ptW[r] = wi;
    this.ptS[r] = wy;
    for (let j = r + 1; j <= m; j += j & -j) {
      bitW[j] += wi;
      bitS[j] += wy;
    }
  }

  /**
   * Σw·|y − median| of the rows in the tree (total weight W, total w·y S): the
   * median is found by a descent for the smallest rank whose prefix weight reaches W/2.
   */
  private bitDeviation(W: number, S: number): number {
    const { bitW, bitS, ptW, ptS, m, sortedY } = this;
    const half = W / 2;
    let pos = 0;
    let wBelow = 0;
    let sBelow = 0;
    for (let step = this.top; step > 0; step >>= 1) {
      const nxt = pos + step;
      if (nxt <= m && wBelow + bitW[nxt]! < half) {
        pos = nxt;
        wBelow += bitW[nxt]!;
        sBelow += bitS[nxt]!;
      }
    }
    // Rank `pos` (0-based) is the first whose prefix weight reaches W/2.
    const wLe = wBelow + ptW[pos]!;
    const sLe = sBelow + ptS[pos]!;
    let median = sortedY[pos]!;
    if (wLe === half) {
      // A split median: the mean with the next rank present.
      let next = pos + 1;
      while (next < m && ptW[next] === 0) next++;
      if (next < m) median = (median + sortedY[next]!) / 2;
    }
    return median * wLe - sLe + (S - sLe) - median * (W - wLe);
  }

  scan(order: Int32Array, vals: Float32Array, base: number, start: number, end: number, w: Float64Array, _weight: number, minLeaf: number, best: Float64Array): boolean {
    const { y, rank, devL, devR } = this;
    const lo = base + start + minLeaf;
    const hi = base + end - minLeaf;
    // Left prefixes: devL[q − base] for a boundary before order[q].
    this.bitReset();
    let wS = 0;
    let sS = 0;
    for (let q = base + start; q < hi; q++) {
      const i = order[q]!;
      const wy = w[i]! * y[i]!;
      this.bitAdd(rank[i]!, w[i]!, wy);
      wS += w[i]!;
      sS += wy;
      if (q + 1 >= lo && vals[q + 1]! > vals[q]! + FEATURE_THRESHOLD) devL[q + 1 - base] = this.bitDeviation(wS, sS);
    }
    // Right suffixes, from the end.
    this.bitReset();
    wS = 0;
    sS = 0;
    for (let q = base + end - 1; q >= lo; q--) {
      const i = order[q]!;
      const wy = w[i]! * y[i]!;
      this.bitAdd(rank[i]!, w[i]!, wy);
      wS += w[i]!;
      sS += wy;
      if (q <= hi && vals[q]! > vals[q - 1]! + FEATURE_THRESHOLD) devR[q - base] = this.bitDeviation(wS, sS);
    }
    // Candidates in increasing position; a near-tie keeps the first (see the class comment).
    const tol = 1e-11 * this.absWY;
    let found = false;
    for (let q = lo; q <= hi; q++) {
      if (!(vals[q]! > vals[q - 1]! + FEATURE_THRESHOLD)) continue;
      const proxy = -(devL[q - base]! + devR[q - base]!);
      if (proxy > best[0]! + tol) found = recordBest(best, proxy, q - base, vals[q - 1]!, vals[q]!);
    }
    return found;
  }

  improvement(order: Int32Array, base: number, start: number, pos: number, end: number, w: Float64Array, weight: number, impurity: number, totalWeight: number): number {
    const { y, side } = this;
    let wL = 0;
    for (let k = start; k < pos; k++) {
      const i = order[base + k]!;
      side[i] = 0;
      wL += w[i]!;
    }
    for (let k = pos; k < end; k++) side[order[base + k]!] = 1;
    const wR = weight - wL;
    const medL = this.medianOf(w, wL, 0);
    const medR = this.medianOf(w, wR, 1);
    let dL = 0;
    let dR = 0;
    for (let k = start; k < pos; k++) {
      const i = order[base + k]!;
      dL += Math.abs(y[i]! - medL) * w[i]!;
    }
    for (let k = pos; k < end; k++) {
      const i = order[base + k]!;
      dR += Math.abs(y[i]! - medR) * w[i]!;
    }
    this.impurityLeft = dL / wL;
    this.impurityRight = dR / wR;
    return weightedDecrease(weight, wL, impurity, this.impurityLeft, this.impurityRight, totalWeight);
  }
}
