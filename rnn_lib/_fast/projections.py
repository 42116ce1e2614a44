"""The products the fast paths take out of the time loop: input and output projections.

Every step's input projection W x<t> + b does not depend on the hidden state, so it is computed
for all steps before the loop; when the inputs are one-hot (characters) it is a row lookup in
W^T, not a product. Every step's output softmax(Wy a<t> + by) is computed after the loop, as
one product over all steps and examples. Arrays are time-major, as in
rnn_lib.cells.shared.TimeMajorCache.
"""

import numpy as np


def one_hot_rows(x):
    """Where the 1 of each input column sits, if every column of x is one-hot or all zero.

    Arguments:
        x -- inputs, (n_x, m, T_x)
    Returns:
        integer array (T_x m,), time-major (entry t m + i is x<t> of example i): the row of the
        1, or n_x for an all-zero (padding) column; None if x has any other column
    """
    n_x, m, T_x = x.shape
    columns = x.reshape(n_x, m * T_x)
    # Per column, the sum of its entries and the sum of their row indices times the entries.
    # A column whose sum is 1 holds at least one non-zero; if x holds no more non-zeros than
    # there are such columns, each of them holds exactly one, which is then 1 (its sum), and
    # every other column is all zero. NaN and inf break the count. For a column whose single
    # non-zero is a 1 in row k, the second sum is exactly k.
    with np.errstate(invalid="ignore", over="ignore"):  # inf * 0 and overflow fail the count
        weights = np.ones((2, n_x))  # row 0 sums the entries, row 1 weighs them by row index
        weights[1] = np.arange(n_x)
        sums, rows = weights @ columns
    is_one_hot = sums == 1
    if np.count_nonzero(columns != 0) != np.count_nonzero(is_one_hot):  # faster on booleans
        return None
    rows = np.where(is_one_hot, rows, n_x).astype(np.intp)
    return rows.reshape(m, T_x).T.ravel()


def time_major_columns(x, scratch, ones_row=False):
    """x as (n_x, T_x m): column t m + i is x<t> of example i, the order of the rows of states.

    With ones_row, a row of ones is appended, (n_x + 1, T_x m): the input of a bias.
    """
    n_x, m, T_x = x.shape
    columns = scratch.empty("x_columns", (n_x + ones_row, T_x, m))
    np.copyto(columns[:n_x], x.transpose(0, 2, 1))
    if ones_row:
        columns[n_x] = 1.0
    return columns.reshape(n_x + ones_row, T_x * m)


def input_projection(x, Wax, ba, out, scratch):
    """Fill out (T_x, m, n) with (Wax x<t> + ba)^T for every step t, all steps at once.

    Wax is any input weight (n, n_x) and ba its bias (n, 1): the RNN's, or the gated cells'
    stacked gate weights.
    """
    rows = out.reshape(-1, out.shape[-1])  # (T_x m, n_a), a view
    one_hot = one_hot_rows(x)
    if one_hot is None:
        np.matmul(time_major_columns(x, scratch).T, Wax.T, out=rows)
        rows += ba.T
    else:
        # Wax times a column of the identity is exactly that column of Wax (the other terms
        # are zeros), so a lookup in the rows of [Wax^T + ba^T; ba^T] gives the same numbers.
        n_x, n_a = Wax.shape[1], Wax.shape[0]
        table = np.empty((n_x + 1, n_a))  # float64, whatever the parameters' type
        np.add(Wax.T, ba.T, out=table[:n_x], dtype=np.float64)
        table[n_x] = ba[:, 0]
        np.take(table, one_hot, axis=0, out=rows, mode="clip")


def output_softmax(rows, Wy, by, out):
    """softmax(Wy a + by) for every row of a at once: the predictions of all steps and examples.

    Arguments:
        rows -- hidden states, one per row, (T_x m, n_a)
        Wy, by -- the output layer, (n_y, n_a) and (n_y, 1)
        out -- where to write, (n_y, T_x m)
    Returns:
        out, each column a distribution (the same operations as activations.softmax, in place)
    """
    np.matmul(Wy, rows.T, out=out)
    out += by
    out -= out.max(axis=0)
    np.exp(out, out=out)
    out /= out.sum(axis=0)
    return out
