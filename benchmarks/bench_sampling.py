"""Sampling 1,000 names: rnn_lib's batched sampler against drawing one name at a time.

Rows (same trained model, same temperature 1, 1 BLAS thread):
  batched        rnn_lib.sample_names(n=1000): one forward step per character for all names
  one at a time  rnn_lib.sample called 1,000 times
  seed notebook  the seed's own sample(), read from its notebook text at run time, 1,000 times

The model is trained first with rnn_lib's recommended recipe (the CLI's defaults, about a
second), so that names have realistic lengths. Each row is timed best of --repeats runs.

Usage: python benchmarks/bench_sampling.py [--seed-notebook PATH] [-n 1000] [--repeats 3]
"""

import argparse
import os

import _common  # first: pins BLAS and OpenMP to one thread, puts this checkout's rnn_lib first
import numpy as np

from rnn_lib.data.names import index_maps, load_dinosaur_names, split_names
from rnn_lib.training.sampling import novelty, sample, sample_names
from rnn_lib.training.trainer import train


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    _common.add_seed_notebook_argument(parser)
    parser.add_argument("-n", type=int, default=1000, help="names per row (default 1000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per row, best kept (3)")
    args = parser.parse_args()

    names = load_dinosaur_names()
    train_names, dev_names = split_names(names, 0.1, 0)
    result = train(train_names, dev_names, seed=0, progress=False)
    char_to_ix, ix_to_char = index_maps(result.chars)
    parameters = result.parameters
    n = args.n

    rows = []
    drawn, seconds = _common.best_time(
        lambda: sample_names(parameters, char_to_ix, ix_to_char, n, rng=0), args.repeats
    )
    rows.append(("rnn_lib.sample_names, batched", seconds, drawn))

    def one_at_a_time():
        rng = np.random.default_rng(0)
        return [sample(parameters, char_to_ix, ix_to_char, rng=rng) for _ in range(n)]

    drawn, seconds = _common.best_time(one_at_a_time, args.repeats)
    rows.append(("rnn_lib.sample, one at a time", seconds, drawn))

    seed = _common.seed_functions(args.seed_notebook)
    if seed is None:
        print(f"seed notebook {args.seed_notebook} not found: skipping the seed row\n")
    else:

        def seed_one_at_a_time():
            seed["np"].random.seed(0)  # the seed's sample draws from numpy's global generator
            return [seed["sample"](parameters, char_to_ix, ix_to_char) for _ in range(n)]

        drawn, seconds = _common.best_time(seed_one_at_a_time, args.repeats)
        rows.append(("seed notebook sample, one at a time", seconds, drawn))

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{n} names from one model (hidden 50, the CLI's defaults); load average {load}\n")
    header = f"{'sampler':38} {'ms':>9} {'names/s':>9} {'x batched':>10} {'mean len':>9} {'new':>6}"
    print(header)
    print("-" * len(header))
    batched_seconds = rows[0][1]
    for label, seconds, drawn in rows:
        mean_length = np.mean([len(name) - 1 for name in drawn])
        new = novelty(drawn, names)["fraction_novel"]
        print(
            f"{label:38} {seconds * 1e3:9.1f} {n / seconds:9.0f} {seconds / batched_seconds:10.1f} "
            f"{mean_length:9.2f} {new:6.1%}"
        )


if __name__ == "__main__":
    main()
