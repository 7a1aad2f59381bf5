// <prune-tree-diagram>: a decision tree as SVG. Leaves are squares in their class
// colour, splits are circles; a cut mask marks pruned subtrees, drawn greyed in
// place (so the shape stays put while pruning moves) or removed with `collapsed`.
// Hovering a node shows its split, samples, impurity and class counts.
import { css, html, nothing, svg, type PropertyValues, type SVGTemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { check } from '../../errors.js';
import { PruneElement } from '../prune-element.js';
import { cssomStyle } from '../cssom-style.js';
import type { DecisionTree } from '../../worker/tree-api.js';
import { classColor, emit, rgba, theme } from './theme.js';

export interface NodeHoverDetail {
  /** Node id, or null when the pointer left the tree. */
  node: number | null;
}

interface Layout {
  x: Float64Array;
  y: Float64Array;
  /** 0 = kept, 1 = a cut node (now a leaf), 2 = removed by a cut above. */
  state: Uint8Array;
  width: number;
  height: number;
}

interface ValueScale {
  lo: number;
  hi: number;
  a: number[];
  b: number[];
}

function valueScale(el: Element, t: DecisionTree): ValueScale {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of t.value) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return { lo, hi, a: rgba(classColor(el, 0)), b: rgba(classColor(el, 1)) };
}

/**
 * @fires prune-node-hover - CustomEvent<NodeHoverDetail> when the pointer enters or leaves a node.
 * @csspart svg - the drawing.
 * @csspart tooltip - the node details box.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-pruned - colour of pruned branches.
 * @cssprop --prune-class-0 - colour of class 0 (and --prune-class-1 … for the others).
 * @cssprop --prune-tree-height - maximum height before the diagram scrolls (default 420px).
 */
@customElement('prune-tree-diagram')
export class PruneTreeDiagram extends PruneElement {
  static override styles = [
    theme,
    css`
      :host { display: block; position: relative; }
      .scroll { position: relative; overflow: auto; max-height: var(--prune-tree-height, 420px); border: 1px solid var(--_border); border-radius: 6px; background: var(--_bg); }
      svg { display: block; }
      line { stroke: var(--_muted); stroke-width: 1; }
      line.pruned { stroke: var(--_pruned); stroke-dasharray: 3 3; }
      .node { cursor: default; }
      .node.pruned { opacity: 0.35; }
      .node.cut rect { stroke: var(--_fg); stroke-width: 2.5; }
      circle, rect { stroke: var(--_bg); stroke-width: 1; }
      .node.hover circle, .node.hover rect { stroke: var(--_accent); stroke-width: 3; }
      .tooltip {
        position: absolute; pointer-events: none; z-index: 1; max-width: 260px;
        background: var(--_surface); color: var(--_fg); border: 1px solid var(--_border);
        border-radius: 6px; padding: 6px 8px; font-size: 12px; line-height: 1.4; box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
      }
      .tooltip b { font-weight: 600; }
      .empty { color: var(--_muted); padding: 12px; }
    `,
  ];

  @property({ attribute: false }) tree: DecisionTree | null = null;
  /** 1 at nodes turned into leaves; null = nothing pruned. */
  @property({ attribute: false }) cut: Uint8Array | null = null;
  @property({ attribute: false }) featureNames: readonly string[] = [];
  @property({ attribute: false }) classNames: readonly string[] = [];
  /** How a split reads in the tooltip: a row goes left when x[feature] ≤ threshold (CART) or < threshold (xgboost). */
  @property({ attribute: false }) op: '≤' | '<' = '≤';
  /** Remove pruned subtrees from the drawing instead of greying them. */
  @property({ type: Boolean, reflect: true }) collapsed = false;

  @state() private hovered: number | null = null;
  private layout: Layout | null = null;
  /** Regression trees: the value range and its end colours, found at the first draw of each tree. */
  private scale: ValueScale | null = null;

  protected validate(): void {
    const t = this.tree;
    if (t === null) return;
    check(typeof t === 'object' && Number.isInteger(t.nodeCount) && t.nodeCount >= 1, 'tree', 'a DecisionTree from the tree engine', t);
    for (const k of ['left', 'right', 'parent', 'feature', 'threshold', 'impurity', 'nSamples', 'weightedNSamples', 'depth'] as const) {
      check(t[k]?.length === t.nodeCount, `tree.${k}`, `an array of nodeCount (${t.nodeCount}) entries`, t[k]);
    }
    check(this.op === '≤' || this.op === '<', 'op', "'≤' or '<'", this.op);
    check(t.value?.length === t.nodeCount * t.numClasses, 'tree.value', `nodeCount × numClasses = ${t.nodeCount * t.numClasses} counts`, t.value);
    check(this.cut === null || (this.cut instanceof Uint8Array && this.cut.length === t.nodeCount), 'cut', `null or a Uint8Array of nodeCount (${t.nodeCount})`, this.cut);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('tree') || changed.has('cut') || changed.has('collapsed')) this.layout = this.tree && this.validationMessage === null ? this.computeLayout(this.tree) : null;
    if (changed.has('tree')) this.hovered = null;
    this.scale = null;
  }

  private computeLayout(t: DecisionTree): Layout {
    const n = t.nodeCount;
    const state = new Uint8Array(n);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    // Mark what the cut removes (preorder: a parent is always seen before its children).
    const order: number[] = [];
    const stack = [0];
    while (stack.length > 0) {
      const v = stack.pop()!;
      order.push(v);
      if (t.left[v] !== -1) stack.push(t.right[v]!, t.left[v]!);
    }
    for (const v of order) {
      const p = t.parent[v]!;
      if (p >= 0 && state[p] !== 0) state[v] = 2;
      else if (this.cut?.[v] === 1 && t.left[v] !== -1) state[v] = 1;
    }
    const drawn = (v: number): boolean => !(this.collapsed && state[v] === 2);
    const isLeafHere = (v: number): boolean => t.left[v] === -1 || (this.collapsed && state[v] === 1);
    let leaves = 0;
    let maxDepth = 0;
    for (const v of order) {
      if (!drawn(v)) continue;
      if (isLeafHere(v)) leaves++;
      maxDepth = Math.max(maxDepth, t.depth[v]!);
    }
    const gap = leaves > 300 ? 8 : leaves > 60 ? 14 : 26;
    const level = 58;
    // Leaves left to right in preorder; then, children first, a split sits midway over its children.
    let next = 0;
    for (const v of order) {
      y[v] = 20 + t.depth[v]! * level;
      if (drawn(v) && isLeafHere(v)) x[v] = 16 + next++ * gap;
    }
    for (let k = order.length - 1; k >= 0; k--) {
      const v = order[k]!;
      if (drawn(v) && !isLeafHere(v)) x[v] = (x[t.left[v]!]! + x[t.right[v]!]!) / 2;
    }
    return { x, y, state, width: 32 + Math.max(0, leaves - 1) * gap, height: 40 + maxDepth * level };
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // A new tree wider than the view: start with its root in the middle.
    if (changed.has('tree') && this.layout) {
      const box = this.renderRoot.querySelector<HTMLElement>('.scroll');
      if (box) box.scrollLeft = Math.max(0, this.layout.x[0]! - box.clientWidth / 2);
    }
  }

  private onEnter(v: number): void {
    this.hovered = v;
    emit<NodeHoverDetail>(this, 'prune-node-hover', { node: v });
  }

  private onLeave(): void {
    this.hovered = null;
    emit<NodeHoverDetail>(this, 'prune-node-hover', { node: null });
  }

  /** Regression trees: the node's value on a scale from class colour 0 (lowest value in the tree) to class colour 1 (highest). */
  private valueColor(t: DecisionTree, v: number): string {
    const { lo, hi, a, b } = (this.scale ??= valueScale(this, t));
    const f = hi > lo ? (t.value[v]! - lo) / (hi - lo) : 0.5;
    const mix = (i: number): number => Math.round(a[i]! + (b[i]! - a[i]!) * f);
    return `rgb(${mix(0)} ${mix(1)} ${mix(2)})`;
  }

  private nodeShape(t: DecisionTree, v: number, L: Layout): SVGTemplateResult {
    const c = t.numClasses;
    let best = 0;
    for (let k = 1; k < c; k++) if (t.value[v * c + k]! > t.value[v * c + best]!) best = k;
    const fill = t.task === 'regression' ? this.valueColor(t, v) : classColor(this, best);
    const leafHere = t.left[v] === -1 || L.state[v] === 1;
    const cls = `node ${L.state[v] === 2 ? 'pruned' : ''} ${L.state[v] === 1 ? 'cut' : ''} ${this.hovered === v ? 'hover' : ''}`;
    const shape = leafHere
      ? svg`<rect x=${L.x[v]! - 6} y=${L.y[v]! - 6} width="12" height="12" rx="2" fill=${fill}></rect>`
      : svg`<circle cx=${L.x[v]!} cy=${L.y[v]!} r="7" fill=${fill}></circle>`;
    return svg`<g class=${cls} data-node=${v} @pointerenter=${() => this.onEnter(v)} @pointerleave=${() => this.onLeave()}>${shape}</g>`;
  }

  private tooltip(t: DecisionTree, L: Layout): unknown {
    const v = this.hovered;
    if (v === null || v >= t.nodeCount) return nothing;
    const c = t.numClasses;
    const counts = Array.from({ length: c }, (_, k) => t.value[v * c + k]!);
    let best = 0;
    counts.forEach((n, k) => (n > counts[best]! ? (best = k) : 0));
    const f = t.feature[v]!;
    const fname = this.featureNames[f] ?? `x[${f}]`;
    const cname = (k: number): string => this.classNames[k] ?? String(k);
    const status = L.state[v] === 2 ? 'pruned away' : L.state[v] === 1 ? 'cut here: now a leaf' : t.left[v] === -1 ? 'leaf' : 'split';
    const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));
    const left = Math.min(L.x[v]! + 14, Math.max(0, L.width - 200));
    return html`<div class="tooltip" part="tooltip" role="tooltip" style=${cssomStyle({ left: `${left}px`, top: `${L.y[v]! + 14}px` })}>
      <b>node ${v}</b> · depth ${t.depth[v]} · ${status}<br />
      ${t.left[v] !== -1 ? html`split: <b>${fname} ${this.op} ${t.threshold[v]!.toPrecision(4)}</b><br />` : nothing}
      samples ${t.nSamples[v]}${t.weightedNSamples[v] !== t.nSamples[v] ? ` (weight ${fmt(t.weightedNSamples[v]!)})` : ''} ·
      ${t.criterion} ${t.impurity[v]!.toFixed(4)}<br />
      ${t.task === 'regression'
        ? html`predicts <b>${t.value[v]!.toPrecision(4)}</b>`
        : html`classes: ${counts.map((n, k) => `${cname(k)} ${fmt(n)}`).join(', ')}<br />predicts <b>${cname(best)}</b>`}
    </div>`;
  }

  /** The text alternative: the grown tree, and what is left of it after the cut. */
  private summary(t: DecisionTree, state: ArrayLike<number>): string {
    let kept = 0;
    let leaves = 0;
    for (let v = 0; v < t.nodeCount; v++) {
      if (state[v] === 2) continue;
      kept++;
      if (state[v] === 1 || t.left[v] === -1) leaves++;
    }
    const cut = kept < t.nodeCount ? `; pruned to ${kept} nodes and ${leaves} leaves (the pruned branches are greyed)` : `, ${leaves} leaves, unpruned`;
    return `decision tree with ${t.nodeCount} nodes${cut}`;
  }

  protected renderValid(): unknown {
    const t = this.tree;
    const L = this.layout;
    if (!t || !L) return html`<div class="empty">No tree yet.</div>`;
    const edges: SVGTemplateResult[] = [];
    const nodes: SVGTemplateResult[] = [];
    for (let v = 0; v < t.nodeCount; v++) {
      if (this.collapsed && L.state[v] === 2) continue;
      nodes.push(this.nodeShape(t, v, L));
      const p = t.parent[v]!;
      if (p >= 0) edges.push(svg`<line class=${L.state[v] === 2 ? 'pruned' : ''} x1=${L.x[p]!} y1=${L.y[p]!} x2=${L.x[v]!} y2=${L.y[v]!}></line>`);
    }
    return html`<div class="scroll" tabindex="0" role="region" aria-label="tree diagram (scrolls; hover a node for its split and counts)">
        <svg part="svg" width=${L.width} height=${L.height} viewBox="0 0 ${L.width} ${L.height}" role="img"
          aria-label=${this.summary(t, L.state)} @pointerleave=${() => this.onLeave()}>
          <g>${edges}</g><g>${nodes}</g>
        </svg>
        ${this.tooltip(t, L)}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-tree-diagram': PruneTreeDiagram;
  }
  interface HTMLElementEventMap {
    'prune-node-hover': CustomEvent<NodeHoverDetail>;
  }
}
