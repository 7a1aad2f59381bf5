// The seeded 2-D toy sets: exact class counts, points on their curves without
// noise, reproducibility, and validation.
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../src/errors.js';
import { synthetic } from '../../src/data/synthetic.js';
import { fitTree } from '../../src/trees/cart.js';
import { evaluateTree } from '../../src/trees/evaluate.js';

const count = (y: Int32Array, c: number): number => y.filter((v) => v === c).length;

describe('synthetic 2-D datasets', () => {
  it('moons: ⌊n/2⌋ on the outer arc (class 0), the rest on the inner one', () => {
    const d = synthetic('moons', { n: 101, noise: 0, seed: 1 });
    expect([d.n, d.numFeatures, d.numClasses, count(d.y, 0), count(d.y, 1)]).to.deep.equal([101, 2, 2, 50, 51]);
    for (let i = 0; i < d.n; i++) {
      const [a, b] = [d.x[2 * i]!, d.x[2 * i + 1]!];
      if (d.y[i] === 0) {
        expect(Math.hypot(a, b)).to.be.closeTo(1, 1e-6);
        expect(b).to.be.at.least(-1e-6);
      } else {
        expect(Math.hypot(a - 1, b - 0.5)).to.be.closeTo(1, 1e-6);
        expect(b).to.be.at.most(0.5 + 1e-6);
      }
    }
  });

  it('circles: radius 1 (class 0) and 0.5 (class 1)', () => {
    const d = synthetic('circles', { n: 60, noise: 0 });
    for (let i = 0; i < d.n; i++) expect(Math.hypot(d.x[2 * i]!, d.x[2 * i + 1]!)).to.be.closeTo(d.y[i] === 0 ? 1 : 0.5, 1e-6);
    expect(count(d.y, 1)).to.equal(30);
  });

  it('xor: class 1 exactly where the signs differ (no noise)', () => {
    const d = synthetic('xor', { n: 200, noise: 0, seed: 3 });
    for (let i = 0; i < d.n; i++) expect(d.y[i]).to.equal(d.x[2 * i]! > 0 !== d.x[2 * i + 1]! > 0 ? 1 : 0);
    expect(count(d.y, 1)).to.be.within(70, 130);
  });

  it('spiral: two arms inside the unit disc', () => {
    const d = synthetic('spiral', { n: 100, noise: 0 });
    expect(count(d.y, 0)).to.equal(50);
    for (let i = 0; i < d.n; i++) expect(Math.hypot(d.x[2 * i]!, d.x[2 * i + 1]!)).to.be.within(0, 1 + 1e-6);
    // Separable without noise: a full tree fits it exactly.
    expect(evaluateTree(fitTree(d), d).accuracy).to.equal(1);
  });

  it('is reproducible from the seed and differs across seeds', () => {
    const a = synthetic('moons', { n: 50, seed: 4 });
    expect(Array.from(a.x)).to.deep.equal(Array.from(synthetic('moons', { n: 50, seed: 4 }).x));
    expect(Array.from(a.x)).to.not.deep.equal(Array.from(synthetic('moons', { n: 50, seed: 5 }).x));
  });

  it('validates its options', () => {
    expect(() => synthetic('blobs' as 'xor')).to.throw(PruneLabError, 'moons, circles, xor, spiral');
    expect(() => synthetic('xor', { n: 3 })).to.throw(PruneLabError, 'n');
    expect(() => synthetic('xor', { noise: -1 })).to.throw(PruneLabError, 'noise');
    expect(() => synthetic('xor', { seed: 1.5 })).to.throw(PruneLabError, 'seed');
  });
});
