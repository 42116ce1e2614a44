"""Training the character-level model with the recommended recipe, and measuring it.

``train`` is the recipe the project recommends (length-grouped minibatches, Adam, clipping by
global norm, a dev set); rnn_lib.training.seed_recipe holds the seed's. Both measure loss the
same way as ``evaluate``: the mean cross-entropy per character in nats, over every predicted
character including each name's closing "\\n". Notebook 06 trains with it, 08 compares cells.
"""

import time
from typing import NamedTuple

import numpy as np
from tqdm import tqdm

from ..cells.registry import get_cell
from ..data.names import (
    build_vocabulary,
    check_known_characters,
    count_chars,
    encode_indices,
    encode_names,
    index_maps,
    length_grouped_batches,
    name_indices,
)
from ..loss import compute_loss, perplexity
from ..validation import check_integer, check_positive_number
from . import optim

#: What train's history records, one entry per epoch.
HISTORY_KEYS = ("epoch", "seconds", "train_loss_per_char", "dev_loss_per_char", "dev_perplexity")


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
        parameters -- the model's parameter dict
        names -- list of names; every character must be in char_to_ix
        char_to_ix -- dict character -> index, "\\n" -> 0
        cell -- the architecture: "rnn", "lstm" or "gru" (see rnn_lib.cells)
        batch_size -- names per forward pass (the result does not depend on it)
    Returns:
        Evaluation(loss_per_char, perplexity, names, chars)
    """
    if not names:
        raise ValueError("names must hold at least one name to evaluate; got none")
    check_integer("batch_size", batch_size)
    check_known_characters(names, char_to_ix, "evaluation")
    architecture = get_cell(cell)
    n_a = architecture.hidden_size(parameters)
    by_length = sorted(names, key=len)  # batches of similar lengths: little padding
    total = 0.0
    for start in range(0, len(by_length), batch_size):
        X, Y = encode_names(by_length[start : start + batch_size], char_to_ix)
        y_hat = architecture.predict(X, np.zeros((n_a, X.shape[1])), parameters)
        total += compute_loss(y_hat, Y)
    chars = count_chars(names)
    return Evaluation(total / chars, perplexity(total / chars), len(names), chars)


def _make_update(optimizer, clip, clip_threshold, schedule, learning_rate, total_steps):
    """The update of step k = 0, 1, ...: a function (parameters, gradients, k), in place.

    It clips the gradients (by global norm, by value, or not), then applies Adam or SGD with
    the learning rate of step k: constant, or learning_rate (1 - k / total_steps), falling
    linearly towards 0 over the run.
    """
    clippers = {
        "norm": lambda gradients: optim.clip_by_norm(gradients, clip_threshold),
        "value": lambda gradients: optim.clip(gradients, clip_threshold),
        "none": lambda gradients: gradients,
    }
    schedules = {
        "constant": lambda k: learning_rate,
        "linear": lambda k: learning_rate * (1.0 - k / total_steps),
    }
    adam = optim.Adam(learning_rate)

    def adam_step(parameters, gradients, rate):
        adam.learning_rate = rate
        adam.step(parameters, gradients)

    rules = {"adam": adam_step, "sgd": optim.update_parameters}
    clipper, rate, rule = clippers[clip], schedules[schedule], rules[optimizer]
    return lambda parameters, gradients, k: rule(parameters, clipper(gradients), rate(k))


def check_hyperparameters(settings):
    """Check train's settings before any work: one ValueError naming the first bad one."""
    for name in ("hidden", "epochs", "batch_size"):
        check_integer(name, settings[name])
    for name in ("learning_rate", "clip_threshold"):
        check_positive_number(name, settings[name])
    get_cell(settings["cell"])
    choices = {
        "optimizer": ("adam", "sgd"),
        "clip": ("norm", "value", "none"),
        "schedule": ("linear", "constant"),
    }
    for name, allowed in choices.items():
        if settings[name] not in allowed:
            quoted = [repr(choice) for choice in allowed]
            expected = ", ".join(quoted[:-1]) + " or " + quoted[-1]
            raise ValueError(f"{name} must be {expected}; got {settings[name]!r}")


def _train_epoch(architecture, parameters, batches, indices, sizes, update, first_step):
    """One pass over the batches, one update per batch; returns the summed loss and characters.

    Every name starts from a zero state; the objective of a batch is its mean cross-entropy per
    character, so its summed-loss gradients are divided by the batch's character count.
    """
    n_x, n_a = sizes
    total_loss, total_chars = 0.0, 0
    for k, batch in enumerate(batches, start=first_step):
        X, Y = encode_indices([indices[name] for name in batch], n_x)
        a0 = np.zeros((n_a, len(batch)))
        loss, gradients = architecture.loss_and_gradients(X, Y, a0, parameters)
        n_chars = count_chars(batch)
        mean = {f"d{name}": gradients[f"d{name}"] / n_chars for name in architecture.param_names}
        update(parameters, mean, k)
        total_loss += loss
        total_chars += n_chars
    return total_loss, total_chars


def _record_epoch(history, epoch, seconds, train_loss_per_char, dev):
    """Append one epoch to the history; dev is an Evaluation, or None (then nan)."""
    history["epoch"].append(epoch)
    history["seconds"].append(seconds)
    history["train_loss_per_char"].append(train_loss_per_char)
    history["dev_loss_per_char"].append(dev.loss_per_char if dev else float("nan"))
    history["dev_perplexity"].append(dev.perplexity if dev else float("nan"))


def _vocabulary(train_names, dev_names, chars):
    """The run's vocabulary (given, or train_names'), checked against every name."""
    if not train_names:
        raise ValueError("train_names must hold at least one name; got none")
    chars = build_vocabulary(train_names) if chars is None else chars
    char_to_ix, _ = index_maps(chars)
    check_known_characters(train_names, char_to_ix, "training")
    if dev_names:
        check_known_characters(dev_names, char_to_ix, "dev")
    return chars, char_to_ix


def train(
    train_names,
    dev_names=None,
    *,
    hidden=50,
    epochs=10,
    batch_size=64,
    learning_rate=0.05,
    optimizer="adam",
    clip="norm",
    clip_threshold=1.0,
    schedule="linear",
    seed=0,
    chars=None,
    cell="rnn",
    progress=True,
):
    """Train on length-grouped minibatches of names; deterministic given seed.

    The defaults are the project's recipe for the dinosaur names (benchmarks/train_vs_seed.py):
    10 epochs of 64 names per step, Adam at 0.05 falling linearly to 0, clipping by global norm
    at 1. Each epoch shuffles the names into new batches; each batch's mean cross-entropy per
    character is clipped and applied (see _make_update and _train_epoch); after each epoch the
    dev set, if any, is evaluated.

    Arguments:
        train_names, dev_names -- lists of names to learn from and to hold out (or None)
        hidden -- hidden units n_a;  epochs -- passes over train_names;  batch_size -- names per step
        learning_rate -- the optimiser's step size at the start
        optimizer -- "adam" or "sgd"
        clip -- "norm" (global norm <= clip_threshold), "value" (entries in
            [-clip_threshold, clip_threshold]) or "none"
        schedule -- "linear" (falling towards 0 over the run) or "constant"
        seed -- seed of the initial weights and of the shuffling
        chars -- the vocabulary ("\\n" first); default build_vocabulary(train_names)
        cell -- the architecture: "rnn", "lstm" or "gru" (see rnn_lib.cells.registry)
        progress -- show a tqdm progress bar
    Returns:
        TrainResult(parameters, chars, hyperparameters, history); history holds per-epoch lists
        of HISTORY_KEYS (train loss: over the epoch's batches, each before its update; dev
        loss and perplexity: nan without dev_names)
    """
    settings = dict(
        cell=cell,
        hidden=hidden,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        optimizer=optimizer,
        clip=clip,
        clip_threshold=clip_threshold,
        schedule=schedule,
        seed=seed,
    )
    check_hyperparameters(settings)
    chars, char_to_ix = _vocabulary(train_names, dev_names, chars)
    architecture = get_cell(cell)
    indices = dict(zip(train_names, name_indices(train_names, char_to_ix), strict=True))
    rng = np.random.default_rng(seed)
    parameters = architecture.initialize(hidden, len(chars), len(chars), rng)
    batches = length_grouped_batches(train_names, batch_size, rng)
    update = _make_update(
        optimizer, clip, clip_threshold, schedule, learning_rate, total_steps=epochs * len(batches)
    )  # the same count every epoch
    history = {key: [] for key in HISTORY_KEYS}
    start = time.perf_counter()
    with tqdm(total=epochs, unit="epoch", disable=not progress, leave=False) as bar:
        for epoch in range(1, epochs + 1):
            if epoch > 1:
                batches = length_grouped_batches(train_names, batch_size, rng)
            first_step = (epoch - 1) * len(batches)
            loss, n_chars = _train_epoch(
                architecture, parameters, batches, indices, (len(chars), hidden), update, first_step
            )
            dev = evaluate(parameters, dev_names, char_to_ix, cell) if dev_names else None
            _record_epoch(history, epoch, time.perf_counter() - start, loss / n_chars, dev)
            bar.update()
            bar.set_postfix_str(
                f"loss {loss / n_chars:.3f}" + (f", dev {dev.loss_per_char:.3f}" if dev else "")
            )
    return TrainResult(parameters, chars, settings, history)
