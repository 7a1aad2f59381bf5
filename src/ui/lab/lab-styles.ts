// The look of <prune-lab>: the control bar, the progress line, and the grid of
// view cards, on the shared --prune-* theme.
import { css } from 'lit';

export const labStyles = css`
  :host { display: block; background: var(--_bg); }
  .controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; background: var(--_surface); border: 1px solid var(--_border); border-radius: 8px; padding: 10px; }
  fieldset { border: 1px solid var(--_border); border-radius: 6px; padding: 6px 8px; margin: 0; display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-start; }
  legend { font-size: 12px; color: var(--_muted); padding: 0 4px; }
  label { display: flex; flex-direction: column; font-size: 12px; color: var(--_muted); gap: 2px; max-width: 14em; }
  label.wide { flex: 1 1 20em; max-width: 32em; min-width: 0; }
  label .why { color: var(--_error); font-size: 11px; }
  input, select, button, textarea { font: inherit; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border); border-radius: 4px; padding: 3px 6px; }
  input[type='number'] { width: 7em; }
  textarea { width: 30em; max-width: 100%; box-sizing: border-box; height: 4.5em; font-family: ui-monospace, monospace; font-size: 12px; }
  [aria-invalid='true'] { border-color: var(--_error); outline: 1px solid var(--_error); }
  button { cursor: pointer; }
  button.primary { background: var(--_accent); color: var(--_on-accent); border-color: var(--_accent); padding: 4px 16px; }
  button[disabled] { opacity: 0.55; cursor: not-allowed; }
  .run { display: flex; gap: 6px; align-items: center; align-self: center; }
  .error { color: var(--_error); border: 1px solid currentColor; border-radius: 6px; padding: 8px 10px; margin: 8px 0 0; background: var(--_bg); }
  .notice { color: var(--_muted); font-size: 13px; margin: 6px 2px; min-height: 1.3em; }
  .progress { display: grid; grid-template-columns: minmax(10em, 22em) 1fr; gap: 10px; align-items: center; margin: 8px 2px; font-size: 13px; font-variant-numeric: tabular-nums; }
  progress { width: 100%; height: 10px; accent-color: var(--_accent); }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 600px), 1fr)); gap: 14px; margin-top: 10px; }
  section.view { border: 1px solid var(--_border); border-radius: 8px; padding: 8px 10px; min-width: 0; overflow-x: auto; container-type: inline-size; }
  h3 { font-size: 14px; margin: 2px 0 8px; font-weight: 600; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
  h3 small { font-weight: 400; color: var(--_muted); font-size: 12px; }
  h3 select { font-size: 12px; padding: 1px 4px; }
  .empty { color: var(--_muted); font-size: 13px; }
  table.runs { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; width: 100%; }
  table.runs th, table.runs td { padding: 3px 6px; border-bottom: 1px solid var(--_border); text-align: left; white-space: nowrap; }
  table.runs th { color: var(--_muted); font-weight: 500; }
  table.runs button { font-size: 12px; padding: 1px 6px; }
  /* The run's description and its buttons wrap; in a narrow card each run is a small block of lines. */
  table.runs td:nth-child(2), table.runs td:last-child { white-space: normal; }
  @container (max-width: 560px) {
    table.runs thead { display: none; }
    table.runs tr { display: flex; flex-wrap: wrap; gap: 2px 8px; align-items: center; padding: 4px 0; border-bottom: 1px solid var(--_border); }
    table.runs td { display: block; border: 0; padding: 0; }
    table.runs td:nth-child(2) { flex: 1 1 12em; }
  }
  .paths-box { max-width: 100%; overflow-x: auto; margin-top: 6px; }
  table.paths { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
  table.paths caption { caption-side: top; text-align: left; color: var(--_muted); font-size: 11px; padding-bottom: 2px; }
  table.paths th, table.paths td { padding: 2px 6px; border-bottom: 1px solid var(--_border); text-align: right; white-space: nowrap; }
  table.paths th:first-child, table.paths td:first-child { text-align: left; }
  table.paths th { color: var(--_muted); font-weight: 500; }
  .state { font-size: 11px; border: 1px solid var(--_border); border-radius: 3px; padding: 0 4px; }
  .state.interrupted, .state.error, .state.aborted { color: var(--_error); border-color: currentColor; }
  .state.running { color: var(--_accent); border-color: currentColor; }
  .io { display: flex; gap: 8px; align-items: center; margin-top: 8px; font-size: 13px; }
`;
