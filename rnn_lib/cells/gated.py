"""What the LSTM and the GRU share: parameters acting on the stacked input [a_prev; xt].

Each gate g has a weight W<g> of shape (n_a, n_a + n_x) and a bias b<g> of shape (n_a, 1);
the softmax output layer adds Wy (n_y, n_a) and by (n_y, 1). n_x is not a key of its own: it
is the width of the gate weights minus n_a.
"""

import numpy as np

from ..validation import check_integer, check_parameters, check_sequence

#: The symbol for the width of a gate weight, as error messages print it.
STACKED = "n_a + n_x"


def gated_param_symbols(gates):
    """Symbolic shapes, in order: W<g> (n_a, n_a + n_x) and b<g> (n_a, 1) per gate, Wy, by."""
    symbols = {}
    for gate in gates:
        symbols[f"W{gate}"] = ("n_a", STACKED)
        symbols[f"b{gate}"] = ("n_a", "1")
    symbols["Wy"] = ("n_y", "n_a")
    symbols["by"] = ("n_y", "1")
    return symbols


def check_gated_parameters(parameters, symbols):
    """Check a gated cell's parameters; return the sizes they fix, n_x included."""
    known = check_parameters(parameters, symbols)
    n_a = known["n_a"][0]
    width, source = known[STACKED]
    if width <= n_a:
        raise ValueError(
            f"{source} must be (n_a, n_a + n_x) with n_a={n_a} and n_x >= 1; got {(n_a, width)}"
        )
    known["n_x"] = (width - n_a, source)
    return known


def check_gated_sequence(X, a0, parameters, symbols):
    """Check the inputs of a gated cell's sequence forward pass; return the sizes they fix."""
    known = check_gated_parameters(parameters, symbols)
    check_sequence(X, a0, known)
    return known


def initialize_gated_parameters(gates, biases, n_a, n_x, n_y, rng=None):
    """Weights W ~ N(0, 1) / sqrt(fan-in), biases constant: the gated cells' initialisation.

    Dividing by the square root of a weight's fan-in (n_a + n_x for a gate, n_a for Wy) keeps
    each pre-activation's variance near 1 whatever the sizes, so the gates start in the
    sensitive middle of their sigmoid instead of saturated.

    Arguments:
        gates -- the gate letters, e.g. ("f", "i", "c", "o")
        biases -- dict gate -> the constant its bias starts at (gates left out start at 0)
        n_a, n_x, n_y -- hidden, input and output sizes, positive integers
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        dict with W<g> (n_a, n_a + n_x) and b<g> (n_a, 1) per gate, Wy (n_y, n_a), by (n_y, 1)
    """
    for name, value in (("n_a", n_a), ("n_x", n_x), ("n_y", n_y)):
        check_integer(name, value)
    rng = np.random.default_rng(rng)
    parameters = {}
    for gate in gates:
        parameters[f"W{gate}"] = rng.standard_normal((n_a, n_a + n_x)) / np.sqrt(n_a + n_x)
        parameters[f"b{gate}"] = np.full((n_a, 1), float(biases.get(gate, 0.0)))
    parameters["Wy"] = rng.standard_normal((n_y, n_a)) / np.sqrt(n_a)
    parameters["by"] = np.zeros((n_y, 1))
    return parameters
