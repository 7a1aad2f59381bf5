// Checks of the parts of a report the elements draw. Data may come from a stored or
// imported JSON file, so each element re-checks what it reads and names the field.
import type { LayerEntry, RoundEntry } from '../lab/report.js';
import { check } from '../errors.js';
import { inRange } from './prune-element.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A fraction in [0, 1]. */
export function checkFraction(v: unknown, field: string): void {
  check(inRange(v, 0, 1), field, 'a number in [0, 1]', v);
}

/** A count: an integer ≥ 0. */
export function checkCount(v: unknown, field: string): asserts v is number {
  check(typeof v === 'number' && Number.isInteger(v) && v >= 0, field, 'an integer ≥ 0', v);
}

/** An array of strings, of `length` when given. */
export function checkLabels(v: unknown, field: string, length?: number): asserts v is string[] {
  const ok = Array.isArray(v) && v.every((s) => typeof s === 'string') && (length === undefined || v.length === length);
  check(ok, field, length === undefined ? 'an array of strings' : `an array of ${length} strings`, v);
}

/** The headline metrics of a round entry. */
export function checkEntryMetrics(e: unknown, field: string): asserts e is RoundEntry {
  check(isObject(e), field, 'a round entry object', e);
  for (const k of ['sparsity', 'accuracy', 'precision', 'recall', 'macroF1'] as const) checkFraction(e[k], `${field}.${k}`);
}

/** The headline metrics of a round's lottery-ticket control (prune.control). */
export function checkControlMetrics(c: unknown, field: string): void {
  check(isObject(c), field, 'a control entry object', c);
  check(c.kind === 'reinit', `${field}.kind`, "'reinit'", c.kind);
  for (const k of ['accuracy', 'macroF1'] as const) checkFraction(c[k], `${field}.${k}`);
}

/** Per-class precision, recall and F1 of one length, and the confusion matrix if it fits. */
export function checkPerClass(e: RoundEntry, field: string): void {
  check(isObject(e.perClass), `${field}.perClass`, 'an object { precision, recall, f1 }', e.perClass);
  const n = Array.isArray(e.perClass.precision) ? e.perClass.precision.length : -1;
  for (const k of ['precision', 'recall', 'f1'] as const) {
    const a = e.perClass[k];
    check(Array.isArray(a) && a.length === n && n >= 1, `${field}.perClass.${k}`, `an array of ${n >= 1 ? n : 'one or more'} numbers (one per class)`, a);
    a.forEach((v, c) => checkFraction(v, `${field}.perClass.${k}[${c}]`));
  }
}

/** The per-layer entries of a round. */
export function checkLayers(e: RoundEntry, field: string): void {
  check(Array.isArray(e.layers), `${field}.layers`, 'an array of layer entries', e.layers);
  e.layers.forEach((l: LayerEntry, i) => {
    const f = `${field}.layers[${i}]`;
    check(isObject(l), f, 'a layer entry object', l);
    check(typeof l.name === 'string' && l.name.length > 0, `${f}.name`, 'a non-empty string', l.name);
    check(Array.isArray(l.shape) && l.shape.length > 0 && l.shape.every((d) => Number.isInteger(d) && d >= 0), `${f}.shape`, 'an array of integers ≥ 0', l.shape);
    checkCount(l.params, `${f}.params`);
    checkCount(l.nonzero, `${f}.nonzero`);
    check(l.nonzero <= l.params, `${f}.nonzero`, `at most params (${l.params})`, l.nonzero);
    checkFraction(l.sparsity, `${f}.sparsity`);
  });
}
