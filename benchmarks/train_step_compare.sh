#!/usr/bin/env bash
# The full training step of Keras' Xception on the CPU, xfer against PyTorch, side by side: for each round and
# each memory layout (NCHW, channels-last), xfer's AmpBench (FineTuner's own step: forward, loss, backward, Keras
# SGD; float32 and bf16 autocast alternated) and then benchmarks/compare/xception_torch.py (the same network in
# torch.nn, float32 and bf16 autocast) run one after the other, so both see the same machine state. Prints one
# line per measurement and a table of medians with their [min, max] over the rounds and the xfer/PyTorch ratios.
# Run it on a quiet machine: the load average is printed before and after.
# Usage: benchmarks/train_step_compare.sh [ROUNDS=3] [SIZE=224] [BATCH=8] [THREADS=2]
#   PYTHON (default /usr/bin/python3, whose torch is the baseline), OUT (default a temporary folder) for the raw lines.
# Needs benchmarks/target/benchmarks.jar (`mvn -B -q package -DskipTests` builds it).
set -euo pipefail
ROUNDS=${1:-3}
SIZE=${2:-224}
BATCH=${3:-8}
THREADS=${4:-2}
PYTHON=${PYTHON:-/usr/bin/python3}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "train_step_compare: $jar is missing; build it with: mvn -B -q package -DskipTests" >&2; exit 2; }
[[ "$SIZE" == 224 ]] || { echo "train_step_compare: AmpBench's full network runs at 224 px; SIZE must be 224 (found $SIZE)" >&2; exit 2; }
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
raw="$OUT/raw.txt"
: > "$raw"
export THP_MEM_ALLOC_ENABLE=${THP_MEM_ALLOC_ENABLE:-1} # as the ./xfer launcher sets it
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), CPU family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# full Xception, ${SIZE} px, batch ${BATCH}, ${THREADS} threads, ${ROUNDS} rounds; raw lines: $raw"
for round in $(seq 1 "$ROUNDS"); do
  for layout in nchw cl; do
    flag=""; [[ $layout == cl ]] && flag="--channels-last"
    java -Xms512m -Xmx512m -cp "$jar" dev.xfer.benchmarks.AmpBench nets=full batch="$BATCH" steps=2 rounds=1 \
        threads="$THREADS" format="$layout" 2>&1 |
      awk -v r="$round" -v l="$layout" '$1 == "full" && $3 ~ /^[0-9.]+$/ {
        p = ($2 == "float32") ? "fp32" : $2; print "xfer", l, p, r, $3 }' | tee -a "$raw"
    OMP_NUM_THREADS=$THREADS "$PYTHON" "$root/benchmarks/compare/xception_torch.py" --net "full-${SIZE}-b${BATCH}" \
        --threads "$THREADS" --precision fp32,bf16 $flag --warmup 1 --repeats 3 2>&1 |
      awk -v r="$round" -v l="$layout" '/^train step/ { for (i = 1; i <= NF; i++) if ($i == "images/s") v = $(i - 1);
        p = ($0 ~ / bf16/) ? "bf16" : "fp32"; print "pytorch", l, p, r, v }' | tee -a "$raw"
  done
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" - "$raw" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, layout, precision, _, value = line.split()
    runs.setdefault((who, layout, precision), []).append(float(value))
def cell(values):
    return f"{statistics.median(values):.2f} [{min(values):.2f}, {max(values):.2f}]" if values else "-"
print("| layout, precision | xfer images/s, median [min, max] | PyTorch images/s | xfer / PyTorch (medians) |")
print("|---|---:|---:|---:|")
for layout, name in (("nchw", "NCHW"), ("cl", "channels-last")):
    for precision, pname in (("fp32", "float32"), ("bf16", "bf16 autocast")):
        x, t = runs.get(("xfer", layout, precision), []), runs.get(("pytorch", layout, precision), [])
        ratio = f"{statistics.median(x) / statistics.median(t):.2f}x" if x and t else "-"
        print(f"| {name} {pname} | {cell(x)} | {cell(t)} | {ratio} |")
EOF
