"""What truncated BPTT misses: the share of the full gradient that crosses chunk boundaries.

Notebook 09 derives the missing terms and builds truncation_gap as an exercise.
"""

from ..cells.rnn import rnn_loss_and_gradients
from ..training.optim import global_norm
from ..training.tbptt import truncated_gradients


def truncation_gap(X, Y, a0, parameters, k):
    """The relative size of what truncation at k misses: ||g_full - g_trunc|| / ||g_full||.

    g_full is the gradient of full BPTT over the T_x steps (rnn_loss_and_gradients), g_trunc
    the gradient of truncated BPTT with chunks of k steps and fixed parameters
    (training.tbptt.truncated_gradients); ||.|| is the global norm over all parameter
    gradients (dWax, dWaa, dWya, dba, dby; da0 left out). 0 when k >= T_x.

    Arguments:
        X, Y, a0, parameters, k -- as for truncated_gradients: the sequence (n_x, m, T_x), its
            targets (n_y, m, T_x), the initial state (n_a, m), the RNN's parameters, the chunk
    Returns:
        the gap, a float >= 0
    Raises:
        ValueError if the full gradient is zero
    """
    _, full = rnn_loss_and_gradients(X, Y, a0, parameters)
    _, truncated, _ = truncated_gradients(X, Y, a0, parameters, k)
    difference = {key: full[key] - truncated[key] for key in full if key != "da0"}
    norm = global_norm(full)
    if norm == 0:
        raise ValueError("the full gradient is zero, so the share it misses is undefined")
    return global_norm(difference) / norm
