#!/usr/bin/env python3
"""Writes Fashion-MNIST (the Debian idx files) as PNG image folders for `xfer adapt --target DIR` and
`xfer drift --stream folders:DIR`. Standard library only; every choice is seeded.

  target: OUT/<class>/<part>-<index>.png, --per-class images of each class from one idx part, shifted
          (--invert F: blend towards 255 - p; --noise S: Gaussian noise, sigma S of full scale).
  stream: OUT/wNN/<class>/t10k-<index>.png (or OUT/wNN/t10k-<index>.png with --flat, unlabelled):
          --windows windows of --window-size test images (a seeded order, disjoint windows); the shift's
          strength is 0 before window --shift-start, grows linearly to full at --shift-end, then stays.

  python3 datasets/fmnist_folders.py target --out runs/fm-inverted --part train --per-class 200 --invert 1
  python3 datasets/fmnist_folders.py stream --out runs/fm-stream --windows 14 --window-size 100 \
      --noise 0.4 --shift-start 6 --shift-end 11
"""
import argparse
import gzip
import os
import random
import struct
import zlib

NAMES = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]
PREFIX = {"train": "train", "test": "t10k"}


def read_idx(path):
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def load(idx_dir, part):
    def find(stem):
        for name in (stem + ".gz", stem):
            if os.path.exists(os.path.join(idx_dir, name)):
                return os.path.join(idx_dir, name)
        raise SystemExit(f"{idx_dir}: no {stem}(.gz)")
    (n, rows, cols), px = read_idx(find(f"{PREFIX[part]}-images-idx3-ubyte"))
    _, labels = read_idx(find(f"{PREFIX[part]}-labels-idx1-ubyte"))
    plane = rows * cols
    return [px[i * plane:(i + 1) * plane] for i in range(n)], list(labels), rows, cols


def shifted(pixels, invert, noise, rng):
    out = bytearray(len(pixels))
    for i, v in enumerate(pixels):
        x = (1 - invert) * v + invert * (255 - v)
        if noise > 0:
            x += rng.gauss(0, noise * 255)
        out[i] = min(255, max(0, int(round(x))))
    return bytes(out)


def write_png(path, gray, rows, cols):
    raw = b"".join(b"\x00" + gray[r * cols:(r + 1) * cols] for r in range(rows))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", cols, rows, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["target", "stream"])
    p.add_argument("--idx", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out", required=True)
    p.add_argument("--classes", default="tshirt,trouser,pullover,dress,coat")
    p.add_argument("--part", choices=["train", "test"], default="test", help="target: idx part (stream: always test)")
    p.add_argument("--per-class", type=int, default=200)
    p.add_argument("--windows", type=int, default=14)
    p.add_argument("--window-size", type=int, default=100)
    p.add_argument("--shift-start", type=int, default=6)
    p.add_argument("--shift-end", type=int, default=11)
    p.add_argument("--invert", type=float, default=0.0)
    p.add_argument("--noise", type=float, default=0.0)
    p.add_argument("--flat", action="store_true", help="stream: images directly in each window folder (unlabelled)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    classes = a.classes.split(",")
    keep = [NAMES.index(c) for c in classes]
    if os.path.exists(a.out) and os.listdir(a.out):
        raise SystemExit(f"{a.out} is not empty")
    rng = random.Random(a.seed)
    part = a.part if a.mode == "target" else "test"
    images, labels, rows, cols = load(a.idx, part)
    if a.mode == "target":
        for label, name in zip(keep, classes):
            idx = [i for i, y in enumerate(labels) if y == label]
            rng.shuffle(idx)
            for i in sorted(idx[:a.per_class]):
                write_png(os.path.join(a.out, name, f"{PREFIX[part]}-{i:05d}.png"), shifted(images[i], a.invert, a.noise, rng), rows, cols)
    else:
        idx = [i for i, y in enumerate(labels) if y in keep]
        rng.shuffle(idx)
        if a.windows * a.window_size > len(idx):
            raise SystemExit(f"{a.windows} windows of {a.window_size} need {a.windows * a.window_size} images, found {len(idx)}")
        for w in range(a.windows):
            s = 0.0 if w < a.shift_start else min(1.0, (w - a.shift_start + 1) / (a.shift_end - a.shift_start + 1))
            for i in idx[w * a.window_size:(w + 1) * a.window_size]:
                sub = "" if a.flat else NAMES[labels[i]]
                path = os.path.join(a.out, f"w{w:02d}", sub, f"t10k-{i:05d}.png")
                write_png(path, shifted(images[i], s * a.invert, s * a.noise, rng), rows, cols)
            print(f"w{w:02d}: strength {s:.2f}")


if __name__ == "__main__":
    main()
