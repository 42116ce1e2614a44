"""Checks for the exercises of notebook 10 (embeddings, bidirectional RNNs, beam search)."""

import numpy as np

from ...activations import softmax
from ...cells.bidirectional import reverse_in_time
from ...cells.embedding import NO_INPUT, EmbeddingCache, embedding_backward
from ...cells.shared import output_layer_forward
from ...training.decoding import beam_step
from .compare import CheckFailed, expect_array, passed

# --- the embedding's backward pass ------------------------------------------------------------


def _embedding_inputs(n_e=3, n_x=6, seed=10):
    """Indices with repeats in both names and NO_INPUT at the start, and a gradient de."""
    indices = np.array([[NO_INPUT, 2, 4, 4, 2, 5], [NO_INPUT, 1, 2, 1, 1, 3]])
    de = np.random.default_rng(seed).standard_normal((n_e, *indices.shape))
    return de, indices, n_x


def _fancy_assignment(de, indices, n_x, skip_no_input=True):
    """dWe[:, idx] += de: numpy writes each repeated column once, so repeats are lost."""
    dWe = np.zeros((de.shape[0], n_x))
    used = indices != NO_INPUT if skip_no_input else np.ones(indices.shape, dtype=bool)
    dWe[:, indices[used]] += de[:, used]
    return dWe


def check_embedding_backward(embedding_backward_step):
    """Check embedding_backward(de, indices, n_x) -> dWe against rnn_lib's."""
    __tracebackhide__ = True
    de, indices, n_x = _embedding_inputs()
    got = embedding_backward_step(de.copy(), indices.copy(), n_x)
    expected = embedding_backward(de, EmbeddingCache(indices, n_x))["dWe"]
    wrapped = np.zeros_like(expected)  # NO_INPUT read as index -1: numpy's last column
    np.add.at(wrapped.T, indices.ravel(), de.reshape(de.shape[0], -1).T)
    mistakes = [
        (
            "each repeated character counts once: dWe[:, idx] += g writes a repeated column "
            "only once (numpy buffers it); accumulate with np.add.at(dWe.T, idx, g.T) or a loop",
            _fancy_assignment(de, indices, n_x),
        ),
        (
            "the NO_INPUT steps (index -1) added their gradient to the last column: numpy "
            "reads -1 as the last index; leave those steps out, they looked nothing up",
            wrapped,
        ),
        (
            "repeats count once and NO_INPUT (-1) wrote into the last column: accumulate with "
            "np.add.at and leave out the steps whose index is -1",
            _fancy_assignment(de, indices, n_x, skip_no_input=False),
        ),
        (
            "dWe is transposed: it has We's shape (n_e, n_x), column j for character j",
            expected.T,
        ),
    ]
    expect_array("dWe", got, expected, mistakes)
    passed("embedding_backward: each step's gradient lands in its character's column")


# --- one step of beam search ------------------------------------------------------------------

_CHARS = "\nabc"
_BEAMS = [("ab", -1.2), ("ba", -1.5), ("ca", -3.0)]
_PROBABILITIES = np.array(
    [[0.45, 0.05, 0.10], [0.30, 0.60, 0.04], [0.15, 0.25, 0.06], [0.10, 0.10, 0.80]]
)  # column i: p(next character | beam i), rows "\n", a, b, c


def _split(best):
    """(total, text) candidates -> (alive, finished) as beam_step returns them."""
    alive = [(text, total) for total, text in best if not text.endswith("\n")]
    finished = [(text[:-1], total) for total, text in best if text.endswith("\n")]
    return alive, finished


def _beam_variants(beams, log_probs, width):
    """What typical mistakes return for the fixed inputs: {message: (alive, finished)}."""
    scored = [
        [(score + log_probs[j, i], text + _CHARS[j]) for j in range(len(_CHARS))]
        for i, (text, score) in enumerate(beams)
    ]
    every = sorted((c for row in scored for c in row), key=lambda c: (-c[0], c[1]))
    per_beam = [c for row in scored for c in sorted(row, key=lambda c: (-c[0], c[1]))[:width]]
    alone = sorted(
        (
            (log_probs[j, i], text + _CHARS[j])
            for i, (text, _) in enumerate(beams)
            for j in range(4)
        ),
        key=lambda c: (-c[0], c[1]),
    )
    continuing = [c for c in every if not c[1].endswith("\n")]
    top = every[:width]
    return {
        "you kept the best width extensions of each beam (width * k candidates); keep the best "
        "width of all beams together": _split(sorted(per_beam, key=lambda c: (-c[0], c[1]))),
        "the beams' own log-probabilities were not added: a candidate's score is "
        "log P(beam) + log p(character | beam)": _split(alone[:width]),
        "the candidates that ended were dropped: a name that ends in '\\n' is finished, and "
        "finished names must be returned, not lost": (_split(top)[0], []),
        "you never chose the end-of-name: '\\n' competes like every character, and a name "
        "that ends goes to finished": (_split(continuing[:width])[0], []),
        "the names that ended stayed alive: a candidate ending in '\\n' goes to finished, "
        "or the next step would extend it past its end": ([(t, s) for s, t in top], []),
        "the finished names keep their '\\n': return them without it": (
            _split(top)[0],
            [(t, s) for s, t in top if t.endswith("\n")],
        ),
        "the candidates are in the wrong order: best (highest log-probability) first": tuple(
            lst[::-1] for lst in _split(top)
        ),
    }


def _as_pairs(name, value):
    __tracebackhide__ = True
    try:
        return [(str(text), float(score)) for text, score in value]
    except (TypeError, ValueError):
        raise CheckFailed(f"{name} should be a list of (text, log_probability) pairs") from None


def _same(got, expected):
    return len(got) == len(expected) and all(
        g[0] == e[0] and np.isclose(g[1], e[1], rtol=1e-9, atol=1e-12)
        for g, e in zip(got, expected)
    )


def check_beam_step(beam_step_answer):
    """Check beam_step(beams, log_probs, width, chars) -> (alive, finished) against rnn_lib's."""
    __tracebackhide__ = True
    log_probs = np.log(_PROBABILITIES)
    result = beam_step_answer(list(_BEAMS), log_probs.copy(), 3, _CHARS)
    if not isinstance(result, tuple) or len(result) != 2:
        raise CheckFailed("beam_step should return a tuple (alive, finished)")
    got = (_as_pairs("alive", result[0]), _as_pairs("finished", result[1]))
    expected = beam_step(list(_BEAMS), log_probs, 3, _CHARS)
    if _same(got[0], expected[0]) and _same(got[1], expected[1]):
        passed("beam_step: the best 3 extensions of all beams, the finished one aside")
        return
    for message, (alive, finished) in _beam_variants(_BEAMS, log_probs, 3).items():
        if _same(got[0], alive) and _same(got[1], finished):
            raise CheckFailed(f"beam_step is wrong: {message}")
    raise CheckFailed(
        f"beam_step returned alive={got[0]}, finished={got[1]}; expected alive={expected[0]}, "
        f"finished={expected[1]}. Score every (beam, character) pair by log P(beam) + log p, "
        "keep the best width of them all, and set those ending in '\\n' aside as finished"
    )


# --- the bidirectional output -----------------------------------------------------------------


def _bidirectional_inputs(n_a=3, n_y=4, m=2, T_x=5, seed=12):
    rng = np.random.default_rng(seed)
    a_forward = np.tanh(rng.standard_normal((n_a, m, T_x)))
    a_backward_reversed = np.tanh(rng.standard_normal((n_a, m, T_x)))
    Wy, by = rng.standard_normal((n_y, 2 * n_a)), rng.standard_normal((n_y, 1))
    return a_forward, a_backward_reversed, Wy, by


def check_bidirectional_output(bidirectional_output):
    """Check bidirectional_output(a_forward, a_backward_reversed, Wy, by) -> y_hat."""
    __tracebackhide__ = True
    a_f, a_b_reversed, Wy, by = _bidirectional_inputs()
    got = bidirectional_output(a_f.copy(), a_b_reversed.copy(), Wy, by)
    lengths = np.full(a_f.shape[1], a_f.shape[2])
    a_b = reverse_in_time(a_b_reversed, lengths)
    expected = output_layer_forward(np.concatenate((a_f, a_b)), Wy, by)

    def y_hat(top, bottom, bias=True):
        z = np.einsum("ya,amt->ymt", Wy, np.concatenate((top, bottom))) + (
            by[:, :, None] if bias else 0
        )
        return z

    mistakes = [
        (
            "the backward layer's states are still in reversed time: its step s read x<T-1-s>, "
            "so flip them back (a_backward_reversed[:, :, ::-1]) before stacking",
            softmax(y_hat(a_f, a_b_reversed)),
        ),
        (
            "the states are stacked in the wrong order: Wy's first n_a columns read the forward "
            "states, so stack [a_forward; a_backward]",
            softmax(y_hat(a_b, a_f)),
        ),
        (
            "the backward states are not flipped back and the stack is in the wrong order: "
            "flip them in time, then stack [a_forward; a_backward]",
            softmax(y_hat(a_b_reversed, a_f)),
        ),
        ("the bias by is missing", softmax(y_hat(a_f, a_b, bias=False))),
        ("y_hat is the raw score Wy [a_f; a_b] + by: apply softmax over axis 0", y_hat(a_f, a_b)),
    ]
    expect_array("y_hat", got, expected, mistakes)
    passed("bidirectional_output: both directions in time order, stacked the right way")
