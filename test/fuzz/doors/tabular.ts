// Door: tabular CSV data for the nets (src/data/tabular.ts: tabularFromCsv, with
// an optional test file and the split options). Mutations of a valid 3-class file
// of 4 features: one class only, 257 labels, too few rows, a constant column, huge
// and tiny magnitudes (the standardised value may leave f32), a test file missing
// a column, with an extra column, with its columns reordered, with a label the
// training file lacks, prototype keys as names, and split options out of range or
// of the wrong type (test, validation, trainSubset, seed).
// Refusals must name their field; a refusal about a row of the test file must say
// which row ("row N" or "data row N") and the target column.
// Documented acceptance: the splits hold every row once (train + validation + test
// = n without a test file; the train subset when given), labels < numClasses with
// every class in the training split, shape 1×1×F, finite images, finite means and
// scales > 0 (constant columns scale 1 and exactly 0 on the training rows), and on the training rows each non-constant
// standardised column has mean 0 and population std 1 (within 1e-3).
import { tabularFromCsv, type TabularCsvOptions } from '../../../src/data/tabular.js';
import type { Door, FuzzCase } from '../harness.js';
import { pick } from '../mutate.js';
import type { Rng } from '../../../src/rng.js';

interface TabularCase extends FuzzCase {
  text: string;
  options: TabularCsvOptions;
  /** The refusal must name a row of the test file and the target column. */
  testRow?: boolean;
}

const HEADER = ['a', 'b', 'c', 'd', 'y'];
const LABELS = ['x', 'y', 'z'];

function rows(rng: Rng, n: number, scale = 1, offset = 0): string[][] {
  return Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: 4 }, () => String(offset + scale * (rng.next() * 4 - 2))),
    LABELS[i % 3]!,
  ]);
}

const csv = (head: string[], body: string[][]): string => [head, ...body].map((r) => r.join(',')).join('\n');

export const tabularDoor: Door<TabularCase> = {
  name: 'tabular',
  fastCases: 60,
  generate(rng) {
    const n = 12 + rng.int(40);
    let head = HEADER.slice();
    let body = rows(rng, n);
    let test: { head: string[]; body: string[][] } | undefined;
    const options: TabularCsvOptions = { target: 'y', name: 'tr.csv', seed: rng.int(1000) };
    let fields = ['tr.csv', 'target'];
    let testRow = false;
    let what: string;
    const col = rng.int(4);
    const r = rng.int(14);
    switch (r) {
      case 0: body.forEach((row) => (row[4] = 'x')); what = 'one class'; break;
      case 1: body = Array.from({ length: 300 }, (_, i) => ['1', '2', '3', String(i), `c${i}`]); what = '300 classes, one row each'; break;
      case 2: body = body.slice(0, pick(rng, [1, 2, 3, 4, 5])); what = `${body.length} rows`; break;
      case 3: body.forEach((row) => (row[col] = pick(rng, ['7', '0.1', '-3e-7', '1e30']))); what = `column ${HEADER[col]} constant`; break;
      case 4: {
        const [scale, offset] = pick(rng, [[1e-30, 0], [1e30, 0], [1e-3, 1e4], [1, 1e30], [1e-20, 1]] as Array<[number, number]>);
        body = rows(rng, n, scale, offset);
        what = `features of scale ${scale} around ${offset}`;
        break;
      }
      case 5: test = { head: HEADER.filter((_, j) => j !== col), body: rows(rng, 6).map((row) => row.filter((_, j) => j !== col)) }; what = `test file without ${HEADER[col]}`; fields = ['te.csv']; break;
      case 6: test = { head: [...HEADER, 'extra'], body: rows(rng, 6).map((row) => [...row, '1']) }; what = 'test file with an extra column'; fields = ['te.csv']; break;
      case 7: {
        const order = [4, 2, 0, 3, 1];
        test = { head: order.map((j) => HEADER[j]!), body: rows(rng, 6).map((row) => order.map((j) => row[j]!)) };
        what = 'test file with its columns reordered';
        break;
      }
      case 8: {
        const tb = rows(rng, 6);
        tb[rng.int(6)]![4] = pick(rng, ['w', 'X', 'x ', '__proto__', '0']);
        test = { head: HEADER, body: tb };
        what = 'test file with a label the training file lacks';
        fields = ['te.csv'];
        testRow = true;
        break;
      }
      case 9: {
        const tb = rows(rng, 6);
        tb[rng.int(6)]![col] = pick(rng, ['3e38', '-3e38', '1e-45']);
        body = rows(rng, n, 1e-20, 0);
        test = { head: HEADER, body: tb };
        what = 'test file with a value far outside the training scale';
        fields = ['te.csv'];
        testRow = true;
        break;
      }
      case 10: {
        const name = pick(rng, ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
        if (rng.next() < 0.5) {
          head = [...HEADER.slice(0, 4), name];
          options.target = name;
        } else head[col] = name;
        what = `header name ${name}`;
        break;
      }
      case 11: {
        const k = pick(rng, ['test', 'validation', 'trainSubset'] as const);
        const v = pick(rng, [0, -1, 1.5, NaN, Infinity, n, n - 3, 2 ** 31, 1, '3', null]);
        (options as unknown as Record<string, unknown>)[k] = v;
        what = `${k} ${String(v)}`;
        fields = [k, 'tr.csv'];
        break;
      }
      case 12: {
        const v = pick(rng, [-1, 2 ** 32, 1.5, NaN, '0', null]);
        (options as unknown as Record<string, unknown>).seed = v;
        what = `seed ${String(v)}`;
        fields = ['seed'];
        break;
      }
      default: {
        options.target = pick(rng, ['Y', 'a', '', ' y']);
        what = `target ${JSON.stringify(options.target)}`;
        fields = ['target', 'tr.csv'];
      }
    }
    if (test) options.testCsv = { text: csv(test.head, test.body), name: 'te.csv' };
    return { repro: `${what} (n ${n}, seed ${String(options.seed)}): ${JSON.stringify(csv(head, body).slice(0, 100))}`, fields, text: csv(head, body), options, ...(testRow ? { testRow } : {}) };
  },
  async run(c) {
    let s;
    try {
      s = tabularFromCsv(c.text, c.options);
    } catch (e) {
      if (c.testRow && e instanceof Error && e.message.startsWith('te.csv') && !(/\brow \d+/.test(e.message) && e.message.includes(`column "${c.options.target}"`) || /column "[a-d]"/.test(e.message))) {
        return `refused without naming the test file's row and column: ${e.message}`;
      }
      throw e;
    }
    const { train, validation, test, info, rows } = s;
    const F = info.features.length;
    const K = info.classes.length;
    if (F !== 4 || train.shape.W !== F || train.shape.C !== 1 || train.shape.H !== 1) return `shape ${JSON.stringify(train.shape)} for ${F} features`;
    if (K < 2) return `${K} classes`;
    const held = c.options.testCsv ? 0 : test.n;
    const total = train.n + validation.n + held;
    const n = c.text.trim().split('\n').length - 1;
    if (c.options.trainSubset === undefined && total !== n) return `train ${train.n} + validation ${validation.n} + test ${held} ≠ ${n} rows`;
    const all = [...rows.train, ...rows.validation, ...(c.options.testCsv ? [] : rows.test)];
    if (new Set(all).size !== all.length) return 'a row is in two splits';
    for (const d of [train, validation, test]) {
      if (!d.images.every(Number.isFinite)) return 'a standardised value is not finite';
      if (!d.labels.every((l) => l < K)) return 'a label ≥ numClasses';
      if (d.numClasses !== K) return `numClasses ${d.numClasses}, ${K} classes`;
    }
    for (let k = 0; k < K; k++) if (!train.labels.includes(k)) return `class ${info.classes[k]} has no training row`;
    const { mean, scale, constant } = info.standardization;
    for (let f = 0; f < F; f++) {
      if (!Number.isFinite(mean[f]) || !(scale[f]! > 0) || !Number.isFinite(scale[f])) return `feature ${f}: mean ${mean[f]}, scale ${scale[f]}`;
      const isConst = constant.includes(info.features[f]!);
      if (isConst && scale[f] !== 1) return `constant ${info.features[f]} has scale ${scale[f]}`;
      if (isConst) for (let i = 0; i < train.n; i++) if (train.images[i * F + f] !== 0) return `constant ${info.features[f]} is ${train.images[i * F + f]} on training row ${i}, not 0`;
      if (isConst || train.n < 2) continue;
      let m = 0;
      let v = 0;
      for (let i = 0; i < train.n; i++) m += train.images[i * F + f]!;
      m /= train.n;
      for (let i = 0; i < train.n; i++) v += (train.images[i * F + f]! - m) ** 2;
      if (Math.abs(m) > 1e-3 || Math.abs(Math.sqrt(v / train.n) - 1) > 1e-3) return `feature ${info.features[f]} on the training rows: mean ${m}, std ${Math.sqrt(v / train.n)}`;
    }
  },
};
