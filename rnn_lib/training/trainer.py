"""Training the character-level model with the recommended recipe, and measuring it.

``train`` is the recipe the project recommends (length-grouped minibatches, Adam, clipping by
global norm, a dev set); rnn_lib.training.seed_recipe holds the seed's. Both measure loss the
same way as ``evaluate``: the mean cross-entropy per character in nats, over every predicted
character including each name's closing "\\n". Notebook 06 trains with it, 08 compares cells.

A run that diverges stops at once: ``train`` raises TrainingDiverged (a ValueError) as soon as a
loss or a parameter is no longer a finite number, so a broken model is never returned or saved.
"""

import math
import time
from typing import NamedTuple

import numpy as np
from tqdm import tqdm

from ..cells.registry import get_cell
from ..data.corpus import Corpus, corpus_from_names
from ..data.names import (
    END,
    build_vocabulary,
    check_known_characters,
    check_names,
    check_vocabulary,
    index_maps,
)
from ..loss import compute_loss, perplexity
from ..validation import (
    as_parameter_arrays,
    check_flag,
    check_integer,
    check_positive_number,
    check_seed,
)
from . import optim

#: What train's history records, one entry per epoch.
HISTORY_KEYS = ("epoch", "seconds", "train_loss_per_char", "dev_loss_per_char", "dev_perplexity")


#: Most values per step-array evaluate puts in one forward pass, and a training step in one
#: forward and backward pass (a larger batch is computed in parts, see _batch_loss_and_gradients):
#: names x time steps (padding included) x (n_x + n_a), 32 MiB of float64, so that memory follows
#: the model's size, never batch_size times the longest name. Batches of 512 names of the
#: dinosaur corpus fit many times over.
MAX_BATCH_VALUES = 1 << 22


class TrainingDiverged(ValueError):
    """A training run produced a loss or a parameter that is not a finite number."""


class Evaluation(NamedTuple):
    """The loss of a model on a list of names."""

    loss_per_char: float  # mean cross-entropy per predicted character, nats
    perplexity: float  # exp(loss_per_char)
    names: int  # how many names
    chars: int  # how many predicted characters: each name's length + 1


class TrainResult(NamedTuple):
    """What train returns."""

    parameters: dict  # the trained parameters
    chars: str  # the vocabulary, "\n" first
    hyperparameters: dict  # every setting the run used, JSON-ready
    history: dict  # per epoch: epoch, seconds, train_loss_per_char, dev_loss_per_char, ...


def evaluate(parameters, names, char_to_ix, cell="rnn", batch_size=512):
    """Mean cross-entropy per character of the model on names (each name from a zero state).

    loss_per_char = -(1 / chars) * sum over names and steps of log p(true next character),
    where chars counts every predicted character including the closing "\\n".

    Arguments:
        parameters -- the model's parameter dict (arrays or nested lists)
        names -- list of names, every character in char_to_ix; or a Corpus (rnn_lib.data.corpus)
            whose vocabulary is char_to_ix's, the same result in a fraction of the memory
        char_to_ix -- dict character -> index, "\\n" -> 0
        cell -- the architecture: "rnn", "lstm", "gru" or a Cell (see rnn_lib.cells.registry)
        batch_size -- names per forward pass, fewer for long names or large models (see
            MAX_BATCH_VALUES); the result does not depend on it
    Returns:
        Evaluation(loss_per_char, perplexity, names, chars)
    Raises:
        ValueError for bad input, or for a model whose predictions are not finite numbers
    """
    if not len(names):
        raise ValueError("names must hold at least one name to evaluate; got none")
    check_integer("batch_size", batch_size)
    corpus = _evaluation_corpus(names, char_to_ix)
    architecture = get_cell(cell)
    parameters = as_parameter_arrays(parameters)
    with np.errstate(over="ignore", invalid="ignore"):  # a non-finite total is reported below
        total = _summed_loss(architecture, parameters, corpus, batch_size)
    if not math.isfinite(total):
        raise ValueError(
            "the model's loss is not a finite number: its parameters are too large for its "
            "predictions to be computed"
        )
    return _evaluation(total, corpus)


def _evaluation_corpus(names, char_to_ix):
    """names as a Corpus over char_to_ix (checked), or names itself if it is one already."""
    if isinstance(names, Corpus):
        if index_maps(names.chars)[0] != char_to_ix:
            raise ValueError(
                f"the corpus's vocabulary {names.chars!r:.40} is not char_to_ix's; read it with "
                "that vocabulary"
            )
        return names
    check_known_characters(names, char_to_ix, "evaluation")
    if END not in char_to_ix:
        raise ValueError("char_to_ix must map '\\n', the end of a name; it does not")
    chars = "".join(sorted(char_to_ix, key=char_to_ix.get))
    return corpus_from_names(names, chars)


def _evaluation(total, corpus):
    """The Evaluation of a corpus from its summed cross-entropy total."""
    chars = corpus.count_chars()
    return Evaluation(total / chars, perplexity(total / chars), len(corpus), chars)


def _summed_loss(architecture, parameters, corpus, batch_size):
    """The summed cross-entropy of a Corpus, in batches of similar lengths (little padding)."""
    n_a = architecture.hidden_size(parameters)
    total = 0.0
    for batch in _bounded_batches(corpus.lengths, batch_size, len(corpus.chars) + n_a):
        X, Y = corpus.encode(batch)
        y_hat = architecture.predict(X, np.zeros((n_a, X.shape[1])), parameters)
        total += compute_loss(y_hat, Y)
    return total


def _bounded_batches(lengths, batch_size, width):
    """The positions of the names sorted by length (stably), cut into batches of bounded size.

    A batch holds at most batch_size names and at most MAX_BATCH_VALUES = m * T_x * width
    values, width = n_x + n_a (a name too long for that makes a batch of its own). Each batch is
    the longest run from its first name that fits: sorted, its last name is its longest.
    """
    order = np.argsort(lengths, kind="stable")
    most_steps, start = MAX_BATCH_VALUES // width, 0
    while start < len(order):
        window = lengths[order[start : start + batch_size]] + 1  # T_x if that name were last
        fits = np.arange(1, len(window) + 1) * window <= most_steps
        size = max(1, int(np.argmin(fits)) if not fits.all() else len(window))
        yield order[start : start + size]
        start += size


def check_hyperparameters(settings):
    """Check train's settings before any work: one ValueError naming the first bad one."""
    for name in ("hidden", "epochs", "batch_size"):
        check_integer(name, settings[name])
    for name in ("learning_rate", "clip_threshold"):
        check_positive_number(name, settings[name])
    check_seed("seed", settings["seed"], generator=False)  # a Generator could not be stored
    get_cell(settings["cell"])
    optim.check_update_choices(
        optimizer=settings["optimizer"], clip=settings["clip"], schedule=settings["schedule"]
    )


class _Run(NamedTuple):
    """What the epochs of one training run share."""

    architecture: object  # the Cell (rnn_lib.cells.registry)
    parameters: dict  # updated in place
    corpus: Corpus  # the training names
    batch_size: int  # names per step
    rng: np.random.Generator  # for the shuffling of every epoch after the first
    first_batches: list  # the first epoch's batches (drawn before the update rule is made)
    update: object  # (parameters, gradients, n) -> None, see optim.make_update
    learning_rate: float  # for the message of a diverged run


def _start_run(settings, corpus, architecture):
    """Draw the initial weights and the first epoch's batches (in that order, from seed)."""
    chars = corpus.chars
    rng = np.random.default_rng(settings["seed"])
    parameters = architecture.initialize(settings["hidden"], len(chars), len(chars), rng)
    batches = corpus.batches(settings["batch_size"], rng)
    total_steps = settings["epochs"] * len(batches)  # the same count every epoch
    update = optim.make_update(
        settings["optimizer"],
        settings["clip"],
        settings["clip_threshold"],
        settings["learning_rate"],
        settings["schedule"],
        total_steps,
    )
    return _Run(
        architecture, parameters, corpus, settings["batch_size"], rng, batches, update,
        settings["learning_rate"],
    )  # fmt: skip


def _train_epoch(run, epoch):
    """One pass over newly shuffled batches, one _train_step each; the loss per character.

    The first epoch uses the batches drawn by _start_run; later epochs reshuffle with run.rng.
    """
    if epoch == 1:
        batches = run.first_batches
    else:
        batches = run.corpus.batches(run.batch_size, run.rng)
    total_loss, total_chars = 0.0, 0
    first_step = (epoch - 1) * len(batches)
    for n, batch in enumerate(batches, start=first_step):
        loss, n_chars = _train_step(run, batch, n, epoch)
        total_loss += loss
        total_chars += n_chars
    return total_loss / total_chars


def _train_step(run, batch, n, epoch):
    """Update step n (counted from 0) on one batch (positions in run.corpus): summed loss, chars.

    Every name starts from a zero state; the objective of a batch is its mean cross-entropy per
    character, so its summed-loss gradients are divided by the batch's character count before
    run.update clips them and applies them. Raises TrainingDiverged if the loss, or any
    parameter after the update, is not a finite number.
    """
    loss, gradients = _batch_loss_and_gradients(run, batch)
    if not math.isfinite(loss):
        _diverged(run, f"the loss of step {n + 1} is {loss}", epoch)
    n_chars = int(run.corpus.lengths[batch].sum()) + len(batch)
    names = run.architecture.param_names
    run.update(run.parameters, {f"d{name}": gradients[f"d{name}"] / n_chars for name in names}, n)
    for name in names:
        if not np.isfinite(run.parameters[name]).all():
            _diverged(run, f"step {n + 1} made {name} non-finite (nan or inf)", epoch)
    return loss, n_chars


def _batch_loss_and_gradients(run, batch):
    """The summed loss of a batch and its gradients, in parts of at most MAX_BATCH_VALUES.

    A batch that fits (every batch of the dinosaur names, many times over) is one call of the
    cell's loss_and_gradients. A larger one, such as 64 names padded to a name of 10,000
    letters, is cut by _bounded_batches and the parts' losses and gradients are summed: every
    name starts from a zero state, so the sums are the batch's, up to the rounding of the
    order of the additions, while the memory is one part's.
    """
    n_a = run.architecture.hidden_size(run.parameters)
    width = len(run.corpus.chars) + n_a
    parts = list(_bounded_batches(run.corpus.lengths[batch], len(batch), width))
    total, summed = 0.0, None
    for part in parts:
        positions = batch[part] if len(parts) > 1 else batch
        X, Y = run.corpus.encode(positions)
        loss, gradients = run.architecture.loss_and_gradients(
            X, Y, np.zeros((n_a, len(positions))), run.parameters
        )
        keys = [f"d{name}" for name in run.architecture.param_names]
        summed = gradients if summed is None else {k: summed[k] + gradients[k] for k in keys}
        total += loss
    return total, summed


def _diverged(run, what, epoch):
    """Raise TrainingDiverged: what went wrong, in which epoch, and what to try."""
    raise TrainingDiverged(
        f"training diverged in epoch {epoch}: {what}; try a smaller learning rate than "
        f"{run.learning_rate:g}"
    )


def _dev_evaluation(run, dev, epoch):
    """The Evaluation of the dev Corpus after an epoch (None without one).

    Raises TrainingDiverged if its loss is not finite.
    """
    if dev is None:
        return None
    total = _summed_loss(run.architecture, run.parameters, dev, 512)
    if not math.isfinite(total):
        _diverged(run, "the dev loss is not finite", epoch)
    return _evaluation(total, dev)


def _record_epoch(history, epoch, seconds, train_loss_per_char, dev):
    """Append one epoch to the history, a dict of lists of HISTORY_KEYS.

    The train loss per character is over the epoch's batches, each before its update; dev is
    an Evaluation of the dev names after the epoch, or None (then the dev loss and perplexity
    are nan).
    """
    history["epoch"].append(epoch)
    history["seconds"].append(seconds)
    history["train_loss_per_char"].append(train_loss_per_char)
    history["dev_loss_per_char"].append(dev.loss_per_char if dev else float("nan"))
    history["dev_perplexity"].append(dev.perplexity if dev else float("nan"))


def _corpora(train_names, dev_names, chars):
    """The run's training and dev Corpus (None without dev names), checked.

    Lists of names are checked (_vocabulary) and stored as Corpora over the vocabulary; Corpora
    are taken as they are, with their own vocabulary, which chars, if given, must match.
    """
    if not isinstance(train_names, Corpus):
        if isinstance(dev_names, Corpus):
            raise ValueError("dev_names is a Corpus but train_names is not; give two of a kind")
        chars = _vocabulary(train_names, dev_names, chars)
        dev = corpus_from_names(dev_names, chars) if dev_names else None
        return corpus_from_names(train_names, chars), dev
    if not len(train_names):
        raise ValueError("train_names must hold at least one name; got none")
    for what, given in (
        ("chars", chars),
        ("dev_names' vocabulary", getattr(dev_names, "chars", None)),
    ):
        if given is not None and given != train_names.chars:
            raise ValueError(
                f"{what} {given!r:.40} is not the training Corpus's {train_names.chars!r:.40}"
            )
    if dev_names is not None and not isinstance(dev_names, Corpus):
        raise ValueError(
            f"dev_names must be a Corpus like train_names; got {type(dev_names).__name__}"
        )
    return train_names, dev_names if dev_names is not None and len(dev_names) else None


def _vocabulary(train_names, dev_names, chars):
    """The run's vocabulary (given, or train_names'), checked against every name."""
    check_names(train_names, "train_names")
    if dev_names is not None:
        check_names(dev_names, "dev_names")
    if not train_names:
        raise ValueError("train_names must hold at least one name; got none")
    chars = build_vocabulary(train_names) if chars is None else chars
    check_vocabulary(chars)
    char_to_ix, _ = index_maps(chars)
    check_known_characters(train_names, char_to_ix, "training")
    if dev_names:
        check_known_characters(dev_names, char_to_ix, "dev")
    return chars


def train(
    train_names, dev_names=None, *, hidden=50, epochs=10, batch_size=64, learning_rate=0.05,
    optimizer="adam", clip="norm", clip_threshold=1.0, schedule="linear", seed=0, chars=None,
    cell="rnn", progress=True,
):  # fmt: skip
    """Train on length-grouped minibatches of names; deterministic given seed.

    The defaults are the project's recipe for the dinosaur names (benchmarks/train_vs_seed.py):
    10 epochs of 64 names per step, Adam at 0.05 falling linearly to 0, clipping by global norm
    at 1. Each epoch is _train_epoch (one _train_step per batch), then the dev set is evaluated.

    Arguments:
        train_names, dev_names -- lists of names to learn from and to hold out (or None); or
            two Corpora (rnn_lib.data.corpus, e.g. read_corpus(path).split()) over one
            vocabulary, which is then the run's: the same run in a fraction of the memory
        hidden, epochs, batch_size -- hidden units n_a, passes over train_names, names per step
        learning_rate, optimizer, schedule -- the first step size, "adam" or "sgd", "linear"
            or "constant" (see optim.make_update)
        clip, clip_threshold -- "norm", "value" or "none": clip to that global norm or entry size
        seed -- seed of the initial weights and of the shuffling;  progress -- show a tqdm bar
        chars -- the vocabulary ("\\n" first; default train_names')
        cell -- "rnn", "lstm", "gru", or a Cell such as rnn_lib.stacked_cell(2)
    Returns:
        TrainResult(parameters, chars, hyperparameters, history), the history as _record_epoch
    Raises:
        ValueError before any work for a bad setting or name; TrainingDiverged (a ValueError)
        as soon as a loss or a parameter is not a finite number
    """
    settings = dict(
        cell=cell, hidden=hidden, epochs=epochs, batch_size=batch_size,
        learning_rate=learning_rate, optimizer=optimizer, clip=clip,
        clip_threshold=clip_threshold, schedule=schedule, seed=seed,
    )  # fmt: skip
    check_hyperparameters(settings)
    check_flag("progress", progress)
    architecture = get_cell(cell)
    settings["cell"] = architecture.name  # JSON-ready, as checkpoints store it
    corpus, dev = _corpora(train_names, dev_names, chars)
    run = _start_run(settings, corpus, architecture)
    history = {key: [] for key in HISTORY_KEYS}
    start = time.perf_counter()
    with (  # no overflow warnings: they would only repeat what TrainingDiverged says
        tqdm(total=epochs, unit="epoch", disable=not progress, leave=False) as bar,
        np.errstate(over="ignore", invalid="ignore", divide="ignore"),
    ):
        for epoch in range(1, epochs + 1):
            loss = _train_epoch(run, epoch)
            dev_evaluation = _dev_evaluation(run, dev, epoch)
            _record_epoch(history, epoch, time.perf_counter() - start, loss, dev_evaluation)
            bar.update()
            bar.set_postfix_str(
                f"loss {loss:.3f}"
                + (f", dev {dev_evaluation.loss_per_char:.3f}" if dev_evaluation else "")
            )
    return TrainResult(run.parameters, corpus.chars, settings, history)
