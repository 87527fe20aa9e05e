#!/usr/bin/env bash
# One GPU machine's worth of xfer benchmarks, for a machine with a CUDA card, nvcc, CMake, Python,
# PyTorch and (ideally) timm, and no Java or Maven. Fits one 10-minute run: the sections share a deadline
# (XFER_GPU_BUDGET seconds, default 540) and each is also capped on its own with `timeout`; a section that
# fails or times out is recorded and the next one runs.
#
#   OUT=/some/folder benchmarks/gpu/run.sh           # on the GPU machine, from anywhere
#   OUT=/tmp/gpu-check benchmarks/gpu/run.sh --cpu   # dry run without a GPU: CPU build, tiny CPU sizes
#
# Sections:
# Build-time libraries: benchmarks/gpu/pack-deps.sh packs the static libjpeg-turbo and nlohmann_json into
# .gpu-deps (carry it to the machine); run.sh passes them to CMake when the folder is there.
#
#   env      nvidia-smi, nvcc, cmake, Python, torch, timm versions
#   build    cmake configure + build of native/ with CUDA (XFER_CUDA=ON; architectures XFER_GPU_ARCH,
#            default "90" = H100/H200 only, to keep the build short)
#   ctest    the native kernel tests (CPU and CUDA)
#   lab-cpu  the CPU head lab (native/dev/head_pool_cpu.c: pooling versions vs one streaming read of the map)
#   lab      the CUDA kernel lab binaries in native/dev (validate every version, then time ms | GB/s)
#   sepconv  PyTorch separable-conv baselines on CUDA: Xception's 7 shapes, batch 32, fwd and fwd+bwd,
#            NCHW and channels_last, fp32 and bf16 autocast (compare/sepconv_torch.py)
#   embed-build   native/ again with the C++ embedding library (native/embed, XFER_EMBED=ON) against this
#                 PyTorch's LibTorch (torch.utils.cmake_prefix_path), in its own build folder
#   embed-ctest   its ctests: Java parity on CPU, malformed files, the C ABI, and CUDA against CPU and Java
#                 (1e-4); the tests that make Java fixtures skip (no Java here)
#   embed-check   a full-size Xception (random weights, legacy numerics) written by compare/embed_torch.py:
#                 the C++ library's features on the device and on the CPU against PyTorch's (1e-4), and the
#                 error of its bf16 mode (informative)
#   embed-bench   images/s of preprocess + embed at 224 px, batch 32 and 128, fp32 and bf16: the C++
#                 library (xfer-embed-bench), then PyTorch's own pipeline on the same card (embed_torch.py)
#   train    a legacy-Xception train step at 224, batch 32, fp32 and bf16 autocast: timm legacy_xception
#            when timm imports, else the torch.nn Xception of compare/xception_torch.py (legacy numerics);
#            then the same with channels_last
#
# XFER_GPU_SECTIONS=embed-build,embed-ctest,... runs only the sections named (default: all).
#
# Output: $OUT/results.txt (every section's output with its exit status and seconds, then a summary),
# $OUT/<section>.log, $OUT/train-*.json. Builds go to ${TMPDIR:-/tmp}, not to $OUT.
set -u

cpu_only=0
[[ "${1:-}" == "--cpu" ]] && cpu_only=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/gpu-out}"
mkdir -p "$out"
results="$out/results.txt"
build="${TMPDIR:-/tmp}/xfer-gpu-build"
# a cache left by another checkout (or the other mode) makes cmake refuse to configure: start clean
rm -rf "$build"
python="${PYTHON:-python3}"
budget="${XFER_GPU_BUDGET:-540}"
arch="${XFER_GPU_ARCH:-90}"
jobs="$(nproc 2>/dev/null || echo 4)"
[[ -d /usr/local/cuda/bin ]] && PATH="$PATH:/usr/local/cuda/bin"
start=$SECONDS
summary=()

# section NAME CAP_SECONDS COMMAND...: runs COMMAND under timeout (CAP, or what is left of the budget
# minus a 10 s reserve), appends its output to results.txt and NAME.log, never stops the script.
section() {
  local name=$1 cap=$2
  shift 2
  if [[ -n "${XFER_GPU_SECTIONS:-}" && ",$XFER_GPU_SECTIONS," != *",$name,"* ]]; then
    summary+=("$name: not selected")
    return
  fi
  local left=$((budget - (SECONDS - start) - 10))
  ((cap > left)) && cap=$left
  if ((cap < 5)); then
    summary+=("$name: skipped (budget spent)")
    printf '\n=== %s: skipped, budget spent ===\n' "$name" >>"$results"
    return
  fi
  printf '\n=== %s (limit %d s) ===\n$ %s\n' "$name" "$cap" "$*" >>"$results"
  local t0=$SECONDS rc
  timeout --kill-after=10 "$cap" "$@" >"$out/$name.log" 2>&1
  rc=$?
  cat "$out/$name.log" >>"$results"
  local what="exit $rc"
  ((rc == 124 || rc == 137)) && what="timed out after $cap s"
  printf '=== %s: %s, %d s ===\n' "$name" "$what" $((SECONDS - t0)) >>"$results"
  summary+=("$name: $what, $((SECONDS - t0)) s")
}

{
  echo "xfer GPU benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(hostname)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "mode: $([[ $cpu_only == 1 ]] && echo 'CPU dry run (--cpu)' || echo GPU)"
} >"$results"

section env 30 bash -c "nvidia-smi || echo 'nvidia-smi: not available'
  nvcc --version || echo 'nvcc: not found'
  cmake --version | head -1
  lscpu | grep -E 'Model name|^CPU\\(s\\)' || true
  $python - <<'EOF'
import platform
import torch
print('Python', platform.python_version(), '| torch', torch.__version__, '| CUDA', torch.version.cuda,
      '| cuDNN', torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None)
print('device:', torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no CUDA device')
try:
    import timm
    print('timm', timm.__version__)
except Exception as e:
    print('timm: not importable:', e)
EOF"

# build-time libraries the machine's image may lack, packed beforehand by pack-deps.sh
deps="${XFER_GPU_DEPS:-$root/.gpu-deps}"
dep_args=()
dep_prefix=""
if [[ -f "$deps/lib/libjpeg.a" ]]; then
  dep_args=("-DXFER_JPEG_INCLUDE_DIR=$deps/include" "-DXFER_JPEG_STATIC_LIBRARY=$deps/lib/libjpeg.a")
  dep_prefix="$deps"
fi
if ((cpu_only)); then
  cuda_args=(-DXFER_CUDA=OFF)
  device=cpu
else
  cuda_args=(-DXFER_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=$arch")
  device=cuda
fi
section build 240 bash -c "cmake -S '$root/native' -B '$build' -DCMAKE_BUILD_TYPE=Release ${cuda_args[*]} ${dep_args[*]} \
  && cmake --build '$build' -j $jobs"
section ctest 90 ctest --test-dir "$build" --output-on-failure
# the CPU head lab (pooling vs one streaming read of the map) builds in both modes: the host CPU's figures
section lab-cpu 60 "$build/dev/xfer_lab_head_cpu"
if ((cpu_only)); then
  summary+=("lab: CUDA labs not built without CUDA")
else
  section lab 120 bash -c "'$build/dev/xfer_lab_preprocess'; rc1=\$?; '$build/dev/xfer_lab_head'; rc2=\$?; exit \$((rc1 | rc2))"
fi

compare="$root/benchmarks/compare"

# --- the C++ embedding library against this PyTorch's LibTorch -----------------------------------------
embed_build="${TMPDIR:-/tmp}/xfer-gpu-embed-build"
embed_model="${TMPDIR:-/tmp}/xfer-gpu-embed-model"
rm -rf "$embed_build" "$embed_model"
torch_prefix="$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)"
embed_build_cap=300
((cpu_only)) && embed_build_cap=900  # a 2-core dry-run machine compiles LibTorch C++ slowly
section embed-build "$embed_build_cap" bash -c "cmake -S '$root/native' -B '$embed_build' -DCMAKE_BUILD_TYPE=Release ${cuda_args[*]} \
  ${dep_args[*]} -DXFER_EMBED=ON -DXFER_BUILD_LAB=OFF '-DCMAKE_PREFIX_PATH=$torch_prefix;$dep_prefix' && cmake --build '$embed_build' -j $jobs"
# the tests that make Java fixtures need java and target/xfer.jar: left out (their users then skip)
section embed-ctest 120 ctest --test-dir "$embed_build" -L embed -E embed_java_fixtures -FA ".*" --output-on-failure
if ((cpu_only)); then
  embed_net=(--net compact --size 96)
  bench_args=(--device cpu --batch 2 --dtype float32 --source 128 --warmup 0 --repeats 1)
  torch_args=(--device cpu --batch 2 --precision fp32 --source 128 --warmup 0 --repeats 1 --threads "$jobs")
else
  embed_net=(--net legacy --size 224)
  bench_args=(--device cuda --batch 32,128 --dtype float32,bfloat16 --source 256 --warmup 3 --repeats 10)
  torch_args=(--device cuda --batch 32,128 --precision fp32,bf16 --source 256 --warmup 3 --repeats 10)
fi
section embed-check 120 bash -c "'$python' '$compare/embed_torch.py' write ${embed_net[*]} --batch 8 --out '$embed_model' \
  && '$embed_build/embed/xfer-embed-bench' --model '$embed_model/model.safetensors' --device $device \
       --check '$embed_model/input.npy' '$embed_model/features.npy' --tolerance 1e-4; rc1=\$? \
  ; '$embed_build/embed/xfer-embed-bench' --model '$embed_model/model.safetensors' --device cpu \
       --check '$embed_model/input.npy' '$embed_model/features.npy' --tolerance 1e-4; rc2=\$? \
  ; echo 'bf16 weights and activations (informative: the error bf16 gives, not a pass mark):' \
  ; '$embed_build/embed/xfer-embed-bench' --model '$embed_model/model.safetensors' --device $device --dtype bfloat16 \
       --check '$embed_model/input.npy' '$embed_model/features.npy' --tolerance 5e-2; exit \$((rc1 | rc2))"
section embed-bench 180 bash -c "'$embed_build/embed/xfer-embed-bench' --model '$embed_model/model.safetensors' ${bench_args[*]}; \
  rc1=\$?; '$python' '$compare/embed_torch.py' time ${embed_net[0]} ${embed_net[1]} ${embed_net[2]} ${embed_net[3]} \
  ${torch_args[*]}; rc2=\$?; exit \$((rc1 | rc2))"
if ((cpu_only)); then
  section sepconv 60 "$python" "$compare/sepconv_torch.py" --device cpu --shapes 728@14,1536-2048@7 --batch 1 \
    --mode fwd,fwdbwd --format nchw,cl --precision fp32 --warmup 0.1 --iterations 2 --iteration-time 0.1
  section train 120 "$python" "$compare/xception_torch.py" --timm --net legacy-96-b2 --device cpu \
    --precision fp32 --warmup 1 --repeats 2 --threads "$jobs" --json "$out/train-nchw.json"
else
  section sepconv 200 "$python" "$compare/sepconv_torch.py" --device cuda \
    --shapes 128@109,256@55,728@28,728@14,728@19,1024-1536@7,1536-2048@7 --batch 32 --mode fwd,fwdbwd \
    --format nchw,cl --precision fp32,bf16 --warmup 0.3 --iterations 3 --iteration-time 0.3
  section train 120 "$python" "$compare/xception_torch.py" --timm --net legacy-224-b32 --device cuda \
    --precision fp32,bf16 --warmup 5 --repeats 20 --cudnn-benchmark --json "$out/train-nchw.json"
  section train-cl 90 "$python" "$compare/xception_torch.py" --timm --net legacy-224-b32 --device cuda \
    --precision fp32,bf16 --warmup 5 --repeats 20 --cudnn-benchmark --channels-last --json "$out/train-cl.json"
fi

{
  printf '\n=== summary (%d s of %d s budget) ===\n' $((SECONDS - start)) "$budget"
  printf '%s\n' "${summary[@]}"
} >>"$results"
echo "results: $results (device: $device)"
tail -n $((${#summary[@]} + 1)) "$results"
