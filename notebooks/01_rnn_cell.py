# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · The RNN cell
#
# A recurrent neural network reads a sequence one element at a time and carries a small vector,
# the *hidden state*, from each step to the next. Everything the network remembers about the
# characters it has already seen lives in that vector. The piece of machinery that updates it is
# the *cell*: one function, applied at every time step with the same weights.
#
# This notebook builds that cell from its two ingredients, $\tanh$ and softmax, and shows why both
# must be computed with some care: the formulas from the textbook return `nan` for inputs that a
# network meets in practice.
#
# **Learning goals**
#
# - State what one step of a vanilla RNN computes, and the shape of every array involved.
# - Explain why the textbook formulas for $\tanh$ and softmax overflow, and write stable versions.
# - Compute one step by hand, then implement `rnn_cell_forward` for a whole batch at once.

# %% tags=["remove-cell"]
# Colab, VS Code or any Python without rnn_lib: install it (with the dinosaur names) from the
# project's repository; this needs git and the network. Where rnn_lib is installed already
# (`pip install -r requirements.txt`), this cell does nothing.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("rnn_lib") is None:
    RNN_LIB = "rnn_lib @ git+https://github.com/example-org/rnn-from-scratch@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", RNN_LIB], check=True)
    importlib.invalidate_caches()

# %%
import matplotlib.pyplot as plt
import numpy as np

import rnn_lib
from rnn_lib.teaching import checks

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. What the cell computes
#
# At step $t$ the cell receives the input $x^{\langle t\rangle}$ (for us, one character) and the
# previous hidden state $a^{\langle t-1\rangle}$. It mixes them into a new state and reads a
# prediction off that state:
#
# $$
# a^{\langle t\rangle}
#   = \tanh\left(W_{aa}\, a^{\langle t-1\rangle} + W_{ax}\, x^{\langle t\rangle} + b_a\right)
# $$ (eq-01-state)
#
# $$
# \hat y^{\langle t\rangle} = \operatorname{softmax}\left(W_{ya}\, a^{\langle t\rangle} + b_y\right)
# $$ (eq-01-output)
#
# {eq}`eq-01-state` is the memory: $W_{aa}$ decides what of the old state survives, $W_{ax}$ what
# the new input adds, and $\tanh$ squashes the sum into $(-1, 1)$ so that the state cannot grow
# without bound however long the sequence. {eq}`eq-01-output` turns the state into a probability
# distribution over the $n_y$ possible outputs; in the dinosaur-name model of this series that is
# the distribution of the next character.
#
# The same five parameters $W_{ax}, W_{aa}, W_{ya}, b_a, b_y$ are used at every step. That is what
# makes the network *recurrent*, and what lets it read sequences of any length.

# %% [markdown]
# ## 2. Shapes
#
# Three sizes describe the cell: $n_x$ (length of an input vector), $n_a$ (number of hidden
# units) and $n_y$ (number of outputs). Two more describe the data: $m$ (examples processed
# together, the *batch*) and $T_x$ (time steps). The whole series keeps one layout, with the
# feature first and time last:
#
# | array | shape | one step |
# |---|---|---|
# | inputs $X$ | $(n_x, m, T_x)$ | $x^{\langle t\rangle}$: $(n_x, m)$ |
# | hidden states $a$ | $(n_a, m, T_x)$ | $a^{\langle t\rangle}$: $(n_a, m)$ |
# | predictions $\hat Y$ | $(n_y, m, T_x)$ | $\hat y^{\langle t\rangle}$: $(n_y, m)$ |
#
# Each example is a *column*, so one matrix product handles the whole batch: $W_{ax}$ is
# $(n_a, n_x)$ and $W_{ax} x^{\langle t\rangle}$ is $(n_a, m)$. The biases are single columns,
# $(n_a, 1)$ and $(n_y, 1)$, which numpy broadcasts across the $m$ examples.
# `rnn_lib.initialize_parameters` draws small random weights and zero biases of these shapes:

# %%
parameters = rnn_lib.initialize_parameters(n_a=5, n_x=3, n_y=2, rng=0)
for name, value in parameters.items():
    print(f"{name}: {value.shape}")

rng = np.random.default_rng(1)
X = rng.standard_normal((3, 4, 7))  # n_x = 3, a batch of m = 4 sequences, T_x = 7 steps
print("X:", X.shape, "  one step X[:, :, t]:", X[:, :, 2].shape)

# %% [markdown]
# ## 3. tanh, and why the textbook formula fails
#
# The hyperbolic tangent is usually written
#
# $$ \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} $$ (eq-01-tanh)
#
# which is correct mathematics and poor arithmetic. A float64 holds numbers up to about
# $1.8 \times 10^{308} = e^{709.78}$; beyond that, `np.exp` returns `inf`. For $z = 710$ both the
# numerator and the denominator of {eq}`eq-01-tanh` are `inf`, and $\infty / \infty$ is `nan`,
# although the true answer is simply $1$. (We silence numpy's overflow warnings in this cell so
# that the values themselves are what you see.)


# %%
def naive_tanh(z):
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


z = np.array([1.0, 20.0, 709.0, 710.0, -711.0, 1000.0])
with np.errstate(over="ignore", invalid="ignore"):
    print("naive:", naive_tanh(z))
print("numpy:", np.tanh(z))

# %% [markdown]
# Pre-activations of several hundred do not happen in a healthy network, but they do happen in
# a diverging one, and a single `nan` then spreads through every later state and every gradient.
# The repair is to never form $e^{|z|}$. Multiply the numerator and the denominator of
# {eq}`eq-01-tanh` by $e^{-|z|}$ and use that $\tanh$ is odd:
#
# $$ \tanh(z) = \operatorname{sign}(z)\,\frac{1 - e^{-2|z|}}{1 + e^{-2|z|}} $$ (eq-01-tanh-stable)
#
# Now the only exponential is $e^{-2|z|} \le 1$: it can underflow to $0$ (giving exactly
# $\pm 1$, the right answer) but never overflow.

# %% [markdown]
# :::{exercise} A tanh that never overflows
# :label: ex-01-tanh
#
# Implement `stable_tanh(z)` with {eq}`eq-01-tanh-stable`, for an array `z` of any shape. Use
# `np.exp`, `np.abs` and `np.sign`, not `np.tanh`. The check feeds it values up to $|z| = 1000$.
# :::


# %% tags=["solution", "hide-input"]
def stable_tanh(z):
    """tanh(z) = sign(z) (1 - e^(-2|z|)) / (1 + e^(-2|z|)), elementwise, for any array z."""
    ### BEGIN SOLUTION
    decay = np.exp(-2.0 * np.abs(z))
    result = np.sign(z) * (1.0 - decay) / (1.0 + decay)
    ### END SOLUTION
    return result


# %%
checks.check_tanh(stable_tanh)

# %% [markdown]
# In practice, use `np.tanh` (which is what `rnn_lib.tanh` does): it is stable, and also exact
# for tiny $z$, where $1 - e^{-2|z|}$ in {eq}`eq-01-tanh-stable` loses digits to cancellation.
#
# The shape of $\tanh$ matters as much as its values. Its slope,
#
# $$ \frac{d}{dz}\tanh(z) = 1 - \tanh^2(z) $$ (eq-01-tanh-slope)
#
# is $1$ at $z = 0$ and vanishes quickly on both sides. Notebook 03 uses {eq}`eq-01-tanh-slope`
# to send gradients back through the cell; the figure shows why a unit whose pre-activation sits
# far from zero (a *saturated* unit) passes almost no gradient back.

# %%
z = np.linspace(-5, 5, 401)
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(z, rnn_lib.tanh(z), label=r"$\tanh(z)$")
ax.plot(z, 1 - rnn_lib.tanh(z) ** 2, label=r"slope $1 - \tanh^2(z)$")
ax.axvspan(-5, -2.5, color="grey", alpha=0.15)
ax.axvspan(2.5, 5, color="grey", alpha=0.15, label="saturated: slope < 0.03")
ax.set_xlabel("pre-activation $z$")
ax.set_ylabel("value")
ax.set_title("tanh keeps the state in (-1, 1); its slope vanishes away from 0")
ax.legend(loc="lower right")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# ## 4. softmax, and the same trap
#
# The output layer turns the $n_y$ scores $z = W_{ya} a^{\langle t\rangle} + b_y$ of one column
# into probabilities:
#
# $$ \operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{n_y} e^{z_j}} $$ (eq-01-softmax)
#
# Every entry is positive and each column sums to 1. Computed literally, {eq}`eq-01-softmax`
# overflows just like {eq}`eq-01-tanh`: a score of $1000$ gives $e^{1000} = \infty$ and then $\infty/\infty$. Very
# negative scores fail the other way: every $e^{z_j}$ underflows to $0$, and $0/0$ is `nan` too.


# %%
def naive_softmax(z):
    return np.exp(z) / np.sum(np.exp(z), axis=0, keepdims=True)


scores = np.array([[1.0, 1000.0, -1000.0], [2.0, 999.0, -1001.0], [3.0, 0.0, -1002.0]])
with np.errstate(over="ignore", invalid="ignore"):
    print("naive:\n", naive_softmax(scores))
print("rnn_lib.softmax:\n", rnn_lib.softmax(scores))

# %% [markdown]
# The remedy uses a property of softmax: adding the same constant $c$ to every score of a column
# changes nothing, because $e^{c}$ cancels between numerator and denominator:
#
# $$
# \operatorname{softmax}(z)_i = \frac{e^{z_i - c}}{\sum_j e^{z_j - c}}
# \quad\text{for any } c, \text{ in particular } c = \max_j z_j
# $$ (eq-01-softmax-shift)
#
# With $c = \max_j z_j$ the largest exponent is exactly $0$: nothing overflows, and the
# denominator is at least $e^0 = 1$, so it can never be $0$.

# %% [markdown]
# :::{exercise} A softmax that never overflows
# :label: ex-01-softmax
#
# Implement `stable_softmax(z)` with {eq}`eq-01-softmax-shift`. `z` has shape $(n_y, m)$: each
# **column** is one example, so take the maximum and the sum over axis 0 (`keepdims=True` keeps
# the shapes broadcastable).
# :::


# %% tags=["solution", "hide-input"]
def stable_softmax(z):
    """softmax over axis 0: e^(z - max) / sum(e^(z - max)), each column a distribution."""
    ### BEGIN SOLUTION
    shifted = np.exp(z - np.max(z, axis=0, keepdims=True))
    result = shifted / np.sum(shifted, axis=0, keepdims=True)
    ### END SOLUTION
    return result


# %%
checks.check_softmax(stable_softmax)

# %% [markdown]
# ## 5. One step by hand
#
# Take the smallest interesting cell, $n_x = n_a = n_y = 2$ and one example ($m = 1$):
#
# $$ W_{ax} = \begin{pmatrix} 1 & -1 \\ 0.5 & 2 \end{pmatrix},\;
#    W_{aa} = \begin{pmatrix} 0.5 & 0 \\ -1 & 1 \end{pmatrix},\;
#    b_a = \begin{pmatrix} 0.1 \\ -0.2 \end{pmatrix},\;
#    W_{ya} = \begin{pmatrix} 1 & -1 \\ 2 & 0 \end{pmatrix},\;
#    b_y = \begin{pmatrix} 0 \\ 0.5 \end{pmatrix} $$
#
# with input $x^{\langle t\rangle} = (1, 0)^\top$ and previous state
# $a^{\langle t-1\rangle} = (0.2, -0.4)^\top$. Following {eq}`eq-01-state`:
#
# - $W_{aa} a^{\langle t-1\rangle} = (0.5 \cdot 0.2,\; -0.2 - 0.4)^\top = (0.1, -0.6)^\top$
# - $W_{ax} x^{\langle t\rangle} = (1, 0.5)^\top$ (a one-hot-like input picks a column of $W_{ax}$)
# - the sum plus $b_a$: $(0.1 + 1 + 0.1,\; -0.6 + 0.5 - 0.2)^\top = (1.2, -0.3)^\top$
# - $a^{\langle t\rangle} = \tanh(1.2, -0.3)^\top = (0.8337, -0.2913)^\top$
#
# and then {eq}`eq-01-output`:
#
# - scores $W_{ya} a^{\langle t\rangle} + b_y = (0.8337 + 0.2913,\; 1.6673 + 0.5)^\top$
#   $= (1.1250, 2.1673)^\top$
# - $\hat y^{\langle t\rangle} = \operatorname{softmax}(1.1250, 2.1673)^\top$
#   $= (0.2607, 0.7393)^\top$, since $1/(1 + e^{2.1673 - 1.1250}) = 1/(1 + e^{1.0423}) = 0.2607$.
#
# The same numbers, computed by the library:

# %%
tiny = {
    "Wax": np.array([[1.0, -1.0], [0.5, 2.0]]),
    "Waa": np.array([[0.5, 0.0], [-1.0, 1.0]]),
    "ba": np.array([[0.1], [-0.2]]),
    "Wya": np.array([[1.0, -1.0], [2.0, 0.0]]),
    "by": np.array([[0.0], [0.5]]),
}
xt = np.array([[1.0], [0.0]])
a_prev = np.array([[0.2], [-0.4]])
a_next, y_hat_t, _ = rnn_lib.rnn_cell_forward(xt, a_prev, tiny)
print("a_next :", a_next.ravel())
print("y_hat_t:", y_hat_t.ravel())

# %% [markdown]
# ## 6. The cell for a whole batch
#
# :::{exercise} Implement the RNN cell
# :label: ex-01-cell-forward
#
# Complete `rnn_cell_forward(xt, a_prev, parameters)` following {eq}`eq-01-state` and
# {eq}`eq-01-output`, for a batch: `xt` is $(n_x, m)$ and `a_prev` is $(n_a, m)$. Use
# `np.tanh` and your `stable_softmax`. Return `a_next` $(n_a, m)$, `y_hat_t` $(n_y, m)$ and a
# `cache`, the tuple `(a_next, a_prev, xt, y_hat_t)` that the backward pass of notebook 03 will
# need.
# :::


# %% tags=["solution", "hide-input"]
def rnn_cell_forward(xt, a_prev, parameters):
    """One RNN step: a_next = tanh(Waa a_prev + Wax xt + ba), y_hat_t = softmax(Wya a_next + by).

    xt (n_x, m), a_prev (n_a, m) -> a_next (n_a, m), y_hat_t (n_y, m), cache
    """
    ### BEGIN SOLUTION
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    y_hat_t = stable_softmax(Wya @ a_next + by)
    cache = (a_next, a_prev, xt, y_hat_t)
    ### END SOLUTION
    return a_next, y_hat_t, cache


# %%
checks.check_rnn_cell_forward(rnn_cell_forward)

# %% [markdown]
# From here on the series uses `rnn_lib.rnn_cell_forward`, which computes the same thing and also
# checks the shapes of its inputs. A mismatch is reported in the notation of the table above,
# naming the array that fixed the size:

# %%
try:
    rnn_lib.rnn_cell_forward(X[:2, :, 0], np.zeros((5, 4)), parameters)
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# ## Summary
#
# - One RNN step mixes the previous state and the input through $\tanh$ ({eq}`eq-01-state`) and
#   reads a distribution off the new state with softmax ({eq}`eq-01-output`); the same weights
#   serve every step.
# - Layout: features first, batch second, time last: $X$ is $(n_x, m, T_x)$, one step is
#   $(n_x, m)$, each example a column.
# - The textbook $\tanh$ and softmax overflow to `nan` (at $|z| > 709.78$ for $\tanh$); the
#   stable forms {eq}`eq-01-tanh-stable` and {eq}`eq-01-softmax-shift` compute the same values
#   without ever forming a huge exponential.
# - $\tanh$'s slope $1 - \tanh^2$ ({eq}`eq-01-tanh-slope`) vanishes for saturated units: keep it
#   in mind for backpropagation.
#
# **Next:** [02 · Unrolling through time](02_unrolling.ipynb) runs the cell over a whole
# sequence of characters and measures how wrong its predictions are.
