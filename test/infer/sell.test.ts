// The sparse-format conversion against the CPU oracles: rows 0%, 50%, 99% and 100%
// pruned, Linear (K×N) and conv (F×C·k·k) layouts; the decoded format equals W⊙M,
// the row contents equal plain CSR, pieces respect maxPiece and are sorted, and the
// int8 conversion equals per-channel quantization (and dequantizes to within half a step).
import { expect } from '@esm-bundle/chai';
import { buildSell, sellWords } from '../../src/infer/sell.js';
import { csrRef, outputRowsRef, sellToDenseRef } from '../../src/ref/sparse.js';
import { quantizeRowsRef, dequantizeRowsRef, roundHalfAway } from '../../src/ref/quant.js';
import { Rng } from '../../src/rng.js';
import { expectClose, expectEqualArrays } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { rowMask } from './helpers.js';

describe('sliced-ELL conversion', () => {
  for (const [K, N, maxPiece, slice] of [[784, 7, 'auto', 32], [255, 6, 8, 4], [17, 5, 4, 1], [3, 4, 'auto', 3]] as const) {
    it(`Linear ${K}×${N}, rows 0/50/99/100% pruned, maxPiece ${maxPiece}, slice ${slice}`, () => {
      const rng = new Rng(K + N);
      const w = rng.uniformArray(K * N);
      w[5] = 0; // an exact zero under a kept mask is skipped too
      const mask = rowMask(K, N, rng);
      const s = buildSell(w, mask, N, K, 'in-out', { maxPiece, slice });
      const dense = outputRowsRef(w, mask, N, K, 'in-out');
      const csr = csrRef(dense, N, K);
      expect(s.nnz).to.equal(csr.values.length);
      expectEqualArrays(sellToDenseRef(s), dense, 'decoded format');
      // Rows as the oracle's CSR: pieces of row r, in order, hold exactly its entries.
      for (let r = 0; r < N; r++) {
        const cols: number[] = [];
        const vals: number[] = [];
        for (let j = s.rowPtr[r]!; j < s.rowPtr[r + 1]!; j++) {
          const p = s.pieceIds[j]!;
          expect(s.pieceRow[p]).to.equal(r);
          const sl = Math.floor(p / s.slice);
          const width = (s.sliceStart[sl + 1]! - s.sliceStart[sl]!) / s.slice;
          for (let g = 0; g < width; g++) {
            for (let t = 0; t < 4; t++) {
              const e = (s.sliceStart[sl]! + g * s.slice + (p % s.slice)) * 4 + t;
              if (s.values[e] !== 0) {
                cols.push(s.colIdx[e]!);
                vals.push(s.values[e]!);
              }
            }
          }
        }
        expect(cols, `row ${r} columns`).to.deep.equal(Array.from(csr.colIdx.subarray(csr.rowPtr[r]!, csr.rowPtr[r + 1]!)));
        expectEqualArrays(vals, csr.values.subarray(csr.rowPtr[r]!, csr.rowPtr[r + 1]!), `row ${r} values`);
        expect(s.rowPtr[r + 1]! - s.rowPtr[r]!, `row ${r} has ⌈nnz/L⌉ pieces (at least 1)`).to.equal(Math.max(1, Math.ceil((csr.rowPtr[r + 1]! - csr.rowPtr[r]!) / s.maxPiece)));
      }
      // Row 0 is all kept, row 3 all pruned (an empty piece of its own), row 2 keeps ~1%.
      expect(csr.rowPtr[1]! - csr.rowPtr[0]!).to.equal(K - (5 < K * N && 5 % N === 0 ? 1 : 0));
      expect(csr.rowPtr[4]! - csr.rowPtr[3]!).to.equal(0);
      // Pieces: longest first, none longer than maxPiece, slices padded to their first piece.
      const len = (p: number): number => {
        let n = 0;
        const r = s.pieceRow[p]!;
        const own = [...s.pieceIds.subarray(s.rowPtr[r]!, s.rowPtr[r + 1]!)];
        const i = own.indexOf(p);
        const total = csr.rowPtr[r + 1]! - csr.rowPtr[r]!;
        n = Math.min(s.maxPiece, total - i * s.maxPiece);
        return Math.max(0, n);
      };
      for (let p = 0; p < s.pieces; p++) {
        expect(len(p)).to.be.at.most(s.maxPiece);
        if (p > 0) expect(len(p), `piece ${p} sorted`).to.be.at.most(len(p - 1));
      }
      for (let sl = 0; sl < s.slices; sl++) expect(s.sliceStart[sl + 1]! - s.sliceStart[sl]!).to.equal(Math.ceil(len(sl * s.slice) / 4) * s.slice);
      expect(s.split).to.equal(s.pieces > N);
      const words = sellWords(s);
      expectEqualArrays(words.sell, [...s.sliceStart, ...s.pieceRow], 'sell words');
      expectEqualArrays(words.map, [...s.rowPtr, ...s.pieceIds], 'map words');
    });
  }

  it('conv layout F×C·k·k: decoded equals W⊙M; maxPiece auto is max(32, 2·mean row)', () => {
    const rng = new Rng(2);
    const F = 6;
    const cols = 3 * 25;
    const w = rng.uniformArray(F * cols);
    const mask = Uint8Array.from(w, () => (rng.next() < 0.5 ? 1 : 0));
    const s = buildSell(w, mask, F, cols, 'out-in');
    expectEqualArrays(sellToDenseRef(s), outputRowsRef(w, mask, F, cols, 'out-in'), 'decoded conv format');
    expect(s.maxPiece).to.equal(Math.max(32, Math.ceil((2 * s.nnz) / F / 4) * 4));
    const all = buildSell(w, new Uint8Array(F * cols).fill(1), F, cols, 'out-in');
    expect(all.maxPiece).to.equal(152); // 2·75 rounded up to a multiple of 4
    expect(all.split).to.equal(false);
  });

  it('int8: per-row quantization equals the oracle and dequantizes within half a step', () => {
    const rng = new Rng(4);
    const [K, N] = [300, 9];
    const w = rng.uniformArray(K * N, -0.3, 0.3);
    const mask = rowMask(K, N, rng, 0.4);
    const s = buildSell(w, mask, N, K, 'in-out', { int8: true, maxPiece: 16, slice: 4 });
    const dense = outputRowsRef(w, mask, N, K, 'in-out');
    const ref = quantizeRowsRef(dense, N, K);
    expectEqualArrays(s.rowScale!, ref.scales, 'row scales');
    expect(s.rowScale![3]).to.equal(0); // the all-pruned row
    // Decode q the way the kernel reads it and compare with the oracle's q.
    const q = new Int8Array(N * K);
    for (let p = 0; p < s.pieces; p++) {
      const sl = Math.floor(p / s.slice);
      const width = (s.sliceStart[sl + 1]! - s.sliceStart[sl]!) / s.slice;
      for (let g = 0; g < width; g++) {
        for (let t = 0; t < 4; t++) {
          const e = (s.sliceStart[sl]! + g * s.slice + (p % s.slice)) * 4 + t;
          if (s.values[e] !== 0) q[s.pieceRow[p]! * K + s.colIdx[e]!] = s.q![e]!;
          else expect(s.q![e]).to.equal(0);
        }
      }
    }
    expectEqualArrays(q, ref.q, 'quantized values');
    const back = dequantizeRowsRef(ref, N, K);
    for (let r = 0; r < N; r++) {
      expectClose(back.subarray(r * K, (r + 1) * K), dense.subarray(r * K, (r + 1) * K), { atol: ref.scales[r]! / 2 + 1e-9, rtol: 0 }, `row ${r} dequantized`);
      if (ref.scales[r]! > 0) expect(Math.max(...ref.q.subarray(r * K, (r + 1) * K).map(Math.abs))).to.equal(127);
    }
  });

  it('rounding rules: half away from zero for weights', () => {
    expect([2.5, -2.5, 0.5, -0.5, 1.49].map(roundHalfAway)).to.deep.equal([3, -3, 1, -1, 1]);
  });

  it('refuses bad shapes and options', async () => {
    const w = new Float32Array(12);
    const m = new Uint8Array(12);
    await expectArgError(() => buildSell(w, m, 0, 12, 'in-out'), 'rows');
    await expectArgError(() => buildSell(w, m, 3, 5, 'in-out'), 'w');
    await expectArgError(() => buildSell(w, new Uint8Array(3), 3, 4, 'in-out'), 'mask');
    await expectArgError(() => buildSell(w, m, 3, 4, 'sideways' as 'in-out'), 'layout');
    await expectArgError(() => buildSell(w, m, 3, 4, 'in-out', { maxPiece: 6 }), 'maxPiece');
    await expectArgError(() => buildSell(w, m, 3, 4, 'in-out', { slice: 0 }), 'slice');
    await expectArgError(() => buildSell(new Float32Array(70000), new Uint8Array(70000), 1, 70000, 'out-in'), 'cols');
  });
});
