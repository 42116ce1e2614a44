"""The command line: python -m rnn_lib train | sample | evaluate.

Every mistake in the input ends the program with one line "error: ..." on stderr that names
the culprit, and exit status 2 (bad arguments) or 1 (bad files, failed runs); never a traceback.
"""

import argparse
import json
import math
import os
import sys

from .checkpoint import load_checkpoint, save_checkpoint
from .data import (
    build_vocabulary,
    dinosaur_names_path,
    index_maps,
    load_names,
    load_numbered_names,
    split_names,
)
from .sampling import sample_names
from .train import evaluate, train


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (exit status 2)."""

    def error(self, message):
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive number; got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive, finite number; got {text!r}")
    return value


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1; got {text!r}")
    return value


def build_parser():
    """The argparse parser of the three commands, with help for every option."""
    parser = _Parser(
        prog="python -m rnn_lib",
        description="Train a character-level RNN on names, sample new names, evaluate a model.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    t = commands.add_parser(
        "train",
        help="train a model and save it as a checkpoint",
        description="Train on a corpus split 90/10 (train/dev) and write a checkpoint (.npz).",
    )
    t.add_argument(
        "--data",
        metavar="PATH",
        default=None,
        help="corpus, UTF-8, one name per line (default: the shipped dinosaur names)",
    )
    t.add_argument(
        "--out",
        metavar="PATH",
        default="model.npz",
        help="checkpoint to write; its folder must exist (default: model.npz)",
    )
    t.add_argument(
        "--hidden", metavar="N", type=_positive_int, default=50, help="hidden units (default: 50)"
    )
    t.add_argument(
        "--epochs", metavar="N", type=_positive_int, default=None, help="passes over the data"
    )
    t.add_argument(
        "--batch-size", metavar="N", type=_positive_int, default=None, help="names per step"
    )
    t.add_argument(
        "--learning-rate", metavar="R", type=_positive_float, default=None, help="step size"
    )
    t.add_argument(
        "--optimizer", choices=("adam", "sgd"), default="adam", help="update rule (default: adam)"
    )
    t.add_argument(
        "--clip",
        choices=("norm", "value", "none"),
        default=None,
        help="gradient clipping: by global norm, entrywise by value, or none",
    )
    t.add_argument(
        "--clip-threshold",
        metavar="C",
        type=_positive_float,
        default=None,
        help="clipping threshold",
    )
    t.add_argument(
        "--dev-fraction",
        metavar="F",
        type=_fraction,
        default=0.1,
        help="share of the names held out as the dev set (default: 0.1)",
    )
    t.add_argument(
        "--seed",
        metavar="S",
        type=int,
        default=0,
        help="seed of the split, weights and shuffling (default: 0)",
    )
    t.add_argument("--no-progress", action="store_true", help="do not show the progress bar")

    s = commands.add_parser(
        "sample",
        help="invent names with a trained model",
        description="Print sampled names, one per line.",
    )
    s.add_argument(
        "--checkpoint", metavar="PATH", required=True, help="a checkpoint written by train"
    )
    s.add_argument(
        "-n", metavar="N", type=_positive_int, default=10, help="how many names (default: 10)"
    )
    s.add_argument(
        "--temperature",
        metavar="T",
        type=_positive_float,
        default=1.0,
        help="below 1: safer, more typical names; above 1: wilder ones (default: 1.0)",
    )
    s.add_argument(
        "--top-k",
        metavar="K",
        type=_positive_int,
        default=None,
        help="draw only from the K likeliest characters",
    )
    s.add_argument(
        "--max-length",
        metavar="N",
        type=_positive_int,
        default=50,
        help="longest name (default: 50)",
    )
    s.add_argument(
        "--seed", metavar="S", type=int, default=None, help="seed of the draws (default: fresh)"
    )

    e = commands.add_parser(
        "evaluate",
        help="measure a model's loss on a corpus",
        description="Print the mean cross-entropy per character (nats, the end-of-name counted) "
        "and the perplexity of a model on a corpus.",
    )
    e.add_argument(
        "--checkpoint", metavar="PATH", required=True, help="a checkpoint written by train"
    )
    e.add_argument("--data", metavar="PATH", required=True, help="corpus, UTF-8, one name per line")
    e.add_argument(
        "--json", action="store_true", help="print loss_per_char, perplexity, names, chars as JSON"
    )
    return parser


def _check_output_path(path):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"output folder {os.path.dirname(path) or '.'} does not exist")
    if os.path.isdir(path):
        raise ValueError(
            f"--out {path} is a folder; give a file name such as {os.path.join(path, 'model.npz')}"
        )
    if not os.access(folder, os.W_OK):
        raise ValueError(f"output folder {os.path.dirname(path) or '.'} is not writable")


def _train(args):
    _check_output_path(args.out)
    names = load_names(args.data or dinosaur_names_path())
    train_names, dev_names = split_names(names, args.dev_fraction, args.seed)
    options = {
        key: value
        for key, value in (
            ("epochs", args.epochs),
            ("batch_size", args.batch_size),
            ("learning_rate", args.learning_rate),
            ("clip", args.clip),
            ("clip_threshold", args.clip_threshold),
        )
        if value is not None
    }
    result = train(
        train_names,
        dev_names,
        hidden=args.hidden,
        optimizer=args.optimizer,
        seed=args.seed,
        chars=build_vocabulary(names),  # the whole corpus's: the dev names may hold rarer letters
        progress=not args.no_progress,
        **options,
    )
    hyperparameters = dict(result.hyperparameters, dev_fraction=args.dev_fraction, data=args.data)
    save_checkpoint(args.out, result.parameters, result.chars, hyperparameters, result.history)
    history = result.history
    print(
        f"dev loss per char {history['dev_loss_per_char'][-1]:.4f} "
        f"(perplexity {history['dev_perplexity'][-1]:.3f}) after "
        f"{history['epoch'][-1]} epochs, {history['seconds'][-1]:.1f} s; wrote {args.out}"
    )


def _sample(args):
    model = load_checkpoint(args.checkpoint)
    char_to_ix, ix_to_char = index_maps(model.chars)
    if args.top_k is not None and args.top_k > len(model.chars):
        raise ValueError(
            f"--top-k must be at most the vocabulary size {len(model.chars)}; got {args.top_k}"
        )
    names = sample_names(
        model.parameters,
        char_to_ix,
        ix_to_char,
        args.n,
        temperature=args.temperature,
        top_k=args.top_k,
        rng=args.seed,
        max_length=args.max_length,
    )
    print("".join(names), end="")


def _evaluate(args):
    model = load_checkpoint(args.checkpoint)
    char_to_ix, _ = index_maps(model.chars)
    numbered = load_numbered_names(args.data)
    for line, name in numbered:
        unknown = [c for c in name if c not in char_to_ix]
        if unknown:
            raise ValueError(
                f"data file {args.data}, line {line}: character {unknown[0]!r} is not in the "
                f"vocabulary of checkpoint {args.checkpoint}"
            )
    result = evaluate(model.parameters, [name for _, name in numbered], char_to_ix)
    if args.json:
        print(json.dumps(result._asdict()))
    else:
        print(
            f"loss per char {result.loss_per_char:.4f} nats, perplexity {result.perplexity:.3f} "
            f"({result.names} names, {result.chars} characters)"
        )


def main(argv=None):
    """Run the command line with argv (default: sys.argv[1:]); returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return stop.code
    command = {"train": _train, "sample": _sample, "evaluate": _evaluate}[args.command]
    try:
        command(args)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return 130
    return 0
