"""Peak memory of a short training run, rnn_lib against PyTorch, at (n_a, m, T_x) = (256, 128, 20).

Method. Each side runs in a fresh Python subprocess of its own, with one BLAS/OpenMP thread.
The child imports its library, builds the batch and the model (a few hundred kB), and reads its
resident set size (RSS, from /proc/self/statm): that is the baseline. It then runs 20 training
steps (forward, summed cross-entropy, BPTT, clip at 5, SGD, as in bench_step.py) and reads the
peak RSS of the process, the high-water mark the kernel keeps (resource.getrusage, ru_maxrss).
The number reported is peak - baseline: how much memory the training run needed on top of what
was already resident after the imports. ru_maxrss covers the whole life of the process, so the
child checks that the run set a new high-water mark (the peak after the run is above the peak
before it); otherwise the number would be a bound, and the table says so.

For rnn_lib the child also reports numpy's own peak allocation during the run from tracemalloc
(numpy reports its array buffers to it; PyTorch does not, so that column has no torch value).
RSS counts the pages actually touched, so it is the number to compare (tracemalloc's own
bookkeeping adds a little to rnn_lib's RSS: the comparison errs in PyTorch's favour).

Usage: python benchmarks/bench_memory.py [--json]
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

#: The size of the measured run, and its number of training steps.
SIZE = (256, 128, 20)
STEPS = 20

CHILD = """
import resource, sys, tracemalloc
sys.path.insert(0, {here!r})
import _common

def current_rss_kib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024

def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

if {side!r} == "torch":
    torch = _common.import_torch()
    if torch is None:
        sys.exit(3)
    step = _common.torch_step_function(torch, *{size!r})
else:
    step = _common.rnn_lib_step_function(*{size!r})
    tracemalloc.start()
baseline, peak_before = current_rss_kib(), peak_rss_kib()
for _ in range({steps!r}):
    step()
traced = tracemalloc.get_traced_memory()[1] // 1024 if tracemalloc.is_tracing() else -1
print(peak_rss_kib() - baseline, int(peak_rss_kib() > peak_before), traced)
"""


def measure(side):
    """The child's results as a dict (sizes in MiB), or None if its library is missing."""
    here = str(Path(__file__).resolve().parent)
    code = CHILD.format(here=here, side=side, size=SIZE, steps=STEPS)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if run.returncode == 3:  # the library is missing; the child said so on stdout
        print(run.stdout.strip())
        return None
    if run.returncode != 0:
        raise RuntimeError(f"the {side} child failed:\n{run.stderr}")
    increase, new_peak, traced = (int(word) for word in run.stdout.split()[-3:])
    return {
        "side": side,
        "peak_rss_increase_mib": increase / 1024,
        "new_high_water_mark": bool(new_peak),
        "numpy_traced_peak_mib": traced / 1024 if traced >= 0 else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    rows = [row for row in (measure("rnn_lib"), measure("torch")) if row is not None]
    if args.json:
        print(json.dumps({"size": SIZE, "steps": STEPS, "rows": rows}, indent=2))
        return
    n_a, m, T_x = SIZE
    print(f"Peak memory of {STEPS} training steps at (n_a, m, T_x) = ({n_a}, {m}, {T_x}), float64")
    print(f"{'':8} {'peak RSS increase':>18} {'numpy peak (tracemalloc)':>25}")
    for row in rows:
        bound = "" if row["new_high_water_mark"] else " (upper bound)"
        traced = row["numpy_traced_peak_mib"]
        traced_text = f"{traced:.1f} MiB" if traced is not None else "-"
        increase = f"{row['peak_rss_increase_mib']:.1f} MiB{bound}"
        print(f"{row['side']:8} {increase:>18} {traced_text:>25}")
    if len(rows) == 2:
        ratio = rows[1]["peak_rss_increase_mib"] / rows[0]["peak_rss_increase_mib"]
        print(f"torch / rnn_lib: {ratio:.2f}")


if __name__ == "__main__":
    main()
