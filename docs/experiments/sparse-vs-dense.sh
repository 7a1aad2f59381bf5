#!/usr/bin/env bash
# Issue #17 run 3: large-sparse against small-dense (Zhu & Gupta 2017), MNIST (55,000 / 5,000 / 10,000).
# large-sparse: LeNet-300-100 (266,200 weights) pruned to 90% (26,620 weights left) by magnitude
#   with Zhu & Gupta's gradual cubic schedule (--when during, 10 mask updates) over 2 fine-tune
#   epochs, from the 8-epoch Adam baseline BASE (criteria-iterative.sh base): 10 epochs in all.
# small-dense: a dense MLP 784-33-11-10 (26,345 weights, the same ratio of hidden widths as 300:100,
#   the nearest to 26,620) trained from scratch for the same 10 epochs, the same optimiser (Adam,
#   lr 1e-3), batch (128) and seed.
# Run from a frozen copy of the CLI (RUNDIR). Reports: $OUT/sparse-large-sparse.json, $OUT/sparse-small-dense.json.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "${RUNDIR:-$here/../..}"
out=${OUT:-out/sparse}
base=${BASE:-base.plck}
mkdir -p "$out"
cli() { local name=$1; shift; local t0; t0=$(date +%s)
  nice -n "${NICE:-5}" node bin/prune-lab.mjs run --batch 128 --seed 1 --optimizer adam --lr 1e-3 "$@" --json "$out/sparse-$name.json" > "$out/sparse-$name.log" 2>&1
  echo "sparse-$name rc=$? wall=$(( $(date +%s) - t0 ))s" | tee -a "$out/walls.txt"; }
large() { cli large-sparse --load "$base" --epochs 0 --criterion magnitude --when during --schedule gradual --rounds 10 --target-sparsity 0.9 --finetune-epochs 2; }
small() { cli small-dense --model "$here/sparse-vs-dense-mlp-33-11.json" --epochs 10 --schedule oneshot --target-sparsity 0 --finetune-epochs 0; }
for r in ${@:-large small}; do $r; done
