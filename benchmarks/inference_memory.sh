#!/usr/bin/env bash
# Peak resident memory and wall time of CPU inference on a full-size model, in NCHW and channels-last: `xfer embed`
# with 2 images, 16 images at batch 8 and 32 images at batch 8, and `xfer predict --top-k 1` with 32 images at
# batch 16, each run once per layout and round under GNU time (`/usr/bin/time -f "%e s wall, max RSS %M kB"`).
# The model is a full-size xfer model file of Keras' Xception with random weights (1000 classes, 299 px), written
# once into a temporary folder by the benchmarks' RandomModelFile (MODEL=FILE uses an existing one); the images
# are the first PNG/JPEG files of datasets/fmnist-target in byte order of their paths (28x28 PNGs, resized to
# 299 px by the model's preprocessing).
#
# The commands run through the ./xfer launcher, as a user runs them: it sets THP_MEM_ALLOC_ENABLE=1 (LibTorch's
# huge-page allocation, which changes the resident set) unless it is exported, adds no heap options for these
# verbs (XFER_JAVA_OPTS still applies) and execs java, so GNU time measures the JVM itself. Before the timed rows,
# `xfer --version` (for the header) rebuilds target/xfer.jar if the sources are newer (the launcher's rule), and
# one untimed `xfer embed` of one image fills the channels-last self-check's cache for 299 px (the first check
# on a host takes seconds and memory that no later run pays) and warms the page cache. NCHW is `--no-channels-last`; channels-last is the CPU default (no
# flag); a row whose run fell back to NCHW after the self-check says so. Layout order alternates by round (ABBA).
#
# Prints a header (date, uptime, CPU, LibTorch, huge pages), then one line per run:
#   round  command  layout  wall_s  max_rss_MB        (MB = GNU time's kB / 1024)
# and, with more than one round, the median [min, max] of each row and layout.
# Usage: benchmarks/inference_memory.sh [ROUNDS=1]
#   ROWS    which rows, of 1 (embed 2), 2 (embed 16/8), 3 (embed 32/8), 4 (predict 32/16); default 1,2,3,4.
#           ROWS=1 is a quick check (about 10 s on 2 cores).
#   MODEL   an existing xfer model file to use instead of writing one.
#   KEEP=1  keeps the temporary folder (model file and logs); otherwise only a failing run's log is shown.
# Needs benchmarks/target/benchmarks.jar unless MODEL is given (`mvn -B -q verify -DskipTests` builds it and
# target/xfer.jar).
set -euo pipefail
ROUNDS=${1:-1}
ROWS=${ROWS:-1,2,3,4}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
xfer="$root/xfer"
bench_jar="$root/benchmarks/target/benchmarks.jar"
TIME=/usr/bin/time
if [[ ! -x $TIME ]] || ! $TIME -f "%e %M" true >/dev/null 2>&1; then
  echo "inference_memory: GNU time is missing at $TIME (it measures the peak resident set); install it with" \
    "apt-get install -y time" >&2
  exit 2
fi
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "inference_memory: ROUNDS: expected a positive integer, found $ROUNDS" >&2; exit 2; }
[[ $ROWS =~ ^[1-4](,[1-4])*$ ]] || { echo "inference_memory: ROWS: expected numbers 1-4 separated by commas, found $ROWS" >&2; exit 2; }
[[ -n ${MODEL:-} || -f $bench_jar ]] ||
  { echo "inference_memory: $bench_jar is missing; build it with: mvn -B -q verify -DskipTests" >&2; exit 2; }

work=$(mktemp -d)
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT

cpu() { grep -m1 "$1" /proc/cpuinfo | cut -d: -f2 | xargs; }
echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'); uptime:$(uptime)"
echo "# $(cpu 'model name'), CPU family $(cpu 'cpu family') model $(cpu '^model\s*:'), $(nproc) CPUs;" \
  "memory $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo);" \
  "transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)"
# the launcher builds a stale target/xfer.jar here, before anything is timed
echo "# $("$xfer" --version | paste -sd ';' | sed 's/;/; /'); THP_MEM_ALLOC_ENABLE=${THP_MEM_ALLOC_ENABLE:-1 (set by the launcher)};" \
  "XFER_JAVA_OPTS=${XFER_JAVA_OPTS:-none}"

if [[ -n ${MODEL:-} ]]; then
  model=$MODEL
  echo "# model: $model"
else
  model="$work/model.safetensors"
  java -cp "$bench_jar" dev.xfer.benchmarks.RandomModelFile out="$model" classes=1000 size=299 | sed 's/^/# model: /'
fi

mapfile -t images < <(find "$root/datasets/fmnist-target" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \) |
  LC_ALL=C sort | head -n 32)
(( ${#images[@]} == 32 )) || { echo "inference_memory: expected 32 images under datasets/fmnist-target, found ${#images[@]}" >&2; exit 2; }

# untimed: fills the self-check cache for 299 px and warms the page cache
if ! "$xfer" embed --weights "$model" --out "$work/warm-up.npy" "${images[0]}" > "$work/warm-up.log" 2>&1; then
  echo "inference_memory: the warm-up run failed:" >&2
  tail -n 20 "$work/warm-up.log" >&2
  exit 1
fi
echo "# warm-up (untimed): $(grep -m1 '^wrote' "$work/warm-up.log")"
grep -h "self-check" "$work/warm-up.log" | sed 's/^/# warm-up: /' || true  # a channels-last fallback on this host
[[ ${KEEP:-0} != 1 ]] || echo "# model file and logs kept in $work"
echo "# ${ROUNDS} round(s); rows $ROWS; images ${images[0]#"$root/"} ...; GNU time -f \"%e s wall, max RSS %M kB\""
printf '%-5s  %-40s  %-14s  %7s  %10s\n' round command layout wall_s max_rss_MB

# row N: its label and the command line after ./xfer, the verb first and the images last
row() {
  case $1 in
    1) label="embed, 2 images" args=(embed --weights "$model" --out "$work/f.npy" --batch-size 8 "${images[@]:0:2}") ;;
    2) label="embed, 16 images, batch 8" args=(embed --weights "$model" --out "$work/f.npy" --batch-size 8 "${images[@]:0:16}") ;;
    3) label="embed, 32 images, batch 8" args=(embed --weights "$model" --out "$work/f.npy" --batch-size 8 "${images[@]:0:32}") ;;
    4) label="predict --top-k 1, 32 images, batch 16" args=(predict --model "$model" --top-k 1 --batch-size 16 "${images[@]:0:32}") ;;
  esac
}

results="$work/results.tsv"  # round, row, label, layout, wall s, max RSS MB
: > "$results"
IFS=, read -r -a rows <<< "$ROWS"
for round in $(seq 1 "$ROUNDS"); do
  layouts=(nchw cl)
  (( round % 2 == 0 )) && layouts=(cl nchw)
  for r in "${rows[@]}"; do
    row "$r"
    for layout in "${layouts[@]}"; do
      flag=()
      name="channels-last"
      [[ $layout == nchw ]] && flag=(--no-channels-last) name="NCHW"
      log="$work/row$r-$layout-$round.log"
      if ! $TIME -o "$work/time.txt" -f "%e s wall, max RSS %M kB" "$xfer" "${args[0]}" "${flag[@]}" "${args[@]:1}" \
          > "$log" 2>&1; then
        echo "inference_memory: row $r ($label, $name) failed:" >&2
        tail -n 20 "$log" >&2
        exit 1
      fi
      # the self-check refused channels-last on this host: the run was NCHW
      grep -q "running NCHW instead" "$log" && name="NCHW-fallback"
      read -r wall _ _ _ _ kb _ < <(tail -n 1 "$work/time.txt")
      mb=$((kb / 1024))
      printf '%-5s  %-40s  %-14s  %7.2f  %10d\n' "$round" "$label" "$name" "$wall" "$mb"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$r" "$label" "$name" "$wall" "$mb" >> "$results"
    done
  done
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# median [min, max] of the numbers on standard input
spread() {
  sort -n | awk -v f="$1" '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
    printf f " [" f ", " f "]", m, v[1], v[NR] }'
}
if (( ROUNDS > 1 )); then
  echo "# median [min, max] over $ROUNDS rounds"
  for r in "${rows[@]}"; do
    row "$r"
    for name in NCHW channels-last NCHW-fallback; do
      sel() { awk -F'\t' -v r="$r" -v n="$name" -v c="$1" '$2 == r && $4 == n { print $c }' "$results"; }
      [[ -n $(sel 5) ]] || continue
      printf '%-40s  %-14s  %s s wall, %s MB\n' "$label" "$name" "$(sel 5 | spread %.2f)" "$(sel 6 | spread %.0f)"
    done
  done
fi
