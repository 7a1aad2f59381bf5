#!/usr/bin/env bash
# Runs `prune-lab info` and `prune-lab bench` on a lent GPU machine, from the
# .gpu/ folder that scripts/device/pack.sh builds (it copies this file to
# .gpu/run.sh). Needs nothing else from the checkout: no node, npm or
# node_modules there. Device call: run { command: 'bash .gpu/run.sh',
# carry: ['.gpu'], timeout_s: 540 }. See docs/device.md.
#
# Writes to $OUT (default ./device-out), at most 7 files:
#   setup.log                      machine, loader and adapter probing
#   info.json                      `prune-lab info --json` of the adapter used
#   bench-lenet-300-100.{json,log} `bench --model lenet-300-100`
#   bench-lenet-5.{json,log}       `bench --model lenet-5 --sparsities 0.5,0.9,0.95`
#   han-lenet-5.{json,log}         issue #17 run 4: Han et al.'s LeNet-5 recipe on full MNIST
#   lottery-lenet-300-100.{json,log} issue #17 run 2 at a longer budget than this machine allows
#   summary.txt                    each step's exit code and seconds
# (9 files: the device returns at most 8, so STEPS picks what one call runs.)
# Every step has a timeout and the whole script stops starting work after
# TOTAL_S seconds (default 480), so it ends inside a 540 s call even if a step
# hangs. A failed step does not stop the next; the exit code is 1 if any failed.
#
# Env switches (defaults are the device run):
#   DEVICE_LOCAL_TEST=1   no dpkg/ldconfig; Chromium's SwiftShader ICD and loader
#                         (/usr/lib/chromium) instead of the GPU; CPU adapters accepted
#   BENCH_EXTRA="..."     extra flags appended to each bench (later flags win),
#                         e.g. "--sparsities 0.95 --train-samples 300" to shorten
#   DEVICE_ACCEPT_CPU=1   take a CPU adapter (SwiftShader, llvmpipe) as found (default: only
#                         with DEVICE_LOCAL_TEST=1); for testing the device path without a GPU
#   PRUNE_LAB_NO_FALLBACK default 1: the CLI fails rather than fall back to SwiftShader
#   STEPS                 default "bench1 bench5": which of bench1 (bench lenet-300-100),
#                         bench5 (bench lenet-5), han5 and lottery run, in that order.
#                         A reproduction call: STEPS="han5 lottery" TOTAL_S=560, timeout_s 600
#   HAN5_EXTRA, LOTTERY_EXTRA  flags added to the han5 / lottery runs, ones they do not give
#                         already (the CLI refuses a flag given twice), e.g. "--train-samples 300
#                         --test-samples 200" to shorten a local test
#   HAN5_EPOCHS, HAN5_FT  default 12 and 3: han5's baseline and per-round fine-tune epochs
#   LOTTERY_EPOCHS        default 5: epochs of every lottery training (the paper's 50,000
#                         iterations at batch 60 are 55 epochs, 25 trainings: no call fits them)
#   LOTTERY_ROUNDS, LOTTERY_EVERY  default 12 and 100: its rounds and validation interval
#   TOTAL_S, T_PROBE, T_BENCH1, T_BENCH2, T_HAN5, T_LOTTERY   time limits in seconds
#   DEVICE_WORK           where node and the app are unpacked (default /tmp/prune-lab-device)
set -uo pipefail

GPU_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-./device-out}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
WORK=${DEVICE_WORK:-/tmp/prune-lab-device}
LOCAL=${DEVICE_LOCAL_TEST:-0}
ACCEPT_CPU=${DEVICE_ACCEPT_CPU:-$LOCAL}
BENCH_EXTRA=${BENCH_EXTRA:-}
TOTAL_S=${TOTAL_S:-480}
T_PROBE=${T_PROBE:-40}
T_BENCH1=${T_BENCH1:-200}
T_BENCH2=${T_BENCH2:-220}
T_HAN5=${T_HAN5:-300}
T_LOTTERY=${T_LOTTERY:-240}
STEPS=" ${STEPS:-bench1 bench5} "
HAN5_EXTRA=${HAN5_EXTRA:-}
LOTTERY_EXTRA=${LOTTERY_EXTRA:-}
HAN5_EPOCHS=${HAN5_EPOCHS:-12}
HAN5_FT=${HAN5_FT:-3}
LOTTERY_EPOCHS=${LOTTERY_EPOCHS:-5}
LOTTERY_ROUNDS=${LOTTERY_ROUNDS:-12}
LOTTERY_EVERY=${LOTTERY_EVERY:-100}
export PRUNE_LAB_NO_FALLBACK=${PRUNE_LAB_NO_FALLBACK:-1}

SETUP_LOG=$OUT/setup.log
SUMMARY=$OUT/summary.txt
: > "$SETUP_LOG"
: > "$SUMMARY"
T0=$(date +%s)
failed=0

log() { echo "[$(date +%T) +$(( $(date +%s) - T0 ))s] $*" | tee -a "$SETUP_LOG"; }
# A step's timeout: its own cap, cut to what is left of TOTAL_S (at least 5 s).
cap() { local left=$(( TOTAL_S - ($(date +%s) - T0) )); (( left < 5 )) && left=5; (( $1 < left )) && echo "$1" || echo "$left"; }
# summary NAME RC SECONDS [NOTE]
summary() { printf '%-22s rc=%-4s %5ss  %s\n' "$1" "$2" "$3" "${4:-}" | tee -a "$SUMMARY"; (( $2 == 0 )) || failed=1; }
# Decompresses an .xz file with xz, or Python's lzma where xz is missing.
unxz_to() {
  if command -v xz >/dev/null; then xz -dc "$1" > "$2"
  elif command -v python3 >/dev/null; then python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"
  else echo "no xz and no python3 to decompress $1" >&2; return 1; fi
}

# ---- setup ---------------------------------------------------------------
log "run.sh: GPU_DIR=$GPU_DIR OUT=$OUT WORK=$WORK LOCAL=$LOCAL ACCEPT_CPU=$ACCEPT_CPU BENCH_EXTRA='$BENCH_EXTRA' TOTAL_S=$TOTAL_S"
{
  echo "uname: $(uname -srm)"; echo "nproc: $(nproc)"
  grep -m1 PRETTY_NAME /etc/os-release 2>/dev/null
  ldd --version 2>/dev/null | head -1
  command -v nvidia-smi >/dev/null && timeout 20 nvidia-smi -L
} >> "$SETUP_LOG" 2>&1
s=$(date +%s); rc=0
if [[ $LOCAL == 1 ]]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  log "local test: SwiftShader ($VK_ICD_FILENAMES), LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
else
  if ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
    log "system Vulkan loader present: $(ldconfig -p | grep 'libvulkan\.so\.1 ' | head -1 | sed 's/^[[:space:]]*//')"
  else
    for f in "$GPU_DIR"/debs/*.deb; do
      if command -v dpkg >/dev/null; then dpkg -x "$f" / || rc=1
      else ar p "$f" data.tar.xz | tar -xJ -C / || rc=1; fi
      log "unpacked $(basename "$f") into / (rc=$rc)"
    done
    ldconfig || rc=1
    log "after unpacking: $(ldconfig -p | grep 'libvulkan\.so\.1 ' | head -1 | sed 's/^[[:space:]]*//')"
  fi
  # The driver's own folder (CUDA images mount it at /usr/local/nvidia).
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [[ -d $d ]] && export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d
  done
  log "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  { echo "Vulkan ICD files:"; ls -l /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>&1; } >> "$SETUP_LOG"
fi
rm -rf "$WORK" && mkdir -p "$WORK" || rc=1
NODE=$WORK/node
unxz_to "$GPU_DIR/node.xz" "$NODE" && chmod +x "$NODE" || rc=1
cp -r "$GPU_DIR/app" "$WORK/app" || rc=1
DAWN=$WORK/app/node_modules/webgpu/dist/linux-x64/dawn.node
unxz_to "$DAWN.xz" "$DAWN" && rm -f "$DAWN.xz" || rc=1
CLI=$WORK/app/bin/prune-lab.mjs
log "node: $("$NODE" --version 2>&1)"
# dawn.node needs glibc >= 2.34 and libstdc++ with GLIBCXX_3.4.30 (GCC 12+): a load failure shows here.
"$NODE" -e 'import(process.argv[1]).then(() => console.log("webgpu (dawn.node) loads"), (e) => { console.log("webgpu does not load: " + e.message); process.exit(1); })' \
  "$WORK/app/node_modules/webgpu/index.js" >> "$SETUP_LOG" 2>&1 || rc=1
summary setup "$rc" $(( $(date +%s) - s ))

# ---- adapter -------------------------------------------------------------
# probe TAG: info --json into $WORK/info-TAG.json; 0 when it gives an adapter we take
# (on the device: not a CPU one such as SwiftShader, llvmpipe or lavapipe).
probe() {
  local t; t=$(cap "$T_PROBE")
  echo "--- probe $1: prune-lab info --adapter list" >> "$SETUP_LOG"
  timeout -k 5 "$(cap 20)" "$NODE" "$CLI" info --adapter list >> "$SETUP_LOG" 2>&1
  echo "--- probe $1: prune-lab info --json (timeout $t s)" >> "$SETUP_LOG"
  timeout -k 5 "$t" "$NODE" "$CLI" info --json > "$WORK/info-$1.json" 2>> "$SETUP_LOG"
  local prc=$?
  echo "--- probe $1: rc=$prc" >> "$SETUP_LOG"
  (( prc == 0 )) || return "$prc"
  "$NODE" -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const a = r.adapter, d = [a.vendor, a.architecture, a.device, a.description].join(" / ");
    const cpu = a.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software/i.test(d);
    console.log(`adapter: ${d}${cpu ? " (a CPU adapter)" : ""}`);
    process.exit(cpu && process.argv[2] !== "1" ? 1 : 0);
  ' "$WORK/info-$1.json" "$ACCEPT_CPU" 2>&1 | tee -a "$SETUP_LOG"
  return "${PIPESTATUS[0]}"
}
s=$(date +%s)
probe plain; rc=$?
if (( rc != 0 )) && [[ $LOCAL != 1 ]]; then
  icd=
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    [[ -f $f ]] && { icd=$f; break; }
  done
  icd=${icd:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
  export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
  log "no GPU adapter (rc=$rc); retrying with VK_DRIVER_FILES=VK_ICD_FILENAMES=$icd"
  { cat "$icd"; echo; } >> "$SETUP_LOG" 2>&1
  probe nvidia-icd; rc=$?
  if (( rc != 0 )); then
    log "still none (rc=$rc); the Vulkan loader's own messages:"
    VK_LOADER_DEBUG=error,warn timeout -k 5 "$(cap 20)" "$NODE" "$CLI" info >> "$SETUP_LOG" 2>&1
  fi
fi
info=$(ls -t "$WORK"/info-*.json 2>/dev/null | head -1)
[[ -n $info ]] && cp "$info" "$OUT/info.json"
summary info "$rc" $(( $(date +%s) - s )) "$(grep '^adapter: ' "$SETUP_LOG" | tail -1)"
log "env for the benches: VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-} VK_DRIVER_FILES=${VK_DRIVER_FILES:-} PRUNE_LAB_NO_FALLBACK=$PRUNE_LAB_NO_FALLBACK"

# ---- benches -------------------------------------------------------------
IDX=(--train-images "$GPU_DIR/mnist/train-images-idx3-ubyte.gz" --train-labels "$GPU_DIR/mnist/train-labels-idx1-ubyte.gz"
     --test-images "$GPU_DIR/mnist/t10k-images-idx3-ubyte.gz" --test-labels "$GPU_DIR/mnist/t10k-labels-idx1-ubyte.gz")
# bench MODEL CAP [FLAGS...]
bench() {
  local model=$1 t; t=$(cap "$2"); shift 2
  local s; s=$(date +%s)
  # shellcheck disable=SC2086  # BENCH_EXTRA is a list of flags
  local cmd=("$NODE" "$CLI" bench --model "$model" "$@" "${IDX[@]}" $BENCH_EXTRA --json "$OUT/bench-$model.json")
  { echo "\$ timeout $t ${cmd[*]}"; echo; } > "$OUT/bench-$model.log"
  timeout -k 10 "$t" "${cmd[@]}" 2>&1 | tee -a "$OUT/bench-$model.log"
  local brc=${PIPESTATUS[0]}
  (( brc == 124 || brc == 137 )) && echo "run.sh: timed out after $t s" | tee -a "$OUT/bench-$model.log"
  summary "bench $model" "$brc" $(( $(date +%s) - s )) "timeout $t s"
}
[[ $STEPS == *" bench1 "* ]] && bench lenet-300-100 "$T_BENCH1"
[[ $STEPS == *" bench5 "* ]] && bench lenet-5 "$T_BENCH2" --sparsities 0.5,0.9,0.95

# ---- reproductions (issue #17) -------------------------------------------
# repro NAME CAP EXTRA [FLAGS...]: `prune-lab run` with the IDX flags and --json. At its cap
# it gets SIGINT, on which the CLI writes the report so far (status 'aborted') and exits 130.
repro() {
  local name=$1 t; t=$(cap "$2"); local extra=$3; shift 3
  local s; s=$(date +%s)
  # shellcheck disable=SC2086  # the EXTRA variables are lists of flags
  local cmd=("$NODE" "$CLI" run "$@" "${IDX[@]}" $extra --json "$OUT/$name.json")
  { echo "\$ timeout -s INT $t ${cmd[*]}"; echo; } > "$OUT/$name.log"
  timeout -s INT -k 20 "$t" "${cmd[@]}" >> "$OUT/$name.log" 2>&1
  local rrc=$?
  (( rrc == 130 || rrc == 124 )) && echo "run.sh: stopped at its cap of $t s; the report holds the rounds done" | tee -a "$OUT/$name.log"
  summary "$name" "$rrc" $(( $(date +%s) - s )) "cap $t s"
}
# Run 4: Han et al. 2015's LeNet-5 (Caffe's: conv 20, conv 50, fc 500, fc 10). A 12-epoch Adam
# baseline with a cosine rate, then Han's per-layer targets (Table 3: conv1 34%, conv2 88%,
# fc1 92%, fc2 81% removed; 91.6% in all) reached over 3 rounds, 3 cosine fine-tune epochs each:
# the schedule of han-lenet-300-100.sh's h3 on the conv net.
[[ $STEPS == *" han5 "* ]] && repro han-lenet-5 "$T_HAN5" "$HAN5_EXTRA" --model lenet-5 --batch 128 --seed 1 \
  --epochs "$HAN5_EPOCHS" --optimizer adam --lr 1e-3 --lr-schedule cosine:1e-5 \
  --schedule iterative --rounds 3 --scope local --target-sparsity 0.9157 \
  --layer-sparsity conv1=0.34,conv2=0.88,fc1=0.92,fc2=0.81 --layer-schedule iterative --finetune-epochs "$HAN5_FT"
# Run 2 as docs/experiments/lottery-ticket.sh, on all 55,000 training images for LOTTERY_EPOCHS
# epochs per training (that script's reduced budget is 1 epoch of 10,000).
[[ $STEPS == *" lottery "* ]] && repro lottery-lenet-300-100 "$T_LOTTERY" "$LOTTERY_EXTRA" --model lenet-300-100 \
  --optimizer adam --lr 0.0012 --batch 60 --seed 1 --epochs "$LOTTERY_EPOCHS" --finetune-epochs "$LOTTERY_EPOCHS" \
  --schedule iterative --rounds "$LOTTERY_ROUNDS" --scope local --target-sparsity 0.930477 \
  --layer-sparsity fc1=0.931280523264,fc2=0.931280523264,fc3=0.717570463519 --layer-schedule iterative \
  --rewind 0 --control reinit --validate-every "$LOTTERY_EVERY"

summary total "$failed" $(( $(date +%s) - T0 ))
exit "$failed"
