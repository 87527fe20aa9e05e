# CUDA architectures xfer's kernels are compiled for, as data. Override with -DCMAKE_CUDA_ARCHITECTURES=...
# "-real" emits SASS only; the last entry without a suffix also embeds PTX so newer GPUs can JIT it.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
  set(XFER_CUDA_ARCHITECTURES
      80-real   # A100, A30: the common data-centre Ampere cards
      86-real   # A10, A40, RTX 30xx: Ampere workstation and inference cards
      89-real   # L4, L40S, RTX 40xx: Ada
      90        # H100, H200 (Hopper) as SASS, plus compute_90 PTX for anything newer
  )
  set(CMAKE_CUDA_ARCHITECTURES "${XFER_CUDA_ARCHITECTURES}")
endif()
