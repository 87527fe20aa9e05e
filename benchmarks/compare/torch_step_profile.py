#!/usr/bin/env python3
"""PyTorch side of the per-primitive training-step profile: the Xception training step of
xception_torch.py (same network, loss, SGD), with marker lines on standard output around the profiled
steps so that a oneDNN verbose log (ONEDNN_VERBOSE=1 / DNNL_VERBOSE=1) can be cut to them
(onednn_profile.py), then, after the end marker, one more step under torch.autograd.profiler for
op-level times (BatchNorm, ReLU, optimizer, oneDNN-backed ops alike).

    ONEDNN_VERBOSE=1 python3 benchmarks/compare/torch_step_profile.py --net full-224-b8 --threads 2 \
        --precision bf16 --channels-last > torch_cl_bf16.log
    python3 benchmarks/compare/onednn_profile.py torch_cl_bf16.log
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xception_torch as xt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--net", default="full-224-b8")
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--ops", type=int, default=30, help="rows of the autograd profiler table (0: no profiler step)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    kind, size, batch = xt.parse_net(args.net)
    print(xt.describe_torch(), flush=True)
    model, _ = xt.build_model(kind)
    step = xt.make_train_step(model, size, batch, "cpu", args.precision, args.channels_last)
    for _ in range(args.warmup):
        step()
    print("==== profile begin", flush=True)
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    print(f"==== profile end steps={args.steps} wall_ms={(time.perf_counter() - start) * 1e3:.1f}", flush=True)
    if args.ops > 0:
        with torch.autograd.profiler.profile() as prof:
            step()
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=args.ops), flush=True)


if __name__ == "__main__":
    main()
