"""Checks for the exercises of notebook 10 (embeddings, bidirectional RNNs, beam search)."""

import numpy as np

from ...activations import softmax
from ...cells.bidirectional import reverse_in_time
from ...cells.embedding import NO_INPUT, EmbeddingCache, embedding_backward
from ...cells.shared import output_layer_forward
from ...training.decoding import beam_step
from .compare import (
    CheckFailed,
    call_twice,
    expect_array,
    expect_tuple,
    named_mistake,
    passed,
    plant,
    stretch,
)
from .diagnosis import altered

# --- the embedding's backward pass ------------------------------------------------------------


def _embedding_inputs(n_e=3, n_x=6, seed=10):
    """Indices with repeats, and a gradient de of the embedded inputs.

    Both names repeat an index, index 0 (the newline) comes three times and both start with
    NO_INPUT: the cases a fancy-indexed assignment gets wrong.
    """
    indices = np.array([[NO_INPUT, 2, 0, 4, 2, 5], [NO_INPUT, 1, 0, 1, 0, 3]])
    de = np.random.default_rng(seed).standard_normal((n_e, *indices.shape))
    return de, indices, n_x


def _fancy_assignment(de, indices, n_x, skip_no_input=True):
    """dWe[:, idx] += de: numpy writes each repeated column once, so repeats are lost."""
    dWe = np.zeros((de.shape[0], n_x))
    used = indices != NO_INPUT if skip_no_input else np.ones(indices.shape, dtype=bool)
    dWe[:, indices[used]] += de[:, used]
    return dWe


def _without_index_0(de, indices, n_x):
    """What `indices > 0` gives: the steps that read character 0 are left out with NO_INPUT."""
    dWe = np.zeros((de.shape[0], n_x))
    used = indices > 0
    np.add.at(dWe.T, indices[used], de[:, used].T)
    return dWe


def _wrapped(de, indices, n_x):
    """What NO_INPUT read as index -1 gives: its gradient lands in numpy's last column."""
    dWe = np.zeros((de.shape[0], n_x))
    np.add.at(dWe.T, indices.ravel(), de.reshape(de.shape[0], -1).T)
    return dWe


#: Typical mistakes of embedding_gradient, as (message, planted function of (de, indices, n_x)).
EMBEDDING_MISTAKES = (
    (
        "each repeated character counts once: dWe[:, idx] += g writes a repeated column "
        "only once (numpy buffers it); accumulate with np.add.at(dWe.T, idx, g.T) or a loop",
        _fancy_assignment,
    ),
    (
        "the NO_INPUT steps (index -1) added their gradient to the last column: numpy "
        "reads -1 as the last index; leave those steps out, they looked nothing up",
        _wrapped,
    ),
    (
        "repeats count once and NO_INPUT (-1) wrote into the last column: accumulate with "
        "np.add.at and leave out the steps whose index is -1",
        lambda de, indices, n_x: _fancy_assignment(de, indices, n_x, skip_no_input=False),
    ),
    (
        "column 0 is zero: the steps that read index 0 were left out, but 0 is a character "
        "(the newline); only NO_INPUT (-1) looked nothing up: test indices != NO_INPUT "
        "(or >= 0), not > 0",
        _without_index_0,
    ),
    (
        "dWe is transposed: it has We's shape (n_e, n_x), column j for character j",
        lambda de, indices, n_x: embedding_backward(de, EmbeddingCache(indices, n_x))["dWe"].T,
    ),
)


def check_embedding_gradient(embedding_gradient):
    """Check embedding_gradient(de, indices, n_x) -> dWe against rnn_lib's embedding_backward."""
    __tracebackhide__ = True
    de, indices, n_x = _embedding_inputs()
    got = call_twice("embedding_gradient", embedding_gradient, de.copy(), indices.copy(), n_x)
    expected = embedding_backward(de, EmbeddingCache(indices, n_x))["dWe"]
    mistakes = plant(EMBEDDING_MISTAKES, de, indices, n_x)
    expect_array("dWe", got, expected, mistakes, axis_names=("row {}", "column {}"))
    passed("embedding_gradient: each step's gradient lands in its character's column")


# --- one step of beam search ------------------------------------------------------------------

_CHARS = "\nabc"
#: The beams, best first; the better one's text comes later in the alphabet, so that a tie
#: broken by the order the candidates were made differs from one broken by the text.
_BEAMS = [("ba", -1.0), ("ab", -1.5), ("ca", -3.0)]
#: log p(next character | beam i) in column i, rows "\n", a, b, c. Sums of these numbers are
#: exact in binary floating point, so three candidates tie exactly at -2.0 ("baa", "bac",
#: "aba") and the third place of a width-3 beam goes by the tie rule. The best candidate,
#: "ba\n", is finished: an answer that refills alive to width names differs.
_LOG_PROBS = np.array(
    [[-0.75, -1.5, -0.25], [-1.0, -0.5, -2.0], [-2.5, -2.0, -0.5], [-1.0, -3.0, -3.0]]
)
_WIDTH = 3


def _split(best):
    """(total, text) candidates -> (alive, finished) as beam_step returns them."""
    alive = [(text, total) for total, text in best if not text.endswith("\n")]
    finished = [(text[:-1], total) for total, text in best if text.endswith("\n")]
    return alive, finished


def _candidates(beams, log_probs, with_parent=True):
    """Every (total, text) extension of every beam, best first (ties: alphabetical)."""
    every = [
        ((score if with_parent else 0.0) + log_probs[j, i], text + _CHARS[j])
        for i, (text, score) in enumerate(beams)
        for j in range(len(_CHARS))
    ]
    return sorted(every, key=lambda c: (-c[0], c[1]))


def _per_beam(beams, log_probs, width):
    """The best width extensions of each beam, pooled and ranked."""
    pooled = []
    for i in range(len(beams)):
        pooled += _candidates(beams[i : i + 1], log_probs[:, i : i + 1])[:width]
    return _split(sorted(pooled, key=lambda c: (-c[0], c[1])))


#: Typical mistakes of beam_step, as (message, planted function of (beams, log_probs, width))
#: returning (alive, finished).
BEAM_MISTAKES = (
    (
        "you kept the best width extensions of each beam (width * k candidates); keep the best "
        "width of all beams together",
        _per_beam,
    ),
    (
        "the beams' own log-probabilities were not added: a candidate's score is "
        "log P(beam) + log p(character | beam)",
        lambda beams, lp, width: _split(_candidates(beams, lp, with_parent=False)[:width]),
    ),
    (
        "the candidates that ended were dropped: a name that ends in '\\n' is finished, and "
        "finished names must be returned, not lost",
        lambda beams, lp, width: (_split(_candidates(beams, lp)[:width])[0], []),
    ),
    (
        "you never chose the end-of-name: '\\n' competes like every character, and a name "
        "that ends goes to finished",
        lambda beams, lp, width: (
            _split([c for c in _candidates(beams, lp) if not c[1].endswith("\n")][:width])[0],
            [],
        ),
    ),
    (
        "the names that ended stayed alive: a candidate ending in '\\n' goes to finished, "
        "or the next step would extend it past its end",
        lambda beams, lp, width: ([(t, s) for s, t in _candidates(beams, lp)[:width]], []),
    ),
    (
        "the finished names keep their '\\n': return them without it",
        lambda beams, lp, width: (
            _split(_candidates(beams, lp)[:width])[0],
            [(t, s) for s, t in _candidates(beams, lp)[:width] if t.endswith("\n")],
        ),
    ),
    (
        "the candidates are in the wrong order: best (highest log-probability) first",
        lambda beams, lp, width: tuple(x[::-1] for x in _split(_candidates(beams, lp)[:width])),
    ),
)


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


def _same_beams(got, expected):
    """Whether two (alive, finished) results hold the same names and log-probabilities."""
    return _same(got[0], expected[0]) and _same(got[1], expected[1])


def _refilled(beams, log_probs, width):
    """alive as the other definition of the beam gives it: the width best UNFINISHED names."""
    return _split([c for c in _candidates(beams, log_probs) if not c[1].endswith("\n")][:width])[0]


def _beam_difference(got, expected):
    """The CheckFailed for a beam_step answer that matches no planted mistake."""
    if _same(got[0], _refilled(_BEAMS, _LOG_PROBS, _WIDTH)):
        return CheckFailed(
            f"alive holds the {_WIDTH} best unfinished names: you refilled the beam past the "
            "finished ones. In this series the beam keeps the width best candidates of all "
            "kinds together; a finished one takes its place and leaves, so fewer than width "
            f"stay alive (here 'ba\\n' is the best candidate: alive={expected[0]})"
        )
    ranked = [score for _, score in got[0] + got[1]]
    if sorted(ranked) == sorted(score for _, score in expected[0] + expected[1]):
        return CheckFailed(
            f"the scores are right but other texts won the tie at equal scores: alive={got[0]}, "
            f"expected {expected[0]}. Break ties by the text, alphabetically: sort the "
            "candidates by (-score, text); sorted(..., reverse=True) on (score, text) puts "
            "the alphabetically last first"
        )
    return CheckFailed(
        f"beam_step returned alive={got[0]}, finished={got[1]}; expected alive={expected[0]}, "
        f"finished={expected[1]}. Score every (beam, character) pair by log P(beam) + log p, "
        "keep the best width of them all (ties: alphabetically first text), and set those "
        "ending in '\\n' aside as finished"
    )


def check_beam_step(beam_step_answer):
    """Check beam_step(beams, log_probs, width, chars) -> (alive, finished) against rnn_lib's."""
    __tracebackhide__ = True
    given = (list(_BEAMS), _LOG_PROBS.copy(), _WIDTH, _CHARS)
    result = call_twice("beam_step", beam_step_answer, *given)
    expect_tuple("beam_step", result, ("alive", "finished"))
    got = (_as_pairs("alive", result[0]), _as_pairs("finished", result[1]))
    expected = beam_step(list(_BEAMS), _LOG_PROBS, _WIDTH, _CHARS)
    if _same(got[0], expected[0]) and _same(got[1], expected[1]):
        passed(
            f"beam_step: the best {_WIDTH} extensions of all beams, ties by the text, the "
            "finished one aside"
        )
        return
    mistakes = plant(BEAM_MISTAKES, _BEAMS, _LOG_PROBS, _WIDTH)
    mistake = named_mistake(got, expected, mistakes, same=_same_beams)
    if mistake:
        raise CheckFailed(f"beam_step is wrong: {mistake}")
    raise _beam_difference(got, expected)


# --- the bidirectional output -----------------------------------------------------------------


def _bidirectional_inputs(n_a=3, n_y=4, m=2, T_x=5, seed=12):
    rng = np.random.default_rng(seed)
    a_forward = np.tanh(rng.standard_normal((n_a, m, T_x)))
    a_backward_reversed = np.tanh(rng.standard_normal((n_a, m, T_x)))
    Wy, by = rng.standard_normal((n_y, 2 * n_a)), rng.standard_normal((n_y, 1))
    return a_forward, a_backward_reversed, Wy, by


def _scores(Wy, by, top, bottom, bias=True):
    """Wy [top; bottom] + by for every column: the output scores of stacked states."""
    z = np.einsum("ya,amt->ymt", Wy, np.concatenate((top, bottom)))
    return z + by[:, :, None] if bias else z


#: Typical mistakes of bidirectional_output, as (message, planted function of (a_forward,
#: a_backward in time order, a_backward as the layer left it, Wy, by)).
BIDIRECTIONAL_MISTAKES = (
    (
        "the backward layer's states are still in reversed time: its step s read x<T-1-s>, "
        "so flip them back (a_backward_reversed[:, :, ::-1]) before stacking",
        lambda a_f, a_b, a_b_rev, Wy, by: softmax(_scores(Wy, by, a_f, a_b_rev)),
    ),
    (
        "the states are stacked in the wrong order: Wy's first n_a columns read the forward "
        "states, so stack [a_forward; a_backward]",
        lambda a_f, a_b, a_b_rev, Wy, by: softmax(_scores(Wy, by, a_b, a_f)),
    ),
    (
        "the backward states are not flipped back and the stack is in the wrong order: "
        "flip them in time, then stack [a_forward; a_backward]",
        lambda a_f, a_b, a_b_rev, Wy, by: softmax(_scores(Wy, by, a_b_rev, a_f)),
    ),
    (
        "the bias by is missing",
        lambda a_f, a_b, a_b_rev, Wy, by: softmax(_scores(Wy, by, a_f, a_b, bias=False)),
    ),
    (
        "y_hat is the raw score Wy [a_f; a_b] + by: apply softmax over axis 0",
        lambda a_f, a_b, a_b_rev, Wy, by: _scores(Wy, by, a_f, a_b),
    ),
)


@stretch("rnn_lib.bidirectional_forward")
def check_bidirectional_output(bidirectional_output):
    """Check bidirectional_output(a_forward, a_backward_reversed, Wy, by) -> y_hat."""
    __tracebackhide__ = True
    a_f, a_b_reversed, Wy, by = _bidirectional_inputs()
    got = call_twice(
        "bidirectional_output", bidirectional_output, a_f.copy(), a_b_reversed.copy(), Wy, by
    )
    a_b = reverse_in_time(a_b_reversed, np.full(a_f.shape[1], a_f.shape[2]))
    expected = output_layer_forward(np.concatenate((a_f, a_b)), Wy, by)
    mistakes = plant(BIDIRECTIONAL_MISTAKES, a_f, a_b, a_b_reversed, Wy, by)
    named = {"a_forward": a_f, "a_backward": a_b, "Wy": Wy, "by": by}
    mistakes += altered(
        lambda v: output_layer_forward(
            np.concatenate((v["a_forward"], v["a_backward"])), v["Wy"], v["by"]
        ),
        named,
    )
    axes = ("row {}", "batch column {}", "time step {}")
    expect_array("y_hat", got, expected, mistakes, axis_names=axes)
    passed("bidirectional_output: both directions in time order, stacked the right way")


# --- the exact best-first search (stretch) ----------------------------------------------------

_TOY = "\nab"  # the toy model's vocabulary: the end-of-name and two letters
_TOY_LOGITS = {"": (-2.0, 0.3, 0.1), "a": (-1.0, -0.2, 0.6), "b": (-0.6, 0.9, -0.4)}
_TOY_LONGEST = 9  # every toy name longer than this is less likely than the reference's last


def _toy_next_log_probs(text):
    """log p(next | text) of a made-up model: its last letter, and an end that grows likelier."""
    logits = np.array(_TOY_LOGITS[text[-1:]]) + np.array([0.7 * len(text), 0.0, 0.0])
    shifted = logits - logits.max()
    return shifted - np.log(np.exp(shifted).sum())


def _toy_prefixes():
    """{prefix: log P(prefix)} of every toy prefix of at most _TOY_LONGEST + 1 letters."""
    found, level = {"": 0.0}, {"": 0.0}
    for _ in range(_TOY_LONGEST + 1):
        level = {
            text + c: score + _toy_next_log_probs(text)[j]
            for text, score in level.items()
            for j, c in enumerate(_TOY[1:], start=1)
        }
        found |= level
    return found


def _toy_best(count):
    """The count likeliest toy names by enumeration, and how many prefixes beat the last one."""
    prefixes = _toy_prefixes()
    names = sorted(
        ((text, score + _toy_next_log_probs(text)[0]) for text, score in prefixes.items()
         if len(text) <= _TOY_LONGEST),
        key=lambda pair: (-pair[1], pair[0]),
    )[:count]  # fmt: skip
    longest = max(score for text, score in prefixes.items() if len(text) > _TOY_LONGEST)
    if longest >= names[-1][1]:
        raise RuntimeError("the toy enumeration is too short to be exact")  # a bug of the check
    needed = sum(score > names[-1][1] for score in prefixes.values())
    return names, needed


def _taken_when_scored(next_log_probs, chars, count):
    """A name accepted as soon as its end-of-name is scored, before likelier prefixes ran on."""
    queue, found = [(0.0, "")], []
    while len(found) < count:
        queue.sort(key=lambda pair: (-pair[0], pair[1]))
        score, text = queue.pop(0)
        log_p = next_log_probs(text)
        found.append((text, score + log_p[0]))
        queue += [(score + log_p[j], text + c) for j, c in enumerate(chars) if c != "\n"]
    return sorted(found, key=lambda pair: -pair[1])


#: Typical mistakes of best_first_names, as (message, planted function of (next, chars, count)).
BEST_FIRST_MISTAKES = (
    (
        "a name was counted as found when its end-of-name was scored, not when it came off the "
        "queue: a likelier prefix still in the queue can end in a likelier name; push the "
        "finished name onto the queue and take it when it is the best entry there",
        _taken_when_scored,
    ),
)


@stretch("rnn_lib.beam_search")
def check_best_first_names(best_first_names):
    """Check best_first_names(next_log_probs, chars, count) on a toy model, found by enumeration."""
    __tracebackhide__ = True
    calls = []

    def counted(text):
        calls.append(text)
        return _toy_next_log_probs(text)

    got = _as_pairs("the result", best_first_names(counted, _TOY, 6))
    expected, needed = _toy_best(6)
    if not _same(got, expected):
        mistakes = plant(BEST_FIRST_MISTAKES, _toy_next_log_probs, _TOY, 6)
        mistake = named_mistake(got, expected, mistakes, same=_same)
        raise CheckFailed(
            f"best_first_names is wrong: {mistake}" if mistake else
            f"best_first_names returned {got}; the 6 likeliest names of the toy model are "
            f"{expected}, best first, each without its '\\n' and with its log P (not -log P)"
        )  # fmt: skip
    if len(calls) > needed:
        raise CheckFailed(
            f"best_first_names found the right names but ran the model {len(calls)} times where "
            f"{needed} are enough: expand only the likeliest entry of the queue, each prefix once, "
            "and stop as soon as count names have come off it"
        )
    passed(f"best_first_names: the 6 likeliest names of a toy model, {needed} prefixes expanded")
