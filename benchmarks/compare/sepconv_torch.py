#!/usr/bin/env python3
"""Xception's separable convolutions in PyTorch, measured as benchmarks.jar's SeparableConvBench measures
xfer: depthwise 3x3 (padding 1, no bias) then pointwise 1x1 (no bias); one operation is one batch; the
score is the mean of timed iterations after warm-up; fwdbwd computes gradients for the input and both
weights against a fixed all-ones output gradient, gradients set to none before each pass; bf16 is CPU
autocast around the forward pass.

    python3 benchmarks/compare/sepconv_torch.py --shapes 728@14,256@55 --batch 8 --mode fwdbwd \
        --precision fp32,bf16 [--format nchw] [--threads 1] [--device cuda] [--jmh jmh.json]

On CUDA (--device cuda) each timed operation ends with torch.cuda.synchronize(); bf16 is CUDA autocast.

With --jmh (a JMH JSON result: java -jar benchmarks/target/benchmarks.jar SeparableConvBench ... -rf json
-rff jmh.json) it also prints xfer/PyTorch ratios for the configurations present in both.
"""
import argparse
import json
import platform
import statistics
import time

import torch
import torch.nn as nn


def parse_shape(name):
    size_part = name.split("@")
    io = size_part[0].split("-")
    cin = int(io[0])
    cout = int(io[1]) if len(io) > 1 else cin
    return cin, cout, int(size_part[1])


def forward_flops_per_image(cin, cout, size, op="sep"):
    pixels = size * size
    depthwise, pointwise = 2 * 9 * cin * pixels, 2 * cin * cout * pixels
    return {"sep": depthwise + pointwise, "dw": depthwise, "pw": pointwise}[op]


def bytes_per_image(cin, cout, size, batch, mode, element_bytes=4):
    """Compulsory bytes per image, as dev.xfer.bench.SeparableShape counts them: forward
    e*((3C + C')*P + W/B), forward+backward e*((8C + 2C')*P + 3W/B), W = 9C + C*C' weights."""
    pixels, weights = size * size, 9 * cin + cin * cout
    if mode == "fwd":
        return element_bytes * ((3 * cin + cout) * pixels + weights / batch)
    return element_bytes * ((8 * cin + 2 * cout) * pixels + 3 * weights / batch)


def make_step(cin, cout, size, batch, mode, fmt, precision, op="sep", device="cpu"):
    depthwise = nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False)
    pointwise = nn.Conv2d(cin, cout, 1, bias=False)
    conv = {"sep": lambda: nn.Sequential(depthwise, pointwise), "dw": lambda: depthwise, "pw": lambda: pointwise}[op]()
    memory_format = torch.channels_last if fmt == "cl" else torch.contiguous_format
    conv = conv.to(device=device, memory_format=memory_format)
    x = torch.randn(batch, cin, size, size, device=device).contiguous(memory_format=memory_format)
    bf16 = precision == "bf16"
    device_type = "cuda" if str(device).startswith("cuda") else "cpu"
    if mode == "fwd":
        def step():
            with torch.no_grad(), torch.autocast(device_type, dtype=torch.bfloat16, enabled=bf16):
                return conv(x)
        return step
    x.requires_grad_(True)
    with torch.autocast(device_type, dtype=torch.bfloat16, enabled=bf16):
        probe = conv(x)
    grad = torch.ones_like(probe)

    def step():
        conv.zero_grad(set_to_none=True)
        x.grad = None
        with torch.autocast(device_type, dtype=torch.bfloat16, enabled=bf16):
            out = conv(x)
        out.backward(grad)
        return x.grad
    return step


def measure(step, warmup_s, iterations, iteration_s, sync=None):
    """Mean batches/s over timed iterations of about iteration_s each, after warmup_s of untimed calls;
    sync (e.g. torch.cuda.synchronize) runs after every call."""
    if sync:
        inner = step

        def step():
            inner()
            sync()
    end = time.perf_counter() + warmup_s
    step()
    while time.perf_counter() < end:
        step()
    rates = []
    for _ in range(iterations):
        ops = 0
        start = time.perf_counter()
        while True:
            step()
            ops += 1
            elapsed = time.perf_counter() - start
            if elapsed >= iteration_s:
                break
        rates.append(ops / elapsed)
    return statistics.mean(rates)


def jmh_scores(path):
    """{(shape, batch, mode, format, precision, op): images/s} from a JMH JSON result of SeparableConvBench."""
    scores = {}
    with open(path) as f:
        for r in json.load(f):
            if not r["benchmark"].endswith("SeparableConvBench.separableConv"):
                continue
            p = r["params"]
            key = (p["shape"], int(p["batch"]), p["mode"], p["format"], p["precision"], p.get("op", "sep"))
            scores[key] = r["primaryMetric"]["score"] * int(p["batch"])
    return scores


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapes", default="128@109,256@55,728@28,728@14,728@19,1024-1536@7,1536-2048@7")
    ap.add_argument("--batch", default="8")
    ap.add_argument("--mode", default="fwd,fwdbwd")
    ap.add_argument("--format", default="nchw")
    ap.add_argument("--precision", default="fp32")
    ap.add_argument("--op", default="sep", help="sep (both halves), dw (depthwise only), pw (pointwise only)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of untimed warm-up per configuration")
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--iteration-time", type=float, default=2.0, help="seconds per timed iteration")
    ap.add_argument("--jmh", help="JMH JSON result of SeparableConvBench to compare against")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    capability = [line.strip() for line in torch.__config__.show().splitlines() if "CPU capability" in line]
    cuda = (f"; CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}"
            if args.device.startswith("cuda") and torch.cuda.is_available() else "")
    print(f"PyTorch {torch.__version__} (oneDNN available: {torch.backends.mkldnn.is_available()}"
          f"{'; ' + capability[0] if capability else ''}{cuda}), Python {platform.python_version()},"
          f" {torch.get_num_threads()} intra-op thread(s), {platform.processor() or platform.machine()}, device {args.device}")
    xfer = jmh_scores(args.jmh) if args.jmh else {}
    header = f"{'shape':<13}{'batch':>6} {'op':<4}{'mode':<7}{'format':<7}{'prec':<6}{'images/s':>11}{'GFLOP/s':>10}"
    header += f"{'GB/s':>8}"
    print(header + (f"{'xfer img/s':>12}{'xfer/PyTorch':>14}" if xfer else ""))
    sync = torch.cuda.synchronize if args.device.startswith("cuda") else None
    for shape in args.shapes.split(","):
        cin, cout, size = parse_shape(shape)
        for batch in (int(b) for b in args.batch.split(",")):
            for mode in args.mode.split(","):
                for fmt in args.format.split(","):
                    for precision in args.precision.split(","):
                        for op in args.op.split(","):
                            step = make_step(cin, cout, size, batch, mode, fmt, precision, op, args.device)
                            images = measure(step, args.warmup, args.iterations, args.iteration_time, sync) * batch
                            flops = forward_flops_per_image(cin, cout, size, op) * (1 if mode == "fwd" else 3)
                            traffic = (bytes_per_image(cin, cout, size, batch, mode, 2 if precision == "bf16" else 4)
                                       if op == "sep" else float("nan"))
                            line = (f"{shape:<13}{batch:>6} {op:<4}{mode:<7}{fmt:<7}{precision:<6}{images:>11.2f}"
                                    f"{images * flops / 1e9:>10.2f}{images * traffic / 1e9:>8.2f}")
                            key = (shape, batch, mode, fmt, precision, op)
                            if key in xfer:
                                line += f"{xfer[key]:>12.2f}{xfer[key] / images:>13.2f}x"
                            print(line, flush=True)


if __name__ == "__main__":
    main()
