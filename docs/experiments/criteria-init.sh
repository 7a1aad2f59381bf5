#!/usr/bin/env bash
# At initialization: prune the seeded init, then train the sparse net (2 epochs, a reduced
# budget), LeNet-300-100 on full MNIST, through the CLI (npm run build:cli first). Run
# `criteria-init.sh a` and `criteria-init.sh b` side by side (one per core).
# Results: docs/results/criteria-init-lenet-300-100.json.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p out
run() { local name=$1; shift; local t0=$(date +%s); nice node bin/prune-lab.mjs run --model lenet-300-100 --epochs 2 --batch 128 --seed 1 "$@" --json out/init-$name.json > out/init-$name.log 2>&1; echo "$name rc=$? wall=$(( $(date +%s) - t0 ))s"; }
case $1 in
  a) run dense --schedule oneshot --target-sparsity 0 --finetune-epochs 0
     for c in snip synflow; do run $c-0.9 --when init --criterion $c --target-sparsity 0.9; done
     run magnitude-0.98 --when init --criterion magnitude --target-sparsity 0.98
     run random-0.98 --when init --criterion random --target-sparsity 0.98 ;;
  b) for c in random magnitude; do run $c-0.9 --when init --criterion $c --target-sparsity 0.9; done
     for c in snip synflow; do run $c-0.98 --when init --criterion $c --target-sparsity 0.98; done ;;
esac
