#!/usr/bin/env bash
# Re-runs the experiments of docs/transfer.md and the demo variants of docs/demo.md, in the order the documents
# give them, and prints the wall time of each command (GNU time) next to the lines that carry its figures.
# Each command's whole output goes to LOGS (default runs/reproduce-logs). The runs write under runs/, as the
# documents' commands do; the transfer section retrains runs/source5 twice (600, then 400 images per class).
#
#   docs/reproduce.sh [transfer|demo|all]        default all
#
# Needs target/xfer.jar (mvn -B package -DskipTests), Debian's dataset-fashion-mnist
# (/usr/share/datasets/fashion-mnist) and /usr/bin/time. Takes about 15-25 minutes on 2 cores; run it on a quiet
# machine when the wall times matter.
set -euo pipefail
what=${1:-all}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
FM=fashion-mnist:/usr/share/datasets/fashion-mnist
LOGS=${LOGS:-runs/reproduce-logs}
mkdir -p "$LOGS"
[[ -x /usr/bin/time ]] || { echo "reproduce: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
[[ -f target/xfer.jar ]] || { echo "reproduce: target/xfer.jar is missing (mvn -B package -DskipTests)" >&2; exit 2; }
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), CPU family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"

n=0
# run NAME PATTERN COMMAND...: runs COMMAND, prints its wall time and the output lines matching PATTERN
run() {
  local name=$1 pattern=$2
  shift 2
  n=$((n + 1))
  local log="$LOGS/$(printf '%02d' "$n")-$name.log"
  /usr/bin/time -f "%e" -o "$log.time" "$@" > "$log" 2>&1 || { echo "$name: failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
  printf '%-26s %7.1f s  (load %s)\n' "$name" "$(cat "$log.time")" "$(cut -d' ' -f1 /proc/loadavg)"
  grep -E "$pattern" "$log" | sed 's/^/    /' || true
}

transfer() {
  run pretrain-600 'test accuracy' ./xfer pretrain --out runs/source5 --per-class 600 --epochs 3 --width 0.125 \
      --middle-blocks 0 --threads 2
  run adapt-none-600 'mean ± sd' ./xfer adapt --model runs/source5/model.safetensors --target "$FM" --shift none \
      --adapt-per-class 200 --test-per-class 100 --out runs/source5-bn.safetensors --threads 2
  run adapt-invert 'mean' ./xfer adapt --model runs/source5-bn.safetensors --target "$FM" --shift invert:1 \
      --labels-per-class 10 --adapt-per-class 100 --test-per-class 100 --epochs 10 --batch-size 25 --lr 0.0003 \
      --seeds 1,2,3 --report runs/adapt-invert.md --threads 2
  run drift-noise 'declared|last 4' ./xfer drift --model runs/source5-bn.safetensors --data "$FM" \
      --stream noise:0.4 --windows 16 --window-size 100 --shift-start 4 --shift-end 11 --last 4 --seeds 1,2,3 \
      --out runs/drift-noise --threads 2
  run dae-150 'mean|margin' ./xfer pretrain-dae --data "$FM" --per-class 150 --epochs 3 --width 0.125 \
      --middle-blocks 0 --seeds 1,2,3 --compare-labels 10 --compare-test-per-class 100 --compare-epochs 20 \
      --compare-batch-size 25 --compare-lr 0.002 --out runs/dae/encoder.safetensors --threads 2
  run dae-400-1thread 'mean|margin' ./xfer pretrain-dae --data "$FM" --per-class 400 --epochs 4 --width 0.125 \
      --middle-blocks 0 --seeds 1,2,3 --compare-labels 10 --compare-test-per-class 100 --compare-epochs 20 \
      --compare-batch-size 25 --compare-lr 0.002 --out runs/dae2/encoder.safetensors --threads 1
  rm -rf runs/fm-inverted runs/fm-source runs/fm-stream runs/fm-stream-none # the generator refuses to overwrite
  python3 datasets/fmnist_folders.py target --out runs/fm-inverted --part train --per-class 200 --invert 1 > /dev/null
  python3 datasets/fmnist_folders.py target --out runs/fm-source --part test --per-class 100 > /dev/null
  python3 datasets/fmnist_folders.py stream --out runs/fm-stream --windows 14 --window-size 100 \
      --noise 0.4 --shift-start 6 --shift-end 11 > /dev/null
  python3 datasets/fmnist_folders.py stream --out runs/fm-stream-none --flat --windows 14 --window-size 100 > /dev/null
  run pretrain-400 'test accuracy' ./xfer pretrain --out runs/source5 --per-class 400 --epochs 3 --width 0.125 \
      --middle-blocks 0 --threads 2
  run adapt-none-400 'mean ± sd' ./xfer adapt --model runs/source5/model.safetensors --target "$FM" --shift none \
      --adapt-per-class 200 --test-per-class 100 --out runs/source5-bn.safetensors --threads 2
  run adapt-folder 'mean' ./xfer adapt --model runs/source5-bn.safetensors --target runs/fm-inverted \
      --source runs/fm-source --labels-per-class 10 --epochs 10 --batch-size 25 --lr 0.0003 --seeds 1,2,3 \
      --report runs/adapt-folder.md --threads 2
  run drift-folders 'declared|last 4' ./xfer drift --model runs/source5-bn.safetensors --stream folders:runs/fm-stream \
      --last 4 --seeds 1,2,3 --out runs/drift-folders --threads 2
  run drift-folders-ft 'declared|last 4' ./xfer drift --model runs/source5-bn.safetensors \
      --stream folders:runs/fm-stream --last 4 --seeds 1,2,3 --finetune-labels 50 --out runs/drift-folders-ft --threads 2
  run drift-folders-none 'declared|last 4' ./xfer drift --model runs/source5-bn.safetensors \
      --stream folders:runs/fm-stream-none --last 4 --seeds 1,2,3 --out runs/drift-folders-none --threads 2
}

demo() {
  local pattern='^test accuracy|^weights tested|^epochs to 80'
  run demo "$pattern" ./xfer demo
  run demo-nchw "$pattern" ./xfer demo --no-channels-last
  run demo-last-epoch "$pattern" ./xfer demo --last-epoch
  run demo-all-labels "$pattern" ./xfer demo --train-per-class 0 --valid-per-class 0
  run demo-keras-momentum "$pattern" ./xfer demo --bn-momentum 0.01
  run demo-nchw-last-epoch "$pattern" ./xfer demo --no-channels-last --last-epoch
  run demo-nchw-all-labels "$pattern" ./xfer demo --no-channels-last --train-per-class 0 --valid-per-class 0
  run demo-nchw-keras-momentum "$pattern" ./xfer demo --no-channels-last --bn-momentum 0.01
}

case "$what" in
  transfer) transfer ;;
  demo) demo ;;
  all) transfer; demo ;;
  *) echo "reproduce: expected transfer, demo or all, found $what" >&2; exit 2 ;;
esac
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
