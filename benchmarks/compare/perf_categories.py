#!/usr/bin/env python3
"""Where the CPU time of a training step goes outside oneDNN, from a `perf record` of either side.

Reads `perf report --sort dso,sym --stdio` of a recording and sums the samples into categories by library and
ATen kernel name: oneDNN's generated code ("[JIT]": perf cannot name it; on the JVM side it also holds the
JIT-compiled Java, a small part), BatchNorm, ReLU, max-pool, element-wise add/mul (residual adds, gradient
accumulation, optimizer), copies and casts, fills, the OpenMP runtime (threads waiting at barriers), the
kernel (page faults, zeroing new pages), malloc. Prints ms per step per category when --ms-per-step is given
(the samples cover both threads, so a category's ms are CPU time spread over them: wall ms x threads).

    perf record -F 499 -p PID -o xfer.data -- sleep 5      # during the profiled steps
    python3 benchmarks/compare/perf_categories.py xfer.data [--ms-per-step 950 --threads 2]

Debian's PyTorch 1.13 ships without symbols: its ATen kernels land in "libtorch_cpu, unnamed".
"""
import argparse
import re
import subprocess

CATEGORIES = [
    ("BatchNorm", ("batch_norm",)),
    ("ReLU", ("threshold_kernel", "clamp_min")),
    ("max-pool", ("max_pool",)),
    ("copies and casts", ("copy_kernel", "reduced_float_copy", "direct_copy", "constant_pad")),
    ("add / mul", ("add_kernel", "mul_kernel")),
    ("fill", ("fill_kernel", "fill_non_native")),
    ("oneDNN, named", ("dnnl::",)),
]


def categorise(dso, sym):
    if dso.startswith("[JIT]"):
        return "oneDNN generated code (+ JIT-compiled Java)"
    if "libgomp" in dso:
        return "OpenMP runtime"
    if dso.startswith("[kernel"):
        return "kernel (page faults, zeroing)"
    if dso.startswith("libc.so") or dso.startswith("libc-"):
        return "libc (malloc, memcpy)"
    if "libdnnl" in dso:
        return "oneDNN, named"
    if "libtorch_cpu" in dso or "libc10" in dso:
        for name, keys in CATEGORIES:
            if any(k in sym for k in keys):
                return name
        return "libtorch_cpu, unnamed" if sym.startswith("0x") else "libtorch_cpu, other"
    return "other (" + dso + ")"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", help="a perf.data file")
    ap.add_argument("--ms-per-step", type=float, default=0, help="the step's wall time, to print CPU ms per step")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    report = subprocess.run(["perf", "report", "-i", args.data, "--sort", "dso,sym", "--stdio"],
                            capture_output=True, text=True, check=True).stdout
    totals = {}
    line_re = re.compile(r"^\s*([\d.]+)%\s+(\S+(?: tid \d+)?)\s+\[[.k]\]\s+(.*)$")
    for line in report.splitlines():
        m = line_re.match(line)
        if m:
            share, dso, sym = float(m.group(1)), m.group(2), m.group(3)
            key = categorise(dso, sym)
            totals[key] = totals.get(key, 0.0) + share
    cpu_ms = args.ms_per_step * args.threads
    for key, share in sorted(totals.items(), key=lambda kv: -kv[1]):
        ms = f"  {share * cpu_ms / 100:7.1f} CPU ms per step" if cpu_ms else ""
        print(f"{share:6.2f}%  {key}{ms}")


if __name__ == "__main__":
    main()
