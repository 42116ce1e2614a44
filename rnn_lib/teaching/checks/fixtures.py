"""What the checks share: random RNN parameters, one-hot targets, the vocabulary, and the
typical mistakes of the softmax output layer that every cell ends with.

Every entry of the parameters is non-zero, biases included, so that no mistake hides behind a
zero (a forgotten bias, a term multiplied by a zero weight).
"""

import numpy as np

from ...activations import softmax
from ...training.seed_recipe import SEED_CHARS
from .compare import expect_array, plant

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


def expect_prediction(name, got, a_next, expected, Wy, by):
    """Check a cell step's prediction softmax(Wy a_next + by), naming the output layer's mistakes.

    Arguments:
        name -- the prediction's name in the student's code ("y_hat_t", "yt_pred")
        got, expected -- the student's and the reference's prediction, (n_y, m)
        a_next -- the reference's new state, (n_a, m), from which both were computed
        Wy, by -- the output layer's weights, (n_y, n_a) and (n_y, 1)
    """
    __tracebackhide__ = True
    expect_array(name, got, expected, plant(OUTPUT_MISTAKES, a_next, Wy, by))
