#!/usr/bin/env python3
"""The ceiling of the CPU training step: how many images/s the convolutions alone would allow.

Counts the multiply-adds of the training step of Keras' Xception (the torch.nn network of xception_torch.py,
layer for layer xfer's) by convolution kind, and measures on this machine the throughput of a large matrix
product and of the 1x1 convolutions at the network's own shapes (channels-last, forward), float32 and bf16,
with the given number of threads. The training step does three passes of convolution work (forward,
backward-data, weight gradient; the first convolution needs no input gradient), so

    ceiling images/s = measured 1x1 GFLOP/s / training GFLOP per image

is what a step would reach if every convolution ran as fast as the network's own 1x1 forward and nothing
else (BatchNorm, ReLU, pooling, casts, optimizer) took any time. Given a measured step rate (--step-ips),
it prints the share of that ceiling the step reaches.

    python3 benchmarks/compare/roofline.py --size 224 --threads 2 [--step-ips fp32=5.29,bf16=9.48]
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import xception_torch


def conv_work(size):
    """{kind: forward MACs per image}, and the list of distinct 1x1 shapes (cin, cout, h, w) with counts."""
    model = xception_torch.build_model("full")[0].eval()
    macs = {"stem 3x3": 0, "depthwise 3x3": 0, "pointwise 1x1": 0, "skip 1x1 s2": 0}
    shapes = {}
    first = {}

    def hook(mod, inp, out):
        k = mod.kernel_size[0] * mod.kernel_size[1]
        n = out.numel() * k * (mod.in_channels // mod.groups)
        if mod.groups > 1:
            kind = "depthwise 3x3"
        elif k > 1:
            kind = "stem 3x3"
            first.setdefault("macs", n)
        elif mod.stride[0] > 1:
            kind = "skip 1x1 s2"
        else:
            kind = "pointwise 1x1"
            key = (mod.in_channels, mod.out_channels, out.shape[2], out.shape[3])
            shapes[key] = shapes.get(key, 0) + 1
        macs[kind] += n

    for mod in model.modules():
        if isinstance(mod, nn.Conv2d):
            mod.register_forward_hook(hook)
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    return macs, shapes, first["macs"]


def median_seconds(fn, repeats):
    for _ in range(2):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--step-ips", default="", help="measured training-step images/s, e.g. fp32=5.29,bf16=9.48")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    macs, shapes, first_conv = conv_work(args.size)
    forward = sum(macs.values())
    train_flop = 2 * (3 * forward - first_conv)  # no input gradient for the first convolution
    print(f"# torch {torch.__version__}, {args.threads} threads, Xception {args.size} px, batch {args.batch}")
    for kind, n in macs.items():
        print(f"forward GMAC per image, {kind}: {n / 1e9:.3f} ({100 * n / forward:.1f}%)")
    print(f"training-step GFLOP per image: {train_flop / 1e9:.2f}")
    measured = {}
    for name, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        a = torch.randn(2048, 2048).to(dtype)
        b = torch.randn(2048, 2048).to(dtype)
        gemm = 2 * 2048 ** 3 / median_seconds(lambda: torch.mm(a, b), 10) / 1e9
        flop = seconds = 0.0
        for (cin, cout, h, w), count in shapes.items():
            x = torch.randn(args.batch, cin, h, w).to(dtype).contiguous(memory_format=torch.channels_last)
            wt = torch.randn(cout, cin, 1, 1).to(dtype).contiguous(memory_format=torch.channels_last)
            t = median_seconds(lambda: F.conv2d(x, wt), 5)
            flop += count * 2 * args.batch * h * w * cin * cout
            seconds += count * t
        conv = flop / seconds / 1e9
        measured[name] = conv
        ceiling = conv * 1e9 / train_flop
        print(f"{name}: matrix product 2048^3 {gemm:.0f} GFLOP/s; the network's 1x1 convolutions (forward, "
              f"channels-last, batch {args.batch}) {conv:.0f} GFLOP/s; ceiling {ceiling:.2f} images/s")
    for item in filter(None, args.step_ips.split(",")):
        name, ips = item.split("=")
        ceiling = measured[name] * 1e9 / train_flop
        print(f"{name}: a step at {float(ips):.2f} images/s reaches {100 * float(ips) / ceiling:.0f}% of the ceiling; "
              f"1.2x of it would need {120 * float(ips) / ceiling:.0f}%")


if __name__ == "__main__":
    main()
