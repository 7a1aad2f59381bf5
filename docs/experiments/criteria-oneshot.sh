#!/usr/bin/env bash
# "Which criterion wins?", one-shot with no fine-tuning, LeNet-300-100 on full MNIST,
# through the CLI (npm run build:cli first). One baseline is trained and saved, then
# every criterion prunes a copy of it at 50–95% (and 2:4) and is evaluated on the
# 10,000 test images. Results: docs/results/criteria-oneshot-lenet-300-100.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-out/criteria-oneshot}
mkdir -p "$out"
cli() { nice node bin/prune-lab.mjs run "$@"; }
cli --model lenet-300-100 --epochs 8 --batch 128 --seed 1 --schedule oneshot --target-sparsity 0 \
  --finetune-epochs 0 --save "$out/base.plck" --json "$out/base.json"
prune() { local name=$1; shift; cli --load "$out/base.plck" --epochs 0 --finetune-epochs 0 --schedule oneshot --seed 1 "$@" --json "$out/oneshot-$name.json"; }
for s in 0.5 0.7 0.8 0.9 0.95; do
  for c in magnitude random lamp taylor snip synflow wanda sparsegpt; do prune "$c-$s" --criterion "$c" --target-sparsity "$s"; done
  prune "magnitudelocal-$s" --criterion magnitude --scope local --target-sparsity "$s"
done
for c in magnitude wanda sparsegpt; do prune "$c-2of4" --criterion "$c" --nm 2:4; done
