#!/usr/bin/env bash
# Resident memory of `xfer demo`'s transfer arm (4 head epochs, then EPOCHS fine-tuning epochs), run through the
# ./xfer launcher as a user runs it. /proc is sampled every 50 ms; each epoch prints one line
#   epoch  rss_at_end_mb  lowest_mb  highest_mb
# (lowest and highest over the samples taken while that epoch ran). The demo is stopped once the transfer arm
# is done (the scratch arm is not measured). The last lines compare the highest RSS of the last five epochs with
# that of fine-tuning epochs 3-7 (the first epochs after warm-up) and fit a slope to the per-epoch highs from
# fine-tuning epoch 3 on.
# Usage: [XFER_JAVA_OPTS=...] benchmarks/rss_soak.sh [EPOCHS=30] [extra demo options...]
set -euo pipefail
EPOCHS=${1:-30}
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR=$(mktemp -d)
RUN="$DIR/run"
"$root/xfer" demo --finetune-epochs "$EPOCHS" --out "$RUN" "$@" > "$DIR/demo.log" 2>&1 &
LAUNCHER=$!
trap 'kill $LAUNCHER 2>/dev/null || true' EXIT
HEAD_EPOCHS=4
TOTAL=$((HEAD_EPOCHS + EPOCHS))
echo "# epoch rss_at_end_mb lowest_mb highest_mb (xfer demo transfer arm, log: $DIR/demo.log)"
rss_mb() { awk '/VmRSS/{print int($2 / 1024)}' "/proc/$LAUNCHER/status" 2>/dev/null || echo 0; }
last=0 low=999999 high=0
while kill -0 "$LAUNCHER" 2>/dev/null; do
  rss=$(rss_mb)
  (( rss > 0 && rss < low )) && low=$rss
  (( rss > high )) && high=$rss
  # epochs done: history.csv's rows after its header (a python3 per sample would load the machine it measures)
  rows=$( { wc -l < "$RUN/transfer/history.csv"; } 2>/dev/null || echo 1)
  n=$((rows > 0 ? rows - 1 : 0))
  if [ "$n" != "$last" ]; then
    echo "$n $rss $low $high"
    last=$n low=999999 high=0
  fi
  [ "$n" -ge "$TOTAL" ] && break
  sleep 0.05
done | tee "$DIR/rss.txt"
python3 - "$DIR/rss.txt" "$HEAD_EPOCHS" <<'EOF'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l[0].isdigit()]
start = int(sys.argv[2]) + 3  # fine-tuning epoch 3
highs = {e: hi for e, _, _, hi in rows if hi > 0}
window = [highs[e] for e in highs if start <= e < start + 5]
tail = [highs[e] for e in sorted(highs)[-5:]]
if not window or len(highs) < 10:
    sys.exit("soak: too few epochs recorded to compare")
base, end = max(window), max(tail)
xs = [e for e in sorted(highs) if e >= start]
ys = [highs[e] for e in xs]
mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
print(f"# highest RSS, fine-tuning epochs 3-7: {base} MB; last five epochs: {end} MB; growth {100 * (end - base) / base:+.1f}%")
print(f"# fitted slope of the per-epoch highs from fine-tuning epoch 3: {slope:+.2f} MB/epoch ({100 * slope * len(xs) / base:+.1f}% over {len(xs)} epochs)")
EOF
