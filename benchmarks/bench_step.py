"""Time one training step of rnn_lib against the same step in PyTorch, on one CPU thread.

One step = forward over T_x steps, summed cross-entropy, backpropagation through time, clipping
of every gradient entry to [-5, 5], and an SGD update: ``rnn_lib.optimize`` on one side;
nn.RNN(tanh) + nn.Linear, cross_entropy(reduction="sum"), clip_grad_value_ and torch.optim.SGD
on the other. Both work in float64 on the same random one-hot batch (vocabulary 27) with one
BLAS/OpenMP thread.

Timing: after a warm-up, each side runs batches of steps long enough (~50 ms) for the clock to be
accurate; the two sides alternate batch by batch (and swap who goes first every round), so both
see the same load on a shared machine. The clock is the process's CPU time by default (both
sides are single-threaded, so it equals the wall time on an idle machine, but it does not count
the time the process waits for a core when other jobs run); ``--clock wall`` uses wall time.
The table gives the median time per step over the rounds, and the ratio is the median of the per-round ratios torch / rnn_lib (each round's two batches ran
side by side in time). Higher ratio = rnn_lib faster.

Fraction of peak: the machine's float64 matrix-multiply peak is measured in the same run as the
best single-threaded np.matmul rate of two 1024 x 1024 matrices. A step's FLOPs are counted
analytically as its dense matrix products (elementwise work such as tanh and exp is not counted):
    forward:  Wax x (2 n_a n_x), Waa a (2 n_a^2), Wya a (2 n_y n_a)           per example and step
    backward: dWya (2 n_y n_a), Wya^T dz_y (2 n_a n_y), Waa^T dz (2 n_a^2),
              dWaa (2 n_a^2), dWax (2 n_a n_x)                                 per example and step
    total = 2 m T_x (3 n_a^2 + 2 n_a n_x + 3 n_a n_y)
rnn_lib does the x-products as column lookups and sums (one-hot inputs), so this is the dense
equivalent: the FLOPs a dense implementation would spend, divided by the best step time.

Usage: python benchmarks/bench_step.py [--json] [--rounds N] [--clock cpu|wall]
"""

import argparse
import json
import statistics
import time

import _common  # first: pins BLAS and OpenMP to one thread before numpy loads
import numpy as np

#: The goals of issue 8, as PyTorch time / rnn_lib time, per (n_a, m, T_x).
GOALS = {(50, 1, 20): 4.0, (50, 64, 20): 2.0, (100, 64, 20): 1.5, (256, 128, 20): 1.2}

#: Size at which the fraction of the matrix-multiply peak is reported.
PEAK_SIZE = (256, 128, 20)


def step_flops(n_a, m, T_x, n_x=_common.VOCABULARY, n_y=_common.VOCABULARY):
    """Dense matrix-product FLOPs of one training step (see the module docstring)."""
    return 2 * m * T_x * (3 * n_a**2 + 2 * n_a * n_x + 3 * n_a * n_y)


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def seconds_per_call(step, count, clock):
    """Seconds per call of step, over count calls, on clock."""
    start = clock()
    for _ in range(count):
        step()
    return (clock() - start) / count


def matmul_peak(clock, n=1024, repeats=10):
    """Best single-threaded float64 np.matmul rate of two n x n matrices, in FLOP/s."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    out = np.empty((n, n))

    def product():
        np.matmul(a, b, out=out)

    product()
    return 2 * n**3 / min(seconds_per_call(product, 1, clock) for _ in range(repeats))


def compare(steps, rounds, clock, batch_seconds=0.05):
    """Alternate batches of each named step function; per-round seconds per call, by name."""
    counts = {}
    for name, step in steps.items():  # warm up, and size the batches to about batch_seconds
        per_call = min(seconds_per_call(step, 1, clock) for _ in range(3))
        counts[name] = max(1, round(batch_seconds / per_call))
    times = {name: [] for name in steps}
    order = list(steps)
    for _ in range(rounds):
        for name in order:
            times[name].append(seconds_per_call(steps[name], counts[name], clock))
        order.reverse()
    return times


def measure(size, torch, rounds, clock):
    """One row of the table, as a dict."""
    steps = {"rnn_lib": _common.rnn_lib_step_function(*size)}
    if torch is not None:
        steps["torch"] = _common.torch_step_function(torch, *size)
    times = compare(steps, rounds, clock)
    n_a, m, T_x = size
    row = {
        "n_a": n_a,
        "m": m,
        "T_x": T_x,
        "rnn_lib_ms": 1e3 * statistics.median(times["rnn_lib"]),
        "rnn_lib_best_ms": 1e3 * min(times["rnn_lib"]),
        "goal": GOALS.get(size, 1.0),
    }
    if torch is not None:
        ratios = [t / r for t, r in zip(times["torch"], times["rnn_lib"])]
        row["torch_ms"] = 1e3 * statistics.median(times["torch"])
        row["ratio"] = statistics.median(ratios)
        row["met"] = row["ratio"] >= row["goal"]
    return row


def _size(text):
    """Parse "n_a,m,T_x" into a tuple of three ints."""
    n_a, m, T_x = (int(part) for part in text.split(","))
    return n_a, m, T_x


def print_table(result):
    print(f"One training step, float64, one thread ({result['clock']} time, median of the rounds)")
    print(f"{'n_a':>4} {'m':>4} {'T_x':>4} {'rnn_lib ms':>11} {'torch ms':>9}", end="")
    print(f" {'torch/rnn_lib':>14} {'goal':>5} {'met?':>5}")
    for row in result["rows"]:
        print(f"{row['n_a']:4d} {row['m']:4d} {row['T_x']:4d} {row['rnn_lib_ms']:11.3f}", end="")
        if "torch_ms" in row:
            met = "yes" if row["met"] else "NO"
            print(f" {row['torch_ms']:9.3f} {row['ratio']:14.2f} {row['goal']:5.1f} {met:>5}")
        else:
            print(f" {'-':>9} {'-':>14} {row['goal']:5.1f} {'-':>5}")
    print(f"float64 matmul peak of this machine: {result['peak_gflops']:.1f} GFLOP/s (one thread)")
    for row in result["rows"]:
        if (row["n_a"], row["m"], row["T_x"]) == PEAK_SIZE:
            print(
                f"at {PEAK_SIZE} a step is {step_flops(*PEAK_SIZE) / 1e9:.3f} GFLOP (dense "
                f"equivalent); the best rnn_lib step reaches {100 * row['peak_fraction']:.0f}% "
                "of the peak"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--rounds", type=int, default=41, help="alternating rounds per size")
    parser.add_argument(
        "--size", type=_size, action="append", help="n_a,m,T_x to measure (default: all four)"
    )
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu", help="what to time")
    args = parser.parse_args()
    clock = CLOCKS[args.clock]
    torch = _common.import_torch()
    peak = matmul_peak(clock)
    rows = [measure(size, torch, args.rounds, clock) for size in args.size or _common.SIZES]
    peak = max(peak, matmul_peak(clock))  # before and after, in case the machine was busy
    result = {"clock": args.clock, "peak_gflops": peak / 1e9, "rows": rows}
    for row in rows:
        size = (row["n_a"], row["m"], row["T_x"])
        row["peak_fraction"] = step_flops(*size) / (1e-3 * row["rnn_lib_best_ms"]) / peak
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
