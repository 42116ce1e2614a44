"""Time one training step of rnn_lib against the same step in PyTorch, on one CPU thread.

One step = forward over T_x steps, summed cross-entropy, backpropagation through time, clipping
of every gradient entry to [-5, 5], and an SGD update: ``rnn_lib.optimize`` on one side;
nn.RNN(tanh) + nn.Linear, cross_entropy(reduction="sum"), clip_grad_value_ and torch.optim.SGD
on the other. Both work in float64 on the same random one-hot batch (vocabulary 27) with one
BLAS/OpenMP thread.

Timing: after a warm-up, each side runs batches of steps long enough (~40 ms) for the clock to be
accurate; the two sides alternate batch by batch (and swap who goes first every round), so both
see the same load on a shared machine. The table gives the median time per step over the rounds,
and the ratio is the median of the per-round ratios torch / rnn_lib (each round's two batches ran
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

Usage: python benchmarks/bench_step.py [--json] [--rounds N]
"""

import argparse
import json
import statistics
import time

import _common
import numpy as np

#: The goals of issue 8, as PyTorch time / rnn_lib time, per (n_a, m, T_x).
GOALS = {(50, 1, 20): 4.0, (50, 64, 20): 2.0, (100, 64, 20): 1.5, (256, 128, 20): 1.2}

#: Size at which the fraction of the matrix-multiply peak is reported.
PEAK_SIZE = (256, 128, 20)


def step_flops(n_a, m, T_x, n_x=_common.VOCABULARY, n_y=_common.VOCABULARY):
    """Dense matrix-product FLOPs of one training step (see the module docstring)."""
    return 2 * m * T_x * (3 * n_a**2 + 2 * n_a * n_x + 3 * n_a * n_y)


def matmul_peak(n=1024, repeats=5):
    """Best single-threaded float64 np.matmul rate of two n x n matrices, in FLOP/s."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    out = np.empty((n, n))
    np.matmul(a, b, out=out)
    best = min(_timed(lambda: np.matmul(a, b, out=out), 1) for _ in range(repeats))
    return 2 * n**3 / best


def _timed(step, count):
    """Seconds per call of step, over count calls."""
    start = time.perf_counter()
    for _ in range(count):
        step()
    return (time.perf_counter() - start) / count


def calibrate(step, batch_seconds=0.04):
    """Warm up step, then return how many calls take about batch_seconds."""
    per_call = min(_timed(step, 1) for _ in range(3))
    return max(1, round(batch_seconds / per_call))


def compare(steps, rounds):
    """Alternate batches of each named step function; per-round seconds per call, by name."""
    counts = {name: calibrate(step) for name, step in steps.items()}
    times = {name: [] for name in steps}
    order = list(steps)
    for _ in range(rounds):
        for name in order:
            times[name].append(_timed(steps[name], counts[name]))
        order.reverse()
    return times


def measure(size, torch, rounds):
    """One row of the table, as a dict."""
    steps = {"rnn_lib": _common.rnn_lib_step_function(*size)}
    if torch is not None:
        steps["torch"] = _common.torch_step_function(torch, *size)
    times = compare(steps, rounds)
    row = {
        "n_a": size[0],
        "m": size[1],
        "T_x": size[2],
        "rnn_lib_ms": 1e3 * statistics.median(times["rnn_lib"]),
        "rnn_lib_best_ms": 1e3 * min(times["rnn_lib"]),
        "goal": GOALS.get(size),
    }
    if torch is not None:
        ratios = [t / r for t, r in zip(times["torch"], times["rnn_lib"])]
        row["torch_ms"] = 1e3 * statistics.median(times["torch"])
        row["ratio"] = statistics.median(ratios)
        row["met"] = row["goal"] is not None and row["ratio"] >= row["goal"]
    return row


def print_table(rows, peak, fraction):
    print(
        f"one training step, float64, one thread; median of the rounds; peak {peak / 1e9:.1f} GFLOP/s"
    )
    header = f"{'n_a':>4} {'m':>4} {'T_x':>4} {'rnn_lib ms':>11} {'torch ms':>9} {'torch/rnn_lib':>14} {'goal':>5} {'met?':>5}"
    print(header)
    for row in rows:
        if "torch_ms" in row:
            torch_part = f"{row['torch_ms']:9.3f} {row['ratio']:14.2f} {row['goal']:5.1f} {('yes' if row['met'] else 'NO'):>5}"
        else:
            torch_part = f"{'-':>9} {'-':>14} {row['goal']:5.1f} {'-':>5}"
        print(
            f"{row['n_a']:4d} {row['m']:4d} {row['T_x']:4d} {row['rnn_lib_ms']:11.3f} {torch_part}"
        )
    n_a, m, T_x = PEAK_SIZE
    print(
        f"at (n_a, m, T_x) = ({n_a}, {m}, {T_x}): {step_flops(*PEAK_SIZE) / 1e9:.3f} GFLOP per step "
        f"(dense equivalent), best step reaches {100 * fraction:.0f}% of the matmul peak"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds per size")
    args = parser.parse_args()
    torch = _common.import_torch()
    peak = matmul_peak()
    rows = [measure(size, torch, args.rounds) for size in _common.SIZES]
    peak = max(peak, matmul_peak())  # measured before and after, in case the machine was busy
    big = next(row for row in rows if (row["n_a"], row["m"], row["T_x"]) == PEAK_SIZE)
    fraction = step_flops(*PEAK_SIZE) / (1e-3 * big["rnn_lib_best_ms"]) / peak
    if args.json:
        result = {"peak_gflops": peak / 1e9, "peak_fraction": fraction, "rows": rows}
        print(json.dumps(result, indent=2))
    else:
        print_table(rows, peak, fraction)


if __name__ == "__main__":
    main()
