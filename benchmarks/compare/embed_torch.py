#!/usr/bin/env python3
"""PyTorch side of the C++ embedding benchmark (native/embed, xfer-embed-bench).

`write`: builds the torch.nn Xception of xception_torch.py (same architecture as xfer's, a seeded
random initialisation with random BatchNorm statistics so they matter), and writes
  MODEL   an xfer model file (safetensors with timm legacy_xception names and xfer.* metadata),
  INPUT   a float32 (N, 3, S, S) preprocessed batch (.npy),
  FEATS   its pooled features from this PyTorch model in float32 (.npy), the oracle the C++ library
          is checked against (`xfer-embed-bench --check`).
`time`: images/s of PyTorch's own pipeline at S px: uint8 (N, H, W, 3) images on the device ->
float -> bilinear resize (half-pixel, no antialias) -> x / 127.5 - 1 -> backbone -> global average
pool, eval mode, no grad, fp32 (TF32 off) and bf16 (weights and activations cast, as the C++ library
does), one JSON line per case.

    python3 benchmarks/compare/embed_torch.py write --net full --out DIR --size 224 --batch 4
    python3 benchmarks/compare/embed_torch.py time --net full --device cuda --size 224 --batch 32,128
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xception_torch import NETS, Xception, describe_torch, median_ms  # noqa: E402


def build(net, classes=5, seed=3):
    width, middle, eps, momentum, same = NETS[net]
    torch.manual_seed(seed)
    model = Xception(width, middle, classes, eps, momentum, same)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
    return model.eval()


def timm_name(key):
    """blocks.3.rep... (torch.nn Sequential) -> block4.rep... (timm legacy_xception)."""
    if key.startswith("blocks."):
        _, index, rest = key.split(".", 2)
        return f"block{int(index) + 1}.{rest}"
    return key


def write_model(model, net, path, size):
    width, middle, eps, momentum, same = NETS[net]
    meta = {
        "xfer.format": "xfer-model/1", "xfer.width_multiplier": str(float(width)),
        "xfer.middle_blocks": str(middle), "xfer.num_classes": str(model.fc.out_features),
        "xfer.numerics": "keras" if same else "timm", "xfer.bn_eps": str(eps), "xfer.bn_momentum": str(momentum),
        "xfer.same_pooling": "true" if same else "false", "xfer.image_size": str(size),
        "xfer.scale_div": "127.5", "xfer.mean": "1.0,1.0,1.0", "xfer.std": "1.0,1.0,1.0",
        "xfer.class_names": json.dumps([f"c{i}" for i in range(model.fc.out_features)]),
    }
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for key, t in model.state_dict().items():
        if key.endswith("num_batches_tracked"):
            continue
        data = t.detach().float().contiguous().numpy().astype("<f4").tobytes()
        header[timm_name(key)] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for b in blobs:
            f.write(b)


def features(model, x):
    x = F.relu(model.bn1(model.conv1(x)))
    x = F.relu(model.bn2(model.conv2(x)))
    x = model.blocks(x)
    x = F.relu(model.bn3(model.conv3(x)))
    return F.relu(model.bn4(model.conv4(x))).mean((2, 3))


def cmd_write(args):
    os.makedirs(args.out, exist_ok=True)
    model = build(args.net)
    write_model(model, args.net, os.path.join(args.out, "model.safetensors"), args.size)
    torch.manual_seed(5)
    x = torch.rand(args.batch, 3, args.size, args.size) * 2 - 1
    with torch.no_grad():
        f = features(model, x)
    np.save(os.path.join(args.out, "input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "features.npy"), f.numpy().astype(np.float32))
    print(f"wrote {args.out}: {args.net} model at {args.size} px, input {tuple(x.shape)}, features {tuple(f.shape)}")


def cmd_time(args):
    device = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    sync = torch.cuda.synchronize if device.type == "cuda" else None
    print(describe_torch(), file=sys.stderr)
    for precision in args.precision.split(","):
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        model = build(args.net).to(device=device, dtype=dtype)
        for batch in (int(b) for b in args.batch.split(",")):
            images = torch.randint(0, 256, (batch, args.source, args.source, 3), dtype=torch.uint8, device=device)

            def step():
                with torch.no_grad():
                    x = images.permute(0, 3, 1, 2).float()
                    x = F.interpolate(x, size=(args.size, args.size), mode="bilinear", align_corners=False,
                                      antialias=False) / 127.5 - 1
                    return features(model, x.to(dtype)).float().cpu()
            ms = median_ms(step, args.warmup, args.repeats, sync)
            print(json.dumps({"impl": "pytorch", "net": args.net, "device": args.device, "precision": precision,
                              "batch": batch, "size": args.size, "source": args.source, "ms": round(ms, 3),
                              "images_per_s": round(batch / ms * 1e3, 1)}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("--net", default="full", choices=sorted(NETS))
    w.add_argument("--out", required=True)
    w.add_argument("--size", type=int, default=224)
    w.add_argument("--batch", type=int, default=4)
    t = sub.add_parser("time")
    t.add_argument("--net", default="full", choices=sorted(NETS))
    t.add_argument("--device", default="cpu")
    t.add_argument("--size", type=int, default=224)
    t.add_argument("--source", type=int, default=256, help="side of the random uint8 source images")
    t.add_argument("--batch", default="32,128")
    t.add_argument("--precision", default="fp32,bf16")
    t.add_argument("--warmup", type=int, default=3)
    t.add_argument("--repeats", type=int, default=10)
    t.add_argument("--threads", type=int, default=0, help="intra-op threads (CPU; 0 = PyTorch's choice)")
    args = ap.parse_args()
    if getattr(args, "threads", 0):
        torch.set_num_threads(args.threads)
    {"write": cmd_write, "time": cmd_time}[args.cmd](args)


if __name__ == "__main__":
    main()
