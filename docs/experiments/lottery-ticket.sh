#!/usr/bin/env bash
# Issue #17 run 2: lottery tickets (Frankle & Carbin 2019), LeNet-300-100 on MNIST, through the CLI.
# Iterative magnitude pruning, local: each round removes 20% of the remaining weights of fc1 and
# fc2 and 10% of fc3 (--layer-sparsity with --layer-schedule iterative: layer l reaches
# 1 − 0.8^12 or 1 − 0.9^12 after 12 rounds, 1 − 0.8^r after round r), survivors rewound to their
# initial values (--rewind 0); beside each round, the same masks on a fresh seeded init trained the
# same way (--control reinit). (--target-sparsity is the overall sparsity those ratios give; every layer has its own.) Rounds 3, 7 and 12 leave 51.3%, 21.1% and 7.0% of the weights.
# The paper's optimiser (Adam, lr 1.2e-3, batch 60). Early stopping as in the paper: the validation
# loss (all 5,000 validation images) every 50 steps, its minimum's iteration, and the test
# accuracy with the weights of that iteration (--validate-every 50).
# Reduced budget (stated in the results): each training (the dense one, every ticket and every
# control) is 1 epoch of a seeded 10,000-image subset of the 55,000 training images (--train-samples),
# 166 iterations at batch 60, against the paper's 50,000 iterations on all 55,000; test on all 10,000.
# EPOCHS (default 1) trains each of them that many epochs of the subset instead, and NAME
# (default lottery-lenet-300-100) names the report. The early-stop run (lottery-early-stop):
#   TRAIN_SAMPLES=2000 EPOCHS=5 EVERY=10 NAME=lottery-early-stop lottery-ticket.sh
# trains on 2,000 images for 5 epochs (165 iterations), so that the validation loss reaches
# its minimum inside the budget (the 10,000-image run's losses were still falling at the end).
# Run from a frozen copy of the CLI (RUNDIR). Report: $OUT/$NAME.json.
set -uo pipefail
cd "${RUNDIR:-$(dirname "$0")/../..}"
out=${OUT:-out/lottery}
name=${NAME:-lottery-lenet-300-100}
mkdir -p "$out"
t0=$(date +%s)
nice -n "${NICE:-5}" node bin/prune-lab.mjs run --model lenet-300-100 --optimizer adam --lr 0.0012 --batch 60 --seed 1 \
  --epochs "${EPOCHS:-1}" --train-samples "${TRAIN_SAMPLES:-10000}" --finetune-epochs "${EPOCHS:-1}" \
  --schedule iterative --rounds 12 --scope local --target-sparsity 0.930477 \
  --layer-sparsity fc1=0.931280523264,fc2=0.931280523264,fc3=0.717570463519 --layer-schedule iterative \
  --rewind 0 --control reinit --validate-every "${EVERY:-50}" \
  --json "$out/$name.json" > "$out/$name.log" 2>&1
echo "$name rc=$? wall=$(( $(date +%s) - t0 ))s" | tee -a "$out/walls.txt"
