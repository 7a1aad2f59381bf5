#!/usr/bin/env bash
# "Which criterion wins?", iterative pruning with fine-tuning, LeNet-300-100 on full MNIST,
# through the CLI (npm run build:cli first). From one baseline (the one-shot sweep's command:
# 8 epochs, batch 128, seed 1), each criterion prunes in stages, each stage a CLI run that
# loads the previous stage's model (weights, masks, optimizer state) and saves its own:
#   stage 1: iterative, 2 rounds to 90% (68.4%, 90%), 1 fine-tune epoch after each;
#   stage 2: one round to 95%, 1 fine-tune epoch;   stage 3: one round to 98%, 1 fine-tune epoch.
# So every criterion has had 2, 3 and 4 fine-tune epochs when it reaches 90, 95 and 98%.
# Pruned weights stay pruned across stages (they count towards each new target).
# Movement is a gradual criterion (scores accumulate while fine-tuning), so it runs from the
# baseline once per target with the same fine-tune budget: 2, 3 and 4 epochs, 10 mask updates.
# N:M 2:4 (50%) gets one pruning round and 2 fine-tune epochs.
# Fine-tuning (and calibration) draw from a seeded 10,000-image subset of the 55,000 training
# images (FT_SAMPLES; --train-samples), the same subset for every run, so that the whole sweep
# fits in one background job on this machine; the baseline was trained on all 55,000.
# Every run is evaluated on the 10,000 test images.
# Results: docs/results/criteria-iterative-lenet-300-100.json (docs/experiments/collect-iterative.mjs).
# Usage: criteria-iterative.sh [base|stream-a|stream-b|all]
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-out/criteria-iter}
mkdir -p "$out"
cli() { local name=$1; shift; local t0; t0=$(date +%s)
  nice -n "${NICE:-2}" node bin/prune-lab.mjs run --model lenet-300-100 --batch 128 --seed 1 --epochs 0 --train-samples "${FT_SAMPLES:-10000}" "$@" --json "$out/$name.json" > "$out/$name.log" 2>&1
  echo "$name rc=$? wall=$(( $(date +%s) - t0 ))s" | tee -a "$out/walls.txt"; }
base() {
  [ -f "$out/base.plck" ] || nice -n "${NICE:-2}" node bin/prune-lab.mjs run --model lenet-300-100 --epochs 8 --batch 128 --seed 1 \
    --schedule oneshot --target-sparsity 0 --finetune-epochs 0 --save "$out/base.plck" --json "$out/base.json" > "$out/base.log" 2>&1
}
# One stage of a criterion: 1 → 90% (2 rounds), 2 → 95%, 3 → 98% (one round each), 1 fine-tune epoch a round.
stage() { local k=$1 n=$2; shift 2
  case $k in
    1) cli "iter-$n-0.9" --load "$out/base.plck" "$@" --schedule iterative --rounds 2 --target-sparsity 0.9 --finetune-epochs 1 --save "$out/iter-$n-0.9.plck" ;;
    2) cli "iter-$n-0.95" --load "$out/iter-$n-0.9.plck" "$@" --schedule oneshot --target-sparsity 0.95 --finetune-epochs 1 --save "$out/iter-$n-0.95.plck" ;;
    3) cli "iter-$n-0.98" --load "$out/iter-$n-0.95.plck" "$@" --schedule oneshot --target-sparsity 0.98 --finetune-epochs 1 ;;
  esac
}
movement() { local s=$1 e=$2
  cli "iter-movement-$s" --load "$out/base.plck" --criterion movement --when during --schedule gradual --rounds 10 --target-sparsity "$s" --finetune-epochs "$e"; }
nm() { local c=$1; cli "iter-$c-2of4" --load "$out/base.plck" --criterion "$c" --nm 2:4 --finetune-epochs 2; }
# Stage-major, so that a cut-off run still has every criterion at 90% first.
stream() { local k; for k in 1 2 3; do for c in "$@"; do stage "$k" "$c" --criterion "$c"; done; [ "$k" = 1 ] && extras_$STREAM; done; }
extras_a() { movement 0.9 2; nm magnitude; nm wanda; }
extras_b() { nm sparsegpt; }
stream_a() { STREAM=a stream magnitude lamp taylor wanda; movement 0.95 3; }
stream_b() { STREAM=b stream sparsegpt snip synflow random; movement 0.98 4; }
case ${1:-all} in
  base) base ;;
  stream-a) stream_a ;;
  stream-b) stream_b ;;
  all) base; stream_a; stream_b ;;
esac
