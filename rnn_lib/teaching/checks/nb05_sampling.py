"""Checks for the exercises of notebook 05 (sampling names from the RNN)."""

import numpy as np

from ...activations import softmax
from ...cells.rnn import rnn_cell_forward
from ...training.sampling import next_char_distribution as reference_distribution
from .compare import CheckFailed, call_twice, expect_array, named_mistake, passed, plant, stretch
from .fixtures import rnn_parameters


def _adjusted(scores, factor, top_k, keep="largest", renormalise=True, axis=0):
    """softmax(scores * factor) along ``axis``, keeping only ``top_k`` entries along it.

    The variants a check compares with: factor 1/T is right, factor T is the classic slip; keep
    "smallest" keeps the wrong end; renormalise=False zeroes the others after the softmax.
    """
    z = np.asarray(scores, dtype=float) * factor
    if axis == 1:
        return _adjusted(z.T, 1.0, top_k, keep, renormalise).T
    kept = np.ones(z.shape, dtype=bool)
    if top_k is not None:
        order = np.argsort(z, axis=0)
        chosen = order[-top_k:] if keep == "largest" else order[:top_k]
        kept = np.zeros(z.shape, dtype=bool)
        np.put_along_axis(kept, chosen, True, axis=0)
    if renormalise:
        return softmax(np.where(kept, z, -np.inf))
    return softmax(z) * kept


def _check_scores(seed=5, n_y=6, m=3):
    """Scores with distinct entries in every column and row, so every choice of top k shows."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_y, m)) * 2.0


#: Typical mistakes of next_char_distribution, as (message, planted function of (scores,
#: temperature, top_k)).
DISTRIBUTION_MISTAKES = (
    (
        "the scores were multiplied by the temperature; divide them: "
        "softmax(scores / temperature), so that T < 1 sharpens and T > 1 flattens",
        lambda scores, T, k: _adjusted(scores, T, k),
    ),
    ("the temperature was ignored", lambda scores, T, k: _adjusted(scores, 1.0, k)),
    (
        "softmax was taken over axis 1 (across the batch); each column (axis 0) is one "
        "distribution over the characters and must sum to 1",
        lambda scores, T, k: _adjusted(scores, 1 / T, k, axis=1),
    ),
)

#: Typical mistakes with top_k, the same way; {k}, {fewer} and {more} are top_k, top_k - 1, top_k + 1.
TOP_K_MISTAKES = (
    (
        "top_k={k} kept {fewer} characters per column, not {k}",
        lambda scores, T, k: _adjusted(scores, 1 / T, k - 1),
    ),
    (
        "top_k={k} kept {more} characters per column, not {k}",
        lambda scores, T, k: _adjusted(scores, 1 / T, k + 1),
    ),
    (
        "top_k={k} kept the {k} smallest scores; keep the {k} largest",
        lambda scores, T, k: _adjusted(scores, 1 / T, k, keep="smallest"),
    ),
    (
        "the probabilities outside the top K were set to 0 but the rest were not "
        "renormalised: each column must sum to 1 again (divide by the kept total)",
        lambda scores, T, k: _adjusted(scores, 1 / T, k, renormalise=False),
    ),
    ("top_k was ignored: all characters kept", lambda scores, T, k: _adjusted(scores, 1 / T, None)),
)


def check_next_char_distribution(next_char_distribution):
    """Check next_char_distribution(scores, temperature=1.0, top_k=None) against rnn_lib's."""
    __tracebackhide__ = True
    scores = _check_scores()
    for temperature, top_k in ((1.0, None), (0.5, None), (2.0, 3)):
        got = call_twice(
            "next_char_distribution",
            next_char_distribution,
            scores,
            temperature=temperature,
            top_k=top_k,
        )
        case = f"next_char_distribution(scores, temperature={temperature}, top_k={top_k})"
        expected = reference_distribution(scores, temperature, top_k)
        mistakes = plant(DISTRIBUTION_MISTAKES, scores, temperature, top_k)
        if top_k is not None:
            counts = {"k": top_k, "fewer": top_k - 1, "more": top_k + 1}
            mistakes += plant(TOP_K_MISTAKES, scores, temperature, top_k, **counts)
        expect_array(case, got, expected, mistakes)
    passed("next_char_distribution: temperature and top-K match the reference")


def _check_model(n_a=8, n_y=6, seed=3):
    """A small random RNN over 6 symbols ("\\n" and 5 letters); "\\n" has probability ~0.15."""
    parameters = rnn_parameters(np.random.default_rng(seed), n_y, n_a, n_y, bias_scale=0.5)
    parameters["by"][0] = -0.5
    return parameters


def _sample_indices(parameters, rng, max_length, **mistake):
    """The sampling loop, drawing with rng.choice(n_y, p=y_hat_t.ravel()) once per step.

    ``mistake`` plants one slip, so that a check can recognise what a wrong answer did: limit
    (draws allowed beyond max_length: 1 or -1), no_stop, greedy, first_input (the index of a
    one-hot first input), feedback ("none", "argmax" or "accumulate"), state_reset, drop_end.
    """
    n_y, n_a = parameters["Wya"].shape
    x, a, indices = np.zeros((n_y, 1)), np.zeros((n_a, 1)), []
    if "first_input" in mistake:
        x[mistake["first_input"]] = 1.0
    feedback = mistake.get("feedback", "drawn")
    while len(indices) < max_length + mistake.get("limit", 0):
        a_next, y_hat_t, _ = rnn_cell_forward(x, a, parameters)
        p = y_hat_t.ravel()
        idx = int(np.argmax(p)) if mistake.get("greedy") else int(rng.choice(n_y, p=p))
        indices.append(idx)
        if idx == 0 and not mistake.get("no_stop"):
            break
        a = np.zeros_like(a) if mistake.get("state_reset") else a_next
        if feedback != "accumulate":
            x = np.zeros((n_y, 1))
        if feedback != "none":
            x[int(np.argmax(p)) if feedback == "argmax" else idx] = 1.0
    if mistake.get("drop_end") and indices[-1] == 0:
        indices.pop()
    return indices


def _sampler(**mistake):
    """A planted function of (parameters, seeds, max_length): the names the mistake draws."""
    return lambda parameters, seeds, max_length: {
        seed: _sample_indices(parameters, np.random.default_rng(seed), max_length, **mistake)
        for seed in seeds
    }


#: Typical mistakes of sample_indices, as (message, planted function of (parameters, seeds,
#: max_length)) returning the indices drawn for each seed.
SAMPLING_MISTAKES = (
    (
        "you kept drawing after the newline (index 0): stop as soon as it is drawn",
        _sampler(no_stop=True),
    ),
    ("you drew max_length + 1 characters: stop after max_length draws", _sampler(limit=1)),
    (
        "you stopped after max_length - 1 draws: a name may have max_length characters",
        _sampler(limit=-1),
    ),
    (
        "every step got the zero vector as input: feed the drawn character back as a one-hot x "
        "(x = zeros, then x[idx] = 1)",
        _sampler(feedback="none"),
    ),
    (
        "you fed back the most likely character, not the one you drew",
        _sampler(feedback="argmax"),
    ),
    (
        "you took the most likely character (argmax) instead of drawing one: use "
        "rng.choice(n_y, p=y_hat_t.ravel())",
        _sampler(greedy=True),
    ),
    (
        "the first input was the one-hot of the newline (index 0); start from the zero vector, "
        "as in training (x<1> = 0)",
        _sampler(first_input=0),
    ),
    (
        "the final 0 (the newline that ended the name) is missing: include it",
        _sampler(drop_end=True),
    ),
    (
        "x kept the one-hots of earlier characters: set x back to zeros before writing the new "
        "one-hot",
        _sampler(feedback="accumulate"),
    ),
    (
        "the hidden state went back to zeros at every step: feed a_next into the next step as "
        "a_prev",
        _sampler(state_reset=True),
    ),
)


def _global_state():
    """Where numpy's global generator stands (read only, never changed)."""
    _, keys, position, *_ = np.random.get_state()  # noqa: NPY002 (reading, to detect its use)
    return keys.copy(), position


def _as_indices(result):
    try:
        return [int(i) for i in result]
    except (TypeError, ValueError):
        raise CheckFailed(
            f"sample_indices should return a list of integer indices; got {type(result).__name__}"
        ) from None


def _draw(sample_indices, parameters, seeds, max_length):
    """The student's indices for every seed; fails if numpy's global generator was used."""
    before = _global_state()
    results = {
        seed: _as_indices(
            sample_indices(parameters, np.random.default_rng(seed), max_length=max_length)
        )
        for seed in seeds
    }
    after = _global_state()
    if after[1] != before[1] or not np.array_equal(after[0], before[0]):
        raise CheckFailed(
            "sample_indices drew from numpy's global generator (np.random.choice, "
            "np.random.rand ...): draw every random number from the rng argument, "
            "rng.choice(n_y, p=...), so that a seed reproduces the name"
        )
    return results


def _explain_difference(results, expected, max_length):
    """The CheckFailed for indices that match no typical mistake: what differs, and where."""
    if len({tuple(indices) for indices in results.values()}) == 1:
        first = next(iter(results.values()))
        return CheckFailed(
            f"sample_indices gave {first} for every seed: draw from the rng argument "
            "(a fresh np.random.default_rng(...) inside the function ignores it)"
        )
    too_long = [indices for indices in results.values() if len(indices) > max_length]
    if too_long:
        return CheckFailed(
            f"sample_indices returned {len(too_long[0])} indices with max_length={max_length}: "
            "stop after max_length draws"
        )
    seed = next(s for s in results if results[s] != expected[s])
    got, want = results[seed], expected[seed]
    position = next(
        (i for i, (g, w) in enumerate(zip(got, want, strict=False)) if g != w),
        min(len(got), len(want)),
    )
    return CheckFailed(
        f"with rng seed {seed} you returned {got}, the reference {want}; they part at position "
        f"{position}. The reference draws each index with rng.choice(n_y, p=y_hat_t.ravel()), "
        "exactly once per step, feeds it back as a one-hot, stops after the newline (index 0, "
        "kept in the list) or after max_length draws"
    )


@stretch("rnn_lib.sample")
def check_sample_indices(sample_indices, seeds=range(8), max_length=8):
    """Check sample_indices(parameters, rng, max_length) against a reference on the same seeds."""
    __tracebackhide__ = True
    parameters = _check_model()
    results = _draw(sample_indices, parameters, seeds, max_length)
    if all(not indices for indices in results.values()):
        raise CheckFailed(
            "sample_indices returned no indices: if idx starts as 0 (the newline), a loop "
            "`while idx != 0` never runs; start idx at -1 or test for the newline after drawing"
        )
    repeat = _draw(sample_indices, parameters, seeds[:1], max_length)
    if repeat[seeds[0]] != results[seeds[0]]:
        raise CheckFailed(
            f"two calls with the same seed gave different names ({results[seeds[0]]} and "
            f"{repeat[seeds[0]]}): draw every random number from the rng you were given"
        )
    expected = _sampler()(parameters, seeds, max_length)
    if results == expected:
        passed(f"sample_indices: the same names as the reference for {len(expected)} seeds")
        return
    mistakes = plant(SAMPLING_MISTAKES, parameters, seeds, max_length)
    mistake = named_mistake(results, expected, mistakes, same=lambda a, b: a == b)
    if mistake:
        raise CheckFailed(f"sample_indices is wrong: {mistake}")
    raise _explain_difference(results, expected, max_length)
