"""What every cell shares: the output layer, the loss-and-gradients wrapper, the cache layout.

The output layer. Every cell reads its prediction off the hidden state the same way,
y_hat = softmax(Wy a + by) (the vanilla RNN calls the weight Wya, after the seed notebook).
The LSTM and GRU backward passes take the gradient of the loss with respect to the hidden
states; output_layer_backward turns the summed cross-entropy into that gradient (and into dWy,
dby). Both functions are column-major and work on every column at once: axis 0 holds the units,
the remaining axes (m, or m and T_x, in either order) index the columns.

The cache layout. A sequence forward pass keeps, for its backward pass, every step's arrays in
one layout, time-major rows (see TimeMajorCache): step t of a quantity with n features is the
contiguous block [t] of shape (m, n), one row per example. Then a step is one block for the
time loops, and the T_x m rows of all steps are one (T_x m, n) matrix, without a copy, for the
matrix products that gather the weight gradients over steps and examples. The predictions are
the one exception, for speed: they are held as columns, (n_y, T_x, m), the same time-major
order of the T_x m positions with the units first, because the softmax then reduces over rows
of a contiguous block (about 1.8x faster at n_y = 27 than over a row's 27 entries).
"""

import numpy as np

from .. import _fast
from ..activations import softmax
from ..loss import compute_loss
from ..validation import as_parameter_arrays


def _check_layer(Wy, **arrays):
    """Check that every array has Wy's sizes on axis 0 (by: (n_y, 1)) and that the columns agree."""
    if np.ndim(Wy) != 2:
        raise ValueError(f"Wy must be (n_y, n_a), 2-dimensional; got {np.shape(Wy)}")
    n_y, n_a = np.shape(Wy)
    if "by" in arrays:
        by = arrays.pop("by")
        if np.shape(by) != (n_y, 1):
            raise ValueError(f"by must be (n_y, 1) with n_y={n_y} from Wy; got {np.shape(by)}")
    columns = None
    for name, array in arrays.items():
        units, size = ("n_a", n_a) if name == "a" else ("n_y", n_y)
        shape = np.shape(array)
        if len(shape) not in (2, 3):
            raise ValueError(f"{name} must be ({units}, m) or ({units}, m, T_x); got {shape}")
        expected = "(" + ", ".join((units, "m", "T_x")[: len(shape)]) + ")"
        if shape[0] != size:
            raise ValueError(f"{name} must be {expected} with {units}={size} from Wy; got {shape}")
        if columns is None:
            columns = (name, shape[1:])
        elif shape[1:] != columns[1]:
            raise ValueError(
                f"{name} must have the columns of {columns[0]}, {columns[1]}; got {shape[1:]}"
            )


def output_layer_forward(a, Wy, by):
    """Predicted distributions of every column at once: y_hat = softmax(Wy a + by).

    Arguments:
        a -- hidden states, (n_a, m) or (n_a, m, T_x)
        Wy -- output weights, (n_y, n_a)
        by -- output bias, (n_y, 1)
    Returns:
        y_hat -- (n_y, m) or (n_y, m, T_x); every column sums to 1
    """
    a = np.asarray(a)
    _check_layer(Wy, by=by, a=a)
    n_a = a.shape[0]
    z = Wy @ a.reshape(n_a, -1) + by
    return softmax(z).reshape((Wy.shape[0], *a.shape[1:]))


def output_layer_backward(Y, y_hat, a, Wy):
    """Gradients of the summed cross-entropy L = -sum Y * log(y_hat) through the output layer.

    With dz = y_hat * sum(Y over axis 0) - Y, which is y_hat - Y for a real column and 0 for a
    padded (all-zero) column of Y:
        dWy = sum over columns of dz a^T    dby = sum over columns of dz    da = Wy^T dz

    Arguments:
        Y -- true distributions, (n_y, m, T_x) or (n_y, m): one-hot columns, all-zero for padding
        y_hat -- predicted distributions, the shape of Y
        a -- the hidden states y_hat was computed from, (n_a, m, T_x) or (n_a, m)
        Wy -- output weights, (n_y, n_a)
    Returns:
        dWy -- (n_y, n_a)
        dby -- (n_y, 1)
        da -- gradient of L with respect to a, the shape of a
    """
    Y, y_hat, a = np.asarray(Y), np.asarray(y_hat), np.asarray(a)
    _check_layer(Wy, Y=Y, y_hat=y_hat, a=a)
    n_y, n_a = Wy.shape
    dz = (y_hat * Y.sum(axis=0) - Y).reshape(n_y, -1)
    dWy = dz @ a.reshape(n_a, -1).T
    dby = dz.sum(axis=1, keepdims=True)
    da = (Wy.T @ dz).reshape(a.shape)
    return dWy, dby, da


class TimeMajorCache:
    """The cache layout every sequence forward pass shares (subclasses add their own arrays).

    Attributes:
        x -- the inputs, as given, (n_x, m, T_x)
        parameters -- the parameters of the forward pass
        states -- a0 then the hidden states, time-major rows: (T_x + 1, m, n_a); states[0] is
            a0^T and states[t + 1] is a<t>^T
        y_hat -- the predicted distributions, (n_y, T_x, m): y_hat[:, t] is step t's
    The public arrays keep the seed's (n, m, T_x) layout, as views: see a0, a and predictions.
    Indexing the cache gives a step's cell cache, as the seed's list of caches did: caches[t].

    A cell's cache class also names the cell's step functions and its fast path; unrolled and
    backward then hold the one ``if _fast.enabled:`` of every cell.
    """

    __slots__ = ("x", "parameters", "states", "y_hat")
    #: (xt, *state, parameters) -> (*new state, prediction, cell cache): the cell's step forward
    cell_forward = None
    #: (da_next, *other carried gradients, cell cache) -> dict: the gated cells' step backward
    cell_backward = None
    #: the cell's module in rnn_lib._fast: forward(x, a0, parameters) -> the arrays after
    #: x and parameters in the constructor; backward(da, caches) -> backward's dict
    fast = None
    #: the state gradients one step passes back to the one before, e.g. ("da_prev", "dc_prev")
    carried = ("da_prev",)
    #: the parameters whose gradients the step backward gives (the output layer's come apart)
    gate_names = ()

    def __init__(self, x, parameters, states, y_hat):
        self.x, self.parameters, self.states, self.y_hat = x, parameters, states, y_hat

    @classmethod
    def from_steps(cls, x, steps, predictions, parameters):
        """The cache from what the cell's forward returned, step by step.

        steps are its cell caches, predictions its outputs, one per step.
        """
        raise NotImplementedError(f"{cls.__name__} does not define from_steps")

    @classmethod
    def unrolled(cls, x, state, parameters):
        """Run the cell over every step of x from state: the fast path, or the readable loop.

        Arguments:
            x -- inputs, (n_x, m, T_x), already checked
            state -- the initial state: (a0,), or (a0, c0) with c0 = 0 for the LSTM
            parameters -- the cell's parameters, already checked
        Returns:
            the cache of the whole sequence
        """
        if _fast.enabled:
            return cls(x, parameters, *cls.fast.forward(x, state[0], parameters))
        steps, predictions = forward_through_time(cls.cell_forward, x, state, parameters)
        return cls.from_steps(x, steps, predictions, parameters)

    def backward(self, da):
        """BPTT of a gated cell from the gradient of every state, da (n_a, m, T_x), checked.

        Returns:
            dict of dx (n_x, m, T_x), the initial state's gradients (da0, and dc0 for the LSTM)
            and "d" + name for every gate parameter
        """
        if _fast.enabled:
            return self.fast.backward(da, self)
        dx, initial, gradients = backward_through_time(
            self.cell_backward, da, self, self.gate_names, self.carried
        )
        first = {key.replace("_prev", "0"): value for key, value in zip(self.carried, initial)}
        return {"dx": dx, **first, **gradients}

    @property
    def a0(self):
        """The initial hidden state, (n_a, m), a view."""
        return self.states[0].T

    @property
    def a(self):
        """The hidden states, (n_a, m, T_x), a view."""
        return self.states[1:].transpose(2, 1, 0)

    @property
    def predictions(self):
        """The predicted distributions, (n_y, m, T_x), a view."""
        return self.y_hat.transpose(0, 2, 1)

    def step(self, t):
        """The cell cache of step t, as the cell's forward function returns it."""
        raise NotImplementedError(f"{type(self).__name__} does not define step(t)")

    @staticmethod
    def rows(columns):
        """Per-step (n, m) arrays stacked into the layout's time-major rows, (len, m, n)."""
        return np.stack([column.T for column in columns])

    def __len__(self):
        return self.states.shape[0] - 1

    def __getitem__(self, t):
        return self.step(range(len(self))[t])  # negative indices and bounds, as for a list

    def __iter__(self):
        return (self.step(t) for t in range(len(self)))


def forward_through_time(cell_forward, x, state, parameters):
    """The readable forward loop the cells share: one cell step per time step, the state carried.

    Arguments:
        cell_forward -- (xt, *state, parameters) -> (*new state, prediction, cell cache), as
            rnn_cell_forward, lstm_cell_forward and gru_cell_forward are
        x -- inputs, (n_x, m, T_x)
        state -- the initial state: (a0,), or (a0, c0) for the LSTM
        parameters -- the cell's parameters
    Returns:
        steps -- the cell caches, one per step
        predictions -- the predicted distributions, (n_y, m) each
    """
    steps, predictions = [], []
    for t in range(x.shape[2]):
        *state, prediction, cache = cell_forward(x[:, :, t], *state, parameters)
        steps.append(cache)
        predictions.append(prediction)
    return steps, predictions


def backward_through_time(cell_backward, da, caches, names, carried):
    """The readable BPTT loop of the gated cells: step t gets da<t> plus what step t + 1 sent back.

    Going backwards from t = T_x - 1 with zero gradients from after the last step, step t's
    cell backward receives da<t> + da_next (and the other carried state gradients, such as the
    LSTM's dc_next); its da_prev (and dc_prev) go to step t - 1. Each weight's gradient sums
    its per-step terms; dx<t> is the xt part of step t.

    Arguments:
        cell_backward -- (da_next, *other carried gradients, cache) -> dict with dxt, the
            carried gradients and "d" + name for every name in names
        da -- gradient of the loss with respect to the hidden states, (n_a, m, T_x)
        caches -- the cell's sequence cache; caches[t] is step t's cell cache
        names -- the parameters whose gradients the cell backward returns
        carried -- the keys of the state gradients passed back, e.g. ("da_prev", "dc_prev")
    Returns:
        dx -- (n_x, m, T_x)
        initial -- the carried gradients of the initial state, e.g. [da0, dc0]
        gradients -- dict of "d" + name, summed over the steps
    """
    da = np.asarray(da)
    n_a, m, T_x = da.shape
    gradients = {f"d{name}": np.zeros(caches.parameters[name].shape) for name in names}
    dx = np.empty((caches.x.shape[0], m, T_x))
    flowing = [np.zeros((n_a, m)) for _ in carried]
    for t in reversed(range(T_x)):
        step = cell_backward(da[:, :, t] + flowing[0], *flowing[1:], caches[t])
        dx[:, :, t] = step.pop("dxt")
        flowing = [step.pop(key) for key in carried]
        for key, value in step.items():
            gradients[key] += value
    return dx, flowing, gradients


def loss_and_gradients(forward, backward, X, Y, a0, parameters):
    """Summed cross-entropy of a gated cell's predictions and its gradient for every parameter.

    Forward pass, L = -sum Y * log(y_hat) (padded, all-zero columns of Y add nothing), the output
    layer's gradients dWy, dby and da from output_layer_backward, then the cell's backward pass.

    Arguments:
        forward -- the cell's sequence forward pass: (X, a0, parameters) -> (a, y_hat, ..., caches)
        backward -- its backward pass: (da, caches) -> dict of gradients
        X -- inputs, (n_x, m, T_x)
        Y -- true distributions, (n_y, m, T_x): one-hot columns, all-zero columns for padding
        a0 -- initial hidden state, (n_a, m)
        parameters -- the cell's parameter dict, with Wy (n_y, n_a) and by (n_y, 1)
    Returns:
        loss -- a Python float
        gradients -- backward's dict, plus dWy and dby
    """
    parameters = as_parameter_arrays(parameters)
    a, y_hat, *_, caches = forward(X, a0, parameters)
    dWy, dby, da = output_layer_backward(np.asarray(Y), y_hat, a, parameters["Wy"])
    gradients = backward(da, caches)
    gradients["dWy"], gradients["dby"] = dWy, dby
    return compute_loss(y_hat, Y), gradients
