"""Checks for the exercises of notebook 05 (sampling names from the RNN)."""

import numpy as np

from ...activations import softmax
from ...cells.rnn import rnn_cell_forward
from ...training.sampling import next_char_distribution as reference_distribution
from .compare import CheckFailed, expect_array, passed


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


def check_next_char_distribution(next_char_distribution):
    """Check next_char_distribution(scores, temperature=1.0, top_k=None) against rnn_lib's."""
    __tracebackhide__ = True
    scores = _check_scores()
    for temperature, top_k in ((1.0, None), (0.5, None), (2.0, 3)):
        given = scores.copy()
        got = next_char_distribution(given, temperature=temperature, top_k=top_k)
        if not np.array_equal(given, scores):
            raise CheckFailed(
                "next_char_distribution changed the caller's scores (scores /= temperature "
                "works in place): compute scores / temperature as a new array"
            )
        case = f"next_char_distribution(scores, temperature={temperature}, top_k={top_k})"
        expected = reference_distribution(scores, temperature, top_k)
        k = top_k
        mistakes = [
            (
                "the scores were multiplied by the temperature; divide them: "
                "softmax(scores / temperature), so that T < 1 sharpens and T > 1 flattens",
                _adjusted(scores, temperature, top_k),
            ),
            ("the temperature was ignored", _adjusted(scores, 1.0, top_k)),
            (
                "softmax was taken over axis 1 (across the batch); each column (axis 0) is one "
                "distribution over the characters and must sum to 1",
                _adjusted(scores, 1 / temperature, top_k, axis=1),
            ),
        ]
        if top_k is not None:
            mistakes += [
                (
                    f"top_k={k} kept {k - 1} characters per column, not {k}",
                    _adjusted(scores, 1 / temperature, k - 1),
                ),
                (
                    f"top_k={k} kept {k + 1} characters per column, not {k}",
                    _adjusted(scores, 1 / temperature, k + 1),
                ),
                (
                    f"top_k={k} kept the {k} smallest scores; keep the {k} largest",
                    _adjusted(scores, 1 / temperature, k, keep="smallest"),
                ),
                (
                    "the probabilities outside the top k were set to 0 but the rest were not "
                    "renormalised: each column must sum to 1 again (divide by the kept total)",
                    _adjusted(scores, 1 / temperature, k, renormalise=False),
                ),
                (
                    "top_k was ignored: all characters kept",
                    _adjusted(scores, 1 / temperature, None),
                ),
            ]
        expect_array(case, got, expected, mistakes=mistakes)
    passed("next_char_distribution: temperature and top-k match the reference")


def _check_model(n_a=8, n_y=6, seed=3):
    """A small random RNN over 6 symbols ("\\n" and 5 letters); "\\n" has probability ~0.15."""
    rng = np.random.default_rng(seed)
    parameters = {
        "Wax": rng.standard_normal((n_a, n_y)),
        "Waa": rng.standard_normal((n_a, n_a)) * 0.5,
        "Wya": rng.standard_normal((n_y, n_a)),
        "ba": rng.standard_normal((n_a, 1)) * 0.5,
        "by": rng.standard_normal((n_y, 1)) * 0.5,
    }
    parameters["by"][0] = -0.5
    return parameters


def _reference_indices(parameters, rng, max_length, mistake=None):
    """The sampling loop, drawing with rng.choice(n_y, p=y_hat_t.ravel()) once per step.

    ``mistake`` names one deliberate slip, so that a check can recognise what a wrong answer
    did: "no stop", "one more", "one fewer", "no feedback", "argmax feedback", "greedy",
    "newline first", "no end index", "accumulate", "state reset".
    """
    n_y, n_a = parameters["Wya"].shape
    x = np.zeros((n_y, 1))
    if mistake == "newline first":
        x[0] = 1.0
    a = np.zeros((n_a, 1))
    limit = max_length + {"one more": 1, "one fewer": -1}.get(mistake, 0)
    indices = []
    while len(indices) < limit:
        a_next, y_hat_t, _ = rnn_cell_forward(x, a, parameters)
        p = y_hat_t.ravel()
        idx = int(np.argmax(p)) if mistake == "greedy" else int(rng.choice(n_y, p=p))
        indices.append(idx)
        if idx == 0 and mistake != "no stop":
            break
        a = np.zeros_like(a) if mistake == "state reset" else a_next
        if mistake != "accumulate":
            x = np.zeros((n_y, 1))
        if mistake == "argmax feedback":
            x[int(np.argmax(p))] = 1.0
        elif mistake != "no feedback":
            x[idx] = 1.0
    if mistake == "no end index" and indices[-1] == 0:
        indices.pop()
    return indices


SAMPLING_MISTAKES = {
    "no stop": "you kept drawing after the newline (index 0): stop as soon as it is drawn",
    "one more": "you drew max_length + 1 characters: stop after max_length draws",
    "one fewer": "you stopped after max_length - 1 draws: a name may have max_length characters",
    "no feedback": "every step got the zero vector as input: feed the drawn character back as "
    "a one-hot x (x = zeros, then x[idx] = 1)",
    "argmax feedback": "you fed back the most likely character, not the one you drew",
    "greedy": "you took the most likely character (argmax) instead of drawing one: use "
    "rng.choice(n_y, p=y_hat_t.ravel())",
    "newline first": "the first input was the one-hot of the newline (index 0); start from the "
    "zero vector, as in training (x<1> = 0)",
    "no end index": "the final 0 (the newline that ended the name) is missing: include it",
    "accumulate": "x kept the one-hots of earlier characters: set x back to zeros before "
    "writing the new one-hot",
    "state reset": "the hidden state went back to zeros at every step: feed a_next into the "
    "next step as a_prev",
}


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


def check_sample_indices(sample_indices, seeds=range(8), max_length=8):
    """Check sample_indices(parameters, rng, max_length) against a reference on the same seeds."""
    __tracebackhide__ = True
    parameters = _check_model()
    before = _global_state()
    results = {}
    for seed in seeds:
        results[seed] = _as_indices(
            sample_indices(parameters, np.random.default_rng(seed), max_length=max_length)
        )
    after = _global_state()
    if after[1] != before[1] or not np.array_equal(after[0], before[0]):
        raise CheckFailed(
            "sample_indices drew from numpy's global generator (np.random.choice, "
            "np.random.rand ...): draw every random number from the rng argument, "
            "rng.choice(n_y, p=...), so that a seed reproduces the name"
        )
    if all(not indices for indices in results.values()):
        raise CheckFailed(
            "sample_indices returned no indices: if idx starts as 0 (the newline), a loop "
            "`while idx != 0` never runs; start idx at -1 or test for the newline after drawing"
        )
    repeat = _as_indices(
        sample_indices(parameters, np.random.default_rng(seeds[0]), max_length=max_length)
    )
    if repeat != results[seeds[0]]:
        raise CheckFailed(
            f"two calls with the same seed gave different names ({results[seeds[0]]} and "
            f"{repeat}): draw every random number from the rng you were given"
        )
    expected = {
        seed: _reference_indices(parameters, np.random.default_rng(seed), max_length)
        for seed in seeds
    }
    if results == expected:
        passed(f"sample_indices: the same names as the reference for {len(expected)} seeds")
        return
    for mistake, description in SAMPLING_MISTAKES.items():
        wrong = {
            seed: _reference_indices(parameters, np.random.default_rng(seed), max_length, mistake)
            for seed in seeds
        }
        if results == wrong:
            raise CheckFailed(f"sample_indices is wrong: {description}")
    if len({tuple(indices) for indices in results.values()}) == 1:
        raise CheckFailed(
            f"sample_indices gave {results[seeds[0]]} for every seed: draw from the rng argument "
            "(a fresh np.random.default_rng(...) inside the function ignores it)"
        )
    too_long = [indices for indices in results.values() if len(indices) > max_length]
    if too_long:
        raise CheckFailed(
            f"sample_indices returned {len(too_long[0])} indices with max_length={max_length}: "
            "stop after max_length draws"
        )
    seed = next(s for s in seeds if results[s] != expected[s])
    got, want = results[seed], expected[seed]
    position = next(
        (i for i, (g, w) in enumerate(zip(got, want, strict=False)) if g != w),
        min(len(got), len(want)),
    )
    raise CheckFailed(
        f"with rng seed {seed} you returned {got}, the reference {want}; they part at position "
        f"{position}. The reference draws each index with rng.choice(n_y, p=y_hat_t.ravel()), "
        "exactly once per step, feeds it back as a one-hot, stops after the newline (index 0, "
        "kept in the list) or after max_length draws"
    )
