// The preset demos' one piece of logic: a button that runs the page's lab once per
// preset (each preset a set of attributes), one after the other through the
// scripting API (el.run()), and a table of the final rounds side by side. The lab
// itself overlays the runs on its sparsity chart and keeps them under "Stored runs".
import '../../src/ui/lab/index.js';
import type { PruneLab } from '../../src/ui/lab/prune-lab.js';
import type { Report } from '../../src/worker/api.js';

export interface Preset {
  label: string;
  /** Attributes set on the lab for this run (others keep the page's values). */
  attrs: Record<string, string>;
}

function pct(v: number, digits = 1): string {
  return `${(v * 100).toFixed(digits)}%`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

/** Puts a "run the presets" bar and a results table before `lab`, and wires them. */
export function comparePresets(lab: PruneLab, presets: readonly Preset[], buttonText: string): void {
  const button = el('button', { textContent: buttonText });
  const status = el('output', {
    textContent: 'The presets are set below; change any control first if you like (SwiftShader needs a few minutes per run; a GPU, seconds).',
  });
  status.setAttribute('aria-live', 'polite');
  const bar = el('div', { className: 'presets' });
  bar.append(button, status);
  const table = el('table', { className: 'summary' });
  lab.before(bar, table);

  const rows: Array<[Preset, Report]> = [];
  const draw = (): void => {
    table.replaceChildren();
    if (rows.length === 0) return;
    const head = table.createTHead().insertRow();
    for (const h of ['preset', 'final sparsity', 'accuracy', 'baseline accuracy', 'macro-F1', 'nonzero params', 'FLOPs (effective)']) head.append(el('th', { textContent: h }));
    const body = table.createTBody();
    for (const [p, r] of rows) {
      const f = r.final!;
      const cells = [p.label, pct(f.sparsity), pct(f.accuracy, 2), pct(r.baseline!.accuracy, 2), f.macroF1.toFixed(4), f.params.nonzero.toLocaleString('en'), f.flops.effective.toLocaleString('en')];
      const tr = body.insertRow();
      for (const c of cells) tr.insertCell().textContent = c;
    }
  };

  button.addEventListener('click', async () => {
    button.disabled = true;
    rows.length = 0;
    draw();
    try {
      for (const [i, p] of presets.entries()) {
        for (const [k, v] of Object.entries(p.attrs)) lab.setAttribute(k, v);
        await lab.updateComplete;
        await lab.validated;
        status.value = `running ${i + 1}/${presets.length}: ${p.label}…`;
        rows.push([p, await lab.run()]);
        draw();
      }
      status.value = `done: ${presets.length} runs, overlaid on the sparsity chart and kept under "Stored runs".`;
    } catch (e) {
      status.value = `stopped: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      button.disabled = false;
    }
  });
}
