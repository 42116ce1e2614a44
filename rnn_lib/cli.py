"""The command line: python -m rnn_lib train | sample | evaluate.

Every mistake in the input ends the program with one line "error: ..." on stderr that names
the culprit, and exit status 2 (bad arguments) or 1 (bad files, failed runs); never a traceback.
Files and options are checked before any work starts. A run that diverges (a loss or a weight
that is no longer a finite number) ends with such a line too, and writes nothing.

SIGINT (Ctrl-C), SIGTERM and SIGHUP end a command with exit status 128 + the signal's number
(130, 143, 129) and one line that says what happened to the checkpoint: "interrupted by SIGINT
before the checkpoint was written; m.npz is unchanged" or "... after m.npz was written (it holds
the new model)". The write itself (temporary file, fsync, rename) is never cut in the middle:
a signal that arrives then waits until it is over.
"""

import argparse
import contextlib
import inspect
import io
import json
import math
import os
import signal
import sys

from .cells.registry import CELLS
from .data.checkpoint import load_checkpoint, most_epochs, save_checkpoint
from .data.corpus import read_corpus
from .data.names import dinosaur_names_path, index_maps
from .interrupts import deferred_signals, raising_on_signals
from .training.optim import UPDATE_CHOICES
from .training.sampling import sample_names
from .training.trainer import HISTORY_KEYS, TrainingDiverged, evaluate, train
from .validation import check_output_file, quote_path

#: A run whose final dev loss per character is above this many times ln(vocabulary size), the
#: loss of guessing every character equally likely (where every run starts), learned nothing
#: but harm: it does not replace an existing checkpoint unless --force is given.
WORSE_THAN_GUESSING = 1.25

#: train()'s defaults, shown by --help and used when an option is not given.
TRAIN_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(train).parameters.items()
    if parameter.default is not inspect.Parameter.empty
}


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (exit status 2)."""

    def error(self, message):
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def _integer(text, low, high):
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be an integer from {low} to {high}; got {text!r}")
    return value


def _positive_int(text):
    return _integer(text, 1, 10**9)


def _hidden_size(text):
    return _integer(text, 1, 4096)


def _sample_count(text):
    return _integer(text, 1, 100_000)


def _name_length(text):
    return _integer(text, 1, 10_000)


def _shortest_name(text):
    return _integer(text, 0, 10_000)


def _seed(text):
    return _integer(text, 0, 2**63 - 1)


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


#: Each command's options, one row each: (flags, argparse keywords). A default of train() is
#: filled in from TRAIN_DEFAULTS (under the option's name) where the row gives none.
TRAIN_OPTIONS = (
    ("--data", dict(metavar="PATH", help="corpus, UTF-8, one name per line (default: the "
                    "shipped dinosaur names)")),
    ("--out", dict(metavar="PATH", default="model.npz", help="checkpoint to write; its folder "
                   "must exist")),
    ("--cell", dict(choices=tuple(CELLS), help="the recurrent cell: vanilla RNN, LSTM or GRU")),
    ("--hidden", dict(metavar="N", type=_hidden_size, help="hidden units, 1 to 4096")),
    ("--epochs", dict(metavar="N", type=_positive_int, help="passes over the training names")),
    ("--batch-size", dict(metavar="N", type=_positive_int, help="names per update step")),
    ("--learning-rate", dict(metavar="R", type=_positive_float, help="step size at the start")),
    ("--schedule", dict(choices=UPDATE_CHOICES["schedule"], help="learning rate falling "
                        "linearly to 0 over the run, or constant")),
    ("--optimizer", dict(choices=UPDATE_CHOICES["optimizer"], help="update rule")),
    ("--clip", dict(choices=UPDATE_CHOICES["clip"], help="gradient clipping: by global norm, "
                    "entrywise by value, or none")),
    ("--clip-threshold", dict(metavar="C", type=_positive_float, help="the global norm or the "
                              "entry size that clipping allows")),
    ("--dev-fraction", dict(metavar="F", type=_fraction, default=0.1, help="share of the names "
                            "held out as the dev set")),
    ("--seed", dict(metavar="S", type=_seed, help="seed of the split, the weights and the "
                    "shuffling")),
    ("--no-progress", dict(action="store_true", help="do not show the progress bar")),
    ("--force", dict(action="store_true", help="replace an existing --out even if the run "
                     "ends worse than guessing: by default a final dev loss per character above "
                     f"{WORSE_THAN_GUESSING} x ln(vocabulary size) leaves it unchanged")),
)  # fmt: skip
SAMPLE_OPTIONS = (
    ("--checkpoint", dict(metavar="PATH", required=True, help="a checkpoint written by train")),
    ("-n", dict(metavar="N", type=_sample_count, default=10, help="how many names, drawn "
                "together: a seed fixes the whole list of N")),
    ("--temperature", dict(metavar="T", type=_positive_float, default=1.0, help="below 1: safer, "
                           "more typical names (towards 0: always the likeliest character); "
                           "above 1: wilder ones")),
    ("--top-k", dict(metavar="K", type=_positive_int, help="draw only from the K likeliest "
                     "characters")),
    ("--max-length", dict(metavar="N", type=_name_length, default=50, help="longest name, 1 to "
                          "10000")),
    ("--min-length", dict(metavar="N", type=_shortest_name, default=1, help="shortest name, 0 "
                          "to --max-length: shorter names are drawn again (0 allows empty "
                          "names)")),
    ("--seed", dict(metavar="S", type=_seed, help="seed of the draws (default: fresh)")),
)  # fmt: skip
EVALUATE_OPTIONS = (
    ("--checkpoint", dict(metavar="PATH", required=True, help="a checkpoint written by train")),
    ("--data", dict(metavar="PATH", required=True, help="corpus, UTF-8, one name per line")),
    ("--json", dict(action="store_true", help="print loss_per_char, perplexity, names, chars as "
                    "JSON")),
)  # fmt: skip
SUBCOMMANDS = (
    ("train", TRAIN_OPTIONS, "train a model and save it as a checkpoint",
     "Train on a corpus split 90/10 (train/dev) and write a checkpoint (.npz)."),
    ("sample", SAMPLE_OPTIONS, "invent names with a trained model",
     "Print sampled names, one per line."),
    ("evaluate", EVALUATE_OPTIONS, "measure a model's loss on a corpus",
     "Print the mean cross-entropy per character (nats, the end-of-name counted) and the "
     "perplexity of a model on a corpus."),
)  # fmt: skip


def _add_options(parser, options, defaults):
    """Add every (flags, keywords) row; a default from defaults is shown in the help."""
    for flag, keywords in options:
        keywords = dict(keywords)
        name = flag.lstrip("-").replace("-", "_")
        if name in defaults and "default" not in keywords and "action" not in keywords:
            keywords["default"] = defaults[name]
        if keywords.get("default") is not None and "default:" not in keywords["help"]:
            keywords["help"] += " (default: %(default)s)"
        parser.add_argument(flag, **keywords)


def build_parser():
    """The argparse parser of the three commands, with help for every option (the tables above)."""
    parser = _Parser(
        prog="python -m rnn_lib",
        description="Train a character-level RNN, LSTM or GRU on names, sample new names, "
        "evaluate a model.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command, options, summary, description in SUBCOMMANDS:
        subparser = commands.add_parser(command, help=summary, description=description)
        _add_options(subparser, options, TRAIN_DEFAULTS if command == "train" else {})
    return parser


def _perplexity(value):
    """A perplexity for people: 3 decimals, or 4 significant digits once it is huge."""
    return f"{value:.3f}" if value < 1e6 else f"{value:.4g}"


def _check_train_files(args):
    """Check --out (and that it is not --data) before any work: the path to write."""
    target = check_output_file(args.out, "--out")
    if args.data is not None and os.path.exists(target) and os.path.exists(args.data):
        if os.path.samefile(target, args.data):
            raise ValueError(
                f"--out {quote_path(args.out)} is the --data file; writing it would destroy it"
            )
    return target


def _check_saveable(args, chars):
    """Check before training that a checkpoint of this vocabulary and --epochs can be written."""
    planned = dict(vars(args), cell=args.cell, data=args.data)
    most = most_epochs(chars, planned, HISTORY_KEYS, args.cell)
    if most < 1:
        raise ValueError(
            f"a vocabulary of {len(chars):,} characters cannot be saved in a checkpoint: its "
            "metadata would be too long"
        )
    if args.epochs > most:
        raise ValueError(
            f"--epochs {args.epochs}: a checkpoint holds the history of at most {most:,} epochs "
            "of this corpus; choose fewer"
        )


def _train(args):
    """train: check the files, train, write the checkpoint; say what became of it if stopped."""
    _check_train_files(args)
    out = quote_path(args.out)
    existed = os.path.exists(args.out)
    unchanged = f"{out} is unchanged" if existed else f"{out} was not written"
    written = False
    try:
        corpus = read_corpus(args.data or dinosaur_names_path())
        _check_saveable(args, corpus.chars)
        train_names, dev_names = corpus.split(args.dev_fraction, args.seed)
        del corpus  # its codes live on in the two subsets; nothing else of it is needed
        result = _run_training(args, train_names, dev_names)
        if existed and not args.force:
            _check_not_worse_than_guessing(result, unchanged)
        with deferred_signals():  # a stop signal now waits until the line below is printed
            _save(args, result)
            written = True
            _print_summary(result.history, out)
    except TrainingDiverged as error:
        raise TrainingDiverged(f"{error}; {unchanged}") from None
    except KeyboardInterrupt as stop:  # Interrupted (a stop signal), or a KeyboardInterrupt
        stop.outcome = (
            f"after {out} was written (it holds the new model)"
            if written
            else f"before the checkpoint was written; {unchanged}"
        )
        raise


def _check_not_worse_than_guessing(result, unchanged):
    """Refuse to replace a checkpoint with a model whose dev loss is far worse than guessing."""
    final = result.history["dev_loss_per_char"][-1]
    guessing = math.log(len(result.chars))
    if final > WORSE_THAN_GUESSING * guessing:
        raise ValueError(
            f"the run ended with a dev loss of {final:.4g} nats per character, more than "
            f"{WORSE_THAN_GUESSING} x {guessing:.4f} (guessing among {len(result.chars)} "
            f"characters); {unchanged} (--force replaces it anyway)"
        )


def _save(args, result):
    """Write the trained model to --out with the command's settings."""
    hyperparameters = dict(result.hyperparameters, dev_fraction=args.dev_fraction, data=args.data)
    save_checkpoint(
        args.out, result.parameters, result.chars, hyperparameters, result.history, args.cell
    )


def _print_summary(history, out):
    """Print the run's last dev loss and where it was written.

    The checkpoint is already in place: if stdout cannot take the line (a closed pipe, a full
    disk, an encoding that cannot show the path), stderr says so and the command still succeeds.
    """
    try:
        print(
            f"dev loss per char {history['dev_loss_per_char'][-1]:.4f} "
            f"(perplexity {_perplexity(history['dev_perplexity'][-1])}) after "
            f"{history['epoch'][-1]} epochs, {history['seconds'][-1]:.1f} s; wrote {out}",
            flush=True,
        )
    except (OSError, ValueError) as error:
        _silence_stdout()
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        with contextlib.suppress(OSError, ValueError):
            print(
                f"warning: {out} was written, but its summary could not be printed ({reason})",
                file=sys.stderr,
                flush=True,
            )


def _silence_stdout():
    """Send what stdout still holds to /dev/null, so that exiting cannot fail on it again."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)


def _run_training(args, train_names, dev_names):
    """train() with the command's settings, on two Corpora of the whole corpus's vocabulary.

    (The dev names may hold rarer letters than the training names.)
    """
    return train(
        train_names,
        dev_names,
        cell=args.cell,
        hidden=args.hidden,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        optimizer=args.optimizer,
        clip=args.clip,
        clip_threshold=args.clip_threshold,
        schedule=args.schedule,
        seed=args.seed,
        progress=not args.no_progress,
    )


def _sample(args):
    """sample: print args.n names drawn from the checkpoint's model."""
    model = load_checkpoint(args.checkpoint)
    char_to_ix, ix_to_char = index_maps(model.chars)
    if args.top_k is not None and args.top_k > len(model.chars):
        raise ValueError(
            f"--top-k must be at most the vocabulary size {len(model.chars)}; got {args.top_k}"
        )
    if args.min_length > args.max_length:
        raise ValueError(
            f"--min-length {args.min_length} must be at most --max-length {args.max_length}"
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
        cell=model.cell,
        min_length=args.min_length,
    )
    print("".join(names), end="", flush=True)


def _evaluate(args):
    """evaluate: print the checkpoint's loss on a corpus, naming the line of an unknown letter."""
    model = load_checkpoint(args.checkpoint)
    char_to_ix, _ = index_maps(model.chars)
    of = f"checkpoint {quote_path(args.checkpoint)}"
    corpus = read_corpus(args.data, model.chars, vocabulary_of=of)
    result = evaluate(model.parameters, corpus, char_to_ix, model.cell)
    if args.json:
        print(json.dumps(result._asdict()), flush=True)
    else:
        print(
            f"loss per char {result.loss_per_char:.4f} nats, perplexity "
            f"{_perplexity(result.perplexity)} ({result.names} names, {result.chars} characters)",
            flush=True,
        )


COMMANDS = {"train": _train, "sample": _sample, "evaluate": _evaluate}


def main(argv=None, *, exiting=False):
    """Run the command line with argv (default: sys.argv[1:]); returns the exit status.

    0 on success, 2 for bad arguments, 1 for bad files or a failed run, 128 + the signal's
    number (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP) when a stop signal ended it; the
    one line on stderr then says whether the checkpoint had been written. With exiting (python
    -m rnn_lib, which ends right after), stop signals stay ignored once main has returned.
    """
    with raising_on_signals(then_ignore=exiting):
        try:
            return _run(argv)
        except KeyboardInterrupt as stop:  # Interrupted, or a KeyboardInterrupt from elsewhere
            signum = getattr(stop, "signum", signal.SIGINT)
            outcome = f" {stop.outcome}" if getattr(stop, "outcome", "") else ""
            name = signal.Signals(signum).name
            print(f"error: interrupted by {name}{outcome}", file=sys.stderr)
            return 128 + signum


def _run(argv):
    """Parse argv and run its command; the exit status (see main)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return stop.code
    try:
        COMMANDS[args.command](args)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"error: out of memory in {args.command}; try smaller sizes", file=sys.stderr)
        return 1
    return 0


def run():
    """The rnn-lib console script and python -m rnn_lib: main, then the process ends.

    Whatever stdout could not take (a closed pipe) is dropped before the end, so that exiting
    adds no second error to the one main reported.
    """
    status = main(exiting=True)
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()
    return status
