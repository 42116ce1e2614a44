"""Decoding names from a trained model: greedy, sampling and beam search, each with log-probabilities.

The log-probability of a name is that of the model writing exactly this name and then stopping:

    log P(name) = sum over t = 1 .. T_x of log p(c<t> | c<1> ... c<t-1>)

over its T_x - 1 characters and the end-of-name "\\n" that closes it (c<T_x> = "\\n"), each
distribution the model's own (temperature 1). Greedy decoding takes the most likely character at
every step. Sampling draws it (rnn_lib.sample_names) and scores the names afterwards. Beam
search extends every unfinished name of its beam by every character and keeps the beam_width
best of all these candidates together, finished or not; a candidate that ends leaves the beam
and is kept with the finished ones, so the beam holds at most beam_width names, fewer once some
have ended. The finished names are ranked by total log-probability. A name may have at most max_length characters: after that only
the end-of-name may follow, with its true probability, so every log-probability returned here
is the one name_log_probabilities gives for the same name.

No length normalisation by default: the goal is the most probable name, and log P only falls
as a name grows, so short names are favoured, which is what "most probable" means. Dividing by
the length (length_normalise=True) ranks by the mean log-probability per character instead,
which favours long names; it is offered for comparison.
"""

from typing import NamedTuple

import numpy as np

from ..cells.registry import get_cell
from ..data.names import check_names, encode_names
from ..validation import check_integer
from .sampling import sample_names

#: The end-of-name character.
END = "\n"


class Decoded(NamedTuple):
    """A decoded name and the model's log-probability of it."""

    name: str  # the name, without the closing "\n"
    log_probability: float  # log P(name): every character and the end-of-name, in nats


def log_softmax(scores):
    """log softmax of each column, stably: z - max(z) - log(sum(exp(z - max(z)))), (n_y, m)."""
    shifted = scores - scores.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def _vocabulary(parameters, char_to_ix, ix_to_char, cell):
    """The cell, its hidden size and the vocabulary as one string (index order), checked."""
    architecture = get_cell(cell)
    known = architecture.sizes(parameters)
    n_y = known["n_y"][0]
    if len(ix_to_char) != n_y or char_to_ix.get(END) is None:
        raise ValueError(
            f"the vocabulary must hold n_y={n_y} characters including '\\n'; got {len(ix_to_char)}"
        )
    chars = "".join(ix_to_char[i] for i in range(n_y))
    return architecture, known["n_a"][0], chars


def name_log_probabilities(parameters, names, char_to_ix, cell="rnn"):
    """log P(name) of each name under the model: its characters and the closing "\\n".

    Arguments:
        parameters -- the model's parameters
        names -- list of names (without "\\n"); every character must be in char_to_ix
        char_to_ix -- dict character -> index, "\\n" included
        cell -- the architecture: "rnn", "lstm" or "gru"
    Returns:
        float64 array (len(names),), each entry <= 0
    """
    check_names(names)
    architecture = get_cell(cell)
    n_a = architecture.hidden_size(parameters)
    X, Y = encode_names(list(names), char_to_ix)
    y_hat = architecture.predict(X, np.zeros((n_a, X.shape[1])), parameters)
    with np.errstate(divide="ignore"):  # log 0 where Y is 0 is multiplied by 0 below
        logs = np.where(Y > 0, np.log(y_hat), 0.0)
    return logs.sum(axis=(0, 2))


def greedy_decode(parameters, char_to_ix, ix_to_char, max_length=50, cell="rnn"):
    """The name made of the most likely character at every step (ties: the lowest index).

    Arguments:
        parameters -- the model's parameters
        char_to_ix, ix_to_char -- the vocabulary's lookup tables
        max_length -- at most this many characters; then the end-of-name is taken
        cell -- the architecture: "rnn", "lstm" or "gru"
    Returns:
        Decoded(name, log_probability)
    """
    check_integer("max_length", max_length)
    architecture, n_a, chars = _vocabulary(parameters, char_to_ix, ix_to_char, cell)
    end = char_to_ix[END]
    state = tuple(np.zeros((n_a, 1)) for _ in range(architecture.state_count))
    idx, name, total = None, "", 0.0
    while True:
        state, scores = architecture.step(idx, state, parameters)
        log_p = log_softmax(scores)[:, 0]
        idx = end if len(name) == max_length else int(np.argmax(log_p))
        total += float(log_p[idx])
        if idx == end:
            return Decoded(name, total)
        name += chars[idx]
        idx = np.array([idx])


def sample_with_log_probabilities(
    parameters, char_to_ix, ix_to_char, n, temperature=1.0, rng=None, max_length=50, cell="rnn"
):
    """Draw n names with rnn_lib.sample_names and give each its log-probability under the model.

    The log-probability is the model's at temperature 1, whatever temperature drew the name.

    Arguments:
        parameters, char_to_ix, ix_to_char, n, temperature, rng, max_length, cell -- as for
            sample_names
    Returns:
        list of n Decoded(name, log_probability), in the order drawn
    """
    drawn = sample_names(
        parameters, char_to_ix, ix_to_char, n, temperature=temperature, rng=rng,
        max_length=max_length, cell=cell,
    )  # fmt: skip
    names = [name[:-1] for name in drawn]
    scores = name_log_probabilities(parameters, names, char_to_ix, cell)
    return [Decoded(name, float(score)) for name, score in zip(names, scores)]


def beam_step(beams, log_probs, width, chars):
    """One step of beam search: the width best one-character extensions of all beams together.

    Every beam (text, log P(text)) and every character c give the candidate text + c with
    log-probability log P(text) + log p(c | text). The width candidates of highest total
    log-probability over all beams are kept (ties: the alphabetically first text); those that
    end in "\\n" are finished, the others stay alive.

    Arguments:
        beams -- list of k (text, log_probability) pairs, the unfinished hypotheses
        log_probs -- (n_y, k) array: column i holds log p(next character | beams[i]); -inf
            for a character that may not follow
        width -- the beam width B, how many candidates to keep
        chars -- the vocabulary as one string, chars[j] the character of row j ("\\n" among them)
    Returns:
        alive -- list of (text, log_probability) that did not end, best first
        finished -- list of (text without the "\\n", log_probability) that ended, best first
    """
    candidates = [
        (score + float(log_probs[j, i]), text + chars[j])
        for i, (text, score) in enumerate(beams)
        for j in np.flatnonzero(np.isfinite(log_probs[:, i]))
    ]
    best = sorted(candidates, key=lambda candidate: (-candidate[0], candidate[1]))[:width]
    alive = [(text, total) for total, text in best if not text.endswith(END)]
    finished = [(text[:-1], total) for total, text in best if text.endswith(END)]
    return alive, finished


def _ranked(finished, length_normalise):
    """Finished (name, log P) pairs as Decoded, best first: by log P, or log P / (length + 1)."""

    def key(pair):
        name, total = pair
        return (-(total / (len(name) + 1) if length_normalise else total), name)

    return [Decoded(name, total) for name, total in sorted(finished, key=key)]


def beam_search(
    parameters, char_to_ix, ix_to_char, beam_width, max_length=50, cell="rnn",
    length_normalise=False,
):  # fmt: skip
    """The beam_width most likely names that beam search finds, best first, with log P(name).

    From the empty name, each step runs the cell once on all alive beams, extends them with
    beam_step, sets the finished ones aside, and carries the alive ones' states forward. It
    stops when no beam is alive or, without length normalisation, as soon as beam_width names
    have finished and the beam_width-th best of them is at least as likely as the best alive
    beam (a log-probability only falls as a name grows, so nothing alive can overtake it).
    With beam_width = 1 this is greedy decoding.

    Arguments:
        parameters -- the model's parameters
        char_to_ix, ix_to_char -- the vocabulary's lookup tables
        beam_width -- B, the number of candidates kept at every step, finished ones included
            (those leave the beam, which is not refilled: at most B stay alive)
        max_length -- at most this many characters; then only the end-of-name may follow
        cell -- the architecture: "rnn", "lstm" or "gru"
        length_normalise -- rank finished names by log P / (length + 1) instead of log P
    Returns:
        list of at most beam_width Decoded(name, log_probability), best first
    """
    check_integer("beam_width", beam_width)
    check_integer("max_length", max_length)
    architecture, n_a, chars = _vocabulary(parameters, char_to_ix, ix_to_char, cell)
    state = tuple(np.zeros((n_a, 1)) for _ in range(architecture.state_count))

    def step(idx, state):
        return architecture.step(idx, state, parameters)

    return beam_loop(step, state, chars, beam_width, max_length, length_normalise)


def beam_loop(step, state, chars, beam_width, max_length=50, length_normalise=False):
    """Beam search over any model that scores the next character from a state, best first.

    The loop of beam_search, for a model given as a function: step(idx, state) runs the model
    once on k beams, idx (k,) the index of each beam's last character (None at the first step,
    when the one beam is empty), state a tuple of arrays whose column j is beam j's state; it
    returns the new state and the scores (n_y, k) whose log-softmax is log p(next | beam).
    Beams are extended with beam_step; the state columns follow the beams they belong to.

    Arguments:
        step -- the model, (idx, state) -> (state, scores)
        state -- the initial state, a tuple of (n, 1) arrays
        chars -- the vocabulary as one string in index order, "\\n" (the end) among them
        beam_width, max_length, length_normalise -- as for beam_search
    Returns:
        list of at most beam_width Decoded(text, log_probability), best first
    """
    not_end = np.array([c != END for c in chars])
    alive, finished, idx = [("", 0.0)], [], None
    for length in range(max_length + 1):
        state, scores = step(idx, state)
        log_probs = log_softmax(scores)
        if length == max_length:
            log_probs[not_end] = -np.inf
        next_alive, ended = beam_step(alive, log_probs, beam_width, chars)
        finished += ended
        best = sorted(total for _, total in finished)[::-1]
        if not next_alive or (
            not length_normalise
            and len(best) >= beam_width
            and best[beam_width - 1] >= next_alive[0][1]
        ):
            break
        column = {text: i for i, (text, _) in enumerate(alive)}
        state = tuple(s[:, [column[text[:-1]] for text, _ in next_alive]] for s in state)
        idx = np.array([chars.index(text[-1]) for text, _ in next_alive])
        alive = next_alive
    return _ranked(finished, length_normalise)[:beam_width]
