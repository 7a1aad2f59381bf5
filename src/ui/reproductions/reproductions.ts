// <prune-reproductions>: each reproduction of the manifest (manifest.ts) as a card that
// charts our stored reports beside the paper's figures (accuracy against sparsity with the
// paper's points, per-layer sparsities, tickets against re-initialised networks,
// large-sparse against small-dense), says where and how each run was measured (from the
// report), gives a table for every chart, and loads a run's config into a <prune-lab>
// ("run again": reduced by default, the full config on request).
import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Report } from '../../worker/api.js';
import type { PruneLab } from '../lab/prune-lab.js';
import type { LabControls } from '../lab/lab-config.js';
import { check } from '../../errors.js';
import { PruneElement, inRange } from '../prune-element.js';
import { cssomStyle } from '../cssom-style.js';
import { percent, theme } from '../theme.js';
import type { SparsityCurve } from '../sparsity-chart.js';
import '../sparsity-chart.js';
import './early-stop-chart.js';
import { REPRODUCTIONS, type LotteryFigure, type Reproduction, type ReproductionRun, type RunRole } from './manifest.js';
import {
  REDUCED, accuracyPoints, entries, fetchReport, layerRows, lotteryRows, measuredOn, nearestRound, rerunControls, sizePoints, lotteryComparisons, type EarlyStop, type LoadedReport, type LotteryComparison,
} from './figures.js';

const KINDS: ReadonlyArray<Reproduction['kind']> = ['sparsity', 'lottery', 'size'];
const ROLES: readonly RunRole[] = ['ours', 'ticket', 'reinit', 'sparse', 'dense'];

/** Detail of `reproduction-load`. */
export interface ReproductionLoadDetail {
  /** The manifest entry and the run's role in it. */
  id: string;
  role: RunRole;
  /** Whether the full config was asked for (else the reduced one). */
  full: boolean;
  /** The lab controls that run it (all of them). */
  controls: LabControls;
  /** Settings of the report the lab has no control for. */
  notCarried: string[];
  /** The report's own config. */
  config: Report['config'];
}

/**
 * The reference style: a badge, a dashed chart box and lighter bars. Shared with <prune-lab>'s reference runs.
 * Only graphics are lightened: an opacity on the whole element took its text under 4.5:1 (axe, #18).
 */
export const referenceStyles = css`
  .badge { display: inline-block; font-size: 0.75em; font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase;
    color: var(--_muted); border: 1px solid var(--_border); border-radius: 999px; padding: 0 8px; margin-left: 6px; vertical-align: middle; }
  .reference::part(chart) { border-style: dashed; }
  .reference::part(fill) { opacity: 0.62; }
`;

const pp = (v: number | null, digits = 2): string => (v === null ? '–' : percent(v, digits));

/**
 * Our stored runs beside the papers' figures, one card per reproduction.
 *
 * @fires reproduction-load - CustomEvent<ReproductionLoadDetail> (cancelable): "run again" was pressed; unless cancelled, the controls are set on the lab (`lab` / `labElement`).
 * @csspart card - one reproduction (data-id: its manifest id).
 * @csspart measured - the line saying where and how a run was measured (data-role), or that it was not run yet.
 * @csspart figures - a chart's text alternative (a table).
 * @csspart run-again - the "run again" bar.
 * @csspart error - the message for an invalid manifest.
 * @cssprop --prune-bg - card background.
 * @cssprop --prune-border - card and table borders.
 * @cssprop --prune-muted - secondary text.
 * @cssprop --prune-accent - our bars and buttons.
 * @cssprop --prune-series-1 - the paper's bars and points (the charts' second series).
 */
@customElement('prune-reproductions')
export class PruneReproductions extends PruneElement {
  static override styles = [
    theme,
    referenceStyles,
    css`
      :host { display: block; }
      .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 540px), 1fr)); gap: 14px; }
      .card { border: 1px solid var(--_border); border-radius: 8px; padding: 10px 14px; background: var(--_bg); min-width: 0; overflow-wrap: anywhere; }
      h3 { margin: 0 0 4px; font-size: 1.05em; }
      .paper, .measured, .note, .status { color: var(--_muted); margin: 2px 0; font-size: 0.92em; }
      .measured strong { color: var(--_fg); font-weight: 600; }
      .not-run { color: var(--_muted); border: 1px dashed var(--_border); border-radius: 6px; padding: 10px; margin: 8px 0; }
      .failed { color: var(--_error); }
      table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; font-variant-numeric: tabular-nums; }
      caption { text-align: left; color: var(--_muted); padding-bottom: 2px; }
      th, td { border-bottom: 1px solid var(--_border); padding: 2px 8px; text-align: right; }
      th:first-child, td:first-child { text-align: left; }
      .bar { display: inline-block; vertical-align: middle; width: 90px; height: 9px; background: var(--_surface); border: 1px solid var(--_border); border-radius: 2px; margin-right: 6px; overflow: hidden; }
      .fill { display: block; height: 100%; background: var(--_accent); }
      .paper-fill { background: var(--prune-series-1, #f28e2b); }
      .scroll { max-width: 100%; overflow-x: auto; }
      ul.claims { margin: 6px 0; padding-left: 1.2em; }
      .run-again { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin-top: 8px; }
      button { font: inherit; padding: 3px 10px; border-radius: 5px; border: 1px solid var(--_accent); background: var(--_accent); color: var(--_on-accent); cursor: pointer; }
      button:disabled { opacity: 0.5; cursor: default; }
    `,
  ];

  /** The reproductions to show (default: the project's manifest, REPRODUCTIONS). */
  @property({ attribute: false }) manifest: Reproduction[] = REPRODUCTIONS;
  /** The id of the <prune-lab> (in this element's document or shadow root) that "run again" loads into. */
  @property() lab: string | null = null;
  /** The lab element itself (overrides `lab`). */
  @property({ attribute: false }) labElement: PruneLab | null = null;

  @state() private loads = new Map<string, LoadedReport | 'pending'>();
  @state() private fullCards = new Set<string>();
  @state() private status = new Map<string, string>();
  private aborter: AbortController | null = null;

  /** What each report URL gave so far ('pending' while it loads). */
  loaded(url: string): LoadedReport | 'pending' | undefined {
    return this.loads.get(url);
  }

  /** Resolves when every report of the manifest has loaded (or failed to). */
  get reportsSettled(): Promise<void> {
    return (async () => {
      while ([...this.loads.values()].includes('pending') || this.urls().some((u) => !this.loads.has(u))) {
        await new Promise((r) => setTimeout(r, 20));
        if (this.validationMessage !== null) return;
      }
      await this.updateComplete;
    })();
  }

  private urls(): string[] {
    if (!Array.isArray(this.manifest)) return [];
    return [...new Set(this.manifest.flatMap((m) => (Array.isArray(m?.runs) ? m.runs.map((r) => r?.report).filter((u): u is string => typeof u === 'string') : [])))];
  }

  protected validate(): void {
    check(Array.isArray(this.manifest), 'manifest', 'an array of reproductions', this.manifest);
    const ids = new Set<string>();
    this.manifest.forEach((m, i) => {
      const f = `manifest[${i}]`;
      check(typeof m === 'object' && m !== null, f, 'a reproduction { id, title, kind, paper, runs }', m);
      check(typeof m.id === 'string' && m.id !== '' && !ids.has(m.id), `${f}.id`, 'a non-empty id, unique in the manifest', m.id);
      ids.add(m.id);
      check(typeof m.title === 'string', `${f}.title`, 'a string', m.title);
      check(KINDS.includes(m.kind), `${f}.kind`, `one of ${KINDS.join(', ')}`, m.kind);
      check(typeof m.paper === 'object' && m.paper !== null && typeof m.paper.cite === 'string' && typeof m.paper.url === 'string', `${f}.paper`, 'an object { cite, url }', m.paper);
      check(Array.isArray(m.runs) && m.runs.length > 0, `${f}.runs`, 'a non-empty array of { role, label, report }', m.runs);
      m.runs.forEach((r, k) => {
        check(typeof r === 'object' && r !== null && ROLES.includes(r.role), `${f}.runs[${k}].role`, `one of ${ROLES.join(', ')}`, r?.role);
        check(typeof r.label === 'string', `${f}.runs[${k}].label`, 'a string', r.label);
        check(r.report === null || (typeof r.report === 'string' && r.report !== ''), `${f}.runs[${k}].report`, 'a report URL, or null (not run yet)', r.report);
      });
      (m.points ?? []).forEach((p, k) => {
        check(inRange(p?.sparsity, 0, 1) && inRange(p.error, 0, 1) && typeof p.source === 'string', `${f}.points[${k}]`, '{ sparsity, error } in [0, 1] with a source', p);
      });
      for (const [name, s] of Object.entries(m.layers ?? {})) check(inRange(s, 0, 1), `${f}.layers.${name}`, 'a sparsity in [0, 1]', s);
      const MEASURES = ['stop-vs-dense', 'accuracy-vs-dense', 'stop-reinit-vs-ticket', 'accuracy-ticket-vs-reinit'];
      (m.lottery ?? []).forEach((x, k) => {
        check(inRange(x?.remaining, 0, 1) && MEASURES.includes(x.measure) && typeof x.paper === 'number' && Number.isFinite(x.paper) && typeof x.source === 'string',
          `${f}.lottery[${k}]`, `{ remaining in [0, 1], measure (one of ${MEASURES.join(', ')}), paper, source }`, x);
      });
      check(m.claims === undefined || (Array.isArray(m.claims) && m.claims.every((c) => typeof c === 'string')), `${f}.claims`, 'an array of strings', m.claims);
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.aborter = new AbortController();
    // A reconnect starts again what the disconnect dropped.
    if ([...this.loads.values()].includes('pending')) {
      this.loads = new Map([...this.loads].filter(([, v]) => v !== 'pending'));
    }
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.aborter?.abort();
    this.aborter = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Loads start here, after validate(): the pending marks are part of this render.
    if (this.validationMessage !== null || !this.aborter) return;
    const signal = this.aborter.signal;
    const wanted = this.urls().filter((u) => !this.loads.has(u));
    if (wanted.length === 0) return;
    const next = new Map(this.loads);
    for (const u of wanted) next.set(u, 'pending');
    this.loads = next;
    for (const u of wanted) {
      void fetchReport(u, signal).then((r) => {
        if (signal.aborted) return;
        this.loads = new Map(this.loads).set(u, r);
      }, () => {});
    }
  }

  private report(run: ReproductionRun): Report | null {
    const l = run.report ? this.loads.get(run.report) : undefined;
    return l && l !== 'pending' && l.status === 'ok' ? l.report : null;
  }

  private measuredLine(run: ReproductionRun): unknown {
    const l = run.report ? this.loads.get(run.report) : undefined;
    const head = html`<strong>${run.label}</strong>`;
    if (run.report === null || (l && l !== 'pending' && l.status === 'missing')) {
      return html`<p class="measured missing" part="measured" data-role=${run.role} data-state="not-run">${head}: not run yet${l && l !== 'pending' && l.status === 'missing' ? html` (${l.why})` : nothing}.</p>`;
    }
    if (!l || l === 'pending') return html`<p class="measured" part="measured" data-role=${run.role} data-state="pending">${head}: loading its report…</p>`;
    if (l.status === 'error') return html`<p class="measured failed" part="measured" data-role=${run.role} data-state="error">${head}: ${l.why}</p>`;
    const m = measuredOn(l.report);
    return html`<p class="measured" part="measured" data-role=${run.role} data-state="ok">${head}: measured on ${m.adapter} · ${m.face} · ${m.budget} · ${m.data} · took ${m.time} · ${m.date}</p>`;
  }

  private sparsityBody(m: Reproduction, ours: ReadonlyArray<{ run: ReproductionRun; report: Report }>): unknown {
    const paperPoints = (m.points ?? []).map((p) => [p.sparsity, 1 - p.error] as [number, number]);
    const dense = (m.points ?? []).find((p) => p.sparsity === 0);
    const paperLabel = `${m.paper.cite.split(',')[0]} (paper)`;
    // Ours take colours 0, 2, 3, …: 1 is the paper's.
    const curves: SparsityCurve[] = [
      ...ours.map(({ run, report }, i) => ({ label: run.label, points: accuracyPoints(report), color: i === 0 ? 0 : i + 1, baseline: report.baseline ? [report.baseline.sparsity, report.baseline.accuracy] as [number, number] : null })),
      { label: paperLabel, points: paperPoints, color: 1, style: 'points', baseline: dense ? [0, 1 - dense.error] : null },
    ];
    const target = Math.max(...(m.points ?? []).map((p) => p.sparsity), 0);
    const near = ours.map(({ run, report }) => ({ run, entry: nearestRound(report, target) }));
    // One row per layer: ours (each run's round nearest the paper's sparsity), then the paper's.
    const names = [...new Set([...near.flatMap((n) => n.entry?.layers.map((l) => l.name) ?? []), ...Object.keys(m.layers ?? {})])];
    const bar = (v: number | null, cls: string): unknown => (v === null ? '–' : html`<span class="bar"><span class="fill ${cls}" style=${cssomStyle({ width: `${(v * 100).toFixed(1)}%` })}></span></span>${percent(v, 1)}`);
    const oursAt = near.map((n) => (n.entry ? layerRows(n.entry, m.layers) : []));
    return html`
      <prune-sparsity-chart .curves=${curves} width="520" height="240"></prune-sparsity-chart>
      <div class="scroll" tabindex="0"><table part="figures" data-figure="accuracy">
        <caption>Test accuracy against sparsity (ring: dense baseline)</caption>
        <thead><tr><th>run</th><th>sparsity</th><th>accuracy</th><th>error</th></tr></thead>
        <tbody>
          ${(m.points ?? []).map((p) => html`<tr data-series="paper"><td>paper: ${p.source}</td><td>${percent(p.sparsity, 1)}</td><td>${percent(1 - p.error, 2)}</td><td>${percent(p.error, 2)}</td></tr>`)}
          ${ours.map(({ run, report }) => entries(report).map((e) => html`<tr data-series="ours" data-run=${run.label}><td>${run.label}: ${e.round === 0 ? 'baseline' : `round ${e.round}`}</td><td>${percent(e.sparsity, 1)}</td><td>${percent(e.accuracy, 2)}</td><td>${percent(1 - e.accuracy, 2)}</td></tr>`))}
        </tbody>
      </table></div>
      ${names.length ? html`<div class="scroll" tabindex="0"><table part="figures" data-figure="layers">
        <caption>Per-layer sparsity: ${near.length ? near.map((n) => `${n.run.label} ${n.entry ? `at round ${n.entry.round} (${percent(n.entry.sparsity, 1)})` : '(no rounds)'}`).join('; ') + ', the round nearest the paper\'s sparsity' : 'ours not run yet'}${m.layersSource ? `; paper: ${m.layersSource}` : ''}</caption>
        <thead><tr><th>layer</th>${near.map((n) => html`<th>${ours.length > 1 ? n.run.label : 'ours'}</th>`)}<th>paper</th></tr></thead>
        <tbody>${names.map((name) => {
          const paper = m.layers?.[name] ?? null;
          return html`<tr data-layer=${name}><td>${name}</td>${oursAt.map((rows) => {
            const v = rows.find((r) => r.name === name)?.ours ?? null;
            return html`<td data-value=${v ?? ''}>${bar(v, '')}</td>`;
          })}<td data-value=${paper ?? ''}>${bar(paper, 'paper-fill')}</td></tr>`;
        })}</tbody>
      </table></div>` : nothing}`;
  }

  private lotteryBody(m: Reproduction): unknown {
    const ticketRun = m.runs.find((r) => r.role === 'ticket');
    const reinitRun = m.runs.find((r) => r.role === 'reinit');
    const rows = lotteryRows(ticketRun ? this.report(ticketRun) : null, reinitRun ? this.report(reinitRun) : null);
    if (rows.length === 0) return nothing;
    const curve = (label: string, pick: (r: (typeof rows)[number]) => number | null, color: number, style?: 'dashed'): SparsityCurve => ({
      label, color, ...(style ? { style } : {}), points: rows.filter((r) => pick(r) !== null).map((r) => [r.sparsity, pick(r)!] as [number, number]),
    });
    const curves = [curve(ticketRun?.label ?? 'winning ticket', (r) => r.ticket, 0), curve(reinitRun?.label ?? 're-initialised', (r) => r.reinit, 1, 'dashed')].filter((c) => c.points.length > 0);
    const stop = (v: EarlyStop | null): string => (v === null ? 'not recorded' : `${v.iteration.toLocaleString('en')}${v.accuracy === null ? '' : ` (${percent(v.accuracy, 2)})`}`);
    const stops = rows.some((r) => r.ticketStop || r.reinitStop)
      ? rows.map((r) => ({ sparsity: r.sparsity, ticket: r.ticketStop?.iteration ?? null, reinit: r.reinitStop?.iteration ?? null }))
      : null;
    return html`
      <prune-sparsity-chart .curves=${curves} width="520" height="240"></prune-sparsity-chart>
      ${stops ? html`<prune-early-stop-chart .points=${stops} width="520" height="200"></prune-early-stop-chart>` : nothing}
      <div class="scroll" tabindex="0"><table part="figures" data-figure="lottery">
        <caption>Test accuracy at the end of training, and the early-stop iteration (least validation loss) with the test accuracy there, against weights remaining</caption>
        <thead><tr><th>weights remaining</th><th>ticket</th><th>re-initialised</th><th>ticket early stop</th><th>re-initialised early stop</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr data-sparsity=${r.sparsity}><td>${percent(1 - r.sparsity, 1)}</td><td>${pp(r.ticket)}</td><td>${pp(r.reinit)}</td><td>${stop(r.ticketStop)}</td><td>${stop(r.reinitStop)}</td></tr>`)}</tbody>
      </table></div>
      ${m.lottery?.length ? this.lotteryTable(lotteryComparisons(rows, m.lottery)) : nothing}`;
  }

  private lotteryTable(list: LotteryComparison[]): unknown {
    const ratio = (f: LotteryFigure['measure']): boolean => f.startsWith('stop');
    const show = (f: LotteryFigure['measure'], v: number | null): string => (v === null ? 'not in the report' : ratio(f) ? `${v.toFixed(2)}×` : `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(2)} pp`);
    const NAMES: Record<LotteryFigure['measure'], string> = {
      'stop-vs-dense': 'early stop, ticket ÷ dense',
      'accuracy-vs-dense': 'accuracy, ticket − dense',
      'stop-reinit-vs-ticket': 'early stop, re-initialised ÷ ticket',
      'accuracy-ticket-vs-reinit': 'accuracy, ticket − re-initialised',
    };
    return html`<div class="scroll" tabindex="0"><table part="figures" data-figure="lottery-paper">
      <caption>The paper's figures against ours at the nearest round (accuracy at the early-stop iteration where recorded)</caption>
      <thead><tr><th>figure</th><th>weights remaining</th><th>paper</th><th>ours</th></tr></thead>
      <tbody>${list.map((c) => html`<tr data-measure=${c.figure.measure} data-ours=${c.ours ?? ''}>
        <td title=${c.figure.source}>${NAMES[c.figure.measure]}</td>
        <td>${percent(c.figure.remaining, 1)}${c.sparsity === null ? '' : ` (ours ${percent(1 - c.sparsity, 1)})`}</td>
        <td>${c.figure.bound === 'more than' ? '> ' : '≈ '}${show(c.figure.measure, c.figure.paper)}</td>
        <td>${show(c.figure.measure, c.ours)}</td></tr>`)}</tbody>
    </table></div>`;
  }

  private sizeBody(m: Reproduction): unknown {
    const sparseRun = m.runs.find((r) => r.role === 'sparse');
    const dense = m.runs.filter((r) => r.role === 'dense').flatMap((r) => {
      const rep = this.report(r);
      return rep ? [{ label: r.label, report: rep }] : [];
    });
    const pts = sizePoints(sparseRun ? this.report(sparseRun) : null, dense);
    if (pts.sparse.length === 0 && pts.dense.length === 0) return nothing;
    const curves: SparsityCurve[] = [
      ...(pts.sparse.length ? [{ label: sparseRun?.label ?? 'large-sparse', color: 0, points: pts.sparse.map((p) => [p.equivalentSparsity, p.accuracy] as [number, number]) }] : []),
      ...(pts.dense.length ? [{ label: 'small-dense', color: 1, style: 'dashed' as const, points: pts.dense.map((p) => [p.equivalentSparsity, p.accuracy] as [number, number]) }] : []),
    ];
    return html`
      <prune-sparsity-chart .curves=${curves} width="520" height="240"></prune-sparsity-chart>
      <div class="scroll" tabindex="0"><table part="figures" data-figure="size">
        <caption>Test accuracy against nonzero weights (x of the chart: 1 − nonzero / the large model's weights)</caption>
        <thead><tr><th>model</th><th>nonzero weights</th><th>as sparsity</th><th>accuracy</th></tr></thead>
        <tbody>
          ${pts.sparse.map((p) => html`<tr data-series="sparse"><td>large-sparse: ${p.label}</td><td>${p.nonzero.toLocaleString('en')}</td><td>${percent(p.equivalentSparsity, 1)}</td><td>${percent(p.accuracy, 2)}</td></tr>`)}
          ${pts.dense.map((p) => html`<tr data-series="dense"><td>small-dense: ${p.label}</td><td>${p.nonzero.toLocaleString('en')}</td><td>${percent(p.equivalentSparsity, 1)}</td><td>${percent(p.accuracy, 2)}</td></tr>`)}
        </tbody>
      </table></div>`;
  }

  private runAgainBar(m: Reproduction): unknown {
    const ready = m.runs.filter((r) => this.report(r) !== null);
    if (ready.length === 0) return nothing;
    const full = this.fullCards.has(m.id);
    const status = this.status.get(m.id);
    return html`<div class="run-again" part="run-again">
      ${ready.map((r) => html`<button data-action="run-again" data-role=${r.role} @click=${() => this.runAgain(m, r)}>Run ${ready.length > 1 ? `"${r.label}"` : 'it'} again in the lab</button>`)}
      <label><input type="checkbox" data-action="full" .checked=${full} @change=${(e: Event) => this.setFull(m.id, (e.target as HTMLInputElement).checked)} />
        full config</label>
      <small>${full ? 'the report\'s own rows and epochs' : `reduced: at most ${REDUCED.train.toLocaleString('en')} training / ${REDUCED.test.toLocaleString('en')} test images, ${REDUCED.epochs} dense and ${REDUCED.finetuneEpochs} fine-tune epoch${REDUCED.finetuneEpochs === 1 ? '' : 's'}`}</small>
      ${status ? html`<p class="status" role="status" data-status>${status}</p>` : nothing}
    </div>`;
  }

  private setFull(id: string, on: boolean): void {
    const next = new Set(this.fullCards);
    if (on) next.add(id);
    else next.delete(id);
    this.fullCards = next;
  }

  private targetLab(): PruneLab | null {
    if (this.labElement) return this.labElement;
    if (!this.lab) return null;
    const root = this.getRootNode() as Document | ShadowRoot;
    const el = root.getElementById?.(this.lab) ?? null;
    return el && el.localName === 'prune-lab' ? (el as PruneLab) : null;
  }

  /** Loads the config of one of `m`'s runs into the lab (reduced unless its card's "full config" is ticked); returns the detail, or null when the run has no report. */
  runAgain(m: Reproduction, run: ReproductionRun): ReproductionLoadDetail | null {
    const r = this.report(run);
    if (!r) return null;
    const full = this.fullCards.has(m.id);
    const { controls, notCarried } = rerunControls(r.config, full);
    const detail: ReproductionLoadDetail = { id: m.id, role: run.role, full, controls, notCarried, config: r.config };
    const go = this.dispatchEvent(new CustomEvent<ReproductionLoadDetail>('reproduction-load', { detail, bubbles: true, composed: true, cancelable: true }));
    const lab = go ? this.targetLab() : null;
    if (lab) Object.assign(lab, controls);
    const what = `${full ? 'full' : 'reduced'} config of "${run.label}"`;
    const missing = notCarried.length ? ` The lab has no control for ${notCarried.join(', ')}: the rerun uses its defaults there.` : '';
    this.status = new Map(this.status).set(m.id, lab ? `Loaded the ${what} into the lab: press Run.${missing}` : go ? `No lab to load the ${what} into (set lab to a <prune-lab>'s id).` : `Handed the ${what} to the page.`);
    return detail;
  }

  protected renderValid(): unknown {
    return html`<div class="cards">${this.manifest.map((m) => {
      const ours = m.runs.filter((r) => r.role === 'ours').flatMap((run) => {
        const report = this.report(run);
        return report ? [{ run, report }] : [];
      });
      const body = m.kind === 'sparsity' ? this.sparsityBody(m, ours) : m.kind === 'lottery' ? this.lotteryBody(m) : this.sizeBody(m);
      const anyRun = m.runs.some((r) => this.report(r) !== null);
      return html`<section class="card" part="card" data-id=${m.id} data-kind=${m.kind} aria-label=${m.title}>
        <h3>${m.title}</h3>
        <p class="paper">Paper: <a href=${m.paper.url} target="_blank" rel="noopener">${m.paper.cite}</a></p>
        ${m.runs.map((r) => this.measuredLine(r))}
        ${anyRun ? nothing : html`<div class="not-run" data-state="not-run">Not run yet: no stored report for this reproduction.${m.kind === 'sparsity' ? ' The paper\'s figures alone:' : ''}</div>`}
        ${body}
        ${m.claims?.length ? html`<ul class="claims" part="figures" data-figure="claims">${m.claims.map((c) => html`<li>Paper: ${c}</li>`)}</ul>` : nothing}
        ${m.note ? html`<p class="note">${m.note}</p>` : nothing}
        ${this.runAgainBar(m)}
      </section>`;
    })}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-reproductions': PruneReproductions;
  }
  interface HTMLElementEventMap {
    'reproduction-load': CustomEvent<ReproductionLoadDetail>;
  }
}
