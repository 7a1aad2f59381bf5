// Door: imported report JSON, through the UI's import path (src/ui/lab/report-io.ts
// parseReports, which the stored-runs list, the charts and the CSV export rely on).
// Valid seeds: the magnitude and random fixture reports, alone or as an array.
// Mutations: each field removed, junk, out of range, unknown; broken JSON; an
// empty array; random text.
// Documented acceptance: a change the report schema allows (an optional field
// removed, a number still in range, an unknown extra field). The accepted
// reports must then export again: reportToCsv works and the exported JSON imports.
import { parseReports, reportJson } from '../../../src/ui/lab/report-io.js';
import { reportToCsv } from '../../../src/lab/report.js';
import type { Door, FuzzCase } from '../harness.js';
import { MAGNITUDE_REPORT, RANDOM_REPORT } from '../../ui/fixtures.js';
import { mutateJson, pathFields, pick } from '../mutate.js';

interface ReportCase extends FuzzCase {
  text: string;
}

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
    const seed = pick(rng, SEEDS);
    const m = mutateJson(rng, seed);
    const path = Array.isArray(seed) ? m.path.slice(1) : m.path;
    return { repro: `${Array.isArray(seed) ? 'array: ' : ''}${m.what}`, fields: ['import.json', ...pathFields(path)], text: m.value === undefined ? '' : JSON.stringify(m.value) };
  },
  async run(c) {
    const reports = parseReports(c.text, 'import.json');
    for (const r of reports) {
      try {
        reportToCsv(r);
      } catch (e) {
        return `its CSV export throws ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      }
      parseReports(reportJson(r), 'export.json');
    }
  },
};
