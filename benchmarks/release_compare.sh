#!/usr/bin/env bash
# xfer's full training step (TrainStepProfile: Keras' Xception, FineTuner's own step) on two LibTorch releases, the
# same xfer classes, alternating in rounds: the release the product ships (target/lib) and an older presets
# release from the local Maven repository (default pytorch 2.10.0-1.5.13 with javacpp 1.5.13). Steady state: each
# run builds its model, takes WARMUP untimed steps and times STEPS. Prints one line per run and the medians with
# [min, max] and the new / old ratio per configuration. The old release must be in ~/.m2; fetch it once with
#   mvn dependency:get -Dartifact=org.bytedeco:pytorch:2.10.0-1.5.13:jar:linux-x86_64 -Dtransitive=false
#   mvn dependency:get -Dartifact=org.bytedeco:pytorch:2.10.0-1.5.13 -Dtransitive=false
#   mvn dependency:get -Dartifact=org.bytedeco:javacpp:1.5.13:jar:linux-x86_64 -Dtransitive=false
#   mvn dependency:get -Dartifact=org.bytedeco:javacpp:1.5.13 -Dtransitive=false
# Usage: benchmarks/release_compare.sh [ROUNDS=3] [SIZE=224] [BATCH=8] [THREADS=2]
#   OLD_PYTORCH (2.10.0-1.5.13), OLD_JAVACPP (1.5.13), WARMUP (3), STEPS (5), LAYOUTS ("cl"), PRECISIONS ("fp32 bf16").
# Needs target/classes, target/lib and benchmarks/target/classes (mvn -B verify -DskipTests). Both sides run with
# THP_MEM_ALLOC_ENABLE=1, as the ./xfer launcher does. Run it on a quiet machine.
set -euo pipefail
ROUNDS=${1:-3}
SIZE=${2:-224}
BATCH=${3:-8}
THREADS=${4:-2}
OLD_PYTORCH=${OLD_PYTORCH:-2.10.0-1.5.13}
OLD_JAVACPP=${OLD_JAVACPP:-1.5.13}
WARMUP=${WARMUP:-3}
STEPS=${STEPS:-5}
LAYOUTS=${LAYOUTS:-cl}
PRECISIONS=${PRECISIONS:-fp32 bf16}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
m2="${M2_REPO:-$HOME/.m2/repository}/org/bytedeco"
old_jars=("$m2/pytorch/$OLD_PYTORCH/pytorch-$OLD_PYTORCH.jar" "$m2/pytorch/$OLD_PYTORCH/pytorch-$OLD_PYTORCH-linux-x86_64.jar"
  "$m2/javacpp/$OLD_JAVACPP/javacpp-$OLD_JAVACPP.jar" "$m2/javacpp/$OLD_JAVACPP/javacpp-$OLD_JAVACPP-linux-x86_64.jar")
for jar in "${old_jars[@]}"; do
  [[ -f $jar ]] || { echo "release_compare: $jar is missing; fetch it with mvn dependency:get (see the header)" >&2; exit 2; }
done
[[ -d benchmarks/target/classes && -d target/lib ]] ||
  { echo "release_compare: build first: mvn -B verify -DskipTests" >&2; exit 2; }
lib=$(ls target/lib/*.jar | tr '\n' :)
new_cp="benchmarks/target/classes:target/classes:$lib"
old_cp="benchmarks/target/classes:target/classes:$(ls target/lib/*.jar | grep -vE '/(pytorch|javacpp)-[0-9]' | tr '\n' :)$(IFS=:; echo "${old_jars[*]}")"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), CPU family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# full Xception, ${SIZE} px, batch ${BATCH}, ${THREADS} threads, ${WARMUP} warm-up + ${STEPS} timed steps; new: $(ls target/lib | grep -m1 -oE 'pytorch-[0-9.]+-[0-9.]+'), old: pytorch-$OLD_PYTORCH"
raw="$cache/raw.txt"
for round in $(seq 1 "$ROUNDS"); do
  for layout in $LAYOUTS; do
    for precision in $PRECISIONS; do
      for side in new old; do
        cp=$new_cp
        [[ $side == old ]] && cp=$old_cp
        v=$(THP_MEM_ALLOC_ENABLE=1 java -Xms512m -Xmx512m -Dorg.bytedeco.javacpp.cachedir="$cache/$side" -cp "$cp" \
            dev.xfer.benchmarks.TrainStepProfile batch="$BATCH" size="$SIZE" warmup="$WARMUP" steps="$STEPS" \
            threads="$THREADS" format="$layout" precision="$precision" |
          awk -v b="$BATCH" '/^==== profile end/ { split($4, s, "="); split($5, w, "="); printf "%.3f", b * s[2] * 1000 / w[2] }')
        echo "$side $layout $precision $round ${v:-0}" | tee -a "$raw"
      done
    done
  done
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$raw" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    side, layout, precision, _, value = line.split()
    if float(value) > 0:
        runs.setdefault((layout, precision), {}).setdefault(side, []).append(float(value))
print("| layout, precision | new release, images/s | old release | new / old |")
print("|---|---:|---:|---:|")
for (layout, precision), sides in runs.items():
    new, old = sides.get("new", []), sides.get("old", [])
    cell = lambda v: f"{statistics.median(v):.2f} [{min(v):.2f}, {max(v):.2f}]" if v else "-"
    ratio = f"{statistics.median(new) / statistics.median(old):.2f}x" if new and old else "-"
    print(f"| {layout} {precision} | {cell(new)} | {cell(old)} | {ratio} |")
PY
