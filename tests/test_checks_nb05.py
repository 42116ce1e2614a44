"""The sampling checks pass correct answers and name each typical mistake."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.teaching import checks
from rnn_lib.training.sampling import next_char_distribution


def stable_softmax(z, axis=0):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def distribution(
    scores,
    temperature=1.0,
    top_k=None,
    *,
    scale=None,
    keep=None,
    axis=0,
    renormalise=True,
    largest=True,
    in_place=False,
    ignore_top_k=False,
):
    """A student's answer, written independently of the library; the keywords plant one mistake."""
    z = scores if in_place else np.array(scores, dtype=float)
    if in_place:
        z /= temperature
    else:
        factor = temperature if scale == "temperature" else scale
        z = z * factor if scale is not None else z / temperature
    if axis == 1:
        z = z.T
    if top_k is not None and not ignore_top_k:
        count = keep(top_k) if keep else top_k
        order = np.argsort(z, axis=0)
        chosen = order[-count:] if largest else order[:count]
        mask = np.zeros(z.shape, dtype=bool)
        np.put_along_axis(mask, chosen, True, axis=0)
    else:
        mask = np.ones(z.shape, dtype=bool)
    if renormalise:
        p = stable_softmax(np.where(mask, z, -np.inf))
    else:
        p = stable_softmax(z) * mask
    return p.T if axis == 1 else p


def test_library_distribution_passes(capsys):
    checks.check_next_char_distribution(next_char_distribution)
    assert "next_char_distribution" in capsys.readouterr().out


def test_an_independent_correct_answer_passes():
    checks.check_next_char_distribution(distribution)


def distribution_with(**planted):
    def answer(scores, temperature=1.0, top_k=None):
        return distribution(scores, temperature, top_k, **planted)

    return answer


@pytest.mark.parametrize(
    "wrong, message",
    [
        (distribution_with(scale="temperature"), "multiplied by the temperature"),
        (distribution_with(scale=1.0), "the temperature was ignored"),
        (distribution_with(axis=1), "softmax was taken over axis 1"),
        (distribution_with(keep=lambda k: k - 1), "top_k=3 kept 2 characters per column"),
        (distribution_with(keep=lambda k: k + 1), "top_k=3 kept 4 characters per column"),
        (distribution_with(largest=False), "kept the 3 smallest scores"),
        (distribution_with(renormalise=False), "were not renormalised"),
        (distribution_with(ignore_top_k=True), "top_k was ignored"),
        (
            lambda s, temperature=1.0, top_k=None: distribution(s, temperature, top_k) * 0.999,
            "it is the reference times 0.999",
        ),
    ],
)
def test_distribution_mistakes_are_named(wrong, message):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_next_char_distribution(wrong)
    assert message in str(failure.value)


# The sampling loop: a correct answer, and a copy with one mistake planted per keyword.


def sample_indices(
    parameters,
    rng,
    max_length=50,
    *,
    stop=True,
    extra=0,
    feed="drawn",
    greedy=False,
    first="zeros",
    keep_end=True,
    reset_x=True,
    carry_state=True,
    draw=None,
    start_idx=-1,
):
    """A student's sampling loop; the keywords plant one mistake each."""
    n_y, n_a = parameters["Wya"].shape
    x = np.zeros((n_y, 1))
    if first == "newline":
        x[0] = 1
    a_prev = np.zeros((n_a, 1))
    indices = []
    idx = start_idx
    while len(indices) < max_length + extra and (idx != 0 or not stop):
        a, y_hat, _ = rnn_lib.rnn_cell_forward(x, a_prev, parameters)
        p = y_hat.ravel()
        if greedy:
            idx = int(np.argmax(p))
        elif draw is not None:
            idx = int(draw(rng, n_y, p))
        else:
            idx = int(rng.choice(n_y, p=p))
        indices.append(idx)
        if carry_state:
            a_prev = a
        if reset_x:
            x = np.zeros((n_y, 1))
        if feed == "drawn":
            x[idx] = 1
        elif feed == "argmax":
            x[int(np.argmax(p))] = 1
    if not keep_end and indices and indices[-1] == 0:
        indices.pop()
    return indices


def draw_from_the_global_generator(rng, n, p):
    return np.random.choice(n, p=p)  # noqa: NPY002 (the mistake this answer plants)


def with_mistake(**planted):
    def answer(parameters, rng, max_length=50):
        return sample_indices(parameters, rng, max_length, **planted)

    return answer


def test_library_free_correct_loop_passes(capsys):
    checks.check_sample_indices(sample_indices)
    assert "sample_indices" in capsys.readouterr().out


@pytest.mark.parametrize(
    "planted, message",
    [
        ({"stop": False}, "kept drawing after the newline"),
        ({"extra": 1}, "max_length + 1"),
        ({"extra": -1}, "max_length - 1"),
        ({"feed": "none"}, "zero vector as input"),
        ({"feed": "argmax"}, "fed back the most likely character"),
        ({"greedy": True}, "instead of drawing one"),
        ({"first": "newline"}, "the first input was the one-hot of the newline"),
        ({"keep_end": False}, "the final 0"),
        ({"reset_x": False}, "x kept the one-hots of earlier characters"),
        ({"carry_state": False}, "hidden state went back to zeros"),
        ({"start_idx": 0}, "returned no indices"),
        ({"draw": draw_from_the_global_generator}, "numpy's global generator"),
        (
            {"draw": lambda rng, n, p: np.random.default_rng().choice(n, p=p)},
            "two calls with the same seed gave different names",
        ),
        ({"draw": lambda rng, n, p: rng.choice(n, p=p[::-1])}, "they part at position"),
    ],
)
def test_sampling_mistakes_are_named(planted, message):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_sample_indices(with_mistake(**planted))
    assert message in str(failure.value)


def test_ignoring_the_rng_is_named():
    def answer(parameters, rng, max_length=50):
        fresh = np.random.default_rng(0)  # ignores rng: the same name whatever the seed
        return sample_indices(parameters, fresh, max_length)

    with pytest.raises(checks.CheckFailed, match="for every seed"):
        checks.check_sample_indices(answer)


def test_returning_something_else_is_named():
    with pytest.raises(checks.CheckFailed, match="list of integer indices"):
        checks.check_sample_indices(lambda parameters, rng, max_length=50: "abc")
