#!/usr/bin/env bash
# The full training step of Keras' Xception on the CPU, xfer against PyTorch, side by side and in steady state:
# for each round, layout (NCHW, channels-last) and precision (float32, bf16 autocast), xfer's TrainStepProfile
# (FineTuner's own step: forward, loss, backward, Keras SGD) with LibTorch's huge-page allocation on
# (THP_MEM_ALLOC_ENABLE=1) and off, then benchmarks/compare/torch_step_profile.py (the same network in torch.nn;
# Debian's PyTorch 1.13 does not read that variable) run one after the other, so all see the same machine
# state. Each run builds its model, takes WARMUP untimed steps and times STEPS steps. Prints one line per run
# and a table of medians with their [min, max] over the rounds and the xfer/PyTorch ratios, of the medians and of
# each round (huge pages on; a round's runs follow one another). Run it on a quiet
# machine: the load average is printed before and after.
# Usage: benchmarks/train_step_compare.sh [ROUNDS=3] [SIZE=224] [BATCH=8] [THREADS=2]
#   PYTHON (default /usr/bin/python3, whose torch is the baseline), OUT (default a temporary folder) for the raw
#   lines, WARMUP (3) and STEPS (5), XFER_THP (default "1 0": the THP_MEM_ALLOC_ENABLE values
#   xfer runs with; "1" alone halves xfer's share of a long run), LAYOUTS (default "nchw cl"), XFER_MALLOC and
#   TORCH_MALLOC (tcmalloc or glibc; defaults tcmalloc for xfer where installed, as the ./xfer launcher runs it, and
#   glibc for PyTorch, as Debian's python3 runs it).
# Needs benchmarks/target/benchmarks.jar (`mvn -B -q verify -DskipTests` builds it).
set -euo pipefail
ROUNDS=${1:-3}
SIZE=${2:-224}
BATCH=${3:-8}
THREADS=${4:-2}
WARMUP=${WARMUP:-3}
STEPS=${STEPS:-5}
XFER_THP=${XFER_THP:-1 0}
LAYOUTS=${LAYOUTS:-nchw cl}
PYTHON=${PYTHON:-/usr/bin/python3}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "train_step_compare: $jar is missing; build it with: mvn -B -q verify -DskipTests" >&2; exit 2; }
# Debian's python3-torch links the system BLAS; the reference one (libblas3) makes its float32 5-20x slower
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
[[ "$blas" == *openblas* || -z "$blas" ]] ||
  echo "train_step_compare: warning: the system BLAS is $blas, not OpenBLAS; install libopenblas0-pthread for a fair PyTorch baseline" >&2
tcmalloc=""
for dir in "/usr/lib/$(uname -m)-linux-gnu" "/lib/$(uname -m)-linux-gnu" /usr/lib64 /usr/lib; do
  [[ -f "$dir/libtcmalloc_minimal.so.4" ]] && { tcmalloc="$dir/libtcmalloc_minimal.so.4"; break; }
done
preload() { # the LD_PRELOAD value for an allocator setting: tcmalloc where installed, else nothing
  [[ "$1" == tcmalloc ]] && echo "$tcmalloc" || true
}
xfer_preload=$(preload "${XFER_MALLOC:-tcmalloc}")
torch_preload=$(preload "${TORCH_MALLOC:-glibc}")
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
raw="$OUT/raw.txt"
: > "$raw"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), CPU family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# full Xception, ${SIZE} px, batch ${BATCH}, ${THREADS} threads, ${WARMUP} warm-up + ${STEPS} timed steps, ${ROUNDS} rounds; raw lines: $raw"
echo "# allocator: xfer ${xfer_preload:-glibc}, PyTorch ${torch_preload:-glibc}"

# images/s from the "==== profile end steps=N wall_ms=T" line both sides print
per_second() {
  awk -v b="$BATCH" '/^==== profile end/ { split($4, s, "="); split($5, w, "="); printf "%.3f", b * s[2] * 1000 / w[2] }'
}

for round in $(seq 1 "$ROUNDS"); do
  for layout in $LAYOUTS; do
    flag=""
    [[ $layout == cl ]] && flag="--channels-last"
    for precision in fp32 bf16; do
      for thp in $XFER_THP; do
        v=$(LD_PRELOAD="$xfer_preload" THP_MEM_ALLOC_ENABLE=$thp java -Xms512m -Xmx512m -cp "$jar" dev.xfer.benchmarks.TrainStepProfile \
            batch="$BATCH" size="$SIZE" warmup="$WARMUP" steps="$STEPS" threads="$THREADS" format="$layout" \
            precision="$precision" | per_second)
        echo "xfer-thp$thp $layout $precision $round ${v:-0}" | tee -a "$raw"
      done
      v=$(LD_PRELOAD="$torch_preload" OMP_NUM_THREADS=$THREADS "$PYTHON" "$root/benchmarks/compare/torch_step_profile.py" \
          --net "full-${SIZE}-b${BATCH}" --threads "$THREADS" --precision "$precision" $flag \
          --warmup "$WARMUP" --steps "$STEPS" --ops 0 | per_second)
      echo "pytorch $layout $precision $round ${v:-0}" | tee -a "$raw"
    done
  done
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

"$PYTHON" - "$raw" <<'PY'
import statistics, sys
runs = {}  # (who, layout, precision) -> {round: images/s}
for line in open(sys.argv[1]):
    who, layout, precision, rnd, value = line.split()
    if float(value) > 0:
        runs.setdefault((who, layout, precision), {})[int(rnd)] = float(value)
def cell(values):
    return f"{statistics.median(values):.2f} [{min(values):.2f}, {max(values):.2f}]" if values else "-"
print("| layout, precision | xfer images/s, huge pages on | xfer, huge pages off | PyTorch | xfer / PyTorch, on | per round, on | xfer / PyTorch, off |")
print("|---|---:|---:|---:|---:|---|---:|")
for layout, name in (("nchw", "NCHW"), ("cl", "channels-last")):
    for precision, pname in (("fp32", "float32"), ("bf16", "bf16 autocast")):
        on, off = runs.get(("xfer-thp1", layout, precision), {}), runs.get(("xfer-thp0", layout, precision), {})
        torch = runs.get(("pytorch", layout, precision), {})
        if not (on or off or torch):
            continue
        def ratio(x):
            return f"{statistics.median(x.values()) / statistics.median(torch.values()):.2f}x" if x and torch else "-"
        rounds = ", ".join(f"{on[r] / torch[r]:.2f}" for r in sorted(on) if r in torch) or "-"
        print(f"| {name} {pname} | {cell(list(on.values()))} | {cell(list(off.values()))} | {cell(list(torch.values()))} "
              f"| {ratio(on)} | {rounds} | {ratio(off)} |")
PY
