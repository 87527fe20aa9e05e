#!/usr/bin/env python3
"""xfer bench --quick against PyTorch in one run: runs `xfer bench --quick --json` (or reads such a JSON
with --xfer-json), then measures in PyTorch, in this process, the same throughput rows with the same method
(warm-up calls, then the median of timed calls; the same intra-op thread count): forward+backward of the
separable convolutions (batch, shapes from the JSON; float32, NCHW) and one training step of the same
compact backbone built in torch.nn (xception_torch.py), and prints xfer/PyTorch ratios.

    /usr/bin/python3 benchmarks/compare/quick_compare.py [--xfer "java -jar target/xfer.jar"] [--rounds 2]
    /usr/bin/python3 benchmarks/compare/quick_compare.py --xfer-json /tmp/q.json

With --rounds N the two sides alternate N times (xfer, PyTorch, xfer, PyTorch, ...) and every round's
ratios are printed, so a shared machine's drift shows up as spread rather than as a bias.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sepconv_torch = xception_torch = torch = None  # imported in main(), after OPENBLAS_NUM_THREADS is set

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_xfer(command, threads):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    cmd = shlex.split(command) + ["bench", "--quick", "--threads", str(threads), "--json", path]
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=REPO)
    with open(path) as f:
        doc = json.load(f)
    os.unlink(path)
    return doc


def torch_rows(xfer_doc, warmup, repeats):
    """PyTorch figures for each throughput row of the xfer document: {config: (images/s, GFLOP/s, GB/s)}."""
    out = {}
    for row in xfer_doc["throughput"]:
        config, batch = row["config"], row["batch"]
        if row["name"].startswith("separable conv"):
            cin, cout, size = sepconv_torch.parse_shape(config)
            step = sepconv_torch.make_step(cin, cout, size, batch, "fwdbwd", "nchw", "fp32")
            ms = xception_torch.median_ms(step, warmup, repeats)
            images = batch * 1e3 / ms
            flops = 3 * sepconv_torch.forward_flops_per_image(cin, cout, size)
            traffic = sepconv_torch.bytes_per_image(cin, cout, size, batch, "fwdbwd")
            out[config] = (images, images * flops / 1e9, images * traffic / 1e9)
        elif row["name"] == "train step":
            kind, size, batch = xception_torch.parse_net(config)
            model, _ = xception_torch.build_model(kind)
            step = xception_torch.make_train_step(model, size, batch)
            ms = xception_torch.median_ms(step, warmup, repeats)
            out[config] = (batch * 1e3 / ms, float("nan"), float("nan"))
        print(f"  PyTorch {row['name']} {config}: {out[config][0]:.2f} images/s", flush=True)
    return out


def print_table(xfer_doc, pt):
    print(f"{'row':<24}{'config':<15}{'batch':>5}{'xfer img/s':>12}{'PyTorch img/s':>15}{'xfer/PyTorch':>14}"
          f"{'xfer GFLOP/s':>14}{'PT GFLOP/s':>12}{'xfer GB/s':>11}{'PT GB/s':>9}")
    for row in xfer_doc["throughput"]:
        images, gflops, gbs = pt[row["config"]]

        def num(v, width):
            return f"{v:>{width}.2f}" if v is not None and v == v else f"{'-':>{width}}"
        print(f"{row['name']:<24}{row['config']:<15}{row['batch']:>5}{row['images_per_s']:>12.2f}{images:>15.2f}"
              f"{row['images_per_s'] / images:>13.2f}x{num(row['gflop_per_s'], 14)}{num(gflops, 12)}"
              f"{num(row['gb_per_s'], 11)}{num(gbs, 9)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--xfer", default="java -jar target/xfer.jar", help="command that runs xfer (from the repo root)")
    ap.add_argument("--xfer-json", help="use this xfer bench --json output instead of running xfer (one round)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=2, help="as xfer bench --quick: 2 untimed calls")
    ap.add_argument("--repeats", type=int, default=7, help="as xfer bench --quick: median of 7 timed calls")
    args = ap.parse_args()

    # Debian's PyTorch runs float32 1x1 convolutions through OpenBLAS: give it the same thread count.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    global sepconv_torch, xception_torch, torch
    import sepconv_torch
    import torch
    import xception_torch
    torch.set_num_threads(args.threads)
    print(xception_torch.describe_torch())
    rounds = 1 if args.xfer_json else args.rounds
    for r in range(rounds):
        if args.xfer_json:
            with open(args.xfer_json) as f:
                doc = json.load(f)
        else:
            doc = run_xfer(args.xfer, args.threads)
        m = doc["machine"]
        if m.get("threads") != args.threads:
            print(f"warning: xfer ran with {m.get('threads')} thread(s), PyTorch with {args.threads}", file=sys.stderr)
        print(f"round {r + 1}/{rounds}: xfer {doc.get('date')} on {m.get('cpu')}, {m.get('cores')} cores, LibTorch "
              f"{m.get('libtorch')}, {m.get('threads')} thread(s), device {m.get('device')}", flush=True)
        pt = torch_rows(doc, args.warmup, args.repeats)
        print_table(doc, pt)


if __name__ == "__main__":
    main()
