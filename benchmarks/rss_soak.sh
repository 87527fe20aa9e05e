#!/usr/bin/env bash
# Resident memory of `xfer demo`'s transfer arm (4 head epochs, then EPOCHS fine-tuning epochs), sampled
# from /proc after every epoch, as "epoch rss_mb". Stops the demo once the transfer arm is done (the scratch
# arm is not measured). Usage: [SOAK_JAVA_OPTS=...] benchmarks/rss_soak.sh [EPOCHS=30] [extra demo options...]; needs target/xfer.jar.
set -euo pipefail
EPOCHS=${1:-30}
shift || true
DIR=$(mktemp -d)
RUN="$DIR/run"
export THP_MEM_ALLOC_ENABLE=${THP_MEM_ALLOC_ENABLE:-1} # as the ./xfer launcher sets it
java ${SOAK_JAVA_OPTS:-} -jar target/xfer.jar demo --finetune-epochs "$EPOCHS" --out "$RUN" "$@" > "$DIR/demo.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
TOTAL=$((4 + EPOCHS))
last=0
echo "# epoch rss_mb (xfer demo transfer arm, log: $DIR/demo.log)"
while kill -0 "$PID" 2>/dev/null; do
  n=$(python3 -c "import json;print(len(json.load(open('$RUN/transfer/history.json'))['epochs']))" 2>/dev/null || echo 0)
  if [ "$n" != "$last" ]; then
    rss=$(awk '/VmRSS/{print $2}' "/proc/$PID/status")
    echo "$n $((rss / 1024))"
    last=$n
  fi
  [ "$n" -ge "$TOTAL" ] && break
  sleep 0.05
done
