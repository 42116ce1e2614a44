"""The seed's training recipe against rnn_lib's, side by side, on the same 90/10 split.

Rows:
  seed notebook    the seed's own code (read from its notebook text at run time, not copied into
                   this repository): rnn_model(train_names, 22001, 0.01), one name per SGD step
  rnn_lib.rnn_model  the same recipe with the seed's bugs fixed
  cli train        python -m rnn_lib train --hidden 50 --seed 0 with its defaults (in-process)

All three are scored by rnn_lib.training.trainer.evaluate on the same dev names: mean cross-entropy per
character in nats, the end-of-name newline counted, each name from a zero state.

Usage: python benchmarks/train_vs_seed.py [--seed-notebook PATH] [--data PATH]
"""

import argparse
import os
import sys
import tempfile

import _common  # first: pins BLAS and OpenMP to one thread, puts this checkout's rnn_lib first
import numpy as np

from rnn_lib import SEED_CHARS, evaluate, rnn_model
from rnn_lib.cli import main as cli_main
from rnn_lib.data.checkpoint import load_checkpoint
from rnn_lib.data.names import dinosaur_names_path, index_maps, load_names, split_names
from rnn_lib.training.sampling import novelty, sample_names

SEED_ITERATIONS, SEED_LEARNING_RATE = 22001, 0.01


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    _common.add_seed_notebook_argument(parser)
    parser.add_argument("--data", default=dinosaur_names_path(), help="corpus (default: dinos.txt)")
    args = parser.parse_args()

    names = load_names(args.data)
    train_names, dev_names = split_names(names, 0.1, 0)  # the split the CLI makes with --seed 0
    char_to_ix, _ = index_maps(SEED_CHARS)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{len(names)} names: {len(train_names)} train, {len(dev_names)} dev; 1 BLAS thread")
    print(f"{os.cpu_count()} cores, load average {load} (other work slows every row alike)\n")
    rows = []

    seed = _common.seed_functions(args.seed_notebook)
    if seed is None:
        print(f"seed notebook {args.seed_notebook} not found: skipping the seed row\n")
    else:
        np.random.seed(0)  # noqa: NPY002 -- the seed's code draws from numpy's global generator
        parameters, seconds = _common.best_time(
            lambda: seed["rnn_model"](train_names, SEED_ITERATIONS, SEED_LEARNING_RATE)
        )
        rows.append(("seed notebook, 22001 SGD steps", seconds, parameters, char_to_ix))

    (parameters, _), seconds = _common.best_time(
        lambda: rnn_model(train_names, SEED_ITERATIONS, SEED_LEARNING_RATE, rng=0)
    )
    rows.append(("rnn_lib.rnn_model, same recipe", seconds, parameters, char_to_ix))

    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "model.npz")
        argv = ["train", "--data", args.data, "--hidden", "50", "--seed", "0", "--out", out]
        status, seconds = _common.best_time(lambda: cli_main([*argv, "--no-progress"]))
        if status != 0:
            sys.exit(f"rnn_lib train failed with status {status}")
        model = load_checkpoint(out)
    cli_char_to_ix, cli_ix_to_char = index_maps(model.chars)
    rows.append(
        ("python -m rnn_lib train --hidden 50 --seed 0", seconds, model.parameters, cli_char_to_ix)
    )

    reference = rows[0][1]
    print(f"{'run':46} {'wall s':>8} {'dev loss/char':>14} {'perplexity':>11} {'time / row 1':>13}")
    for label, seconds, parameters, c2i in rows:
        result = evaluate(parameters, dev_names, c2i)
        print(
            f"{label:46} {seconds:8.2f} {result.loss_per_char:14.4f} {result.perplexity:11.3f} "
            f"{seconds / reference:13.3f}"
        )
    print(f"(hyperparameters of the CLI run: {model.hyperparameters})")

    samples = sample_names(model.parameters, cli_char_to_ix, cli_ix_to_char, 200, rng=0)
    report = novelty(samples, names)
    print(
        f"\nSamples of the CLI model (rng 0): {report['fraction_novel']:.0%} of 200 are not in the "
        f"corpus; the first ten:"
    )
    print(" ".join(s.rstrip("\n") for s in samples[:10]))


if __name__ == "__main__":
    main()
