// Door: model specs (planModel, then Network.create on the GPU when the plan is
// accepted). Mutations of valid MLP and CNN specs: each field removed, of the
// wrong type, out of range, unknown; layers removed, duplicated or reordered; and
// widths near the device's limits.
// Documented acceptance: a spec planModel accepts with every layer field valid; it
// must then have ≥ 1 param layer, consistent shapes (each layer's in = the previous
// out), pass checkModelLimits against this device (batch 64) or be refused by it,
// and, when its weights fit 16 MiB, build on the GPU and release every byte.
import { planModel, type ModelPlan } from '../../../src/nn/spec.js';
import { Network } from '../../../src/nn/network.js';
import { checkModelLimits } from '../../../src/nn/limits.js';
import type { Door, FuzzCase } from '../harness.js';
import { clone, mutateJson, pathFields, pick } from '../mutate.js';
import { gpu } from '../gpu.js';

interface SpecCase extends FuzzCase {
  spec: unknown;
}

const SEEDS = [
  { name: 'mlp', input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'linear', units: 8 }, { type: 'relu' }, { type: 'linear', units: 3 }] },
  {
    name: 'cnn', input: { C: 1, H: 8, W: 8 },
    layers: [{ type: 'conv2d', filters: 2, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'maxpool2d', size: 2 }, { type: 'conv2d', filters: 3, kernel: 3 }, { type: 'flatten' }, { type: 'linear', units: 4 }],
  },
];

const LAYER_KEYS: Record<string, string[]> = { linear: ['type', 'units'], conv2d: ['type', 'filters', 'kernel', 'padding'], maxpool2d: ['type', 'size'], relu: ['type'], flatten: ['type'] };

/** Why an accepted plan is not sane. */
export function planProblem(spec: unknown, plan: ModelPlan): string | void {
  const s = spec as { input: Record<string, unknown>; layers: Array<Record<string, unknown>> };
  for (const k of Object.keys(s)) if (!['name', 'input', 'layers'].includes(k)) return `unknown field model.${k} was accepted`;
  for (const k of Object.keys(s.input)) if (!['C', 'H', 'W'].includes(k)) return `unknown field model.input.${k} was accepted`;
  for (const [i, l] of s.layers.entries()) {
    for (const k of Object.keys(l)) if (!LAYER_KEYS[l.type as string]?.includes(k)) return `unknown field model.layers[${i}].${k} was accepted`;
  }
  if (plan.params.length < 1) return 'no prunable layer';
  for (let i = 1; i < plan.ops.length; i++) if (plan.ops[i]!.in !== plan.ops[i - 1]!.out) return `op ${plan.ops[i]!.name} takes ${plan.ops[i]!.in}, gets ${plan.ops[i - 1]!.out}`;
  if (!plan.params.every((p) => p.weightCount >= 1 && Number.isSafeInteger(p.weightCount))) return 'a weight count that is not a positive integer';
}

export const specDoor: Door<SpecCase> = {
  name: 'spec',
  fastCases: 50,
  gpu,
  generate(rng) {
    const seed = pick(rng, SEEDS);
    const r = rng.next();
    if (r < 0.15) {
      const s = clone(seed);
      const units = pick(rng, [1 << 24, (1 << 24) + 1, 1 << 23, 65536 * 64, 2 ** 31]);
      s.layers[0] = seed.name === 'mlp' ? { type: 'linear', units } : { type: 'conv2d', filters: units, kernel: 3, padding: 'same' };
      return { repro: `${seed.name}: first layer width ${units}`, fields: ['model.layers[0]', 'units', 'filters', 'fc1', 'conv1'], spec: s };
    }
    if (r < 0.3) {
      const s = clone(seed);
      const i = rng.int(s.layers.length);
      const op = pick(rng, ['remove', 'duplicate', 'swap']);
      if (op === 'remove') s.layers.splice(i, 1);
      else if (op === 'duplicate') s.layers.splice(i, 0, clone(s.layers[i]!));
      else {
        const j = rng.int(s.layers.length);
        [s.layers[i], s.layers[j]] = [s.layers[j]!, s.layers[i]!];
      }
      return { repro: `${seed.name}: ${op} layer ${i}: ${JSON.stringify(s.layers)}`, fields: ['model.layers'], spec: s };
    }
    const m = mutateJson(rng, seed);
    return { repro: `${seed.name}: ${m.what}`, fields: m.path.length ? ['model', ...pathFields(['model', ...m.path])] : ['model'], spec: m.value };
  },
  async run(c) {
    const plan = planModel(c.spec);
    const problem = planProblem(c.spec, plan);
    if (problem) return problem;
    const ctx = await gpu();
    checkModelLimits(plan, ctx.device.limits, 64);
    const bytes = plan.params.reduce((t, p) => t + (p.weightCount + p.biasCount) * 4, 0);
    if (bytes > 16 << 20) return;
    const net = Network.create(ctx, plan, { seed: 1 });
    net.destroy();
  },
};
