"""The hidden tests' own cases: shapes and edge cases that the visible checks do not show.

A visible check runs an answer on one set of inputs, whose shapes a student sees in its
messages. The hidden tests (guard.hidden_test, in the check cells of the course's source
notebooks, cleared from the student's edition) run the same check again on inputs from other
seeds, and then the case below, if the exercise has one: a single example (m = 1), a single unit
(n_a = 1), one time step, a wide batch, arrays of other ranks. Each compares the answer with this
package's reference (in the hidden tests, that of a private copy no cell can have changed).
CASES is keyed by the check's name; checks/__init__.py guards each case as it guards the check.
"""

import numpy as np

from ...activations import softmax
from ...cells.rnn import rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward
from ...loss import compute_loss
from ..gradcheck import numerical_gradient
from .compare import CheckFailed, expect_array, expect_keys, expect_tuple
from .fixtures import one_hot, rnn_parameters

#: Sizes (n_x, n_a, n_y, m) of the cells' other cases: one of everything, and a wide batch.
CELL_SIZES = ((1, 1, 2, 1), (6, 2, 3, 7))
GRADIENTS = ("dWax", "dWaa", "dWya", "dba", "dby")


def softmax_cases(answer):
    """One class (every probability 1), one wide column of huge scores, 27 classes by 9."""
    rng = np.random.default_rng(11)
    for z in (
        rng.standard_normal((1, 4)),
        300 * rng.standard_normal((6, 1)),
        rng.standard_normal((27, 9)),
    ):
        with np.errstate(all="ignore"):
            got = answer(z.copy())
        expect_array(f"softmax(z) for z of shape {z.shape}", got, softmax(z))


def tanh_cases(answer):
    """A three-dimensional array with entries up to a few hundred."""
    z = 100 * np.random.default_rng(12).standard_normal((2, 3, 4))
    with np.errstate(all="ignore"):
        got = answer(z.copy())
    expect_array("tanh(z) for z of shape (2, 3, 4)", got, np.tanh(z))


def cell_forward_cases(answer):
    """The cell with a single unit and example, and with a wide batch."""
    rng = np.random.default_rng(13)
    for n_x, n_a, n_y, m in CELL_SIZES:
        p = rnn_parameters(rng, n_x, n_a, n_y)
        xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
        result = answer(xt, a_prev, p)
        expect_tuple("rnn_cell_forward", result, ("a_next", "y_hat_t", "cache"))
        a_next, y_hat_t, _ = rnn_cell_forward(xt, a_prev, p)
        sizes = f"n_x={n_x}, n_a={n_a}, n_y={n_y}, m={m}"
        expect_array(f"a_next (with {sizes})", result[0], a_next)
        expect_array(f"y_hat_t (with {sizes})", result[1], y_hat_t)


def cell_backward_cases(answer):
    """The backward step with a single unit and example, and with a wide batch."""
    rng = np.random.default_rng(14)
    for n_x, n_a, n_y, m in CELL_SIZES:
        p = rnn_parameters(rng, n_x, n_a, n_y)
        xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
        _, _, cache = rnn_cell_forward(xt, a_prev, p)
        y, da_next = one_hot(rng, n_y, (m,)), rng.standard_normal((n_a, m))
        got = answer(y, da_next, cache, p)
        expected = rnn_cell_backward(y, da_next, cache, p)
        expect_keys("the gradients", got, (*GRADIENTS, "da_prev"))
        for name in (*GRADIENTS, "da_prev"):
            expect_array(f"{name} (with n_a={n_a}, m={m})", got[name], expected[name])


def rnn_backward_cases(answer):
    """BPTT over a single step, and over seven steps of a single example."""
    rng = np.random.default_rng(15)
    for n_a, m, T_x in ((3, 2, 1), (2, 1, 7)):
        p = rnn_parameters(rng, 4, n_a, 5)
        X, Y = rng.standard_normal((4, m, T_x)), one_hot(rng, 5, (m, T_x))
        _, _, caches = rnn_forward(X, rng.standard_normal((n_a, m)), p)
        got = answer(X, Y, p, caches)
        expected = rnn_backward(X, Y, p, caches)
        expect_keys("the gradients", got, (*GRADIENTS, "da0"))
        for name in (*GRADIENTS, "da0"):
            expect_array(f"{name} (with m={m}, T_x={T_x})", got[name], expected[name])


def numerical_gradient_cases(answer):
    """Centred differences of a smooth function of a vector and of a three-dimensional array."""
    rng = np.random.default_rng(16)
    for shape in ((5,), (2, 2, 2)):
        array = rng.standard_normal(shape)
        original = array.copy()

        def f(array=array):
            return float(np.sum(np.sin(array)) + 0.5 * np.sum(array**2) * array.flat[0])

        got = answer(f, array, 1e-4)
        if not np.allclose(array, original, rtol=0, atol=1e-12):
            raise CheckFailed(f"the array of shape {shape} was left changed: put each entry back")
        expect_array(
            f"the numerical gradient of shape {shape}", got, numerical_gradient(f, array, 1e-4)
        )


def loss_per_char_cases(answer):
    """One name with no padding, and a batch in which one name is padding after its first step."""
    rng = np.random.default_rng(17)
    single = one_hot(rng, 27, (1, 6))
    batch = one_hot(rng, 27, (3, 4))
    batch[:, 1, 1:] = 0.0
    for Y in (single, batch):
        y_hat = softmax(rng.standard_normal(Y.shape))
        expected = compute_loss(y_hat, Y) / Y.sum()
        got = answer(y_hat.copy(), Y.copy())
        expect_array(f"loss_per_char for Y of shape {Y.shape}", got, expected)


CASES = {
    "check_softmax": softmax_cases,
    "check_tanh": tanh_cases,
    "check_rnn_cell_forward": cell_forward_cases,
    "check_rnn_cell_backward": cell_backward_cases,
    "check_rnn_backward": rnn_backward_cases,
    "check_numerical_gradient": numerical_gradient_cases,
    "check_loss_per_char": loss_per_char_cases,
}
