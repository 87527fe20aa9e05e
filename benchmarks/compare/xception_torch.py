#!/usr/bin/env python3
"""Xception training step in PyTorch, the baseline for xfer's train-step figures (`xfer bench`,
TrainStepBench). The network is built here in plain torch.nn, layer for layer as xfer's
dev.xfer.model.Xception builds it (same block table, width multiplier, middle-block count, BatchNorm
eps/momentum and max-pool padding convention), or taken from timm (`--timm`, legacy_xception) where
timm is installed.

One step = zero_grad (set to none), forward under optional bf16 autocast, cross-entropy on float32
logits, backward, SGD with momentum 0.9 (lr 1e-3), all layers trainable, BatchNorm in training mode, on a
fixed random batch. The score is the median of timed steps after warm-up steps, synchronising the
device after each step (as xfer bench's Stopwatch).

    python3 benchmarks/compare/xception_torch.py --net compact-96-b8 --threads 1
    python3 benchmarks/compare/xception_torch.py --net full-224-b32 --device cuda --precision fp32,bf16 --timm

Networks (NAME-SIZE-bBATCH): compact = XceptionConfig(0.25, 1, 5, KERAS) (xfer's demo backbone), full =
Keras' Xception (width 1, 8 middle blocks, Keras numerics), legacy = the same architecture with timm's
numerics (BN eps 1e-5, momentum 0.1, symmetric max-pool padding); all with 5 classes.
"""
import argparse
import json
import math
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# name -> (width multiplier, middle blocks, BN eps, BN momentum (PyTorch convention), TF 'same' max-pools)
NETS = {
    "compact": (0.25, 1, 1e-3, 0.01, True),
    "full": (1.0, 8, 1e-3, 0.01, True),
    "legacy": (1.0, 8, 1e-5, 0.1, False),
}


def scaled(channels, width):
    """xfer's XceptionConfig.channels: scaled to a multiple of 8 (Java's round half up), at least 8."""
    return channels if width == 1.0 else max(8, int(math.floor(channels * width / 8.0 + 0.5)) * 8)


class SeparableConv(nn.Module):
    """Depthwise 3x3 (padding 1) then pointwise 1x1, no bias, nothing in between."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.pointwise(self.conv1(x))


class MaxPool3x3s2(nn.Module):
    """3x3 stride-2 max-pool: TF 'same' (extra -inf row/column after when needed) or symmetric padding 1."""

    def __init__(self, same):
        super().__init__()
        self.same = same

    def forward(self, x):
        if not self.same:
            return F.max_pool2d(x, 3, 2, padding=1)
        pads = []
        for n in (x.shape[3], x.shape[2]):
            out = (n + 1) // 2
            total = max((out - 1) * 2 + 3 - n, 0)
            pads += [total // 2, total - total // 2]
        return F.max_pool2d(F.pad(x, pads, value=float("-inf")), 3, 2)


class Block(nn.Module):
    """reps x [ReLU, SeparableConv, BN] (the first ReLU optional), a max-pool when strided, and a shortcut
    (identity, or 1x1 strided conv + BN on the block's input)."""

    def __init__(self, cin, cout, reps, stride, start_with_relu, grow_first, bn):
        super().__init__()
        layers = []
        for r in range(reps):
            widen = r == 0 if grow_first else r == reps - 1
            c_in = (cin if r == 0 else cout) if grow_first else cin
            c_out = cout if widen else c_in
            if r > 0 or start_with_relu:
                layers.append(nn.ReLU())
            layers += [SeparableConv(c_in, c_out), bn(c_out)]
        self.rep = nn.Sequential(*layers)
        self.pool = MaxPool3x3s2(bn.same) if stride != 1 else None
        if cin != cout or stride != 1:
            self.skip = nn.Conv2d(cin, cout, 1, stride=stride, bias=False)
            self.skipbn = bn(cout)
        else:
            self.skip = None

    def forward(self, inp):
        x = self.rep(inp)
        if self.pool is not None:
            x = self.pool(x)
        return x + (inp if self.skip is None else self.skipbn(self.skip(inp)))


class Xception(nn.Module):
    """Entry flow (stem, 3 downsampling blocks), middle flow (identity blocks), exit flow, GAP, fc."""

    def __init__(self, width=1.0, middle_blocks=8, num_classes=5, bn_eps=1e-3, bn_momentum=0.01, same_pool=True):
        super().__init__()

        def bn(c):
            return nn.BatchNorm2d(c, eps=bn_eps, momentum=bn_momentum)
        bn.same = same_pool
        c = {n: scaled(n, width) for n in (32, 64, 128, 256, 728, 1024, 1536, 2048)}
        self.conv1 = nn.Conv2d(3, c[32], 3, stride=2, bias=False)
        self.bn1 = bn(c[32])
        self.conv2 = nn.Conv2d(c[32], c[64], 3, bias=False)
        self.bn2 = bn(c[64])
        specs = [(c[64], c[128], 2, 2, False, True), (c[128], c[256], 2, 2, True, True),
                 (c[256], c[728], 2, 2, True, True)]
        specs += [(c[728], c[728], 3, 1, True, True)] * middle_blocks
        specs += [(c[728], c[1024], 2, 2, True, False)]
        self.blocks = nn.Sequential(*[Block(*s, bn=bn) for s in specs])
        self.conv3 = SeparableConv(c[1024], c[1536])
        self.bn3 = bn(c[1536])
        self.conv4 = SeparableConv(c[1536], c[2048])
        self.bn4 = bn(c[2048])
        self.fc = nn.Linear(c[2048], num_classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = self.blocks(x)
        x = F.relu(self.bn3(self.conv3(x)))
        x = F.relu(self.bn4(self.conv4(x)))
        return self.fc(x.mean((2, 3)))


def parse_net(name):
    parts = name.split("-")
    if len(parts) != 3 or parts[0] not in NETS or not parts[2].startswith("b"):
        raise SystemExit(f"--net: expected compact|full|legacy-SIZE-bBATCH (e.g. compact-96-b8), found {name}")
    return parts[0], int(parts[1]), int(parts[2][1:])


def build_model(kind, use_timm=False, num_classes=5):
    """(model, description): ours from NETS, or timm's legacy_xception when use_timm and timm imports."""
    if use_timm:
        try:
            import timm
            return (timm.create_model("legacy_xception", pretrained=False, num_classes=num_classes),
                    f"timm {timm.__version__} legacy_xception")
        except Exception as e:  # missing, or a version without legacy_xception
            print(f"timm legacy_xception unavailable ({type(e).__name__}: {e}); using the torch.nn Xception here",
                  file=sys.stderr)
    width, middle, eps, momentum, same = NETS[kind]
    return Xception(width, middle, num_classes, eps, momentum, same), f"torch.nn Xception ({kind})"


def make_train_step(model, size, batch, device="cpu", precision="fp32", channels_last=False, seed=11):
    """A closure running one training step on a fixed random batch; returns the loss tensor."""
    torch.manual_seed(seed)
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(device=device, memory_format=memory_format).train()
    images = torch.randn(batch, 3, size, size, device=device).contiguous(memory_format=memory_format)
    labels = torch.randint(0, 5, (batch,), device=device)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    bf16 = precision == "bf16"
    device_type = "cuda" if str(device).startswith("cuda") else "cpu"

    def step():
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device_type, dtype=torch.bfloat16, enabled=bf16):
            logits = model(images)
        loss = F.cross_entropy(logits.float(), labels)
        loss.backward()
        optimizer.step()
        return loss
    return step


def median_ms(fn, warmup, repeats, sync=None):
    """Median wall milliseconds of fn() over repeats timed calls after warmup untimed ones."""
    for _ in range(warmup):
        fn()
    if sync:
        sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        if sync:
            sync()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def device_sync(device):
    return torch.cuda.synchronize if str(device).startswith("cuda") else None


def describe_torch():
    capability = [line.strip() for line in torch.__config__.show().splitlines() if "CPU capability" in line]
    cuda = f", CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else ""
    return (f"PyTorch {torch.__version__} ({capability[0] if capability else 'CPU capability unknown'}{cuda}), "
            f"Python {platform.python_version()}, {torch.get_num_threads()} intra-op thread(s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--net", default="compact-96-b8", help="compact|full|legacy-SIZE-bBATCH")
    ap.add_argument("--timm", action="store_true", help="timm's legacy_xception where importable (size/batch from --net)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--precision", default="fp32", help="comma-separated: fp32, bf16 (autocast)")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--threads", type=int, default=1, help="intra-op threads (CPU)")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--cudnn-benchmark", action="store_true", help="torch.backends.cudnn.benchmark = True (as timm)")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.backends.cudnn.benchmark = args.cudnn_benchmark
    kind, size, batch = parse_net(args.net)
    print(describe_torch())
    rows = []
    for precision in args.precision.split(","):
        model, what = build_model(kind, args.timm)
        step = make_train_step(model, size, batch, args.device, precision, args.channels_last)
        ms = median_ms(step, args.warmup, args.repeats, device_sync(args.device))
        row = {"net": args.net, "model": what, "device": args.device, "precision": precision,
               "channels_last": args.channels_last, "batch": batch, "size": size, "ms_per_step": ms,
               "images_per_s": batch * 1e3 / ms}
        rows.append(row)
        print(f"train step {args.net} [{what}] {args.device} {precision}{' channels_last' if args.channels_last else ''}:"
              f" {ms:.2f} ms/step, {row['images_per_s']:.2f} images/s", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": describe_torch(), "results": rows}, f, indent=1)


if __name__ == "__main__":
    main()
