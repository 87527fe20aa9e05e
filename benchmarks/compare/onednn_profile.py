#!/usr/bin/env python3
"""Aggregate a oneDNN verbose log (ONEDNN_VERBOSE=profile_exec in oneDNN 3.x, ONEDNN_VERBOSE=1 or
DNNL_VERBOSE=1 in 2.x) by category of primitive, and print Markdown tables: milliseconds per step and
share of the step.

Only the exec lines between a line starting '==== profile begin' and one starting '==== profile end'
count when the log has such markers (TrainStepProfile and torch_step_profile.py print them, the end
marker with steps=N and wall_ms=T); otherwise every exec line counts and --steps gives the number of
steps the log covers. With the wall time known, 'outside oneDNN' is the step time that no oneDNN
primitive accounts for (ATen/Java-side ops, autograd, optimizer, allocation, framework overhead).

Convolutions are split by kind from the problem descriptor: depthwise (groups == channels), other
spatial kernels (kh or kw > 1, not depthwise: Xception's stem), pointwise 1x1 stride 1, 1x1 strided
(Xception's skip convs); and by direction (forward, backward_data, backward_weights). --shapes splits each
kind further by shape (input channels, output channels if different, and input side: 'conv depthwise 3x3
728@14 forward'), to compare a layer's time with a kernel lab's figure for the same shape.

    python3 benchmarks/compare/onednn_profile.py xfer=xfer_cl_bf16.log torch=torch_cl_bf16.log
    python3 benchmarks/compare/onednn_profile.py run.log --steps 2 --impl
    python3 benchmarks/compare/onednn_profile.py xfer=xfer_cl_fp32.log --shapes
"""
import argparse
import collections
import re
import sys

CONV = re.compile(r"(?:g(\d+))?_?mb(\d+)_?(?:g(\d+))?ic(\d+)oc(\d+)_(?:id\d+od\d+kd\d+sd\d+dd\d+pd\d+_)?"
                  r"ih(\d+)oh(\d+)kh(\d+)sh(\d+)dh\d+ph\d+_iw(\d+)ow(\d+)kw(\d+)sw(\d+)")
DIRECTION = {"forward_training": "forward", "forward_inference": "forward", "forward_scoring": "forward",
             "forward": "forward", "backward_data": "backward_data", "backward_weights": "backward_weights",
             "backward": "backward", "backward_bias": "backward_weights"}
SIMPLE = {"batch_normalization": "batch_normalization", "eltwise": "eltwise", "pooling": "pooling",
          "pooling_v2": "pooling", "inner_product": "inner_product", "matmul": "matmul",
          "sum": "sum/binary", "binary": "sum/binary", "softmax": "softmax", "softmax_v2": "softmax",
          "layer_normalization": "other", "shuffle": "other"}


def conv_kind(desc):
    m = CONV.search(desc)
    if not m:
        return "convolution (unparsed)"
    g = int(m.group(1) or m.group(3) or 1)
    ic, oc = int(m.group(4)), int(m.group(5))
    kh, sh, kw, sw = int(m.group(8)), int(m.group(9)), int(m.group(12)), int(m.group(13))
    if g > 1 and g == ic == oc:
        return "conv depthwise 3x3" if (kh, kw) == (3, 3) else f"conv depthwise {kh}x{kw}"
    if g > 1:
        return "conv grouped"
    if kh > 1 or kw > 1:
        return f"conv stem {kh}x{kw}"
    return "conv pointwise 1x1 s1" if sh == 1 and sw == 1 else "conv skip 1x1 s2"


def conv_shape(desc):
    """' IC@IH' or ' IC-OC@IH' of a convolution descriptor, '' when it does not parse."""
    m = CONV.search(desc)
    if not m:
        return ""
    ic, oc, ih = m.group(4), m.group(5), m.group(6)
    return f" {ic}@{ih}" if ic == oc else f" {ic}-{oc}@{ih}"


def classify(fields, shapes=False):
    """(category, implementation, ms) of one exec line split on commas, or None."""
    try:
        i = fields.index("exec")
    except ValueError:
        return None
    if len(fields) < i + 6:
        return None
    prim, impl, prop = fields[i + 2], fields[i + 3], fields[i + 4]
    try:
        ms = float(fields[-1])
    except ValueError:
        return None
    desc = fields[-2]
    if prim == "convolution" or prim == "deconvolution":
        shape = conv_shape(desc) if shapes else ""
        cat = f"{conv_kind(desc)}{shape} {DIRECTION.get(prop, prop)}"
    elif prim == "reorder":
        mds = " ".join(fields[i + 5:-2])
        src = re.search(r"src[:_](\w+):[^ ]*?:?blocked:(\w+)", mds)
        dst = re.search(r"dst[:_](\w+):[^ ]*?:?blocked:(\w+)", mds)
        cast = src and dst and src.group(1) != dst.group(1)
        blocked = lambda m: m and re.search(r"[A-Z]", m.group(2))  # noqa: E731
        to = "to blocked" if blocked(dst) and not blocked(src) else "from blocked" if blocked(src) and not blocked(dst) \
            else "blocked-blocked" if blocked(src) else "plain-plain"
        cat = f"reorder {to}{' + cast' if cast else ''}"
    elif prim in SIMPLE:
        cat = SIMPLE[prim]
        if prim in ("batch_normalization", "eltwise", "pooling"):
            cat += " " + ("forward" if prop.startswith("forward") else "backward")
    else:
        cat = f"other ({prim})"
    return cat, impl, ms


def read(path, steps, shapes=False):
    lines = open(path, errors="replace").read().splitlines()
    begin = [k for k, l in enumerate(lines) if l.startswith("==== profile begin")]
    end = [k for k, l in enumerate(lines) if l.startswith("==== profile end")]
    wall = None
    if begin and end:
        lines_in = lines[begin[0] + 1:end[0]]
        m = re.search(r"steps=(\d+)", lines[end[0]])
        steps = steps or (int(m.group(1)) if m else 1)
        w = re.search(r"wall_ms=([\d.]+)", lines[end[0]])
        wall = float(w.group(1)) / steps if w else None
    else:
        lines_in = lines
        steps = steps or 1
    ms = collections.defaultdict(float)
    count = collections.Counter()
    impl_ms = collections.defaultdict(float)
    for line in lines_in:
        if "verbose" not in line or ",exec," not in line:
            continue
        r = classify(line.strip().split(","), shapes)
        if r is None:
            continue
        cat, impl, t = r
        ms[cat] += t / steps
        count[cat] += 1 / steps
        impl_ms[(cat, impl)] += t / steps
    return {"ms": ms, "count": count, "impl": impl_ms, "wall": wall, "steps": steps}


def order_key(cat):
    groups = ["conv stem", "conv depthwise", "conv pointwise", "conv skip", "conv", "reorder", "batch_norm", "eltwise",
              "pooling", "inner_product", "matmul", "sum", "softmax", "other"]
    dirs = ["forward", "backward_data", "backward_weights", "backward"]
    g = next((k for k, p in enumerate(groups) if cat.startswith(p)), len(groups))
    d = next((k for k, p in enumerate(dirs) if cat.endswith(" " + p)), len(dirs))
    return (g, cat.rsplit(" ", 1)[0] if d < len(dirs) else cat, d)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("logs", nargs="+", help="LOG or LABEL=LOG")
    ap.add_argument("--steps", type=int, help="profiled steps in each log (default: from the end marker, else 1)")
    ap.add_argument("--impl", action="store_true", help="also list time per implementation within each category")
    ap.add_argument("--shapes", action="store_true", help="split convolutions by shape (channels@side)")
    args = ap.parse_args()
    runs = []
    for spec in args.logs:
        label, _, path = spec.rpartition("=")
        runs.append((label or path, read(path, args.steps, args.shapes)))
    cats = sorted({c for _, r in runs for c in r["ms"]}, key=order_key)
    head = "| category |" + "".join(f" {label} n/step | {label} ms/step | {label} share |" for label, _ in runs)
    print(head)
    print("|---|" + "---:|---:|---:|" * len(runs))

    def total_of(r):
        return (r["wall"] if r["wall"] else sum(r["ms"].values())) or 1.0  # an empty log: no division by zero
    for cat in cats:
        row = f"| {cat} |"
        for _, r in runs:
            t = r["ms"].get(cat, 0.0)
            row += f" {r['count'].get(cat, 0):.0f} | {t:.1f} | {100 * t / total_of(r):.1f}% |"
        print(row)
    row_sum = "| **oneDNN total** |"
    row_out = "| outside oneDNN |"
    row_wall = "| **step (wall)** |"
    for _, r in runs:
        s = sum(r["ms"].values())
        n = sum(r["count"].values())
        row_sum += f" {n:.0f} | {s:.1f} | {100 * s / total_of(r):.1f}% |"
        if r["wall"]:
            row_out += f" | {r['wall'] - s:.1f} | {100 * (r['wall'] - s) / r['wall']:.1f}% |"
            row_wall += f" | {r['wall']:.1f} | 100% |"
        else:
            row_out += " | n/a | |"
            row_wall += " | n/a | |"
    print(row_sum)
    print(row_out)
    print(row_wall)
    if args.impl:
        for label, r in runs:
            print(f"\n{label}: implementations (ms/step)\n")
            print("| category | implementation | ms/step |")
            print("|---|---|---:|")
            for (cat, impl), t in sorted(r["impl"].items(), key=lambda kv: (order_key(kv[0][0]), -kv[1])):
                print(f"| {cat} | {impl} | {t:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
