// The fuzz suite's long mode (scripts/fuzz.mjs): the browser doors of test/fuzz with
// window.__FUZZ = { cases, seed, report } from FUZZ_CASES / FUZZ_SEED, each door's
// summary POSTed to /__fuzz/summary and appended as a JSON line to FUZZ_OUT.
import { appendFileSync } from 'node:fs';
import base from './web-test-runner.config.mjs';

const cases = Number(process.env.FUZZ_CASES ?? 100);
const seed = Number(process.env.FUZZ_SEED ?? 1);
const out = process.env.FUZZ_OUT;
const doors = process.env.FUZZ_DOORS ? process.env.FUZZ_DOORS.split(',') : undefined;

function summaries() {
  return async (ctx, next) => {
    if (ctx.path !== '/__fuzz/summary' || ctx.method !== 'POST') return next();
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    if (out) appendFileSync(out, `${JSON.stringify(JSON.parse(body))}\n`);
    ctx.status = 204;
  };
}

export default {
  ...base,
  files: ['test/fuzz/**/*.test.ts'],
  testsFinishTimeout: 6 * 3600 * 1000,
  testFramework: { config: { timeout: 0 } },
  middleware: [...base.middleware, summaries()],
  testRunnerHtml: (testFramework) => `<!doctype html><html><body>
    <script>window.__FUZZ = ${JSON.stringify({ cases, seed, report: true, ...(doors ? { doors } : {}) })};</script>
    <script type="module" src="${testFramework}"></script>
  </body></html>`,
};
