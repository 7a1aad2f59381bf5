// Small shared pieces of the tree tests: hand-checkable datasets and the sklearn
// fixture loader (fetched, since the browser cannot import JSON modules here).
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../src/errors.js';
import { treeData } from '../../src/trees/data.js';
import type { TreeData } from '../../src/trees/tree.js';

/** x = 1..8, y = 0 0 0 1 0 1 1 1: root x ≤ 3.5, then x ≤ 5.5, then x ≤ 4.5 (worked out in cart.test.ts). */
export const dataB: TreeData = treeData([1, 2, 3, 4, 5, 6, 7, 8].map((v) => [v]), [0, 0, 0, 1, 0, 1, 1, 1]);

/** Two groups on feature 1: the left one gains little from a split, the right one much. */
export const dataD: TreeData = treeData(
  [[1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]],
  [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0],
);

export interface SkTree {
  left: number[];
  right: number[];
  feature: number[];
  threshold: number[];
  impurity: number[];
  nSamples: number[];
  weightedNSamples: number[];
  /** The split at this node is the same for every random_state tried (ties are broken at random in scikit-learn). */
  splitIsDetermined: boolean[];
}

export interface SkRun {
  params: Record<string, string | number>;
  nodeCount: number;
  leaves: number;
  depth: number;
  ccpAlphas: number[];
  ccpImpurities: number[];
  tree?: SkTree;
  ccpAlphaLeaves?: Array<[number, number]>;
}

export interface SkCase {
  name: string;
  n: number;
  numFeatures: number;
  numClasses: number;
  x: number[];
  y: number[];
  sampleWeight: number[] | null;
  runs: SkRun[];
}

export async function loadSklearnCases(): Promise<SkCase[]> {
  const res = await fetch(new URL('./fixtures/sklearn-trees.json', import.meta.url));
  if (!res.ok) throw new Error(`fixture: HTTP ${res.status}`);
  return (await res.json()) as SkCase[];
}

export function caseData(c: SkCase): TreeData {
  return { x: Float32Array.from(c.x), y: Int32Array.from(c.y), n: c.n, numFeatures: c.numFeatures, numClasses: c.numClasses };
}

/** Runs fn, expecting a PruneLabError whose field (and message) names `field`. */
export function throwsField(fn: () => unknown, field: string): PruneLabError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(PruneLabError);
    expect((e as PruneLabError).field, (e as Error).message).to.equal(field);
    expect((e as Error).message).to.contain(field);
    return e as PruneLabError;
  }
  throw new Error(`expected a PruneLabError on ${field}`);
}
