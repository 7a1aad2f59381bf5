// Door: the scripting API (src/engine.ts: createEngine → matmul, maskedMatmul,
// magnitudeMasks, pruneMasks, scores, sparsegpt, shrinkUnits). Valid seeds of each
// call, then one mutation each: arguments of the wrong type, lengths that don't match, NaN/Infinity
// in weights, mask values other than 0/1, sparsity out of [0, 1) or NaN, unknown
// criterion/scope/granularity/layout/variant names, bad N:M patterns and shapes,
// blockSize/damp out of range, empty layer lists, prototype keys as option names or
// values, unknown option fields.
// The network criteria (taylor, snip, synflow, movement) are seeded on chains of
// layers (8→4→3, 4→3, 8→4→4→2, mixed layouts) with labelled calibration, biases,
// movement's { steps, lr, batchSize } and synflow's iterations; sparsegpt as a
// criterion of pruneMasks with each layer's inputs and opts.sparsegpt. Their
// mutations: a chain that does not chain, calibration inputs/labels/batchSize that do
// not fit (labels out of [0, N_last), non-integer, wrong length or type; non-finite
// inputs; unknown fields; the per-layer form where the labelled one is wanted),
// biases of the wrong count/length/values or given to synflow, movement's steps/lr/
// batchSize out of range or missing, synflow's iterations out of range, sparsegpt's
// options out of range, each option given to a criterion that does not take it.
// Granularity 'unit' (pruneMasks and scores with criterion l1, l2, taylor or
// norm-product) is seeded on chains 7→5→3, 13→9→6→4, 8→4→3, 4→3→2 (taylor with labelled
// calibration and biases) at sparsities that cannot empty a layer in either scope. Its
// mutations: weight criteria or unknown names with granularity 'unit', options it does
// not take (nm, masks, movement, synflow, sparsegpt, unknown), calibration or biases
// with l1/l2/norm-product, a single layer or a chain that does not chain, the chain
// criteria's calibration/biases mutations, sparsity out of range or one that empties
// a layer, scope and seed out of range, granularity changed to an unknown name or 'nm'.
// Acceptance: one mask per layer, each hidden unit's incoming column all 0 or all 1,
// the last layer all 1, round(s·U_i) units per layer (local) or Σ_i round(s·U_i) (global);
// unit scores one Float32Array of U_i per layer but the last, finite and ≥ 0.
// shrinkUnits(layers, masks, { biases? }) is seeded on those chains with unit masks (some
// units' incoming columns zeroed, a few single weights too); its mutations: the layer
// mutations, a single layer or a broken chain, masks of the wrong count/length/values
// or emptying a hidden layer, biases that do not fit, unknown options. Acceptance: the
// kept units are those with a kept incoming weight, the shapes follow, pruned weights 0.
// The refusal must be a PruneLabError('invalid-argument') whose `field` is (or lies
// under) the mutated argument, thrown before the engine asks for any GPU buffer or
// pipeline (the engine's pool and pipeline cache are counted). The one documented
// refusal after GPU work: sparsegpt's singular H at damp 0 (field 'damp').
// Refused by house style on every call (the criterion calls and layers already do):
// opts that are not an object, unknown option names, unknown fields of nm.
// Documented acceptance (README, "Scripting API"): the valid seeds; non-finite values
// in matmul's A and B and maskedMatmul's A (activations; only non-finite *weights* are
// refused); null for an optional field (read as not given, held to the default's
// acceptance); a 7th argument to maskedMatmul (it takes no options). The result must
// have the documented shape; masks are 0/1
// with exactly round(s·N) pruned per group (global: all layers; local and wanda: each
// layer, wanda ⌊k/N_out⌋ per output row and one more in the first k mod N_out rows;
// N:M: m − n of every m inputs of each output), prior zeros stay zero; matmul's values
// match a CPU product; sparsegpt's weights are finite and 0 where pruned.
import { createEngine, type Engine } from '../../../src/engine.js';
import { PruneLabError } from '../../../src/errors.js';
import type { Rng } from '../../../src/rng.js';
import type { Door, FuzzCase } from '../harness.js';
import { pick, show } from '../mutate.js';
import { gpu } from '../gpu.js';

type Method = 'matmul' | 'maskedMatmul' | 'magnitudeMasks' | 'pruneMasks' | 'scores' | 'sparsegpt' | 'shrinkUnits';

interface EngineCase extends FuzzCase {
  method: Method;
  args: unknown[];
  /** valid: must be accepted; refuse: must be refused; either: refused, or accepted with the documented shape. */
  mode: 'valid' | 'refuse' | 'either';
  /** A refusal after GPU work is documented for this case (sparsegpt, damp 0). */
  late?: boolean;
}

interface Lay { weight: Float32Array; inputs: number; outputs: number; layout?: 'in-out' | 'out-in' }
type LayerArg = Lay | Float32Array;
type Opts = Record<string, unknown>;

// ---- the engine, with its GPU work counted ----

let enginePromise: Promise<Engine> | undefined;
let gpuWork = 0;
let lastWork = '';

function theEngine(): Promise<Engine> {
  enginePromise ??= gpu().then(async (ctx) => {
    const engine = await createEngine(ctx.device);
    const { pool, pipelines } = engine.ctx;
    const acquire = pool.acquire.bind(pool);
    pool.acquire = (label, size, usage) => {
      gpuWork++;
      lastWork = `buffer ${label}`;
      return acquire(label, size, usage);
    };
    const pipeline = pipelines.pipeline.bind(pipelines);
    pipelines.pipeline = (spec) => {
      gpuWork++;
      lastWork = `pipeline ${spec.label}`;
      return pipeline(spec);
    };
    return engine;
  });
  return enginePromise;
}

// ---- seeds ----

const round = (s: number, n: number): number => Math.round(s * n);

function dimsOf(l: LayerArg): { K: number; N: number; layout: 'in-out' | 'out-in' } {
  return l instanceof Float32Array ? { K: l.length, N: 1, layout: 'in-out' } : { K: l.inputs, N: l.outputs, layout: l.layout ?? 'in-out' };
}

/** The index of output j's input i in a layer's layout. */
function at(d: { K: number; N: number; layout: string }, j: number, i: number): number {
  return d.layout === 'out-in' ? j * d.K + i : i * d.N + j;
}

const lenOf = (l: LayerArg): number => (l instanceof Float32Array ? l.length : l.weight.length);

/** Criterion layers: K = 8, 4, 12 (all multiples of 4, for N:M), both layouts and a bare array. */
function seedLayers(rng: Rng): LayerArg[] {
  const all: LayerArg[] = [
    { weight: rng.uniformArray(8 * 3), inputs: 8, outputs: 3 },
    { weight: rng.uniformArray(4 * 2), inputs: 4, outputs: 2, layout: 'out-in' },
    rng.uniformArray(12),
  ];
  const n = 1 + rng.int(3);
  return all.slice(0, n);
}

const NET = ['taylor', 'snip', 'synflow', 'movement'];
const isNet = (c: unknown): boolean => NET.includes(c as string);

/** A chain for the network criteria (layer j+1's inputs = layer j's outputs), inputs multiples of 4 for N:M, mixed layouts. */
function seedChain(rng: Rng): Lay[] {
  const dims = pick(rng, [[8, 4, 3], [4, 3], [8, 4, 4, 2]]);
  return dims.slice(1).map((N, j) => {
    const K = dims[j]!;
    return { weight: rng.uniformArray(K * N), inputs: K, outputs: N, ...(rng.next() < 0.4 ? { layout: 'out-in' as const } : {}) };
  });
}

/** Labelled calibration of a chain: n rows of its first inputs, labels in [0, N_last), sometimes a batch size. */
function seedLabelled(rng: Rng, layers: Lay[], movement: boolean): Opts {
  const n = 3 + rng.int(5);
  const classes = layers[layers.length - 1]!.outputs;
  const labels = Array.from({ length: n }, () => rng.int(classes));
  const cal: Opts = { inputs: rng.uniformArray(n * layers[0]!.inputs, -1, 1), labels: pick(rng, [Int32Array.from(labels), Uint8Array.from(labels), labels]) };
  if (!movement && rng.next() < 0.5) cal.batchSize = 1 + rng.int(n);
  return cal;
}

/** A prior mask with one pruned weight. */
function priorMask(rng: Rng, len: number): Uint8Array {
  const m = new Uint8Array(len).fill(1);
  m[rng.int(len)] = 0;
  return m;
}

const UNIT = ['l1', 'l2', 'taylor', 'norm-product'];
const isUnit = (opts: unknown): boolean => typeof opts === 'object' && opts !== null && (opts as Opts).granularity === 'unit';

/** Sparsities at which neither scope can empty a layer of `hidden` units (local: U − round(s·U) ≥ 1; global: Σ round(s·U_i) < min U_i, or one layer). */
function safeUnitSparsities(hidden: number[]): number[] {
  return [0, 0.2, 0.25, 0.4, 0.5].filter((s) => {
    if (hidden.some((u) => u - round(s, u) < 1)) return false;
    return hidden.length === 1 || hidden.reduce((t, u) => t + round(s, u), 0) < Math.min(...hidden);
  });
}

/** A unit call (granularity 'unit') of pruneMasks or scores on a chain. */
function seedUnitCall(rng: Rng, method: 'pruneMasks' | 'scores'): unknown[] {
  const dims = pick(rng, [[7, 5, 3], [13, 9, 6, 4], [8, 4, 3], [4, 3, 2]]);
  const layers: Lay[] = dims.slice(1).map((N, j) => {
    const K = dims[j]!;
    return { weight: rng.uniformArray(K * N), inputs: K, outputs: N, ...(rng.next() < 0.4 ? { layout: 'out-in' as const } : {}) };
  });
  const criterion = pick(rng, UNIT);
  const opts: Opts = { criterion, granularity: 'unit' };
  if (criterion === 'taylor') {
    opts.calibration = seedLabelled(rng, layers, false);
    if (rng.next() < 0.5) opts.biases = layers.map((l) => rng.uniformArray(l.outputs, -0.3, 0.3));
  }
  if (rng.next() < 0.2) opts.seed = rng.int(1000);
  if (method === 'scores') return [layers, opts];
  const scope = pick(rng, [undefined, 'global', 'local']);
  if (scope) opts.scope = scope;
  return [layers, pick(rng, safeUnitSparsities(dims.slice(1, -1))), opts];
}

/** shrinkUnits' arguments: a chain, masks with whole units removed (one kept per layer at least) and stray zeros, maybe biases. */
function seedShrink(rng: Rng): unknown[] {
  const [layers, , opts] = seedUnitCall(rng, 'pruneMasks') as [Lay[], number, Opts];
  const masks = layers.map((l, i) => {
    const d = dimsOf(l);
    const m = new Uint8Array(l.weight.length).fill(1);
    if (i < layers.length - 1) {
      const keep = rng.int(d.N);
      for (let u = 0; u < d.N; u++) if (u !== keep && rng.next() < 0.4) for (let t = 0; t < d.K; t++) m[at(d, u, t)] = 0;
    }
    if (rng.next() < 0.5) m[rng.int(m.length)] = 0;
    return m;
  });
  const o: Opts = {};
  if (opts.biases) o.biases = opts.biases;
  return rng.next() < 0.3 && !o.biases ? [layers, masks] : [layers, masks, o];
}

const NM_OK = [{ n: 2, m: 4 }, { n: 1, m: 4 }, { n: 1, m: 2 }, { n: 3, m: 4 }];

function seedCall(rng: Rng, method: Method): unknown[] {
  if (method === 'matmul' || method === 'maskedMatmul') {
    const [m, k, n] = pick(rng, [[3, 5, 4], [4, 8, 4], [1, 1, 1], [2, 7, 3]] as const);
    const a = rng.uniformArray(m * k);
    const b = rng.uniformArray(k * n);
    if (method === 'maskedMatmul') return [a, b, Uint8Array.from({ length: k * n }, () => (rng.next() < 0.5 ? 0 : 1)), m, k, n];
    const variants = k % 4 === 0 && n % 4 === 0 ? [undefined, 'naive', 'blocked', 'vec4'] : [undefined, 'naive', 'blocked'];
    const variant = pick(rng, variants);
    return [a, b, m, k, n, ...(rng.next() < 0.3 ? [] : [variant === undefined ? {} : { variant }])];
  }
  if (method === 'magnitudeMasks') {
    const layers = [rng.uniformArray(20), rng.uniformArray(7), rng.uniformArray(1)].slice(0, 1 + rng.int(3));
    const s = pick(rng, [0, 0.3, 0.5, 0.9]);
    const opts: Opts = { scope: pick(rng, ['global', 'local']) };
    if (s >= 0.5 && rng.next() < 0.4 && layers.every((l) => l.length >= 2)) opts.masks = layers.map((l) => priorMask(rng, l.length));
    return [layers, s, opts];
  }
  if (method === 'shrinkUnits') return seedShrink(rng);
  if (method === 'sparsegpt') {
    const [K, N] = [8, 3];
    const outIn = rng.next() < 0.5;
    const layer: Lay = { weight: rng.uniformArray(K * N), inputs: K, outputs: N, ...(outIn ? { layout: 'out-in' as const } : {}) };
    const x = rng.uniformArray(10 * K, 0.05, 1);
    const opts: Opts = {};
    const blockSize = pick(rng, [undefined, 4, 8, 128]);
    if (blockSize !== undefined) opts.blockSize = blockSize;
    const damp = pick(rng, [undefined, 0.01, 0.1]);
    if (damp !== undefined) opts.damp = damp;
    let s = pick(rng, [0.25, 0.5, 0.75]);
    if (rng.next() < 0.3) {
      opts.nm = { n: 2, m: 4 };
      s = 0.5;
    } else if (rng.next() < 0.3) {
      opts.mask = priorMask(rng, K * N);
    }
    return [layer, x, s, opts];
  }
  if (rng.next() < 0.25) return seedUnitCall(rng, method);
  const criterion = pick(rng, ['magnitude', 'random', 'lamp', 'wanda', 'taylor', 'snip', 'synflow', 'movement', ...(method === 'pruneMasks' ? ['sparsegpt'] : [])]);
  const chain = isNet(criterion) ? seedChain(rng) : undefined;
  const layers: LayerArg[] = chain ?? seedLayers(rng);
  const opts: Opts = { criterion };
  if (criterion === 'wanda') opts.calibration = layers.map((l) => rng.uniformArray(3 * dimsOf(l).K, 0, 1));
  if (criterion === 'sparsegpt') {
    opts.calibration = layers.map((l) => rng.uniformArray(10 * dimsOf(l).K, 0.05, 1));
    if (rng.next() < 0.6) opts.sparsegpt = { blockSize: pick(rng, [4, 8, 128]), ...(rng.next() < 0.5 ? { damp: pick(rng, [0.01, 0.1]) } : {}) };
  }
  if (chain && criterion !== 'synflow') {
    opts.calibration = seedLabelled(rng, chain, criterion === 'movement');
    if (rng.next() < 0.5) opts.biases = chain.map((l) => rng.uniformArray(l.outputs, -0.3, 0.3));
  }
  if (criterion === 'movement') opts.movement = { steps: 1 + rng.int(4), lr: pick(rng, [0.05, 0.1, 0.5]), ...(rng.next() < 0.5 ? { batchSize: 1 + rng.int(3) } : {}) };
  if ((criterion === 'random' || criterion === 'movement') && rng.next() < 0.5) opts.seed = rng.int(1000);
  if (method === 'scores') return [layers, opts];
  if (criterion === 'synflow' && rng.next() < 0.6) opts.synflow = { iterations: pick(rng, [1, 2, 5]) };
  let s = pick(rng, [0, 0.25, 0.5, 0.9]);
  if (rng.next() < 0.3) {
    const nm = pick(rng, NM_OK);
    Object.assign(opts, { granularity: 'nm', nm: { ...nm } });
    s = 1 - nm.n / nm.m;
  } else if (criterion === 'sparsegpt') {
    if (s >= 0.5 && rng.next() < 0.4) opts.masks = layers.map((l) => priorMask(rng, lenOf(l)));
  } else if (criterion !== 'wanda') {
    const scope = pick(rng, [undefined, 'global', 'local']);
    if (scope) opts.scope = scope;
    if (s >= 0.5 && rng.next() < 0.4) opts.masks = layers.map((l) => priorMask(rng, lenOf(l)));
  }
  return [layers, s, opts];
}

// ---- mutations ----

interface Mutation {
  what: string;
  fields: string[];
  mode?: 'refuse' | 'either';
  late?: boolean;
}

const NOT_F32 = (): unknown[] => [null, undefined, 'x', [0.5, 1], new Float64Array(4), 3, {}];
const BAD_DIM = [0, -1, 1.5, NaN, Infinity, '3', null, undefined, 2 ** 31];
const BAD_SPARSITY = [NaN, Infinity, -Infinity, -0.1, 1, 1.5, '0.5', null, undefined, true];
const BAD_NAME = ['bogus', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '', 1, null];
const UNKNOWN_KEYS = ['bogus', 'constructor', 'toString', '__proto__', 'valueOf', 'extra'];
const BAD_NM = [{ n: 4, m: 2 }, { n: 0, m: 4 }, { n: 2, m: 2 }, { n: -1, m: 4 }, { n: 1.5, m: 4 }, { n: '2', m: '4' }, null, [2, 4], { n: 1, m: 1024 }, { n: 2 }, 'constructor', { n: NaN, m: 4 }];

/**
 * null for an optional option or layer field reads as not given (the engine's `??`
 * defaults): refused, or accepted as the default and held to the default's acceptance.
 */
function nullMode(v: unknown): 'either' | undefined {
  return v === null ? 'either' : undefined;
}

/** Sparsity NaN, infinite, outside [0, 1) or not a number, at args[at]. */
function badSparsity(rng: Rng, args: unknown[], at: number): Mutation {
  const v = pick(rng, BAD_SPARSITY);
  args[at] = v;
  return { what: `sparsity = ${show(v)}`, fields: ['sparsity'] };
}

/** Sets an own key (even '__proto__') on a plain object. */
function setKey(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });
}

function withNonFinite(rng: Rng, a: Float32Array): Float32Array {
  const out = a.slice();
  out[rng.int(out.length)] = pick(rng, [NaN, Infinity, -Infinity]);
  return out;
}

function badMaskArray(rng: Rng, len: number): { v: unknown; what: string } {
  const r = rng.int(5);
  if (r === 0) {
    const m = new Uint8Array(len).fill(1);
    const v = pick(rng, [2, 255, 7]);
    m[rng.int(len)] = v;
    return { v: m, what: `a mask holding ${v}` };
  }
  if (r === 1) return { v: new Uint8Array(len + pick(rng, [1, -1])), what: 'a mask of the wrong length' };
  if (r === 2) return { v: Array.from({ length: len }, () => 1), what: 'a plain array mask' };
  if (r === 3) return { v: new Uint8ClampedArray(len).fill(1), what: 'a Uint8ClampedArray mask' };
  return { v: pick(rng, [null, 'x', new Float32Array(len).fill(1), 1]), what: 'a mask of the wrong type' };
}

/** Mutations of a layer argument (criterion calls and sparsegpt); `name` is how the engine names it. */
function mutateLayer(rng: Rng, l: LayerArg, name: string): { v: unknown; what: string; mode?: 'either' } {
  const d = dimsOf(l);
  const obj: Lay = l instanceof Float32Array ? { weight: l, inputs: l.length, outputs: 1 } : { ...l };
  const r = rng.int(9);
  if (r === 0) {
    const v = pick(rng, [null, undefined, 'x', 3, [1, 2], new Float64Array(d.K * d.N), new Float32Array(0), []]);
    return { v, what: `${name} = ${describe(v)}` };
  }
  if (r === 1) return { v: l instanceof Float32Array ? withNonFinite(rng, l) : { ...obj, weight: withNonFinite(rng, obj.weight) }, what: `${name} holds a non-finite weight` };
  if (r === 2) {
    const weight = pick(rng, NOT_F32());
    return { v: { ...obj, weight }, what: `${name}.weight = ${describe(weight)}` };
  }
  if (r === 3) {
    const weight = rng.uniformArray(obj.weight.length + pick(rng, [1, -1, obj.weight.length]));
    return { v: { ...obj, weight }, what: `${name}.weight of length ${weight.length} for ${obj.inputs}×${obj.outputs}` };
  }
  if (r === 4 || r === 5) {
    const key = r === 4 ? 'inputs' : 'outputs';
    const v = pick(rng, [...BAD_DIM, obj[key] + 1]);
    return { v: { ...obj, [key]: v }, what: `${name}.${key} = ${show(v)}` };
  }
  if (r === 6) {
    const layout = pick(rng, ['row-major', 'OUT-IN', 'constructor', '__proto__', 'toString', 1, null]);
    return { v: { ...obj, layout }, what: `${name}.layout = ${show(layout)}`, mode: nullMode(layout) };
  }
  if (r === 7) {
    const o = { ...obj };
    const key = pick(rng, [...UNKNOWN_KEYS, 'bias', 'mask', 'shape']);
    setKey(o, key, pick(rng, [1, 'x', null]));
    return { v: o, what: `${name}.${key} given (not a layer field)` };
  }
  const o: Partial<Lay> = { ...obj };
  const key = pick(rng, ['weight', 'inputs', 'outputs'] as const);
  delete o[key];
  return { v: o, what: `${name} without ${key}` };
}

/** A short, readable form of an argument: typed arrays by type and length (with any non-finite value or value other than 0/1 in a mask). */
function describe(v: unknown, depth = 0): string {
  if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<number>;
    const odd = Array.prototype.findIndex.call(a, (x: number) => !Number.isFinite(x) || (v instanceof Uint8Array && x > 1));
    return `${v.constructor.name}(${a.length}${odd >= 0 ? `, [${odd}] = ${a[odd]}` : ''})`;
  }
  if (depth < 3 && Array.isArray(v)) return `[${v.map((x) => describe(x, depth + 1)).join(', ')}]`;
  if (depth < 3 && typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${k}: ${describe(x, depth + 1)}`).join(', ')}}`;
  return show(v);
}

function mutateMatmul(rng: Rng, args: unknown[], masked: boolean): Mutation {
  const [a, b] = args as [Float32Array, Float32Array];
  const dimAt = masked ? 3 : 2;
  const names = masked ? ['a', 'w', 'mask', 'm', 'k', 'n'] : ['a', 'b', 'm', 'k', 'n', 'opts'];
  const r = rng.int(masked ? 7 : 8);
  if (r === 0) {
    const i = rng.int(2);
    const v = pick(rng, NOT_F32());
    args[i] = v;
    return { what: `${names[i]} = ${describe(v)}`, fields: [names[i]!] };
  }
  if (r === 1) {
    const i = rng.int(2);
    const src = args[i] as Float32Array;
    args[i] = rng.uniformArray(src.length + pick(rng, [1, -1, src.length]));
    return { what: `${names[i]} of length ${(args[i] as Float32Array).length} (wants ${src.length})`, fields: [names[i]!] };
  }
  if (r === 2) {
    const i = rng.int(3);
    const v = pick(rng, [...BAD_DIM, (args[dimAt + i] as number) + 1]);
    args[dimAt + i] = v;
    const dim = ['m', 'k', 'n'][i]!;
    const follows = { m: ['a'], k: ['a', names[1]!], n: [names[1]!] }[dim]!;
    return { what: `${dim} = ${show(v)}`, fields: [dim, ...follows] };
  }
  if (r === 3) {
    // Non-finite values: refused in maskedMatmul's weights (README: "non-finite weights"), IEEE arithmetic in activations.
    const i = rng.int(2);
    args[i] = withNonFinite(rng, args[i] as Float32Array);
    const weights = masked && i === 1;
    return { what: `${names[i]} holds a non-finite value`, fields: [names[i]!], mode: weights ? 'refuse' : 'either' };
  }
  if (masked) {
    if (r <= 5) {
      const { v, what } = badMaskArray(rng, b.length);
      args[2] = v;
      return { what, fields: ['mask'] };
    }
    args[6] = pick(rng, [{ variant: 'naive' }, { bogus: 1 }]);
    return { what: `a 7th argument ${show(args[6])} (maskedMatmul takes no options)`, fields: ['opts'], mode: 'either' };
  }
  void a;
  if (r === 4) {
    const variant = pick(rng, [...BAD_NAME, 'VEC4', 'tiled']);
    args[5] = { variant };
    return { what: `opts.variant = ${show(variant)}`, fields: ['variant', 'opts.variant'], mode: nullMode(variant) };
  }
  if (r === 5) {
    // vec4 on a shape whose contiguous dimensions are not multiples of 4 (the README's rule).
    const [m, k, n] = pick(rng, [[3, 5, 4], [2, 7, 3], [4, 4, 3]] as const);
    args.splice(0, 6, rng.uniformArray(m * k), rng.uniformArray(k * n), m, k, n, { variant: 'vec4' });
    return { what: `variant 'vec4' at ${m}×${k}×${n}`, fields: ['variant'] };
  }
  if (r === 6) {
    const v = pick(rng, [null, 'x', 7, true]);
    args[5] = v;
    return { what: `opts = ${show(v)}`, fields: ['opts'] };
  }
  const o: Opts = { variant: 'naive' };
  const key = pick(rng, UNKNOWN_KEYS);
  setKey(o, key, 1);
  args[5] = o;
  return { what: `opts.${key} = 1 (not an option of matmul)`, fields: [key, `opts.${key}`] };
}

function mutateMagnitude(rng: Rng, args: unknown[]): Mutation {
  const layers = args[0] as Float32Array[];
  const opts = args[2] as Opts;
  const r = rng.int(9);
  if (r === 0) {
    const v = pick(rng, [[], null, 'x', layers[0], {}, undefined]);
    args[0] = v;
    return { what: `layers = ${describe(v)}`, fields: ['layers'] };
  }
  if (r === 1) {
    const i = rng.int(layers.length);
    const v = pick(rng, [...NOT_F32(), new Float32Array(0)]);
    layers[i] = v as Float32Array;
    return { what: `layers[${i}] = ${describe(v)}`, fields: [`layers[${i}]`] };
  }
  if (r === 2) {
    const i = rng.int(layers.length);
    layers[i] = withNonFinite(rng, layers[i]!);
    return { what: `layers[${i}] holds a non-finite weight`, fields: [`layers[${i}]`] };
  }
  if (r === 3) {
    return badSparsity(rng, args, 1);
  }
  if (r === 4) {
    const v = pick(rng, [...BAD_NAME, 'layer', 'GLOBAL']);
    opts.scope = v;
    return { what: `opts.scope = ${show(v)}`, fields: ['scope'], mode: nullMode(v) };
  }
  if (r === 5) {
    const i = rng.int(layers.length);
    const masks: unknown[] = layers.map((l) => new Uint8Array(l.length).fill(1));
    const { v, what } = badMaskArray(rng, layers[i]!.length);
    masks[i] = v;
    opts.masks = masks;
    return { what: `masks[${i}]: ${what}`, fields: ['masks'] };
  }
  if (r === 6) {
    const v = pick(rng, [[], layers.map((l) => new Uint8Array(l.length).fill(1)).concat([new Uint8Array(1)]), 'x', null, new Uint8Array(layers[0]!.length)]);
    opts.masks = v;
    return { what: `opts.masks = ${describe(v)}`, fields: ['masks'] };
  }
  if (r === 7) {
    const v = pick(rng, [null, 'x', 7, true]);
    args[2] = v;
    return { what: `opts = ${show(v)}`, fields: ['opts'] };
  }
  const key = pick(rng, [...UNKNOWN_KEYS, 'mask', 'criterion']);
  setKey(opts, key, key === 'mask' ? new Uint8Array(1) : 1);
  return { what: `opts.${key} given (magnitudeMasks takes scope, masks)`, fields: [key, `opts.${key}`] };
}

/** The N:M cases of the criterion calls: opts.granularity 'nm' with a bad pattern, shape or sparsity. */
function mutateNm(rng: Rng, args: unknown[], opts: Opts, sparsityAt: number | undefined, layerField: (i: number) => string, ks: number[]): Mutation {
  const r = rng.int(sparsityAt === undefined ? 2 : 3);
  if (r === 0) {
    const nm = pick(rng, BAD_NM);
    opts.nm = nm;
    return { what: `nm = ${show(nm)}`, fields: ['nm'] };
  }
  if (r === 1 && rng.next() < 0.5) {
    const nm = { n: 2, m: 4 };
    setKey(nm, pick(rng, ['bogus', 'constructor', 'k']), 1);
    opts.nm = nm;
    if (sparsityAt !== undefined) args[sparsityAt] = 0.5;
    return { what: `nm = ${show(nm)} (an unknown field of nm)`, fields: ['nm'] };
  }
  if (r === 1) {
    // Inputs not a multiple of m.
    const nm = pick(rng, [{ n: 1, m: 8 }, { n: 2, m: 3 }, { n: 1, m: 16 }, { n: 4, m: 5 }]);
    const bad = ks.findIndex((k) => k % nm.m !== 0);
    if (bad < 0) return { what: 'none', fields: [] };
    opts.nm = nm;
    if (sparsityAt !== undefined) args[sparsityAt] = 1 - nm.n / nm.m;
    return { what: `nm ${nm.n}:${nm.m} with ${ks[bad]} inputs in ${layerField(bad)}`, fields: [layerField(bad)] };
  }
  const nm = opts.nm as { n: number; m: number };
  const v = pick(rng, [0.3, 0.25, 0.75, 0.6].filter((s) => Math.abs(s - (1 - nm.n / nm.m)) > 1e-6));
  args[sparsityAt!] = v;
  return { what: `sparsity ${v} with nm ${nm.n}:${nm.m}`, fields: ['sparsity'] };
}

/** Mutations of the network criteria's options (chain, labelled calibration, biases, movement, synflow) and of sparsegpt's. */
function mutateNetOptions(rng: Rng, args: unknown[], method: 'pruneMasks' | 'scores'): Mutation {
  const layers = args[0] as Lay[];
  const opts = args[method === 'scores' ? 1 : 2] as Opts;
  const c = opts.criterion as string;
  if (c === 'sparsegpt') {
    const k = rng.int(4);
    const sg = { ...(opts.sparsegpt as Opts | undefined) };
    if (k === 0) sg.blockSize = pick(rng, [0, -4, 1.5, 65536, NaN, '4', null]);
    else if (k === 1) sg.damp = pick(rng, [-1, 2, NaN, Infinity, '0.01', null]);
    else if (k === 2) setKey(sg, pick(rng, ['bogus', 'nm', 'mask', 'constructor', '__proto__']), 1);
    opts.sparsegpt = k === 3 ? pick(rng, ['x', 3, [], null]) : sg;
    const v = k === 0 ? sg.blockSize : k === 1 ? sg.damp : k === 3 ? opts.sparsegpt : 1;
    return { what: `sparsegpt = ${describe(opts.sparsegpt)}`, fields: ['sparsegpt'], mode: nullMode(v) };
  }
  const r = rng.int(6);
  const cal = opts.calibration as Opts | undefined;
  const n = cal ? (cal.labels as ArrayLike<number>).length : 0;
  if (r === 0) {
    // A chain that does not chain: layer j's inputs are not layer j−1's outputs.
    const j = layers.length >= 2 && rng.next() < 0.7 ? 1 + rng.int(layers.length - 1) : layers.length;
    const want = layers[j - 1]!.outputs;
    const K = want + pick(rng, [1, 2, want > 1 ? -1 : 3]);
    const N = j < layers.length ? layers[j]!.outputs : 2;
    const l: Lay = { weight: rng.uniformArray(K * N), inputs: K, outputs: N };
    if (j < layers.length) layers[j] = l;
    else layers.push(l);
    return { what: `layers[${j}] of ${K} inputs after layers[${j - 1}]'s ${want} outputs`, fields: [`layers[${j}]`] };
  }
  if (r === 1) {
    if (!cal) {
      opts.calibration = pick(rng, [{ inputs: new Float32Array(3 * layers[0]!.inputs), labels: [0, 0, 0] }, layers.map((l) => new Float32Array(2 * l.inputs))]);
      return { what: `calibration given with criterion ${show(c)}`, fields: ['calibration'] };
    }
    const classes = layers[layers.length - 1]!.outputs;
    const k = rng.int(7);
    if (k === 0) cal.inputs = withNonFinite(rng, cal.inputs as Float32Array);
    else if (k === 1) cal.inputs = new Float32Array(pick(rng, [layers[0]!.inputs - 1, n * layers[0]!.inputs + 1, 0]));
    else if (k === 2) cal.inputs = pick(rng, NOT_F32());
    else if (k === 3) {
      const labels = Array.from(cal.labels as ArrayLike<number>);
      const r3 = rng.int(4);
      if (r3 === 0) labels[rng.int(n)] = pick(rng, [classes, -1, 0.5, NaN, 300]);
      else if (r3 === 1) labels.push(0);
      cal.labels = r3 === 2 ? pick(rng, [new Float32Array(n), 'x', null, undefined, new Int16Array(n)]) : r3 === 3 ? labels.map(String) : labels;
    } else if (k === 4) cal.batchSize = pick(rng, [0, n + 1, 1.5, '2', -1, NaN, ...(c === 'movement' ? [1] : [])]);
    else if (k === 5) setKey(cal, pick(rng, [...UNKNOWN_KEYS, 'images', 'samples']), 1);
    else opts.calibration = pick(rng, [null, 'x', undefined, layers.map((l) => new Float32Array(2 * l.inputs)), cal.inputs]);
    return { what: `calibration mutation ${k}: ${describe(opts.calibration)}`, fields: ['calibration'] };
  }
  if (r === 2) {
    if (c === 'synflow') {
      opts.biases = layers.map((l) => new Float32Array(l.outputs));
      return { what: 'biases given with synflow', fields: ['biases'] };
    }
    const j = rng.int(layers.length);
    const b: Float32Array[] = layers.map((l) => new Float32Array(l.outputs));
    const k = rng.int(4);
    if (k === 0) b[j] = new Float32Array(layers[j]!.outputs + 1);
    else if (k === 1) b[j] = withNonFinite(rng, b[j]!);
    else if (k === 2) b[j] = pick(rng, NOT_F32()) as Float32Array;
    opts.biases = k === 3 ? pick(rng, [b.slice(1), [...b, b[0]!], 'x', b[0]!]) : b;
    return { what: `biases mutation ${k} at ${j}: ${describe(opts.biases)}`, fields: ['biases'] };
  }
  if (r === 3) {
    if (c !== 'movement') {
      opts.movement = { steps: 1, lr: 0.1 };
      return { what: `movement given with criterion ${show(c)}`, fields: ['movement'] };
    }
    const mv = { ...(opts.movement as Opts) };
    const k = rng.int(6);
    if (k === 0) mv.steps = pick(rng, [0, -1, 1.5, 10001, NaN, '2', undefined]);
    else if (k === 1) mv.lr = pick(rng, [0, -0.1, NaN, Infinity, 10.5, '0.1', undefined]);
    else if (k === 2) mv.batchSize = pick(rng, [0, n + 1, 1.5, '2', null]);
    else if (k === 3) setKey(mv, pick(rng, [...UNKNOWN_KEYS, 'momentum', 'epochs']), 1);
    opts.movement = k === 4 ? pick(rng, ['x', 3, [], null]) : mv;
    if (k === 5) delete opts.movement;
    return { what: `movement = ${describe(opts.movement)}`, fields: ['movement'], mode: k === 2 ? nullMode(mv.batchSize) : undefined };
  }
  if (r === 4) {
    if (c !== 'synflow' || method === 'scores') {
      opts.synflow = { iterations: 2 };
      return { what: `synflow given with criterion ${show(c)} to ${method}`, fields: ['synflow'] };
    }
    const k = rng.int(3);
    const v = pick(rng, [0, -1, 1.5, 10001, NaN, '3', null]);
    const sf: Opts = {};
    if (k === 0) sf.iterations = v;
    else if (k === 1) setKey(sf, pick(rng, [...UNKNOWN_KEYS, 'rounds']), 1);
    opts.synflow = k === 2 ? pick(rng, ['x', 3, []]) : sf;
    return { what: `synflow = ${describe(opts.synflow)}`, fields: ['synflow'], mode: k === 0 ? nullMode(v) : undefined };
  }
  opts.sparsegpt = { blockSize: 4 };
  return { what: `sparsegpt given with criterion ${show(c)}`, fields: ['sparsegpt'] };
}

function mutateShrink(rng: Rng, args: unknown[]): Mutation {
  const layers = args[0] as Lay[];
  const masks = args[1] as Uint8Array[];
  const r = rng.int(8);
  if (r === 0 || r === 1) {
    const i = rng.int(layers.length);
    const { v, what, mode } = mutateLayer(rng, layers[i]!, `layers[${i}]`);
    layers[i] = v as Lay;
    // A layout read as the default reads the masks in it too: they may then empty a layer.
    return { what, fields: [`layers[${i}]`, ...(/layout/.test(what) ? ['masks'] : [])], mode };
  }
  if (r === 2) {
    // A chain that does not chain, or a single layer.
    if (rng.next() < 0.3) {
      args[0] = [layers[0]];
      args[1] = [masks[0]];
      return { what: 'one layer', fields: ['layers'] };
    }
    const j = 1 + rng.int(layers.length - 1);
    const K = layers[j - 1]!.outputs + 1;
    const N = layers[j]!.outputs;
    layers[j] = { weight: rng.uniformArray(K * N), inputs: K, outputs: N };
    masks[j] = new Uint8Array(K * N).fill(1);
    return { what: `layers[${j}] of ${K} inputs after ${K - 1} outputs`, fields: [`layers[${j}]`] };
  }
  if (r === 3) {
    const i = rng.int(layers.length);
    const bad = badMaskArray(rng, lenOf(layers[i]!));
    masks[i] = bad.v as Uint8Array;
    return { what: `masks[${i}]: ${bad.what}`, fields: ['masks'] };
  }
  if (r === 4) {
    const v = pick(rng, [masks.slice(1), [...masks, masks[0]], null, 'x', masks[0]]);
    args[1] = v;
    return { what: `masks = ${describe(v)}`, fields: ['masks'] };
  }
  if (r === 5) {
    // Every unit of a hidden layer removed.
    const i = rng.int(layers.length - 1);
    masks[i] = new Uint8Array(lenOf(layers[i]!));
    return { what: `masks[${i}] all 0 (no unit of layers[${i}] kept)`, fields: [`masks[${i}]`] };
  }
  if (r === 6) {
    const j = rng.int(layers.length);
    const b: unknown[] = layers.map((l) => new Float32Array(l.outputs));
    const k = rng.int(4);
    if (k === 0) b[j] = new Float32Array(layers[j]!.outputs + 1);
    else if (k === 1) b[j] = withNonFinite(rng, new Float32Array(layers[j]!.outputs).fill(0.1));
    else if (k === 2) b[j] = pick(rng, NOT_F32());
    args[2] = { biases: k === 3 ? pick(rng, [b.slice(1), 'x', b[0]]) : b };
    return { what: `biases mutation ${k} at ${j}`, fields: ['biases'] };
  }
  const key = pick(rng, [...UNKNOWN_KEYS, 'criterion', 'granularity']);
  const o: Opts = {};
  setKey(o, key, 1);
  args[2] = rng.next() < 0.8 ? o : pick(rng, ['x', 7, true]);
  return { what: `opts ${describe(args[2])}`, fields: [key, `opts.${key}`, 'opts'] };
}

/** Mutations of a unit call (granularity 'unit'). */
function mutateUnit(rng: Rng, args: unknown[], method: 'pruneMasks' | 'scores'): Mutation {
  const layers = args[0] as Lay[];
  const optsAt = method === 'scores' ? 1 : 2;
  const opts = args[optsAt] as Opts;
  // The chain's mutations (a chain that does not chain; calibration and biases; options of other criteria).
  if (rng.next() < 0.35) return mutateNetOptions(rng, args, method);
  const r = rng.int(method === 'scores' ? 7 : 10);
  if (r === 0) {
    const v = pick(rng, ['magnitude', 'random', 'lamp', 'wanda', 'snip', 'synflow', 'movement', 'sparsegpt', 'L1', 'l3', 'norm_product', ...BAD_NAME, undefined]);
    opts.criterion = v;
    return { what: `criterion = ${show(v)} with granularity 'unit'`, fields: ['criterion'] };
  }
  if (r === 1) {
    const key = pick(rng, ['nm', 'masks', 'movement', 'synflow', 'sparsegpt', ...UNKNOWN_KEYS, ...(method === 'scores' ? ['scope'] : [])]);
    setKey(opts, key, key === 'nm' ? { n: 2, m: 4 } : key === 'masks' ? layers.map((l) => new Uint8Array(l.weight.length).fill(1)) : pick(rng, [1, 'x', {}]));
    return { what: `opts.${key} given (not an option of ${method} with granularity 'unit')`, fields: [key, `opts.${key}`] };
  }
  if (r === 2) {
    const v = pick(rng, [[layers[0]], [], null, 'x', layers[0]]);
    args[0] = v;
    return { what: `layers = ${describe(v)}`, fields: ['layers'] };
  }
  if (r === 3) {
    const i = rng.int(layers.length);
    const { v, what, mode } = mutateLayer(rng, layers[i]!, `layers[${i}]`);
    layers[i] = v as Lay;
    // A layer whose own fields check out but whose inputs no longer chain is named at its inputs; taylor's calibration is sized by layers[0].
    return { what, fields: [`layers[${i}]`, ...(i === 0 && opts.criterion === 'taylor' ? ['calibration'] : [])], mode };
  }
  if (r === 4) {
    const v = pick(rng, [-1, 1.5, 2 ** 32, NaN, '1', null, Infinity]);
    opts.seed = v;
    return { what: `seed = ${show(v)}`, fields: ['seed'], mode: nullMode(v) };
  }
  if (r === 5) {
    const v = pick(rng, ['units', 'Unit', 'filter', 'nm', 'bogus', 'constructor', 1]);
    opts.granularity = v;
    // Then it is a weight call: the name itself is refused, or with 'nm' (pruneMasks) the unit criterion or taylor's missing nm.
    return { what: `granularity = ${show(v)} (criterion ${show(opts.criterion)})`, fields: ['granularity', ...(v === 'nm' && method === 'pruneMasks' ? ['criterion', 'nm'] : [])] };
  }
  if (r === 6) {
    const v = pick(rng, [null, 'x', 7, []]);
    args[optsAt] = v;
    return { what: `opts = ${show(v)}`, fields: ['opts'] };
  }
  if (r === 7) return badSparsity(rng, args, 1);
  if (r === 8) {
    // A sparsity that empties a layer: round(s·U) = U locally, or Σ round(s·U_i) past Σ (U_i − 1) globally.
    args[1] = pick(rng, [0.95, 0.99]);
    return { what: `sparsity ${String(args[1])} with scope ${show(opts.scope)}`, fields: ['sparsity'] };
  }
  const v = pick(rng, [...BAD_NAME, 'layer', 'GLOBAL']);
  opts.scope = v;
  return { what: `scope = ${show(v)}`, fields: ['scope'], mode: nullMode(v) };
}

function mutateCriterion(rng: Rng, args: unknown[], method: 'pruneMasks' | 'scores'): Mutation {
  const layers = args[0] as LayerArg[];
  const optsAt = method === 'scores' ? 1 : 2;
  const opts = args[optsAt] as Opts;
  if (isUnit(opts)) return mutateUnit(rng, args, method);
  if ((isNet(opts.criterion) || opts.criterion === 'sparsegpt') && rng.next() < 0.45) return mutateNetOptions(rng, args, method);
  const r = rng.int(method === 'scores' ? 8 : 14);
  if (r === 0) {
    const v = pick(rng, ['obd', 'grasp', 'Magnitude', 'SNIP', ...(method === 'scores' ? ['sparsegpt'] : []), ...BAD_NAME, undefined]);
    opts.criterion = v;
    return { what: `criterion = ${show(v)}`, fields: ['criterion'] };
  }
  if (r === 1) {
    const v = pick(rng, [[], null, 'x', {}, undefined, layers[0]]);
    args[0] = v;
    return { what: `layers = ${describe(v)}`, fields: ['layers'] };
  }
  if (r === 2 || r === 3) {
    const i = rng.int(layers.length);
    const { v, what, mode } = mutateLayer(rng, layers[i]!, `layers[${i}]`);
    layers[i] = v as LayerArg;
    // A wanda or sparsegpt calibration is sized by the layer's inputs: a changed `inputs` may be named there instead.
    return { what, fields: [`layers[${i}]`, ...((opts.criterion === 'wanda' || opts.criterion === 'sparsegpt') && /inputs/.test(what) ? [`calibration[${i}]`] : [])], mode };
  }
  if (r === 4) {
    if (isNet(opts.criterion)) return mutateNetOptions(rng, args, method);
    if (opts.criterion !== 'wanda' && opts.criterion !== 'sparsegpt') {
      opts.calibration = layers.map((l) => new Float32Array(2 * dimsOf(l).K).fill(0.5));
      return { what: `calibration given with criterion ${show(opts.criterion)}`, fields: ['calibration'] };
    }
    const cal = opts.calibration as Float32Array[];
    const i = rng.int(cal.length);
    const K = dimsOf(layers[i]!).K;
    const k = rng.int(5);
    if (k === 0) cal[i] = withNonFinite(rng, cal[i]!);
    else if (k === 1) cal[i] = new Float32Array(pick(rng, [K - 1, 3 * K + 1, 0]));
    else if (k === 2) cal[i] = pick(rng, NOT_F32()) as Float32Array;
    else if (k === 3) opts.calibration = cal.slice(1).length ? cal.slice(1) : [];
    else opts.calibration = pick(rng, [null, 'x', cal[0], undefined]);
    return { what: `calibration mutation ${k} at ${i}: ${describe(opts.calibration)}`, fields: ['calibration'] };
  }
  if (r === 5) {
    const v = pick(rng, [-1, 1.5, 2 ** 32, NaN, '1', null, Infinity]);
    opts.seed = v;
    return { what: `seed = ${show(v)}`, fields: ['seed'], mode: nullMode(v) };
  }
  if (r === 6) {
    const v = pick(rng, [null, 'x', 7, [], undefined]);
    args[optsAt] = v;
    return { what: `opts = ${show(v)}`, fields: ['opts'] };
  }
  if (r === 7) {
    const key = pick(rng, [...UNKNOWN_KEYS, 'mask', 'criteria', 'bias', ...(method === 'scores' ? ['scope', 'masks', 'synflow', 'sparsegpt'] : [])]);
    setKey(opts, key, pick(rng, ['magnitude', 1, null]));
    return { what: `opts.${key} given (not an option of ${method})`, fields: [key, `opts.${key}`] };
  }
  // pruneMasks only.
  if (r === 8) {
    return badSparsity(rng, args, 1);
  }
  if (r === 9) {
    const v = pick(rng, [...BAD_NAME, 'layer', 'GLOBAL']);
    if (opts.granularity === 'nm') delete opts.scope;
    const local = (opts.criterion === 'wanda' && opts.granularity !== 'nm') || opts.criterion === 'sparsegpt';
    opts.scope = local && rng.next() < 0.5 ? 'global' : v;
    return { what: `scope = ${show(opts.scope)} (criterion ${show(opts.criterion)})`, fields: ['scope'], mode: nullMode(opts.scope) };
  }
  if (r === 10) {
    const v = pick(rng, [...BAD_NAME, 'units', 'filter', 'NM', 'weights', 'Unit']);
    opts.granularity = v;
    // null reads as the default 'weight': then a given nm is the argument at fault.
    return { what: `granularity = ${show(v)}`, fields: ['granularity', ...(v === null ? ['nm'] : [])], mode: nullMode(v) };
  }
  if (r === 11) {
    if (opts.granularity !== 'nm') {
      opts.nm = { n: 2, m: 4 };
      delete opts.masks;
      args[1] = 0.5;
      return { what: "nm given without granularity 'nm'", fields: ['nm', 'granularity'] };
    }
    return mutateNm(rng, args, opts, 1, (i) => `layers[${i}]`, layers.map((l) => dimsOf(l).K));
  }
  if (r === 12 && opts.granularity !== 'nm') {
    delete opts.nm;
    Object.assign(opts, { granularity: 'nm' });
    delete opts.masks;
    return { what: "granularity 'nm' without nm", fields: ['nm'] };
  }
  const i = rng.int(layers.length);
  const masks: unknown[] = layers.map((l) => new Uint8Array(lenOf(l)).fill(1));
  const bad = badMaskArray(rng, lenOf(layers[i]!));
  masks[i] = bad.v;
  opts.masks = rng.next() < 0.8 ? masks : pick(rng, [[], 'x', null, masks.slice(1).length ? masks.slice(1) : [masks[0], masks[0]]]);
  return { what: `masks: layers[${i}] ${bad.what} / ${describe(opts.masks)}`, fields: ['masks'] };
}

function mutateSparseGpt(rng: Rng, args: unknown[]): Mutation {
  const [layer, x] = args as [Lay, Float32Array];
  const opts = args[3] as Opts;
  const K = layer.inputs;
  const r = rng.int(12);
  if (r === 0 || r === 1) {
    const { v, what, mode } = mutateLayer(rng, layer, 'layer');
    args[0] = v;
    return { what, fields: ['layer', ...(/inputs/.test(what) ? ['inputs'] : [])], mode };
  }
  if (r === 2) {
    const k = rng.int(4);
    args[1] = k === 0 ? withNonFinite(rng, x) : k === 1 ? new Float32Array(pick(rng, [K - 1, 3 * K + 1, 0])) : pick(rng, NOT_F32());
    return { what: `inputs = ${describe(args[1])}${k === 0 ? ' with a non-finite value' : ''}`, fields: ['inputs'] };
  }
  if (r === 3) {
    return badSparsity(rng, args, 2);
  }
  if (r === 4) {
    const v = pick(rng, [0, -4, 1.5, 65536, NaN, Infinity, '4', null]);
    opts.blockSize = v;
    return { what: `blockSize = ${show(v)}`, fields: ['blockSize'], mode: nullMode(v) };
  }
  if (r === 5) {
    const v = pick(rng, [-1, -1e-9, NaN, Infinity, '0.01', null]);
    opts.damp = v;
    return { what: `damp = ${show(v)}`, fields: ['damp'], mode: nullMode(v) };
  }
  if (r === 6) {
    // Huge but finite damp: accepted (H is dominated by its diagonal) with finite weights, or refused naming damp.
    opts.damp = pick(rng, [1e30, 1e300, Number.MAX_VALUE]);
    return { what: `damp = ${show(opts.damp)}`, fields: ['damp'], mode: 'either', late: true };
  }
  if (r === 7) {
    // Fewer samples than inputs at damp 0: H singular, refused naming damp once H is known (documented).
    args[1] = rng.uniformArray(3 * K, 0.05, 1);
    opts.damp = 0;
    return { what: 'damp 0 with 3 samples of 8 inputs (H singular)', fields: ['damp'], mode: 'either', late: true };
  }
  if (r === 8) {
    if (opts.nm === undefined) {
      delete opts.mask;
      opts.nm = { n: 2, m: 4 };
      args[2] = 0.5;
    }
    const nmr = rng.int(3);
    if (nmr === 0) {
      opts.blockSize = pick(rng, [6, 2, 9]);
      return { what: `blockSize ${String(opts.blockSize)} with nm 2:4`, fields: ['blockSize'] };
    }
    return mutateNm(rng, args, opts, 2, () => 'layer', [K]);
  }
  if (r === 9) {
    const { v, what } = badMaskArray(rng, K * layer.outputs);
    delete opts.nm;
    opts.mask = v;
    return { what: `mask: ${what}`, fields: ['mask'] };
  }
  if (r === 10) {
    const v = pick(rng, [null, 'x', 7, true]);
    args[3] = v;
    return { what: `opts = ${show(v)}`, fields: ['opts'] };
  }
  if (rng.next() < 0.7) {
    const key = pick(rng, [...UNKNOWN_KEYS, 'masks', 'sparsity', 'criterion']);
    setKey(opts, key, 1);
    return { what: `opts.${key} given (not an option of sparsegpt)`, fields: [key, `opts.${key}`] };
  }
  // A layer wider than the limits: more than 65535 inputs, or a Hessian over the adapter's buffers.
  const bigK = pick(rng, [70000, 40000]);
  args[0] = { weight: new Float32Array(bigK).fill(0.5), inputs: bigK, outputs: 1 };
  args[1] = new Float32Array(bigK).fill(0.5);
  args[3] = {};
  return { what: `layer of ${bigK} inputs`, fields: ['layer'] };
}

// ---- acceptance ----

const zerosOf = (m: Uint8Array): number => m.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);

function maskProblem(m: unknown, len: number, name: string): string | void {
  if (!(m instanceof Uint8Array) || m.length !== len) return `${name} is ${describe(m)}, not a Uint8Array of ${len}`;
  const bad = m.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) return `${name}[${bad}] = ${m[bad]}`;
}

function priorProblem(masks: Uint8Array[], prior: unknown): string | void {
  if (!Array.isArray(prior)) return;
  for (const [i, p] of (prior as Uint8Array[]).entries()) {
    const j = p.findIndex((v, t) => v === 0 && masks[i]![t] !== 0);
    if (j >= 0) return `the prior-pruned masks[${i}][${j}] came back kept`;
  }
}

function nmProblem(mask: Uint8Array, d: { K: number; N: number; layout: string }, nm: { n: number; m: number }, name: string): string | void {
  for (let j = 0; j < d.N; j++) {
    for (let g = 0; g < d.K; g += nm.m) {
      let z = 0;
      for (let i = g; i < g + nm.m; i++) z += mask[at(d, j, i)] === 0 ? 1 : 0;
      if (z !== nm.m - nm.n) return `${name}: output ${j}, inputs ${g}…${g + nm.m - 1} prune ${z}, not m − n = ${nm.m - nm.n}`;
    }
  }
}

function matmulProblem(out: unknown, a: Float32Array, b: Float32Array, m: number, k: number, n: number, mask: Uint8Array | undefined, exact: boolean): string | void {
  if (!(out instanceof Float32Array) || out.length !== m * n) return `the result is ${describe(out)}, not a Float32Array of m·n = ${m * n}`;
  if (!exact) return;
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      let mag = 0;
      for (let t = 0; t < k; t++) {
        const w = mask && !mask[t * n + c] ? 0 : b[t * n + c]!;
        s += a[r * k + t]! * w;
        mag += Math.abs(a[r * k + t]! * w);
      }
      if (!(Math.abs(out[r * n + c]! - s) <= 1e-5 + 1e-5 * mag)) return `C[${r}][${c}] = ${out[r * n + c]}, the CPU product is ${s}`;
    }
  }
}

function magnitudeProblem(out: unknown, args: unknown[]): string | void {
  const [layers, s, opts] = args as [Float32Array[], number, Opts];
  const res = out as { masks: Uint8Array[]; thresholds: number[] };
  if (!Array.isArray(res?.masks) || res.masks.length !== layers.length || !Array.isArray(res.thresholds) || res.thresholds.length !== layers.length) return 'masks/thresholds are not one per layer';
  for (const [i, l] of layers.entries()) {
    const p = maskProblem(res.masks[i], l.length, `masks[${i}]`);
    if (p) return p;
  }
  const prior = opts?.masks as Uint8Array[] | undefined;
  const groups = (opts?.scope ?? 'global') === 'global' ? [layers.map((_, i) => i)] : layers.map((_, i) => [i]);
  for (const g of groups) {
    const N = g.reduce((t, i) => t + layers[i]!.length, 0);
    const z = g.reduce((t, i) => t + zerosOf(res.masks[i]!), 0);
    if (z !== round(s, N)) return `layers ${g.join(',')} prune ${z}, not round(${s}·${N}) = ${round(s, N)}`;
  }
  for (const [i, l] of layers.entries()) {
    const th = res.thresholds[i]!;
    for (let j = 0; j < l.length; j++) {
      const fresh = !prior || prior[i]![j] === 1;
      if (fresh && res.masks[i]![j] === 0 && Math.abs(l[j]!) > th) return `layers[${i}][${j}] = ${l[j]} pruned above its threshold ${th}`;
      if (!prior && res.masks[i]![j] === 1 && Math.abs(l[j]!) < th) return `layers[${i}][${j}] = ${l[j]} kept below its threshold ${th}`;
    }
  }
  return priorProblem(res.masks, prior);
}

/** Unit masks: per hidden layer, each unit's incoming column all 0 or all 1, the documented counts; the last layer all 1. */
function unitMasksProblem(masks: Uint8Array[], layers: Lay[], s: number, scope: unknown): string | void {
  const removed = layers.map((l, i) => {
    const d = dimsOf(l);
    let gone = 0;
    for (let j = 0; j < d.N; j++) {
      let z = 0;
      for (let t = 0; t < d.K; t++) z += masks[i]![at(d, j, t)] === 0 ? 1 : 0;
      if (z !== 0 && z !== d.K) return `masks[${i}] unit ${j}: ${z} of its ${d.K} incoming weights pruned, not none or all`;
      if (z) gone++;
    }
    return gone;
  });
  const bad = removed.find((r) => typeof r === 'string');
  if (bad) return bad as string;
  const n = removed as number[];
  if (n.at(-1) !== 0) return `the last layer (the classes) lost ${n.at(-1)} units`;
  const U = layers.slice(0, -1).map((l) => l.outputs);
  if ((scope ?? 'global') === 'local') {
    const i = U.findIndex((u, j) => n[j] !== round(s, u));
    if (i >= 0) return `layers[${i}] lost ${n[i]} units, not round(${s}·${U[i]}) = ${round(s, U[i]!)}`;
  } else {
    const want = U.reduce((t, u) => t + round(s, u), 0);
    const got = n.reduce((t, x) => t + x, 0);
    if (got !== want) return `the chain lost ${got} units, not Σ round(${s}·U_i) = ${want}`;
  }
}

function pruneMasksProblem(out: unknown, args: unknown[]): string | void {
  const [layers, s, opts] = args as [LayerArg[], number, Opts];
  if (!Array.isArray(out) || out.length !== layers.length) return `${describe(out)} masks for ${layers.length} layers`;
  const masks = out as Uint8Array[];
  for (const [i, l] of layers.entries()) {
    const p = maskProblem(masks[i], lenOf(l), `masks[${i}]`);
    if (p) return p;
  }
  if (opts.granularity === 'unit') return unitMasksProblem(masks, layers as Lay[], s, opts.scope);
  if (opts.granularity === 'nm') {
    for (const [i, l] of layers.entries()) {
      const p = nmProblem(masks[i]!, dimsOf(l), opts.nm as { n: number; m: number }, `masks[${i}]`);
      if (p) return p;
    }
  } else if (opts.criterion === 'wanda') {
    for (const [i, l] of layers.entries()) {
      const d = dimsOf(l);
      const k = round(s, d.K * d.N);
      for (let j = 0; j < d.N; j++) {
        let z = 0;
        for (let t = 0; t < d.K; t++) z += masks[i]![at(d, j, t)] === 0 ? 1 : 0;
        const want = Math.floor(k / d.N) + (j < k % d.N ? 1 : 0);
        if (z !== want) return `wanda masks[${i}] output row ${j} prunes ${z}, not ${want} (k = ${k} over ${d.N} rows)`;
      }
    }
  } else {
    const groups = (opts.scope ?? (opts.criterion === 'sparsegpt' ? 'local' : 'global')) === 'global' ? [layers.map((_, i) => i)] : layers.map((_, i) => [i]);
    for (const g of groups) {
      const N = g.reduce((t, i) => t + lenOf(layers[i]!), 0);
      const z = g.reduce((t, i) => t + zerosOf(masks[i]!), 0);
      if (z !== round(s, N)) return `layers ${g.join(',')} prune ${z}, not round(${s}·${N}) = ${round(s, N)}`;
    }
  }
  return priorProblem(masks, opts.masks);
}

function shrinkProblem(out: unknown, args: unknown[]): string | void {
  const [layers, masks] = args as [Lay[], Uint8Array[]];
  const res = out as { layers: Lay[]; masks: Uint8Array[]; biases: Float32Array[]; kept: Uint32Array[] };
  if (!Array.isArray(res?.layers) || res.layers.length !== layers.length || res.masks?.length !== layers.length || res.biases?.length !== layers.length || res.kept?.length !== layers.length - 1) return `the result ${describe(out)} does not hold ${layers.length} layers`;
  const keptOf = (i: number): number[] => {
    const d = dimsOf(layers[i]!);
    return [...Array(d.N).keys()].filter((u) => [...Array(d.K).keys()].some((t) => masks[i]![at(d, u, t)] === 1));
  };
  for (const [i, l] of res.layers.entries()) {
    const want = i < layers.length - 1 ? keptOf(i) : [...Array(layers[i]!.outputs).keys()];
    if (i < layers.length - 1 && Array.from(res.kept[i]!).join() !== want.join()) return `kept[${i}] = ${Array.from(res.kept[i]!).join()}, not ${want.join()}`;
    const K = i === 0 ? layers[0]!.inputs : res.layers[i - 1]!.outputs;
    if (l.inputs !== K || l.outputs !== want.length || l.weight.length !== K * want.length) return `layers[${i}] is ${l.inputs}×${l.outputs} (${l.weight.length}), not ${K}×${want.length}`;
    if ((l.layout ?? 'in-out') !== (layers[i]!.layout ?? 'in-out')) return `layers[${i}] came back ${String(l.layout)}`;
    const p = maskProblem(res.masks[i], l.weight.length, `masks[${i}]`);
    if (p) return p;
    const bad = l.weight.findIndex((w, t) => !Number.isFinite(w) || (res.masks[i]![t] === 0 && w !== 0));
    if (bad >= 0) return `layers[${i}].weight[${bad}] = ${l.weight[bad]} (mask ${res.masks[i]![bad]})`;
    if (res.biases[i]!.length !== want.length) return `biases[${i}] of ${res.biases[i]!.length}, not ${want.length}`;
  }
}

function scoresProblem(out: unknown, args: unknown[]): string | void {
  const layers = args[0] as LayerArg[];
  if (isUnit(args[1])) {
    if (!Array.isArray(out) || out.length !== layers.length - 1) return `${describe(out)} unit score arrays for ${layers.length} layers (one per layer but the last)`;
    for (const [i, sc] of (out as unknown[]).entries()) {
      const U = dimsOf(layers[i]!).N;
      if (!(sc instanceof Float32Array) || sc.length !== U) return `unit scores[${i}] is ${describe(sc)}, not a Float32Array of ${U}`;
      const bad = sc.findIndex((v) => !(Number.isFinite(v) && v >= 0));
      if (bad >= 0) return `unit scores[${i}][${bad}] = ${sc[bad]}`;
    }
    return;
  }
  if (!Array.isArray(out) || out.length !== layers.length) return `${describe(out)} score arrays for ${layers.length} layers`;
  for (const [i, l] of layers.entries()) {
    const sc = out[i] as unknown;
    if (!(sc instanceof Float32Array) || sc.length !== lenOf(l)) return `scores[${i}] is ${describe(sc)}, not a Float32Array of ${lenOf(l)}`;
    const bad = sc.findIndex((v) => !(Number.isFinite(v) && v >= 0));
    if (bad >= 0) return `scores[${i}][${bad}] = ${sc[bad]}`;
  }
}

function sparseGptProblem(out: unknown, args: unknown[]): string | void {
  const [layer, , s, opts] = args as [Lay, Float32Array, number, Opts];
  const d = dimsOf(layer);
  const res = out as { weight: unknown; mask: unknown };
  if (!(res?.weight instanceof Float32Array) || res.weight.length !== d.K * d.N) return `weight is ${describe(res?.weight)}, not a Float32Array of ${d.K * d.N}`;
  const p = maskProblem(res.mask, d.K * d.N, 'mask');
  if (p) return p;
  const w = res.weight;
  const mask = res.mask as Uint8Array;
  const bad = w.findIndex((v, i) => !Number.isFinite(v) || (mask[i] === 0 && v !== 0));
  if (bad >= 0) return `weight[${bad}] = ${w[bad]} (mask ${mask[bad]})`;
  if (opts.nm) return nmProblem(mask, d, opts.nm as { n: number; m: number }, 'mask');
  if (zerosOf(mask) !== round(s, d.K * d.N)) return `prunes ${zerosOf(mask)}, not round(${s}·${d.K * d.N}) = ${round(s, d.K * d.N)}`;
  return priorProblem([mask], opts.mask ? [opts.mask] : undefined);
}

function acceptanceProblem(c: EngineCase, out: unknown): string | void {
  const a = c.args;
  const exact = c.mode === 'valid';
  switch (c.method) {
    case 'matmul':
      return matmulProblem(out, a[0] as Float32Array, a[1] as Float32Array, a[2] as number, a[3] as number, a[4] as number, undefined, exact);
    case 'maskedMatmul':
      return matmulProblem(out, a[0] as Float32Array, a[1] as Float32Array, a[3] as number, a[4] as number, a[5] as number, a[2] as Uint8Array, exact);
    case 'magnitudeMasks':
      return magnitudeProblem(out, a);
    case 'pruneMasks':
      return pruneMasksProblem(out, a);
    case 'scores':
      return scoresProblem(out, a);
    case 'sparsegpt':
      return sparseGptProblem(out, a);
    case 'shrinkUnits':
      return shrinkProblem(out, a);
  }
}

// ---- the door ----

const METHODS: Method[] = ['matmul', 'maskedMatmul', 'magnitudeMasks', 'pruneMasks', 'pruneMasks', 'scores', 'sparsegpt', 'sparsegpt', 'shrinkUnits'];

/** `field` is `want` or lies under it (`want[…]`, `want.…`). */
const under = (field: string, want: string): boolean => field === want || field.startsWith(`${want}[`) || field.startsWith(`${want}.`);

function call(engine: Engine, c: EngineCase): Promise<unknown> {
  const e = engine as unknown as Record<Method, (...args: unknown[]) => Promise<unknown>>;
  return e[c.method](...c.args);
}

export const engineDoor: Door<EngineCase> = {
  name: 'engine',
  fastCases: 40,
  gpu: async () => (await theEngine()).ctx,
  generate(rng) {
    const method = pick(rng, METHODS);
    const args = seedCall(rng, method);
    const shown = (): string => args.map((x) => describe(x)).join(', ');
    if (rng.next() < 0.22) return { repro: `${method}(${shown()}) [valid]`, fields: [], method, args, mode: 'valid' };
    let m: Mutation = { what: 'none', fields: [] };
    for (let tries = 0; m.fields.length === 0 && tries < 8; tries++) {
      const fresh = seedCall(rng, method);
      args.splice(0, args.length, ...fresh);
      m = method === 'matmul' || method === 'maskedMatmul' ? mutateMatmul(rng, args, method === 'maskedMatmul')
        : method === 'magnitudeMasks' ? mutateMagnitude(rng, args)
          : method === 'sparsegpt' ? mutateSparseGpt(rng, args)
            : method === 'shrinkUnits' ? mutateShrink(rng, args)
              : mutateCriterion(rng, args, method);
    }
    return { repro: `${method}: ${m.what}; args ${shown()}`, fields: m.fields, method, args, mode: m.mode ?? 'refuse', late: m.late };
  },
  async run(c) {
    const engine = await theEngine();
    const before = gpuWork;
    let out: unknown;
    try {
      out = await call(engine, c);
    } catch (e) {
      if (!(e instanceof PruneLabError)) throw e;
      const field = e.field ?? '';
      if (c.mode === 'valid') return `refused a valid call: ${e.message} (field ${show(e.field)})`;
      if (gpuWork !== before && !c.late) return `refused after GPU work started (${gpuWork - before} requests, the last ${lastWork}): ${e.message}`;
      if (e.code !== 'invalid-argument') return `refused with code ${e.code}, not invalid-argument: ${e.message}`;
      if (!c.fields.some((f) => under(field, f))) return `refused, but names field ${show(e.field)}; the bad argument is ${c.fields.join(' or ')} (${e.message})`;
      throw e;
    }
    if (c.mode === 'refuse') return `the call resolved (${describe(out)}); it should be refused naming ${c.fields.join(' or ')}`;
    return acceptanceProblem(c, out);
  },
};
