// Fixture loading for the boosting tests (fetched: the browser cannot import JSON
// modules here) and the fixture shapes of fixtures/gen_boost.py.
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../../src/errors.js';
import type { RegressionData, TreeData } from '../../../src/trees/tree.js';
import type { XgbObjective, XgbParams } from '../../../src/trees/boost/xgb.js';

export interface FixtureData {
  name: string;
  n: number;
  numFeatures: number;
  numClasses: number | null;
  x: number[];
  y: number[];
  nTest: number;
  xTest: number[];
}

export interface XgbNode {
  leaf?: number;
  cover: number;
  feature?: number;
  threshold?: number;
  gain?: number;
  yes?: number;
  no?: number;
}

export interface XgbRun {
  params: XgbParams;
  rounds: number;
  marginTrain: number[];
  stages: number[];
  stagedTest: number[][];
  predictTest: number[];
  leaves: number[];
  firstTrees: Array<Record<string, XgbNode>>;
}

export interface XgbFixture {
  cases: Array<FixtureData & { objective: XgbObjective; runs: XgbRun[] }>;
  /** Lossguide against tree_method='hist' (bins ⊇ distinct values): training margins and leaves only. */
  lossguide: Array<Omit<FixtureData, 'nTest' | 'xTest'> & { objective: XgbObjective; runs: Array<Pick<XgbRun, 'params' | 'rounds' | 'marginTrain' | 'leaves'>> }>;
}

export async function loadFixture<T>(file: string): Promise<T> {
  const res = await fetch(new URL(`./fixtures/${file}`, import.meta.url));
  if (!res.ok) throw new Error(`fixture ${file}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export function fixtureData(c: Omit<FixtureData, 'nTest'>): { data: TreeData | RegressionData; xTest: Float32Array } {
  const x = Float32Array.from(c.x);
  const data = c.numClasses === null
    ? { x, y: Float64Array.from(c.y), n: c.n, numFeatures: c.numFeatures }
    : { x, y: Int32Array.from(c.y), n: c.n, numFeatures: c.numFeatures, numClasses: c.numClasses };
  return { data, xTest: Float32Array.from(c.xTest) };
}

/** `fn` throws a PruneLabError whose field is `field`. */
export function expectRefusal(fn: () => unknown, field: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `refused naming ${field}`).to.be.instanceOf(PruneLabError);
  expect((err as PruneLabError).field).to.equal(field);
}
