// dot4I8Packed in Node: Dawn's `GPU` object reports packed_4x8_integer_dot_product,
// and a context made from a device acquired through src/gpu/device.ts (as the CLI
// does) offers the int8 dot4 variant, which then runs and matches the CPU oracle.
// The engine modules are bundled with esbuild (.wgsl as text) and run in a child
// process on Dawn with SwiftShader's ICD (Dawn reads it only at start-up).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { root } from './helpers/cli.mjs';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const ENTRY = `
import { create, globals } from 'webgpu';
import { acquireDevice } from './src/gpu/device.ts';
import { createGpuContext } from './src/gpu/context.ts';
import { readBuffer } from './src/gpu/readback.ts';
import { hasDot4, prepareSpmmInt8 } from './src/kernels/spmm.ts';
import { prepareQuantizeRows } from './src/kernels/quantize.ts';
import { runKernels } from './src/kernels/kernel.ts';
import { buildSell, uploadSell } from './src/infer/sell.ts';
import { outputRowsRef } from './src/ref/sparse.ts';
import { quantizeRowsRef, int8MatmulRef } from './src/ref/quant.ts';

Object.assign(globalThis, globals);
const gpu = create([]);
const { device, wgslLanguageFeatures } = await acquireDevice({ gpu, backend: 'dawn-node' });
const ctx = createGpuContext(device);
const out = { gpuHas: gpu.wgslLanguageFeatures.has('packed_4x8_integer_dot_product'), acquired: [...wgslLanguageFeatures], hasDot4: hasDot4(ctx) };
// A 5 × 37 · 9 int8 product with dot4I8Packed, against the oracle's exact integer sums.
const M = 5, K = 37, N = 9;
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const w = Float32Array.from({ length: K * N }, () => rnd() * 2 - 1);
const mask = Uint8Array.from({ length: K * N }, () => (rnd() < 0.5 ? 1 : 0));
const x = Float32Array.from({ length: M * K }, () => rnd());
const s = buildSell(w, mask, N, K, 'in-out', { maxPiece: 8, slice: 4, int8: true });
const up = uploadSell(ctx, s, 'int8', true);
const xb = ctx.pool.upload('x', x), xq = ctx.pool.storage('xq', M * K * 4), xs = ctx.pool.storage('xs', M * 4);
const yb = ctx.pool.storage('y', M * N * 4), partial = ctx.pool.storage('partial', M * s.pieces * 4);
device.pushErrorScope('validation');
const qk = await prepareQuantizeRows(ctx, { rows: M, n: K, x: xb, q: xq, scale: xs });
const k = await prepareSpmmInt8(ctx, { M, format: s, buffers: up, x: xq, xScale: xs, y: yb, partial, variant: 'dot4' });
runKernels(ctx, 'int8 dot4', [qk, ...k.kernels]);
const err = await device.popErrorScope();
const got = new Float32Array(await readBuffer(device, yb, M * N * 4));
// The oracle's exact integer sums over the kernel's own quantized activations (quantize-rows is tested apart).
const gq = new Int32Array(await readBuffer(device, xq, M * K * 4));
const gs = new Float32Array(await readBuffer(device, xs, M * 4));
const wr = quantizeRowsRef(outputRowsRef(w, mask, N, K, 'in-out'), N, K);
const want = int8MatmulRef(gq, gs, wr.q, wr.scales, undefined, M, K, N, 1, false);
let worst = 0;
for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) - 1e-5 * Math.abs(want[i]));
out.validation = err ? err.message : null;
out.worstRel = worst;
console.log(JSON.stringify(out));
device.destroy();
process.exit(0);
`;

describe('dot4I8Packed on Dawn in Node', { skip: !existsSync(ICD) && 'no SwiftShader ICD' }, () => {
  let dir;
  let bundle;
  before(async () => {
    // Under node_modules, so the bundle's bare `import 'webgpu'` resolves (ESM ignores NODE_PATH).
    mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
    dir = mkdtempSync(join(root, 'node_modules/.cache/prune-lab-dot4-'));
    bundle = join(dir, 'dot4.mjs');
    await build({ stdin: { contents: ENTRY, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', outfile: bundle, loader: { '.wgsl': 'text' }, external: ['webgpu'], logLevel: 'error' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("Dawn's GPU object has the feature, the context says so, and the dot4 product equals the oracle", () => {
    const env = { ...process.env, VK_ICD_FILENAMES: ICD, LD_LIBRARY_PATH: `${process.env.LD_LIBRARY_PATH ? `${process.env.LD_LIBRARY_PATH}:` : ''}/usr/lib/chromium` };
    const r = spawnSync(process.execPath, [bundle], { encoding: 'utf8', cwd: root, env, timeout: 120_000 });
    const line = r.stdout.trim().split('\n').at(-1);
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(line);
    assert.equal(got.gpuHas, true, "Dawn's GPU object reports packed_4x8_integer_dot_product");
    assert.ok(got.acquired.includes('packed_4x8_integer_dot_product'), 'acquireDevice carries it');
    assert.equal(got.hasDot4, true, 'the context offers the dot4 variant');
    assert.equal(got.validation, null);
    assert.ok(got.worstRel <= 1e-5, `dot4 output within atol 1e-5 + rtol 1e-5 of the oracle, worst excess ${got.worstRel}`);
  });
});
