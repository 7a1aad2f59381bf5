// validateReport, the full schema of imported and stored reports: every committed
// report passes and exports to CSV; a report missing params, flops or timeMs (which
// CSV export reads) is refused naming the field; each consistency rule refuses its
// break; an older version migrates; and no mutation of any field ends in anything
// but a PruneLabError or a report that exports again.
import { expect } from '@esm-bundle/chai';
import { validateReport, migrateReport, migrateV1, parseReports, type ReportMigration } from '../../src/lab/report-schema.js';
import { reportToCsv, type Report } from '../../src/lab/report.js';
import { reportJson } from '../../src/ui/lab/report-io.js';
import { PruneLabError } from '../../src/errors.js';
import { validateConfig } from '../../src/lab/config.js';
import { expectRefused } from '../data/helpers.js';
import { MAGNITUDE_REPORT, RANDOM_REPORT } from '../ui/fixtures.js';

const COMMITTED = [
  '/docs/results/prune-lenet-300-100-global-iterative.json',
  '/docs/results/prune-lenet-300-100-global-quick.json',
  '/docs/results/prune-lenet-300-100-random-quick.json',
  '/docs/results/prune-lenet-5-global-quick.json',
  '/demos/embed/sample-reports.json',
];

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function refused(raw: unknown, field: string, message: RegExp): void {
  expectRefused(() => validateReport(raw), 'invalid-data', field, message);
}

/** A copy of `r` changed by `f`; final follows the last round as the runner keeps it. */
function changed(r: Report, f: (x: Report) => void, syncFinal = true): Report {
  const x = clone(r);
  f(x);
  if (syncFinal) x.final = clone(x.rounds.at(-1) ?? x.baseline);
  return x;
}

describe('validateReport on the committed reports', () => {
  const texts: Record<string, string> = {};
  before(async () => {
    for (const url of COMMITTED) {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      texts[url] = await res.text();
    }
  });

  it('accepts every committed prune report and the embed samples, unchanged, and exports each to CSV', () => {
    let n = 0;
    for (const url of COMMITTED) {
      const reports = parseReports(texts[url]!, url);
      for (const r of reports) {
        const csv = reportToCsv(r).trim().split('\n');
        expect(csv, url).to.have.length(1 + (r.baseline ? 1 : 0) + r.rounds.length);
        expect(parseReports(reportJson(r), 'again')[0]).to.deep.equal(r);
        n++;
      }
    }
    expect(n).to.equal(6);
  });

  it('refuses a report missing params, flops or timeMs, naming the field (CSV export reads them)', () => {
    const r = parseReports(texts[COMMITTED[1]!]!)[0]!;
    for (const k of ['params', 'flops', 'timeMs'] as const) {
      const bad = changed(r, (x) => delete (x.rounds[1] as Partial<typeof x.rounds[1]>)[k]);
      refused(bad, `report.rounds[1].${k}`, new RegExp(`^report\\.rounds\\[1\\]\\.${k} must be an object`));
      expect(() => parseReports(JSON.stringify(bad), 'import.json')).to.throw(PruneLabError, `import.json.rounds[1].${k} must be an object`);
    }
    refused(changed(r, (x) => delete (x.baseline as Partial<NonNullable<typeof x.baseline>>).timeMs), 'report.baseline.timeMs', /must be an object \{ prune, finetune, evaluate, score\? \}/);
    refused(changed(r, (x) => delete (x.rounds[0]!.timeMs as Partial<typeof x.rounds[0]['timeMs']>).evaluate), 'report.rounds[0].timeMs.evaluate', /a duration in ms/);
    refused(changed(r, (x) => ((x.rounds[2]!.flops as unknown) = null)), 'report.rounds[2].flops', /must be an object \{ dense, effective \} \(got null\)/);
    refused(changed(r, (x) => ((x as Partial<Report>).timeMs = undefined)), 'report.timeMs', /a duration in ms/);
  });
});

describe('validateReport consistency rules', () => {
  const r = MAGNITUDE_REPORT;

  it('accepts the (version 1) fixtures as they migrate, and the migrated ones as they are', () => {
    for (const f of [r, RANDOM_REPORT]) {
      const v2 = migrateV1(clone(f) as unknown as Record<string, unknown>);
      expect(validateReport(clone(f))).to.deep.equal(v2);
      expect(validateReport(clone(v2))).to.deep.equal(v2);
    }
  });

  const cases: Array<[string, (x: Report) => void, string, RegExp]> = [
    ['nonzero > params', (x) => (x.rounds[0]!.layers[1]!.nonzero = 25), 'report.rounds[0].layers[1].nonzero', /at most params \(24\)/],
    ['params.nonzero > total', (x) => (x.rounds[0]!.params.nonzero = 164), 'report.rounds[0].params.nonzero', /at most params\.total \(163\)/],
    ['params.total off', (x) => (x.rounds[0]!.params.total = 150), 'report.rounds[0].params.total', /the layers' params \+ biases \(163\)/],
    ['effective > dense', (x) => (x.rounds[1]!.flops.effective = 153), 'report.rounds[1].flops.effective', /at most flops\.dense \(152\)/],
    ['confusion of 8', (x) => x.rounds[0]!.confusion.pop(), 'report.rounds[0].confusion', /3×3 = 9 counts \(classes²\)/],
    ['confusion sum', (x) => (x.rounds[0]!.confusion[0] = 48), 'report.rounds[0].confusion', /summing to data\.test \(150\) \(got "sum 151"\)/],
    ['accuracy vs confusion', (x) => (x.rounds[0]!.accuracy = 0.9), 'report.rounds[0].accuracy', /trace \/ total = 0\.9266/],
    ['macro precision', (x) => (x.rounds[1]!.precision = 0.5), 'report.rounds[1].precision', /the mean of perClass/],
    ['perClass length', (x) => x.rounds[0]!.perClass.f1.push(0.5), 'report.rounds[0].perClass.f1', /an array of 3 numbers/],
    ['layer sparsity', (x) => (x.rounds[0]!.layers[0]!.sparsity = 0.6), 'report.rounds[0].layers[0].sparsity', /1 − nonzero \/ 128/],
    ['entry sparsity', (x) => (x.rounds[0]!.sparsity = 0.4), 'report.rounds[0].sparsity', /the prunable layers' nonzero \/ 152/],
    ['compression', (x) => (x.rounds[0]!.compressionRatio = 3), 'report.rounds[0].compressionRatio', /152 weights \/ max\(1, nonzero\)/],
    ['layer name', (x) => (x.rounds[0]!.layers[0]!.name = 'fc9'), 'report.rounds[0].layers[0].name', /"fc1"/],
    ['layer count', (x) => x.rounds[0]!.layers.pop(), 'report.rounds[0].layers', /an array of 2 layer entries \(fc1, fc2\)/],
    ['rounds out of order', (x) => x.rounds.reverse(), 'report.rounds[0].round', /1 \(rounds in order/],
    ['too many rounds', (x) => x.rounds.push(clone(x.rounds[1]!)), 'report.rounds', /at most 2 entries \(prune\.rounds\)/],
    ['baseline round', (x) => (x.baseline!.round = 1), 'report.baseline.round', /0 \(the dense baseline\)/],
    ['evaluatedOn', (x) => (x.rounds[0]!.evaluatedOn = 'validation'), 'report.rounds[0].evaluatedOn', /"test" \(config\.evaluateOn\)/],
    ['loss', (x) => (x.rounds[0]!.loss = -1), 'report.rounds[0].loss', /null or a finite number ≥ 0/],
    ['paramCount', (x) => (x.model.paramCount = 1), 'report.model.paramCount', /163 \(the config's model\)/],
    ['excluded layers', (x) => (x.model.excludedLayers = ['fc2']), 'report.model.excludedLayers', /\[\] \(config\.prune\.layers\)/],
    ['config', (x) => ((x.config.prune as { method: string }).method = 'magic'), 'report.config.prune.method', /^report\.config\.prune\.method must be one of global, local, random, structured/],
    ['config model', (x) => (x.config.model = 'lenet-9'), 'report.config.model', /^report\.config\.model must be one of lenet-300-100, lenet-5/],
    ['status error without error', (x) => (x.status = 'error'), 'report.error', /present when status is 'error'/],
    ['unknown layer key', (x) => ((x.rounds[0]!.layers[0] as unknown as Record<string, unknown>).extra = 1), 'report.rounds[0].layers[0].extra', /absent/],
    ['unit after > before', (x) => (x.rounds[0]!.units = { fc1: { before: 8, after: 9 } }), 'report.rounds[0].units.fc1.after', /at most before \(8\)/],
    ['units of no layer', (x) => (x.rounds[0]!.units = { fc7: { before: 8, after: 7 } }), 'report.rounds[0].units.fc7', /absent \(fields: fc1, fc2\)/],
    ['createdAt', (x) => (x.createdAt = 'yesterday'), 'report.createdAt', /an ISO date string/],
  ];
  for (const [what, f, field, message] of cases) it(`refuses ${what}`, () => refused(changed(r, f), field, message));

  it('refuses a final entry that is not the last one, and rounds without a baseline', () => {
    refused(changed(r, (x) => (x.final = clone(x.rounds[0]!)), false), 'report.final', /the last entry \(round 2\)/);
    refused(changed(r, (x) => (x.baseline = null), false), 'report.baseline', /a round entry when rounds follow it/);
  });

  it('accepts a running report with no entry yet and unknown keys where documented', () => {
    const running = { ...clone(r), status: 'running', baseline: null, rounds: [], final: null, browser: 'Chromium 156' };
    expect(validateReport(running)).to.deep.equal(migrateV1(running));
    const newer = changed(r, (x) => ((x.rounds[0] as unknown as Record<string, unknown>).appliedAt = 12));
    expect(validateReport(newer)).to.deep.equal(migrateV1(newer as unknown as Record<string, unknown>));
  });
});

describe('report versions', () => {
  it('refuses versions it cannot read', () => {
    for (const v of [0, 3, '1', '2', null, undefined, 1.5]) refused({ ...clone(MAGNITUDE_REPORT), version: v }, 'report.version', /must be an integer in \[1, 2\] \(the report versions this lab reads\)/);
  });

  it('migrates an older version step by step and checks the result', () => {
    // A made-up version 0 that named the per-entry times "times": the mechanism, on the real schema.
    const v0: ReportMigration = (x) => ({
      ...x, version: 1,
      rounds: (x.rounds as Array<Record<string, unknown>>).map(({ times, ...e }) => ({ ...e, timeMs: times })),
    });
    const old = clone(MAGNITUDE_REPORT) as unknown as Record<string, unknown>;
    old.version = 0;
    old.rounds = (old.rounds as Array<Record<string, unknown>>).map(({ timeMs, ...e }) => ({ ...e, times: timeMs }));
    const chain = { 0: v0, 1: migrateV1 };
    expect(validateReport(migrateReport(old, 'report', chain))).to.deep.equal(migrateV1(clone(MAGNITUDE_REPORT) as unknown as Record<string, unknown>));
    const wrong: ReportMigration = (x) => ({ ...x, version: 3 });
    expect(() => migrateReport(old, 'report', { ...chain, 0: wrong })).to.throw(PruneLabError, 'report.version must be 1 after migrating from version 0 (got 3)');
    expect(() => migrateReport({ ...old, version: -1 }, 'report', chain)).to.throw(PruneLabError, 'report.version must be an integer in [0, 2] (the report versions this lab reads) (got -1)');
  });
});

describe('version 1 → 2: the legacy method onto the axes', () => {
  const v1 = (prune: Record<string, unknown>): Record<string, unknown> => {
    const x = clone(MAGNITUDE_REPORT) as unknown as Record<string, unknown>;
    (x.config as Record<string, unknown>).prune = { scope: 'global', schedule: 'iterative', targetSparsity: 0.75, rounds: 2, finetuneEpochs: 1, rewind: false, ...prune };
    return x;
  };
  const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
    [{ method: 'global' }, { method: 'global', granularity: 'weight', criterion: 'magnitude', scope: 'global', when: 'after' }],
    [{ method: 'local', scope: 'local' }, { method: 'local', granularity: 'weight', criterion: 'magnitude', scope: 'local', when: 'after' }],
    // What a version-1 runner did with these: rank locally.
    [{ method: 'global', scope: 'local' }, { method: 'local', granularity: 'weight', criterion: 'magnitude', scope: 'local', when: 'after' }],
    [{ method: 'local', scope: 'global' }, { method: 'local', granularity: 'weight', criterion: 'magnitude', scope: 'local', when: 'after' }],
    [{ method: 'random', scope: 'local' }, { method: 'random', granularity: 'weight', criterion: 'random', scope: 'local', when: 'after' }],
    [{ method: 'structured' }, { method: 'structured', granularity: 'unit', criterion: 'l2', scope: 'global', when: 'after' }],
    [{ method: 'structured', criterion: 'l1', scope: 'local' }, { method: 'structured', granularity: 'unit', criterion: 'l1', scope: 'local', when: 'after' }],
    [{ method: 'global', schedule: 'gradual', finetuneEpochs: 2 }, { method: 'global', granularity: 'weight', criterion: 'magnitude', when: 'during' }],
  ];
  for (const [given, want] of cases) {
    it(`migrates prune ${JSON.stringify(given)} to ${JSON.stringify(want)}`, () => {
      const m = migrateV1(v1(given));
      expect(m.version).to.equal(2);
      const p = (m.config as { prune: Record<string, unknown> }).prune;
      for (const [k, v] of Object.entries(want)) expect(p[k], k).to.equal(v);
      // The migrated config is a valid normalized config of that run.
      expect(validateConfig(m.config)).to.deep.equal(m.config);
    });
  }

  it('migrates every committed version-1 report, keeping each method', async () => {
    for (const url of COMMITTED) {
      const raw = (await (await fetch(url)).json()) as unknown;
      for (const r of Array.isArray(raw) ? raw : 'reports' in (raw as object) ? (raw as { reports: unknown[] }).reports : [raw]) {
        expect((r as { version: number }).version, url).to.equal(1);
        const v = validateReport(r, url);
        const method = (r as { config: { prune: { method: string } } }).config.prune.method;
        expect([v.version, v.config.prune.method, v.config.prune.granularity, v.config.prune.criterion, v.config.prune.when], url)
          .to.deep.equal([2, method, 'weight', method === 'random' ? 'random' : 'magnitude', 'after']);
      }
    }
  });

  it('returns the config normalized: a version-2 report without an axis gets it filled, the input left as it was', () => {
    const v2 = migrateV1(clone(MAGNITUDE_REPORT) as unknown as Record<string, unknown>) as unknown as Report;
    const bare = clone(v2);
    for (const k of ['granularity', 'criterion', 'scope', 'when'] as const) delete (bare.config.prune as Partial<typeof bare.config.prune>)[k];
    const kept = clone(bare);
    const got = validateReport(bare);
    expect(got.config).to.deep.equal(v2.config);
    expect(bare).to.deep.equal(kept);
  });

  it('checks the version-2 round fields: calibration and timeMs.score', () => {
    const v2 = migrateV1(clone(MAGNITUDE_REPORT) as unknown as Record<string, unknown>) as unknown as Report;
    const ok = changed(v2, (x) => {
      x.rounds[0]!.calibration = { samples: 600, batchSize: 16 };
      x.rounds[0]!.timeMs.score = x.rounds[0]!.timeMs.prune;
    });
    expect(validateReport(clone(ok))).to.deep.equal(ok);
    expect(reportToCsv(ok).split('\n')[0]).to.match(/,scoreMs,calibrationSamples,/);
    refused(changed(ok, (x) => (x.rounds[0]!.calibration!.samples = 601)), 'report.rounds[0].calibration.samples', /an integer in \[1, 600\] \(data\.train\)/);
    refused(changed(ok, (x) => (x.rounds[0]!.calibration!.batchSize = 0)), 'report.rounds[0].calibration.batchSize', /an integer in \[1, 600\]/);
    refused(changed(ok, (x) => ((x.rounds[0]!.calibration as unknown as Record<string, unknown>).seed = 1)), 'report.rounds[0].calibration.seed', /absent/);
    refused(changed(ok, (x) => (x.rounds[0]!.timeMs.score = x.rounds[0]!.timeMs.prune + 5)), 'report.rounds[0].timeMs.score', /at most timeMs\.prune/);
    refused(changed(ok, (x) => (x.rounds[0]!.timeMs.score = -1)), 'report.rounds[0].timeMs.score', /a duration in ms/);
  });
});

describe('validateReport on arbitrary values', () => {
  const junk: unknown[] = [null, 'x', -1, 1.5, 1e300, true, [], {}, [null], { a: 1 }];

  /** Every path to a value in `v`. */
  function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
    if (typeof v !== 'object' || v === null) return [at];
    const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    return [at, ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...at, k]))];
  }

  it('ends every field replaced by junk (or removed) in a PruneLabError or a report that exports again', () => {
    const all = paths(MAGNITUDE_REPORT).filter((p) => p.length > 0);
    let accepted = 0;
    let refusedCount = 0;
    all.forEach((path, k) => {
      for (const value of [junk[k % junk.length], junk[(k + 3) % junk.length], undefined]) {
        const x = clone(MAGNITUDE_REPORT) as unknown as Record<string | number, unknown>;
        let parent = x;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
        const last = path.at(-1)!;
        if (value === undefined) delete parent[last];
        else parent[last] = value;
        try {
          const r = validateReport(x);
          reportToCsv(r);
          validateReport(JSON.parse(reportJson(r)));
          accepted++;
        } catch (e) {
          expect(e, `${path.join('.')} = ${JSON.stringify(value)}: ${String(e)}`).to.be.instanceOf(PruneLabError);
          refusedCount++;
        }
      }
    });
    expect(refusedCount).to.be.greaterThan(all.length);
    // Accepted: junk in tolerated places (e.g. the config's own optional fields) only.
    expect(accepted).to.be.lessThan(refusedCount / 4);
    for (const v of junk) expect(() => validateReport(v)).to.throw(PruneLabError);
  });
});
