# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,nbgrader,mystnb,-all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
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
# This notebook builds that cell from its two ingredients, softmax and $\tanh$, and shows why both
# must be computed with some care: the formulas from the textbook return `nan` for inputs that a
# network meets in practice.
#
# **Learning goals**
#
# - State what one step of a vanilla RNN computes, and the shape of every array involved.
# - Explain why the textbook formulas for softmax and $\tanh$ overflow, and write a stable
#   softmax (and, as a stretch, a stable $\tanh$).
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
# Equation {eq}`eq-01-state` is the memory: $W_{aa}$ decides what of the old state survives, $W_{ax}$ what
# the new input adds, and $\tanh$ squashes the sum into $(-1, 1)$ so that the state cannot grow
# without bound however long the sequence. Equation {eq}`eq-01-output` turns the state into a probability
# distribution over the $n_y$ possible outputs; in the dinosaur-name model of this series that is
# the distribution of the next character.
#
# The argument of $\tanh$,
# $z^{\langle t\rangle} = W_{aa} a^{\langle t-1\rangle} + W_{ax} x^{\langle t\rangle} + b_a$, is
# the *pre-activation*; the argument of softmax,
# $z_y^{\langle t\rangle} = W_{ya} a^{\langle t\rangle} + b_y$, holds the *scores* of the
# outputs. The same five parameters $W_{ax}, W_{aa}, W_{ya}, b_a, b_y$ are used at every step.
# That is what makes the network *recurrent*, and what lets it read sequences of any length.

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
# :::{admonition} Predict, then run: how many numbers the cell learns
# :class: tip
#
# With $n_x = 3$, $n_a = 5$ and $n_y = 2$, how many numbers do the five parameters hold in all?
# And how many would they hold for a batch of $m = 1000$ sequences of $T_x = 100$ steps each?
# :::

# %%
print(sum(value.size for value in parameters.values()), "parameters")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# $n_a n_x + n_a^2 + n_y n_a + n_a + n_y = 15 + 25 + 10 + 5 + 2 = 57$, for any batch and any
# sequence length. The shapes of the parameters hold neither $m$ nor $T_x$: the same weights
# serve every example and every step. Only the data and the states grow with $m$ and $T_x$.
# :::

# %% [markdown]
# ## 3. softmax, and why the textbook formula fails
#
# The output layer turns the $n_y$ scores $z_y^{\langle t\rangle}$ of one column into
# probabilities. For a column of scores $z$,
#
# $$
# \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_{k'=1}^{n_y} e^{z_{k'}}}
# $$ (eq-01-softmax)
#
# Every entry is positive and each column sums to 1. That is correct mathematics and poor
# arithmetic. A float64 holds numbers up to about $1.8 \times 10^{308} = e^{709.78}$; beyond
# that, `np.exp` returns `inf`. A score of $1000$ gives $e^{1000} = \infty$ in the numerator and
# the denominator of equation {eq}`eq-01-softmax`, and $\infty/\infty$ is `nan`, although the true answer
# is an ordinary probability. Very negative scores fail the other way: every $e^{z_{k'}}$
# underflows to $0$, and $0/0$ is `nan` too. (We silence numpy's warnings in this cell so that
# the values themselves are what you see.)


# %%
def naive_softmax(z):
    return np.exp(z) / np.sum(np.exp(z), axis=0, keepdims=True)


scores = np.array([[1.0, 1000.0, -1000.0], [2.0, 999.0, -1001.0], [3.0, 0.0, -1002.0]])
with np.errstate(over="ignore", invalid="ignore"):
    print("naive:\n", naive_softmax(scores))
print("rnn_lib.softmax:\n", rnn_lib.softmax(scores))

# %% [markdown]
# The remedy uses a property of softmax: adding the same constant $\gamma$ to every score of a
# column changes nothing, because $e^{\gamma}$ cancels between numerator and denominator:
#
# $$
# \operatorname{softmax}(z)_k = \frac{e^{z_k - \gamma}}{\sum_{k'} e^{z_{k'} - \gamma}}
# \quad\text{for any } \gamma, \text{ in particular } \gamma = \max_{k'} z_{k'}
# $$ (eq-01-softmax-shift)
#
# With $\gamma = \max_{k'} z_{k'}$ the largest exponent is exactly $0$: nothing overflows, and
# the denominator is at least $e^0 = 1$, so it can never be $0$.
#
# :::{admonition} Predict, then run: shift the scores, scale the scores
# :class: tip
#
# Take the scores $z = (1, 2, 3)^\top$. Which of $\operatorname{softmax}(z + 100)$ and
# $\operatorname{softmax}(2z)$ equals $\operatorname{softmax}(z)$: both, one (which?), or
# neither?
# :::

# %%
z = np.array([[1.0], [2.0], [3.0]])
print("softmax(z)      :", rnn_lib.softmax(z).ravel())
print("softmax(z + 100):", rnn_lib.softmax(z + 100).ravel())
print("softmax(2 z)    :", rnn_lib.softmax(2 * z).ravel())

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Only the shift. Adding 100 to every score is equation {eq}`eq-01-softmax-shift` with $\gamma = -100$:
# nothing changes. Doubling is not a shift: it doubles the *differences* between the scores,
# and the largest score's share grows from 0.67 to 0.87. Softmax depends on the differences of
# the scores, not on their level; dividing all scores by a number, which stretches or shrinks
# those differences, is the *temperature* of notebook 05.
# :::

# %% [markdown]
# :::{exercise} A softmax that never overflows · core
# :label: ex-01-softmax
#
# Implement `stable_softmax(z)` with equation {eq}`eq-01-softmax-shift`. `z` has shape $(n_y, m)$: each
# **column** is one example, so take the maximum and the sum over axis 0 (`keepdims=True` keeps
# the shapes broadcastable).
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-01-softmax-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def stable_softmax(z):
    """softmax over axis 0: e^(z - max) / sum(e^(z - max)), each column a distribution."""
    ### BEGIN SOLUTION
    shifted = np.exp(z - np.max(z, axis=0, keepdims=True))
    result = shifted / np.sum(shifted, axis=0, keepdims=True)
    ### END SOLUTION
    return result


# %% nbgrader={"grade": true, "grade_id": "ex-01-softmax", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_softmax(stable_softmax)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_softmax", stable_softmax, seed=1901)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. tanh: the same trap, already avoided by numpy
#
# The new state goes through the hyperbolic tangent, usually written
#
# $$
# \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}
# $$ (eq-01-tanh)
#
# Computed this way it has the flaw of the textbook softmax: for $z = 710$ the numerator and the
# denominator of equation {eq}`eq-01-tanh` are both `inf`, and $\infty / \infty$ is `nan`, although the
# true answer is simply $1$. Unlike softmax, though, $\tanh$ comes with numpy, and `np.tanh` is
# already stable:


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
# That is why the series computes $\tanh$ with `np.tanh` (`rnn_lib.tanh` is `np.tanh`) and never
# with equation {eq}`eq-01-tanh`. How can a $\tanh$ be stable? With the trick of softmax: never form
# $e^{|z|}$. Multiply the numerator and the denominator of equation {eq}`eq-01-tanh` by $e^{-|z|}$ and use
# that $\tanh$ is odd:
#
# $$
# \tanh(z) = \operatorname{sign}(z)\,\frac{1 - e^{-2|z|}}{1 + e^{-2|z|}}
# $$ (eq-01-tanh-stable)
#
# Now the only exponential is $e^{-2|z|} \le 1$: it can underflow to $0$ (giving exactly
# $\pm 1$, the right answer) but never overflow.

# %% [markdown]
# :::{exercise} A tanh that never overflows · stretch
# :label: ex-01-tanh
#
# `np.tanh` already does this, so the exercise is optional: the notebook goes on with `np.tanh`
# whether you write it or not. Implement `stable_tanh(z)` with equation {eq}`eq-01-tanh-stable`, for an
# array `z` of any shape. Use `np.exp`, `np.abs` and `np.sign`, not `np.tanh`. The check feeds it
# values up to $|z| = 1000$.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-01-tanh-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def stable_tanh(z):
    """tanh(z) = sign(z) (1 - e^(-2|z|)) / (1 + e^(-2|z|)), elementwise, for any array z."""
    ### BEGIN SOLUTION
    decay = np.exp(-2.0 * np.abs(z))
    result = np.sign(z) * (1.0 - decay) / (1.0 + decay)
    ### END SOLUTION
    return result


# %% nbgrader={"grade": true, "grade_id": "ex-01-tanh", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_tanh(stable_tanh)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_tanh", stable_tanh, seed=1901)
### END HIDDEN TESTS

# %% [markdown]
# :::{admonition} Predict, then run: stable, but accurate?
# :class: tip
#
# Equation {eq}`eq-01-tanh-stable` never overflows. At $z = 10^{-12}$, where $\tanh(z)$ equals $z$ to
# 24 digits, how many of the 16 digits of a float64 does it get right: all 16, about 4, or none?
# :::

# %%
z = 1e-12
decay = np.exp(-2 * abs(z))
by_formula = (1 - decay) / (1 + decay)  # equation (6) for z > 0
error = abs(by_formula - np.tanh(z)) / np.tanh(z)
assert 1e-6 < error < 1e-3
print("equation (6) at z = 1e-12: relative error between 1e-6 and 1e-3")
shift = np.expm1(-2 * abs(z))  # e^(-2|z|) - 1, computed without forming e^(-2|z|)
assert abs(-shift / (2 + shift) - np.tanh(z)) / np.tanh(z) < 1e-15
print("the same with np.expm1: relative error below 1e-15, every digit right")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# About 4. $e^{-2 \cdot 10^{-12}} = 0.999999999998$ is stored to 16 digits, and $1 - e^{-2|z|}$
# subtracts two numbers that agree in their first 12: only about 4 meaningful digits are left
# (*cancellation*). The cure is to compute $e^{x} - 1$ directly, as `np.expm1(x)` does, without
# forming $e^{x}$ first. `np.tanh` is exact for tiny $z$ too, which is one more reason to use it.
# :::

# %% [markdown]
# The shape of $\tanh$ matters as much as its values. Its slope,
#
# $$
# \frac{d}{dz}\tanh(z) = 1 - \tanh^2(z)
# $$ (eq-01-tanh-slope)
#
# is $1$ at $z = 0$ and vanishes quickly on both sides. Notebook 03 uses equation {eq}`eq-01-tanh-slope`
# to send gradients back through the cell; the figure shows why a unit whose pre-activation sits
# far from zero (a *saturated* unit) passes almost no gradient back.

# %% mystnb={"image": {"alt": "Line chart over pre-activation z from -5 to 5: tanh(z) (blue) rises from -1 to 1 through 0, and its slope 1 minus tanh squared (orange) is a bell peaking at 1 at z = 0. Grey bands beyond |z| = 2.5 mark saturation, where the slope is below 0.03, so a saturated unit passes almost no gradient back."}}
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
# $a^{\langle t-1\rangle} = (0.2, -0.4)^\top$. Following equation {eq}`eq-01-state`:
#
# - $W_{aa} a^{\langle t-1\rangle} = (0.5 \cdot 0.2,\; -0.2 - 0.4)^\top = (0.1, -0.6)^\top$
# - $W_{ax} x^{\langle t\rangle} = (1, 0.5)^\top$ (a one-hot-like input picks a column of $W_{ax}$)
# - the sum plus $b_a$: $(0.1 + 1 + 0.1,\; -0.6 + 0.5 - 0.2)^\top = (1.2, -0.3)^\top$
# - $a^{\langle t\rangle} = \tanh(1.2, -0.3)^\top = (0.8337, -0.2913)^\top$
#
# and then equation {eq}`eq-01-output`:
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
# :::{exercise} Implement the RNN cell · core
# :label: ex-01-cell-forward
#
# Complete `rnn_cell_forward(xt, a_prev, parameters)` following equations {eq}`eq-01-state` and
# {eq}`eq-01-output`, for a batch: `xt` is $(n_x, m)$ and `a_prev` is $(n_a, m)$. Use
# `np.tanh` and your `stable_softmax`. Return `a_next` $(n_a, m)$, `y_hat_t` $(n_y, m)$ and a
# `cache`, the tuple `(a_next, a_prev, xt, y_hat_t)` that the backward pass of notebook 03 will
# need.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-01-cell-forward-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
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


# %% nbgrader={"grade": true, "grade_id": "ex-01-cell-forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_rnn_cell_forward(rnn_cell_forward)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_rnn_cell_forward", rnn_cell_forward, seed=1901)
### END HIDDEN TESTS

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
# :::{admonition} Predict, then run: does a batch mix its examples?
# :class: tip
#
# Run the cell on a batch of 4 examples, then again after changing only column 2 of `a_prev`
# (the previous state of the third example; columns count from 0). Which columns of `a_next`
# and of `y_hat_t` change?
# :::

# %%
rng = np.random.default_rng(4)
xt, a_prev = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
a_next, y_hat_t, _ = rnn_lib.rnn_cell_forward(xt, a_prev, parameters)
nudged = a_prev.copy()
nudged[:, 2] += 1.0
a_nudged, y_hat_nudged, _ = rnn_lib.rnn_cell_forward(xt, nudged, parameters)
changed_a = np.flatnonzero(np.any(a_nudged != a_next, axis=0))
changed_y = np.flatnonzero(np.any(y_hat_nudged != y_hat_t, axis=0))
print("columns of a_next that changed: ", changed_a)
print("columns of y_hat_t that changed:", changed_y)

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Column 2 alone, in both. Every operation of the cell works column by column (the matrix
# products, $\tanh$, softmax over axis 0) or adds the same bias to every column; nothing mixes
# the examples. A batch is $m$ independent copies of one computation, done as one matrix product
# because that is faster. A softmax over the wrong axis would mix them: it is one of the mistakes
# `check_softmax` names.
# :::

# %% [markdown]
# ## Summary
#
# - One RNN step mixes the previous state and the input through $\tanh$ (equation {eq}`eq-01-state`) and
#   reads a distribution off the new state with softmax (equation {eq}`eq-01-output`); the same weights
#   serve every step.
# - Layout: features first, batch second, time last: $X$ is $(n_x, m, T_x)$, one step is
#   $(n_x, m)$, each example a column.
# - The textbook softmax and $\tanh$ overflow to `nan` (for $\tanh$ at $|z| > 709.78$); the
#   stable forms (equations {eq}`eq-01-softmax-shift` and {eq}`eq-01-tanh-stable`) compute the same values
#   without ever forming a huge exponential. Softmax depends only on the differences of the
#   scores. Use `np.tanh`: stable, and exact for tiny $z$ too.
# - $\tanh$'s slope $1 - \tanh^2$ (equation {eq}`eq-01-tanh-slope`) vanishes for saturated units: keep it
#   in mind for backpropagation.
#
# **Next:** [02 · Unrolling through time](02_unrolling.ipynb) runs the cell over a whole
# sequence of characters and measures how wrong its predictions are.
