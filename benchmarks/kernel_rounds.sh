#!/usr/bin/env bash
# The native kernel comparison in rounds, for a quiet moment on a shared machine: each round runs the
# CPU head lab (pool and forward against one streaming read of the map, native/dev/head_pool_cpu.c) and
# `xfer bench --kernels-only --head-classes 5,100,1000` (fused kernels, the one-pass optimizer and the depthwise backward pass vs the LibTorch op chains, one
# thread; preprocessing allocating its output and into a kept one; the cost of a new output per call) with LibTorch's
# default allocator and with THP_MEM_ALLOC_ENABLE=1 (as ./xfer runs it). Needs target/xfer.jar
# (mvn package); builds the lab in ${TMPDIR:-/tmp}. Prints the time of each round: on a VM the
# absolute times move with other tenants' memory traffic, so compare the ratios within a round.
#
#   benchmarks/kernel_rounds.sh [ROUNDS]      default 5
set -euo pipefail

rounds="${1:-5}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/xfer.jar"
build="${TMPDIR:-/tmp}/xfer-kernel-rounds"
[[ -f "$jar" ]] || { echo "kernel_rounds: $jar not found: run 'mvn -B package -DskipTests' first" >&2; exit 2; }

cmake -S "$root/native" -B "$build" -DXFER_CUDA=OFF -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" --target xfer_lab_head_cpu > /dev/null
date -u; uptime
for ((i = 1; i <= rounds; i++)); do
  echo "== round $i $(date -u +%H:%M:%S)"
  "$build/dev/xfer_lab_head_cpu" | tail -4
  THP_MEM_ALLOC_ENABLE=0 java -jar "$jar" bench --kernels-only --repeats 41 --head-classes 5,100,1000 | grep -E '^(preprocess|head|keras|depthwise|output)'
  THP_MEM_ALLOC_ENABLE=1 java -jar "$jar" bench --kernels-only --repeats 41 --head-classes 5,100,1000 | grep -E '^(preprocess|head|keras|depthwise|output)' | sed 's/^/THP /'
done
uptime
