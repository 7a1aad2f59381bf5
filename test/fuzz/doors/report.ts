// Door: imported report JSON, through the lab's import path (src/lab/report-schema.ts
// parseReports, which the Worker's readReports runs for the page's import, and which
// the stored-runs list, the charts and the CSV export rely on).
// Valid seeds: the magnitude and random fixture reports, alone or as an array.
// Mutations: each field removed, junk, out of range, unknown; broken JSON; an
// empty array; random text.
// Documented acceptance: a change the report schema allows (an optional field
// removed, a number still in range, an unknown extra field). The accepted
// reports must then export again: reportToCsv works and the exported JSON imports.
import { parseReports } from '../../../src/lab/report-schema.js';
import { reportJson } from '../../../src/ui/lab/report-io.js';
import { reportToCsv } from '../../../src/lab/report.js';
import type { Door, FuzzCase } from '../harness.js';
import { MAGNITUDE_REPORT, RANDOM_REPORT } from '../../ui/fixtures.js';
import { clone, mutateJson, pathFields, pathName, pick, setAt, show, type Path } from '../mutate.js';

interface ReportCase extends FuzzCase {
  text: string;
}

/** What reportToCsv reads from each entry. */
const CSV_FIELDS: Path[] = [
  ['params'], ['params', 'total'], ['params', 'nonzero'], ['flops'], ['flops', 'dense'], ['flops', 'effective'], ['timeMs'], ['timeMs', 'prune'],
  ['timeMs', 'finetune'], ['timeMs', 'evaluate'], ['compressionRatio'], ['loss'], ['targetSparsity'], ['sparsity'], ['layers', 0, 'sparsity'], ['layers', 0, 'name'],
];

const SEEDS: unknown[] = [MAGNITUDE_REPORT, RANDOM_REPORT, [MAGNITUDE_REPORT, RANDOM_REPORT]];

export const reportDoor: Door<ReportCase> = {
  name: 'report',
  fastCases: 60,
  generate(rng) {
    const r = rng.next();
    if (r < 0.08) {
      const text = pick(rng, ['', '{', '[]', 'null', '"report"', '[{}]', '{"version":1}', '[null]', '1e999', '{"__proto__":{"version":1}}']);
      return { repro: `text ${JSON.stringify(text)}`, fields: ['import.json'], text };
    }
    if (r < 0.35) {
      // A field the CSV export reads, removed or junk, in one entry.
      const v = clone(MAGNITUDE_REPORT) as unknown as Record<string, unknown>;
      const where: Path = rng.next() < 0.3 ? ['baseline'] : ['rounds', rng.int(MAGNITUDE_REPORT.rounds.length)];
      const field = pick(rng, CSV_FIELDS);
      const path = [...where, ...field];
      const remove = rng.next() < 0.6;
      const value = remove ? undefined : pick(rng, ['1', null, -1, {}, [], 'NaN']);
      setAt(v, path, value, remove);
      return { repro: `${remove ? 'remove' : 'set'} ${pathName(path)}${remove ? '' : ` = ${show(value)}`}`, fields: ['import.json', ...pathFields(path)], text: JSON.stringify(v) };
    }
    const seed = pick(rng, SEEDS);
    const m = mutateJson(rng, seed);
    const path = Array.isArray(seed) ? m.path.slice(1) : m.path;
    return { repro: `${Array.isArray(seed) ? 'array: ' : ''}${m.what}`, fields: ['import.json', ...pathFields(path)], text: m.value === undefined ? '' : JSON.stringify(m.value) };
  },
  async run(c) {
    const reports = parseReports(c.text, 'import.json');
    for (const r of reports) {
      let csv: string;
      try {
        csv = reportToCsv(r);
      } catch (e) {
        return `its CSV export throws ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      }
      const odd = /\b(undefined|NaN|null|\[object Object\])\b/.exec(csv);
      if (odd) return `its CSV export writes "${odd[1]}"`;
      parseReports(reportJson(r), 'export.json');
    }
  },
};
