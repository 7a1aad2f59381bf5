// Progress of a run on stderr (stdout carries only results): on a TTY one bar
// line redrawn in place (round, phase, epoch, step, loss, ETA); otherwise plain
// lines, one when the round, phase or epoch changes and at most one every few
// seconds in between, so that logs stay short.
import type { LabProgress } from '../lab/run.js';
import type { RoundEntry } from '../lab/report.js';

const PHASE: Record<LabProgress['phase'], string> = { train: 'train', prune: 'prune', finetune: 'fine-tune', evaluate: 'evaluate' };
const BAR_MS = 100;
const PLAIN_MS = 10_000;

export function formatEta(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--:--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function where(p: LabProgress): string {
  const round = p.round === 0 ? 'baseline' : `round ${p.round}/${p.rounds}`;
  const parts = [round, PHASE[p.phase]];
  if (p.phase === 'train' || p.phase === 'finetune') {
    if (p.epochs > 0) parts.push(`epoch ${p.epoch + 1}/${p.epochs}`);
  }
  return parts.join(' ');
}

function stepText(p: LabProgress): string {
  return `step ${String(p.step).padStart(String(p.stepsPerEpoch).length)}/${p.stepsPerEpoch}`;
}

function lossText(p: LabProgress): string {
  return Number.isFinite(p.loss) ? `loss ${p.loss.toFixed(4)}` : 'loss —';
}

export function roundLine(e: RoundEntry): string {
  const label = e.round === 0 ? 'baseline' : `round ${e.round}`;
  return `${label}: sparsity ${e.sparsity.toFixed(4)}, accuracy ${(100 * e.accuracy).toFixed(2)}%, macro-F1 ${e.macroF1.toFixed(4)}`;
}

export interface Progress {
  onProgress(p: LabProgress): void;
  onRound(e: RoundEntry): void;
  /** A line of its own (a note or a warning), not lost under the bar. */
  note(text: string): void;
  end(): void;
}

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function createProgress(out: Out, tty: boolean = out.isTTY === true): Progress {
  let lastDraw = 0;
  let lastKey = '';
  let barShown = false;
  const clear = (): void => {
    if (barShown) out.write('\r\x1b[2K');
    barShown = false;
  };
  const line = (text: string): void => {
    clear();
    out.write(`${text}\n`);
  };

  const bar = (p: LabProgress): void => {
    const now = performance.now();
    if (now - lastDraw < BAR_MS && p.step !== p.stepsPerEpoch) return;
    lastDraw = now;
    const training = p.phase === 'train' || p.phase === 'finetune';
    const head = where(p);
    const tail = training ? `${stepText(p)}  ${lossText(p)}  ETA ${formatEta(p.etaMs)}` : `ETA ${formatEta(p.etaMs)}`;
    // A pty may report 0 columns (e.g. under `script`): assume a common width then.
    const cols = out.columns !== undefined && out.columns >= 40 ? out.columns : 100;
    const room = cols - head.length - tail.length - 6;
    let meter = '';
    if (training && room >= 10) {
      const w = Math.min(30, room);
      const filled = p.stepsPerEpoch > 0 ? Math.round((w * p.step) / p.stepsPerEpoch) : 0;
      meter = ` [${'#'.repeat(filled)}${'-'.repeat(w - filled)}]`;
    }
    out.write(`\r\x1b[2K${`${head}${meter}  ${tail}`.slice(0, cols - 1)}`);
    barShown = true;
  };

  let endSeen = '';
  const plain = (p: LabProgress): void => {
    const key = `${p.round}|${p.phase}|${p.epoch}`;
    const now = performance.now();
    // An epoch's last step is reported twice: when submitted (with the loss of the
    // readback before) and once its own readback lands. Print the second only.
    const epochEnd = p.stepsPerEpoch > 0 && p.step === p.stepsPerEpoch;
    if (epochEnd && endSeen !== key) {
      endSeen = key;
      return;
    }
    if (key === lastKey && now - lastDraw < PLAIN_MS && !epochEnd) return;
    lastKey = key;
    lastDraw = now;
    const training = p.phase === 'train' || p.phase === 'finetune';
    line(`${where(p)}${training ? `  ${stepText(p)}  ${lossText(p)}` : ''}  ETA ${formatEta(p.etaMs)}`);
  };

  return {
    onProgress: tty ? bar : plain,
    onRound: (e) => line(roundLine(e)),
    note: line,
    end: clear,
  };
}
