"""What the checks share: random RNN parameters, one-hot targets, the vocabulary, and the
typical mistakes of the softmax output layer that every cell ends with.

Every entry of the parameters is non-zero, biases included, so that no mistake hides behind a
zero (a forgotten bias, a term multiplied by a zero weight).
"""

import numpy as np

from ...activations import softmax
from ...training.seed_recipe import SEED_CHARS
from .compare import CheckFailed, arrays_match, expect_array, plant

#: The characters of the dinosaur-name model: index 0 is the newline that ends a name.
VOCABULARY = SEED_CHARS


def rnn_parameters(rng, n_x, n_a, n_y, recurrent_scale=0.5, bias_scale=1.0):
    """Random RNN parameters with every entry non-zero.

    Random RNN parameters: standard normal entries, Waa scaled by recurrent_scale and the biases
    by bias_scale (drawn in the order Wax, Waa, Wya, ba, by).
    """
    return {
        "Wax": rng.standard_normal((n_a, n_x)),
        "Waa": rng.standard_normal((n_a, n_a)) * recurrent_scale,
        "Wya": rng.standard_normal((n_y, n_a)),
        "ba": rng.standard_normal((n_a, 1)) * bias_scale,
        "by": rng.standard_normal((n_y, 1)) * bias_scale,
    }


def one_hot(rng, n, shape):
    """One-hot columns along axis 0, (n, *shape), with a random target in each position."""
    y = np.zeros((n, *shape))
    targets = rng.integers(0, n, size=shape)
    np.put_along_axis(y, targets[None], 1.0, axis=0)
    return y


#: Typical mistakes in a cell's output distribution softmax(Wy a_next + by), as
#: (message, planted function of (a_next, Wy, by)).
OUTPUT_MISTAKES = (
    ("the bias of the output layer is missing", lambda a, Wy, by: softmax(Wy @ a)),
    (
        "softmax normalises over axis 1 (the batch); each column (axis 0) must sum to 1",
        lambda a, Wy, by: softmax((Wy @ a + by).T).T,
    ),
    (
        "it is the raw score (weights @ a_next + bias): apply softmax",
        lambda a, Wy, by: Wy @ a + by,
    ),
)


def expect_prediction(name, got, a_next, expected, Wy, by, more_mistakes=()):
    """Check a cell step's prediction softmax(Wy a_next + by), naming the output layer's mistakes.

    Arguments:
        name -- the prediction's name in the student's code ("y_hat_t", "yt_pred")
        got, expected -- the student's and the reference's prediction, (n_y, m)
        a_next -- the reference's new state, (n_a, m), from which both were computed
        Wy, by -- the output layer's weights, (n_y, n_a) and (n_y, 1)
        more_mistakes -- (message, planted result) pairs to try after the output layer's own
    """
    __tracebackhide__ = True
    mistakes = plant(OUTPUT_MISTAKES, a_next, Wy, by) + list(more_mistakes)
    expect_array(name, got, expected, mistakes, axis_names=("row {}", "batch column {}"))


def _field_matches(got, expected):
    """Whether a cache field holds the reference's value (a dict: the same arrays by key)."""
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and got.keys() == expected.keys()
            and all(arrays_match(got[k], expected[k]) for k in expected)
        )
    return arrays_match(got, expected)


def expect_cache(name, got, expected):
    """Raise CheckFailed unless the cache ``got`` holds the fields of ``expected`` in its order.

    Arguments:
        name -- the function whose cache it is ("rnn_cell_forward")
        got -- the student's cache: a tuple with the fields in the order of the NamedTuple
        expected -- the reference's cache, a NamedTuple (CellCache, LSTMCellCache)
    The message names the first wrong field and, when it holds another field's value, which.
    """
    __tracebackhide__ = True
    fields = expected._fields
    layout = f"({', '.join(fields)})"
    if got is None:
        raise CheckFailed(f"the cache of {name} is None: return the tuple {layout}")
    if not isinstance(got, (tuple, list)) or len(got) != len(fields):
        size = f"{len(got)} values" if isinstance(got, (tuple, list)) else type(got).__name__
        raise CheckFailed(f"the cache of {name} should be the tuple {layout}; got {size}")
    for position, field in enumerate(fields):
        if _field_matches(got[position], expected[position]):
            continue
        holds = [
            other for j, other in enumerate(fields) if _field_matches(got[position], expected[j])
        ]
        if holds:
            raise CheckFailed(
                f"cache[{position}] should be {field} but holds {holds[0]}: the cache is "
                f"{layout}, in this order (the backward pass unpacks it by position)"
            )
        if isinstance(expected[position], dict):
            raise CheckFailed(f"cache[{position}] should be {field}, the dict of parameters")
        expect_array(f"cache[{position}] ({field})", got[position], expected[position])
