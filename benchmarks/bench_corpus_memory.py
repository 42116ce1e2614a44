"""Peak memory and time of the command line's train and evaluate on corpora of 1, 8 and 64 MiB.

Method. Corpora are generated (seeded) in a temporary folder: random lowercase names of 4 to 19
letters, like the dinosaur names, plus four names of 10,000 letters (the longest a corpus may
hold), filled up to 1, 8 and 64 MiB (64 MiB is the most rnn_lib reads). For each one, a fresh
subprocess runs `python -m rnn_lib train --data C --epochs 1` (the other options at their
defaults: 50 hidden units, 64 names a step, a 90/10 split), and another `python -m rnn_lib
evaluate` of that checkpoint on the same corpus. Each child's peak resident set size (RSS) is
what the kernel reports for it when it ends (os.wait4's ru_maxrss), its time the wall time.

The baseline is measured in the same run: the peak RSS of `python -c "import rnn_lib"`, what
any command needs before it reads a line. Printed for each command and size: the peak, the
peak over the same command's peak on the 1 MiB corpus, and (peak - baseline) / corpus bytes,
the memory each byte of corpus costs. The claim that this prints and checks: memory follows
the corpus's bytes, at most 5 bytes per byte on the largest corpus, plus one bounded batch; not
a Python object per name, nor batch_size times the longest name.

Measured on the project's shared 2-core machine (times are noisy, the peaks are not), with the
baseline at 37 MiB. Peak RSS in MiB, seconds in brackets:

    corpus   train, before    train, now    evaluate, before   evaluate, now
    1 MiB    1241 (13.2 s)     82 (2.6 s)       101 (1.3 s)       90 (1.7 s)
    8 MiB    1422 (29.7 s)     87 (15.5 s)      219 (7.2 s)      109 (7.2 s)
    64 MiB   2883 (250.8 s)   304 (125.7 s)    1497 (66.2 s)     267 (57.2 s)

"Before" is this script run on the rnn_lib before rnn_lib.data.corpus (a Python str per name,
an int array per training name, a training batch padded to its longest name in one pass).
Now, 64 MiB costs 4.2 bytes per corpus byte in train and 3.6 in evaluate (before: 44 and 23),
and 3.7 and 3.0 times the 1 MiB run: the corpus itself, as one byte a character (its codes,
once as code points while reading) and two int64 a name.

Usage: python benchmarks/bench_corpus_memory.py [--sizes 1 8 64] [--json]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  (one BLAS thread in every child, inherited through the environment)
import numpy as np

#: Most bytes of peak RSS above the baseline per byte of corpus that the claim allows.
MOST_BYTES_PER_CORPUS_BYTE = 5.0

#: The long names every corpus holds: how many, and their length (rnn_lib's MAX_NAME_LENGTH).
LONG_NAMES, LONG_LENGTH = 4, 10_000


def write_corpus(path, size, seed):
    """Write about size bytes of names (see the module's docstring) to path; returns its size."""
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    with open(path, "wb") as f:
        written = 0
        for _ in range(LONG_NAMES):
            written += f.write(letters[rng.integers(26, size=LONG_LENGTH)].tobytes() + b"\n")
        while written < size:
            lengths = rng.integers(4, 20, size=10_000)
            text = letters[rng.integers(26, size=int(lengths.sum()))].tobytes()
            ends = np.cumsum(lengths)
            chunk = b"".join(text[end - n : end] + b"\n" for end, n in zip(ends, lengths))
            chunk = chunk[: size - written]
            chunk = chunk[: chunk.rfind(b"\n") + 1]
            if not chunk:
                break
            written += f.write(chunk)
    return written


def peak_rss(arguments):
    """Run a Python child with arguments: (its peak RSS in MiB, its wall time in seconds)."""
    environment = dict(os.environ, PYTHONPATH=str(_common.REPO))
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *arguments], env=environment, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed with exit status {child.returncode}")
    return usage.ru_maxrss / 1024, seconds  # ru_maxrss is in KiB on Linux


def measure(folder, mib):
    """Train and evaluate on a corpus of mib MiB: rows of (command, MiB, peak, seconds)."""
    corpus, model = folder / f"corpus_{mib}.txt", folder / f"model_{mib}.npz"
    size = write_corpus(corpus, mib << 20, seed=mib)
    train = ["-m", "rnn_lib", "train", "--data", str(corpus), "--out", str(model)]
    evaluate = ["-m", "rnn_lib", "evaluate", "--checkpoint", str(model), "--data", str(corpus)]
    rows = []
    for command, arguments in (("train", train + ["--epochs", "1", "--no-progress"]),
                               ("evaluate", evaluate)):  # fmt: skip
        peak, seconds = peak_rss(arguments)
        rows.append({"command": command, "mib": mib, "bytes": size, "peak_mib": peak,
                     "seconds": seconds})  # fmt: skip
    return rows


def with_ratios(rows, baseline):
    """Add each row's ratio to its command's smallest corpus and its MiB per corpus MiB."""
    smallest = {}
    for row in sorted(rows, key=lambda row: row["mib"]):
        smallest.setdefault(row["command"], row["peak_mib"])
        row["over_smallest"] = row["peak_mib"] / smallest[row["command"]]
        row["bytes_per_corpus_byte"] = (row["peak_mib"] - baseline) * (1 << 20) / row["bytes"]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 8, 64], metavar="MIB",
                        help="corpus sizes in MiB, at most 64 (default: 1 8 64)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    baseline, _ = peak_rss(["-c", "import rnn_lib"])
    with tempfile.TemporaryDirectory() as folder:
        rows = [row for mib in sorted(args.sizes) for row in measure(Path(folder), mib)]
    rows = with_ratios(rows, baseline)
    if args.json:
        print(json.dumps({"baseline_import_mib": baseline, "rows": rows}, indent=2))
        return
    print(f"baseline: python -c 'import rnn_lib' peaks at {baseline:.0f} MiB")
    print(f"{'command':9} {'corpus':>7} {'seconds':>8} {'peak RSS':>9} {'/ smallest':>11} "
          f"{'(peak - baseline) / corpus bytes':>33}")  # fmt: skip
    for row in rows:
        print(f"{row['command']:9} {row['mib']:>3} MiB {row['seconds']:>8.1f} "
              f"{row['peak_mib']:>5.0f} MiB {row['over_smallest']:>11.2f} "
              f"{row['bytes_per_corpus_byte']:>33.2f}")  # fmt: skip
    largest = [row for row in rows if row["mib"] == max(args.sizes)]
    worst = max(row["bytes_per_corpus_byte"] for row in largest)
    verdict = "holds" if worst <= MOST_BYTES_PER_CORPUS_BYTE else "FAILS"
    print(f"claim: at most {MOST_BYTES_PER_CORPUS_BYTE:g} bytes of memory per corpus byte on the "
          f"largest corpus: {worst:.2f} ({verdict})")  # fmt: skip


if __name__ == "__main__":
    main()
