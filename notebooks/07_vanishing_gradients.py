# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,mystnb,tags
#     formats: ipynb,py:percent
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
# # 07 · Vanishing and exploding gradients
#
# Notebook 04 made gradients explode and tamed them with clipping. That was half of the story.
# The other half is quieter and worse: gradients that **vanish**. A vanilla RNN is, in
# principle, able to carry information across any number of steps; in practice, the signal that
# tells it *how* to do that fades exponentially on its way back through time, and the network
# never learns dependencies longer than a handful of characters
# ([Bengio et al., 1994](../book/references.md)).
#
# **Learning goals**
#
# - Write the gradient that reaches an earlier step $j$ from step $T$ as a product of Jacobians,
#   and bound it.
# - Measure $\lVert \partial \mathcal{L} / \partial a^{\langle j\rangle} \rVert$ as a function of
#   how far back $j$ is, for weight matrices of different spectral radii.
# - Explain with eigenvalues why the norm grows or shrinks geometrically.
# - See why clipping cannot help with vanishing gradients.
# - Watch a vanilla RNN fail a task that needs a long memory, and succeed when the memory is short.

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
from rnn_lib.teaching.figure_styles import SERIES_STYLES  # series told apart without colour

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The gradient is a product of Jacobians
#
# [Notebook 04](04_clipping.ipynb) derived this product of Jacobians and its bound, and watched
# the product explode. We restate both here, with $j$ for the earlier step, because this notebook
# follows the other end of the same bound. Recall the recurrence of the hidden state
# ([notebook 01](01_rnn_cell.ipynb)):
#
# $$
# a^{\langle t\rangle} = \tanh\big(z^{\langle t\rangle}\big), \qquad
# z^{\langle t\rangle} = W_{aa}\, a^{\langle t-1\rangle} + W_{ax}\, x^{\langle t\rangle} + b_a .
# $$ (eq-07-state)
#
# The state $a^{\langle t-1\rangle}$ influences $a^{\langle t\rangle}$ only through
# equation {eq}`eq-07-state`, so one step back multiplies the gradient by the transpose of the Jacobian
#
# $$
# J^{\langle t\rangle} = \frac{\partial a^{\langle t\rangle}}{\partial a^{\langle t-1\rangle}}
# = \operatorname{diag}\!\big(1 - (a^{\langle t\rangle})^2\big)\, W_{aa} .
# $$ (eq-07-jacobian)
#
# Suppose only the last step $T$ has a loss. Going back from $T$ to an earlier step $j$ chains
# $T-j$ such factors:
#
# $$
# \frac{\partial \mathcal{L}}{\partial a^{\langle j\rangle}}
# = \big(J^{\langle j+1\rangle}\big)^{\!\top} \big(J^{\langle j+2\rangle}\big)^{\!\top} \cdots
#   \big(J^{\langle T\rangle}\big)^{\!\top}\,
#   \frac{\partial \mathcal{L}}{\partial a^{\langle T\rangle}} .
# $$ (eq-07-chain)
#
# Since $0 < 1 - \tanh^2 \le 1$, every factor has a norm of at most the largest singular value
# $\sigma_{\max}$ of $W_{aa}$, which gives the bound
#
# $$
# \Big\lVert \frac{\partial \mathcal{L}}{\partial a^{\langle j\rangle}} \Big\rVert
# \le \sigma_{\max}(W_{aa})^{\,T-j}\,
# \Big\lVert \frac{\partial \mathcal{L}}{\partial a^{\langle T\rangle}} \Big\rVert .
# $$ (eq-07-bound)
#
# If $\sigma_{\max} < 1$ the gradient **must** shrink geometrically with the distance $T-j$. If it
# is larger than 1 the gradient **may** grow, as in notebook 04; whether it does depends on the
# directions and on how saturated the $\tanh$ units are.

# %% [markdown]
# :::{exercise} The gradient norm at every step · core
# :label: ex-07-gradient-norms
#
# Complete `gradient_norms_through_time(a, Waa, da_last)`. The hidden states `a` have shape
# `(n_a, 1, T_x)` and `da_last`, of shape `(n_a, 1)`, is the gradient of the loss with respect
# to the last state `a[:, :, -1]`. Return an array `norms` of shape `(T_x,)` in which `norms[j]`
# is the norm of the gradient with respect to the state `a[:, :, j]` (in the maths, steps count
# from 1, so that is $\lVert \partial \mathcal{L}/\partial a^{\langle j+1\rangle} \rVert$),
# going back one step at a time with equations {eq}`eq-07-jacobian` and {eq}`eq-07-chain`: no loss is added
# on the way. `norms[-1]` is the norm of `da_last` itself.
# :::

# %% nbgrader={"grade": false, "grade_id": "ex-07-gradient-norms-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def gradient_norms_through_time(a, Waa, da_last):
    """Norm of dL/da<j> for every step j, when only the last step has a loss.

    Arguments:
        a -- hidden states, (n_a, 1, T_x)
        Waa -- recurrent weights, (n_a, n_a)
        da_last -- gradient of the loss with respect to the last state, (n_a, 1)
    Returns:
        norms -- (T_x,), norms[j] = ||dL/da<j>||
    """
    T_x = a.shape[2]
    norms = np.empty(T_x)
    ### BEGIN SOLUTION
    da = da_last
    for j in range(T_x - 1, -1, -1):
        norms[j] = np.linalg.norm(da)
        if j > 0:
            da = Waa.T @ ((1 - a[:, :, j] ** 2) * da)
    ### END SOLUTION
    return norms


# %% nbgrader={"grade": true, "grade_id": "ex-07-gradient-norms", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_gradient_norms_through_time(gradient_norms_through_time)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_gradient_norms_through_time", gradient_norms_through_time, seed=1907)
### END HIDDEN TESTS

# %% [markdown]
# ## Measuring it: the spectral radius decides
#
# We build recurrent matrices $W_{aa}$ with a chosen **spectral radius** $\rho$ (the largest
# $\lvert\lambda\rvert$ over its eigenvalues), run a random sequence of 60 characters through the
# RNN, and send a unit gradient back from the last step. (Notebook 04 did the same with a gain
# that only roughly set $\rho$; here $\rho$ is exact, and we read off the factor per step.)

# %% mystnb={"image": {"alt": "Log-scale line chart of the gradient norm reaching earlier states against steps back from the loss (0 to 60), for spectral radius 0.5, 0.9, 1.0, 1.5 and 3.0, each with its own colour, line style and marker (circles, squares, triangles, diamonds, downward triangles). Below 1 it fades: radius 0.5 reaches about 1e-18; 0.9 about 1e-5. Above 1 it grows: 1.5 to about 1e2, 3.0 to about 1e7."}}
n_a, vocab, T_x = 64, 27, 60


def recurrent_matrix(rho, rng):
    """A random Gaussian (n_a, n_a) matrix rescaled to spectral radius rho."""
    W = rng.standard_normal((n_a, n_a))
    return W * (rho / np.max(np.abs(np.linalg.eigvals(W))))


def norms_for(rho, seed=0):
    rng = np.random.default_rng(seed)
    parameters = rnn_lib.initialize_parameters(n_a, vocab, vocab, rng=rng)
    parameters["Waa"] = recurrent_matrix(rho, rng)
    parameters["Wax"] = rng.standard_normal((n_a, vocab)) * 0.1
    X = np.zeros((vocab, 1, T_x))
    X[rng.integers(0, vocab, T_x), 0, np.arange(T_x)] = 1
    a, _, _ = rnn_lib.rnn_forward(X, np.zeros((n_a, 1)), parameters)
    da_last = rng.standard_normal((n_a, 1))
    return rnn_lib.gradient_norms_through_time(a, parameters["Waa"], da_last / np.linalg.norm(da_last))


radii = [0.5, 0.9, 1.0, 1.5, 3.0]
curves = {rho: norms_for(rho) for rho in radii}
steps_back = np.arange(T_x)[::-1]  # T_x - 1 - j

fig, ax = plt.subplots(figsize=(7, 4))
for (rho, norms), style in zip(curves.items(), SERIES_STYLES, strict=True):
    ax.semilogy(steps_back, norms, **style, markevery=6, label=rf"$\rho = {rho}$")
ax.set_xlabel("steps back from the loss, $T - j$")
ax.set_ylabel(r"$\|\partial \mathcal{L} / \partial a^{\langle j\rangle}\|$")
ax.set_title("How much gradient reaches earlier steps")
ax.legend()
plt.show()

# %%
for rho, norms in curves.items():
    print(f"rho = {rho:3}: gradient 10 steps back {norms[-11]:9.2e}, 50 steps back {norms[-51]:9.2e}")

# %% [markdown]
# With $\rho < 1$ the gradient fades by orders of magnitude within a few dozen steps; with
# $\rho > 1$ it grows. It grows more slowly than $\rho$ per step, though: the larger $W_{aa}$,
# the more the $\tanh$ units saturate, and a saturated unit has $1 - a^2 \approx 0$, which shrinks
# the Jacobian (equation {eq}`eq-07-jacobian`).
#
# :::{admonition} Predict, then run: a spectral radius of exactly 1
# :class: tip
#
# With $\rho = 1$, does the gradient keep its size from step to step? We print the average factor
# per step between 10 and 50 steps back.
# :::

# %%
for rho, norms in curves.items():
    factor = (norms[-51] / norms[-11]) ** (1 / 40)
    print(f"rho = {rho:3}: {factor:.2f} per step")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# No: at $\rho = 1$ it still shrinks, by about 8% per step (0.92), a factor of about 30 over these
# 40 steps. The matrix alone would, in the long run, neither grow nor shrink it (its largest
# eigenvalue has size 1), but every step also multiplies by the slopes
# $1 - (a^{\langle t\rangle})^2$ of equation {eq}`eq-07-jacobian`, which are below 1. The radius at which
# growth and shrinkage balance lies above 1 (between 1.2 and 1.3 for this matrix and these inputs;
# it moves with both). That is why careful initialisations aim at a radius near 1: a little off
# to either side, and over 60 steps the gradient changes by orders of magnitude.
# :::

# %% [markdown]
# ## The eigenvalue argument
#
# Drop the $\tanh$ for a moment (a *linear* RNN, or one whose units stay near 0, where
# $\tanh'\approx 1$). Then equation {eq}`eq-07-chain` is a matrix power:
#
# $$
# \frac{\partial \mathcal{L}}{\partial a^{\langle j\rangle}} = \big(W_{aa}^{\top}\big)^{T-j}\,
# \frac{\partial \mathcal{L}}{\partial a^{\langle T\rangle}} .
# $$ (eq-07-power)
#
# Write the upstream gradient in the eigenvectors of $W_{aa}^\top$,
# $\partial\mathcal{L}/\partial a^{\langle T\rangle} = \sum_q c_q v_q$. Each power multiplies the
# $q$-th component by its eigenvalue $\lambda_q$, so after $T-j$ steps back
#
# $$
# \big(W_{aa}^{\top}\big)^{T-j} \sum_q c_q v_q = \sum_q c_q \lambda_q^{T-j} v_q ,
# $$ (eq-07-eigen)
#
# and the component with the largest $\lvert\lambda_q\rvert = \rho$ dominates: the norm behaves
# like $\rho^{\,T-j}$. Eigenvalues inside the unit circle mean vanishing, outside mean exploding.

# %% mystnb={"image": {"alt": "Left: the 64 eigenvalues of W_aa in the complex plane, blue circles for spectral radius 0.9 all inside the unit circle, vermilion diamonds for 1.1, a few outside. Right: log-scale gradient norm over 100 steps back in a linear RNN, measured (solid, with the same markers) versus rho to the power T-j (dashed): the 0.9 pair falls to about 1e-5, the 1.1 pair rises to 1e3 to 1e4."}}
rng = np.random.default_rng(1)
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
circle = np.linspace(0, 2 * np.pi, 200)
left.plot(np.cos(circle), np.sin(circle), color="grey", lw=1, label="unit circle")
back = np.arange(101)  # T - j
for rho, style in [(0.9, SERIES_STYLES[0]), (1.1, SERIES_STYLES[3])]:  # blue, vermilion
    color, marker = style["color"], style["marker"]
    W = recurrent_matrix(rho, rng)
    eigenvalues = np.linalg.eigvals(W)
    left.scatter(eigenvalues.real, eigenvalues.imag, s=12, color=color, marker=marker,
                 label=rf"$\rho = {rho}$")  # fmt: skip
    v = rng.standard_normal(n_a)
    powers = [np.linalg.norm(np.linalg.matrix_power(W.T, s) @ v) / np.linalg.norm(v) for s in back]
    norm_label = rf"$\|(W_{{aa}}^\top)^{{T-j}} g\|$, $\rho = {rho}$"
    right.semilogy(back, powers, color=color, marker=marker, markevery=10, label=norm_label)
    right.semilogy(back, rho**back, color=color, ls="--", label=rf"$\rho^{{T-j}} = {rho}^{{T-j}}$")
left.set_aspect("equal")
left.set_xlabel(r"Re $\lambda$")
left.set_ylabel(r"Im $\lambda$")
left.set_title(r"Eigenvalues of $W_{aa}$ ($n_a = 64$)")
left.legend(loc="upper right", fontsize=8)
right.set_xlabel("steps back from the loss, $T - j$")
right.set_ylabel("relative norm")
right.set_title("A linear RNN's gradient follows $\\rho^{T-j}$")
right.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# The measured norms (solid) bend towards the slope of $\rho^{T-j}$ (dashed): at first the other
# eigenvalues, just inside the largest one, still contribute to equation {eq}`eq-07-eigen`; as $T - j$
# grows their terms die out relative to the largest and the slope on the log scale tends to
# $\log\rho$.
#
# :::{admonition} Predict, then run: an orthogonal matrix
# :class: tip
#
# Take for $W_{aa}$ a random **orthogonal** matrix $Q$ ($Q^\top Q = I$; all its eigenvalues have
# $\lvert\lambda\rvert = 1$ and all its singular values are 1). How does the norm of
# $(Q^\top)^{T-j} g$ change over 100 steps back in the linear RNN?
# :::

# %%
Q, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((n_a, n_a)))
g = np.random.default_rng(4).standard_normal(n_a)
relative = [np.linalg.norm(np.linalg.matrix_power(Q.T, s) @ g) / np.linalg.norm(g) for s in back]
print(f"Q^T Q = I: {np.allclose(Q.T @ Q, np.eye(n_a))}")
print(f"relative norm, 0 to 100 steps back: min {min(relative):.4f}, max {max(relative):.4f}")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# It does not change at all: an orthogonal matrix is a rotation (or reflection), which keeps
# every vector's length, so every power of $Q^\top$ does too. Here $\sigma_{\max} = 1$ in the
# bound (equation {eq}`eq-07-bound`), and the smallest singular value is 1 as well, so the gradient can
# neither vanish nor explode in the linear RNN. This is why orthogonal initialisation of $W_{aa}$
# is popular. With the $\tanh$ back in, the slopes $1 - a^2 < 1$ still shrink it, so orthogonality
# alone does not cure the vanishing gradient of a nonlinear RNN.
# :::

# %% [markdown]
# ## Why clipping cannot help
#
# Clipping (notebook 04) bounds a gradient from above.
#
# :::{admonition} Predict, then run: clipping a tiny gradient
# :class: tip
#
# A gradient has a global norm of $2.4 \times 10^{-12}$. What is its norm after
# `clip_by_norm(., 5)`, and after `clip(., 5)`?
# :::

# %%
tiny = {"dWaa": np.full((2, 2), 1e-12), "dba": np.full((2, 1), 1e-12)}
print("global norm before:", f"{rnn_lib.global_norm(tiny):.1e}")
print("after clip_by_norm(., 5):", f"{rnn_lib.global_norm(rnn_lib.clip_by_norm(tiny, 5.0)):.1e}")
print("after clip(., 5):", f"{rnn_lib.global_norm(rnn_lib.clip(tiny, 5.0)):.1e}")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Still $2.4 \times 10^{-12}$ after both. Clipping rescales a gradient that is too large and
# passes a gradient that is too *small* through untouched: by norm, the factor is
# $\min(1, 5 / 2.4 \times 10^{-12}) = 1$; by value, no entry lies outside $[-5, 5]$.
# :::

# %% [markdown]
# Scaling up small gradients would not help either: the weight gradient is a *sum* over time,
# $\partial\mathcal{L}/\partial W_{aa} = \sum_t dz^{\langle t\rangle} a^{\langle t-1\rangle\top}$,
# and the terms that carry information about distant steps are drowned by the large terms from
# recent steps. What is missing is not size but *signal*; restoring it needs a different cell
# (notebook 08).

# %% [markdown]
# ## A task that needs a long memory
#
# Here is a task a vanilla RNN should be able to represent: read a "name" whose first letter is
# one of `a`, `b`, `c`, `d`, followed by $L$ random letters from `e` to `z`, then the end-of-name
# symbol; at that last step, **predict the first letter**. Only the last step has a target: the
# other columns of `Y` are all zeros, which rnn_lib treats as padding (no loss, no gradient). A
# model that forgets the first letter can do no better than chance, 25%.
#
# The generator, `recall_batch`, lives in `rnn_lib.teaching.tasks`: notebook 08 poses the same task to
# the LSTM and the GRU.

# %%
from rnn_lib.teaching.tasks import FIRST_LETTERS, VOCAB, recall_batch

X, Y, first = recall_batch(m=2, delay=5, rng=np.random.default_rng(0))
for i in range(2):
    text = "".join(VOCAB[ix] for ix in X[:, i, :].argmax(axis=0)).replace("\n", "⏎")
    print(f"input {text!r:12} target at the last step: {VOCAB[first[i]]!r}")


# %% [markdown]
# We train a vanilla RNN with 32 hidden units, minibatches of 32, plain SGD with clipping
# (`rnn_lib.optimize`), for the same number of steps at each delay, then measure its accuracy on
# 1,000 fresh sequences.
#
# :::{admonition} Predict, then run: how long is a vanilla RNN's memory?
# :class: tip
#
# The delays are 2, 5, 10, 15, 20 and 30 letters, with 800 training steps each. From which delay
# on will the accuracy be at chance, 25%?
# :::

# %%
def train_recall(delay, steps=800, n_a=32, m=32, learning_rate=0.01, seed=0):
    rng = np.random.default_rng(seed)
    parameters = rnn_lib.initialize_parameters(n_a, len(VOCAB), len(VOCAB), rng=rng)
    parameters["Waa"] = rng.standard_normal((n_a, n_a)) / np.sqrt(n_a)
    parameters["Wax"] = rng.standard_normal((n_a, len(VOCAB))) * 0.5
    a0 = np.zeros((n_a, m))
    for _ in range(steps):
        X, Y, _ = recall_batch(m, delay, rng=rng)
        rnn_lib.optimize(X, Y, a0, parameters, learning_rate)
    X, Y, first = recall_batch(1000, delay, rng=1000 + delay)
    _, y_hat, _ = rnn_lib.rnn_forward(X, np.zeros((n_a, 1000)), parameters)
    return float(np.mean(y_hat[:, :, -1].argmax(axis=0) == first))


delays = [2, 5, 10, 15, 20, 30]
accuracy = {delay: train_recall(delay) for delay in delays}
for delay, acc in accuracy.items():
    print(f"delay {delay:2}: accuracy {acc:.1%}")

# %% mystnb={"image": {"alt": "Line chart with circles of a vanilla RNN's accuracy at recalling the first letter against the number of letters in between, L from 2 to 30. Accuracy is 1.0 up to L = 10, about 0.5 at 15, and at the dashed 25% chance line from 20 on: the vanilla RNN's memory is short."}}
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(delays, [accuracy[d] for d in delays], "o-", label="vanilla RNN")
ax.axhline(1 / FIRST_LETTERS, color="grey", ls="--", label="chance (25%)")
ax.set_xlabel("letters between the first letter and the question, $L$")
ax.set_ylabel("accuracy on fresh sequences")
ax.set_ylim(0, 1.05)
ax.set_title("Recalling the first letter: a vanilla RNN's memory is short")
ax.legend()
plt.show()

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# From about twenty letters. Up to ten the RNN recalls the first letter perfectly, at fifteen it
# is in between, and from twenty on it is at chance. Nothing about the task changed except the
# distance, and the capacity of the model is the same: what fails is learning, because the
# gradient that would teach the network to keep the first letter has to travel back $L+1$ steps
# and arrives with almost nothing left. Equation {eq}`eq-07-bound` does not say so: these
# weights start with $\sigma_{\max}(W_{aa}) \approx 1.9$, and a bound of $1.9^{L+1}$ allows
# growth. The measurement does: the cell below follows the gradient back through the recall
# model's starting weights, and it shrinks by about 0.73 a step (the $\rho = 1$ matrices above
# shrank it by 0.92 a step), so that $L + 1 = 21$ steps back under 1% of it is left.
# :::

# %%
# the recall model's starting weights, drawn as train_recall draws them
rng = np.random.default_rng(0)
start = rnn_lib.initialize_parameters(32, len(VOCAB), len(VOCAB), rng=rng)
start["Waa"] = rng.standard_normal((32, 32)) / np.sqrt(32)
start["Wax"] = rng.standard_normal((32, len(VOCAB))) * 0.5
X, _, _ = recall_batch(200, 20, rng=7)  # L = 20: the first letter is 21 steps back
a, _, _ = rnn_lib.rnn_forward(X, np.zeros((32, 200)), start)
kept = []  # per sequence: the share of a unit gradient left at the first step
for i in range(200):
    da_last = np.random.default_rng(i).standard_normal((32, 1))
    norms = rnn_lib.gradient_norms_through_time(a[:, [i], :], start["Waa"], da_last)
    kept.append(norms[0] / norms[-1])
per_step = np.exp(np.mean(np.log(kept)) / 21)
sigma_max = np.linalg.norm(start["Waa"], 2)
assert 1.8 < sigma_max < 2.0 and 0.65 < per_step < 0.8 and np.median(kept) < 0.01
print("sigma_max(W_aa) at the start: between 1.8 and 2, so the bound allows growth")
print("measured: the gradient shrinks by 0.65 to 0.8 a step; 21 steps back, under 1% is left")

# %% [markdown]
# ## Summary
#
# - The gradient reaching an earlier step $j$ is a product of $T-j$ Jacobians
#   $\operatorname{diag}(1-a^2)\,W_{aa}$ (equation {eq}`eq-07-chain`); its norm is bounded by
#   $\sigma_{\max}(W_{aa})^{T-j}$ (equation {eq}`eq-07-bound`).
# - For a linear RNN the norm follows $\rho^{\,T-j}$, with $\rho$ the spectral radius
#   (equation {eq}`eq-07-eigen`): eigenvalues inside the unit circle make gradients vanish, outside make
#   them explode.
# - Clipping fixes the explosion only: it never enlarges a small gradient, and a larger one would
#   not carry the missing signal anyway.
# - A vanilla RNN learns to recall a letter 10 steps back, but not 20.
#
# **Next:** [08 · LSTM and GRU](08_lstm_gru.ipynb) builds cells whose state is carried forward by
# *addition* rather than by repeated multiplication, and solves the same task.
