"""The parameters of the vanilla RNN: their names, shapes and initial values."""

import numpy as np

from .arguments import check_integer

#: The parameters of the RNN, in one fixed order. Update, clipping, gradient checks and
#: checkpoints all iterate over this tuple; the gradient of ``name`` is ``"d" + name``.
PARAM_NAMES = ("Wax", "Waa", "Wya", "ba", "by")

#: Each parameter's shape, in the symbols the notebooks use.
PARAM_SYMBOLS = {
    "Wax": ("n_a", "n_x"),
    "Waa": ("n_a", "n_a"),
    "Wya": ("n_y", "n_a"),
    "ba": ("n_a", "1"),
    "by": ("n_y", "1"),
}


def param_shapes(n_a, n_x, n_y):
    """Each parameter's shape for the given sizes, e.g. Wax -> (n_a, n_x)."""
    sizes = {"n_a": n_a, "n_x": n_x, "n_y": n_y, "1": 1}
    return {name: tuple(sizes[s] for s in PARAM_SYMBOLS[name]) for name in PARAM_NAMES}


def initialize_parameters(n_a, n_x, n_y, rng=None):
    """Small random weights and zero biases: W ~ 0.01 * N(0, 1), b = 0.

    Arguments:
        n_a -- number of hidden units
        n_x -- size of an input vector (the vocabulary, for characters)
        n_y -- size of an output distribution (the vocabulary, for characters)
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    """
    for name, value in (("n_a", n_a), ("n_x", n_x), ("n_y", n_y)):
        check_integer(name, value)
    rng = np.random.default_rng(rng)
    parameters = {}
    for name, shape in param_shapes(n_a, n_x, n_y).items():
        if name.startswith("W"):
            parameters[name] = rng.standard_normal(shape) * 0.01
        else:
            parameters[name] = np.zeros(shape)
    return parameters
