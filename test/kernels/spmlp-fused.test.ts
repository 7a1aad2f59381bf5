// The fused sparse MLP kernel against the whole-network oracle: awkward widths,
// masks with empty and full rows, several samples (one workgroup each); and the
// models it refuses (convs, activations past workgroup memory).
import { expect } from '@esm-bundle/chai';
import { prepareFusedMlp, fusedUnsupported } from '../../src/infer/fused.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { networkRef } from '../../src/ref/network.js';
import { planModel, LENET_5, type ModelSpec } from '../../src/nn/spec.js';
import { initialValues } from '../../src/nn/network.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32, readU32 } from '../helpers/gpu.js';

describe('spmlp-fused', () => {
  for (const [name, spec, B] of [
    ['35-17-3, B=1', { input: { C: 1, H: 5, W: 7 }, layers: [{ type: 'linear', units: 17 }, { type: 'relu' }, { type: 'linear', units: 3 }] }, 1],
    ['3-257-255-1-10, B=3', { input: { C: 3, H: 1, W: 1 }, layers: [{ type: 'linear', units: 257 }, { type: 'relu' }, { type: 'linear', units: 255 }, { type: 'relu' }, { type: 'linear', units: 1 }, { type: 'linear', units: 10 }] }, 3],
    ['784-300-100-10, B=5', { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 300 }, { type: 'relu' }, { type: 'linear', units: 100 }, { type: 'relu' }, { type: 'linear', units: 10 }] }, 5],
  ] as Array<[string, ModelSpec, number]>) {
    it(`${name}: logits and classes equal the oracle's (masks with empty and full rows)`, async () => {
      const ctx = await gpu();
      const plan = planModel(spec);
      const rng = new Rng(B * 31);
      const values = initialValues(plan, 2).map((v, li) => {
        const op = plan.params[li]!;
        // Output 0 keeps everything, output 1 nothing, the rest 40%.
        const mask = Uint8Array.from(v.mask, (_, j) => (j % op.out === 0 ? 1 : j % op.out === 1 ? 0 : rng.next() < 0.4 ? 1 : 0));
        return { w: v.w, b: rng.uniformArray(v.b.length, -0.2, 0.2), mask };
      });
      const D = plan.params[0]!.in;
      const x = rng.uniformArray(B * D, 0, 1);
      const xb = ctx.pool.upload('x', x);
      const logits = ctx.pool.storage('logits', B * plan.classes * 4);
      const pred = ctx.pool.storage('pred', B * 4);
      const fused = await noGpuErrors(ctx, async () => {
        const f = await prepareFusedMlp(ctx, plan, values, B, { x: xb, logits, pred }, { workgroupSize: 32 });
        runKernels(ctx, 'fused test', f.chain.kernels);
        return f;
      });
      const want = networkRef(plan, values, x, new Uint32Array(B), B).logits;
      const got = await readF32(ctx, logits, B * plan.classes);
      expectClose(got, want, { atol: 1e-4, rtol: 1e-4 }, name);
      const classes = await readU32(ctx, pred, B);
      for (let b = 0; b < B; b++) {
        const row = Array.from(got.subarray(b * plan.classes, (b + 1) * plan.classes));
        expect(classes[b]).to.equal(row.indexOf(Math.max(...row)));
      }
      expect(fused.layers.map((l) => l.split)).to.deep.equal(plan.params.map(() => false));
      fused.chain.release();
      for (const b of [...fused.owned, xb, logits, pred]) ctx.pool.release(b);
    });
  }

  it('refuses convs and activations past workgroup memory', async () => {
    const ctx = await gpu();
    expect(fusedUnsupported(planModel(LENET_5), 32768)).to.contain('only MLPs');
    const wide = planModel({ input: { C: 1, H: 1, W: 4 }, layers: [{ type: 'linear', units: 9000 }, { type: 'linear', units: 2 }] });
    expect(fusedUnsupported(wide, 32768)).to.contain('workgroup memory');
    const x = ctx.pool.storage('x', 16);
    await expectArgError(() => prepareFusedMlp(ctx, wide, initialValues(wide, 1), 1, { x, logits: ctx.dummy, pred: ctx.dummy }), 'path');
    ctx.pool.release(x);
  });
});
