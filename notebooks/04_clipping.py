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
# # 04 · Exploding gradients and clipping
#
# In notebook 03 backpropagation through time carried the gradient of the loss from the last
# step back to the first, one cell at a time. Each step back multiplies it by the same matrix
# $W_{aa}^\top$ (and by the slope of tanh). Multiply a vector by the same matrix sixty times and
# its length either shrinks towards zero or grows without bound. This notebook makes the
# gradient grow on purpose, watches what that does to training, and repairs it with the two
# standard kinds of **gradient clipping**.
#
# **Learning goals**
#
# - Explain, from the chain rule, why the gradient reaching a state $T$ steps back behaves like a
#   product of $T$ Jacobians, and what the spectral radius of $W_{aa}$ has to do with it.
# - Measure the gradient reaching each time step and read the explosion off a log axis.
# - Implement clipping by value and clipping by global norm without touching the caller's arrays.
# - Compare training with no clipping, clipping by value and clipping by global norm.
# - Say what each kind of clipping does to the direction of the update.

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
# ## 1. Why gradients explode
#
# Write $J^{\langle t\rangle}$ for the Jacobian of one step of the recurrence,
# $a^{\langle t\rangle} = \tanh(W_{aa} a^{\langle t-1\rangle} + W_{ax} x^{\langle t\rangle} + b_a)$,
# with respect to the state it starts from:
#
# $$ J^{\langle t\rangle} = \frac{\partial a^{\langle t\rangle}}{\partial a^{\langle t-1\rangle}}
#    = \operatorname{diag}\!\left(1 - a^{\langle t\rangle} \odot a^{\langle t\rangle}\right)
#      W_{aa}
#      $$ (eq-04-jacobian)
#
# Take the loss $\mathcal{L}^{\langle T\rangle}$ of the last step, $T = T_x$, alone. The chain rule
# carries its gradient back one step at a time, and unrolling that from step $T$ to step $t$ gives a
# product:
#
# $$ \frac{\partial \mathcal{L}^{\langle T\rangle}}{\partial a^{\langle t\rangle}}
#    = \left(J^{\langle t+1\rangle}\right)^{\top} \left(J^{\langle t+2\rangle}\right)^{\top} \cdots
#      \left(J^{\langle T\rangle}\right)^{\top}
#      \frac{\partial \mathcal{L}^{\langle T\rangle}}{\partial a^{\langle T\rangle}}
#    $$ (eq-04-product)
#
# Every factor of tanh's slope $1 - a \odot a$ lies in $(0, 1]$, so each step back can stretch the
# gradient by at most the largest singular value of $W_{aa}$:
#
# $$ \left\lVert
#      \frac{\partial \mathcal{L}^{\langle T\rangle}}{\partial a^{\langle t\rangle}}
#    \right\rVert
#    \le \lVert W_{aa} \rVert_2^{\,T-t}
#    \left\lVert
#      \frac{\partial \mathcal{L}^{\langle T\rangle}}{\partial a^{\langle T\rangle}}
#    \right\rVert
#    $$ (eq-04-bound)
#
# While the states stay near 0, tanh's slope is close to 1, the product in equation {eq}`eq-04-product` is
# close to $(W_{aa}^\top)^{T-t}$, and its size grows or shrinks like $\rho^{T-t}$, where $\rho$,
# the **spectral radius** of $W_{aa}$, is the largest modulus of its eigenvalues. So $\rho > 1$
# is the danger zone; how far the slope of tanh pulls the gradient back is an experimental question.
#
# The experiment: a character RNN with $n_a = 32$ hidden units reads $T_x = 60$ random characters.
# We draw $W_{aa}$ with entries $\mathcal{N}(0, g^2/n_a)$; such a matrix has a spectral radius close
# to the **gain** $g$. Only the last step has a target (the other columns of $Y$ are zero, which the
# library treats as padding), so every gradient we see is $\mathcal{L}^{\langle T\rangle}$'s.
# We run the backward pass one cell at a time with `rnn_lib.rnn_cell_backward` and record, at each
# step, the norm of the gradient it hands to the previous state, and the size of that step's
# contribution to $\partial \mathcal{L}/\partial W_{aa}$.
#
# :::{admonition} Predict, then run: gain 1
# :class: tip
#
# With gain 1 the spectral radius of $W_{aa}$ is about 1: each step back neither stretches nor
# shrinks on average, as far as $W_{aa}$ goes. Will the gradient 60 steps back be much larger
# than the gradient one step back, about as large, or much smaller?
# :::

# %%
vocabulary = "\nabcdefghijklmnopqrstuvwxyz"
n_x = n_y = len(vocabulary)
n_a, T_x = 32, 60


def parameters_with_gain(gain, rng):
    """A small character RNN whose W_aa has entries N(0, gain^2 / n_a): spectral radius ~ gain."""
    parameters = rnn_lib.initialize_parameters(n_a, n_x, n_y, rng=rng)
    parameters["Waa"] = rng.standard_normal((n_a, n_a)) * gain / np.sqrt(n_a)
    parameters["Wax"] = rng.standard_normal((n_a, n_x)) * 0.5
    parameters["Wya"] = rng.standard_normal((n_y, n_a)) * 0.5
    return parameters


def one_hot(indices, size):
    """(size, 1, len(indices)) one-hot columns; a batch of one sequence."""
    columns = np.zeros((size, 1, len(indices)))
    columns[indices, 0, np.arange(len(indices))] = 1.0
    return columns


def backward_step_by_step(X, Y, parameters):
    """BPTT one cell at a time: norms of dL/da<t-1> and of each dWaa term, last step first."""
    a0 = np.zeros((n_a, X.shape[1]))
    _, _, caches = rnn_lib.rnn_forward(X, a0, parameters)
    da_next = np.zeros_like(a0)
    state_norms, dWaa_norms = [], []
    for t in reversed(range(X.shape[2])):
        step = rnn_lib.rnn_cell_backward(Y[:, :, t], da_next, caches[t], parameters)
        da_next = step["da_prev"]
        state_norms.append(np.linalg.norm(da_next))
        dWaa_norms.append(np.linalg.norm(step["dWaa"]))
    return np.array(state_norms), np.array(dWaa_norms), caches


rng = np.random.default_rng(0)
characters = rng.integers(0, n_x, size=T_x + 1)
X = one_hot(characters[:-1], n_x)
Y = np.zeros((n_y, 1, T_x))
Y[characters[-1], 0, -1] = 1.0  # only the last step has a target

gains = [0.5, 1.0, 2.0, 3.0]
profiles = {}
for gain in gains:
    parameters = parameters_with_gain(gain, np.random.default_rng(1))
    state_norms, dWaa_norms, caches = backward_step_by_step(X, Y, parameters)
    profiles[gain] = state_norms, dWaa_norms
    rho = np.max(np.abs(np.linalg.eigvals(parameters["Waa"])))
    da0 = rnn_lib.rnn_backward(X, Y, parameters, caches)["da0"]
    assert np.isclose(state_norms[-1], np.linalg.norm(da0)), "cell loop and rnn_backward disagree"
    print(
        f"gain {gain}: spectral radius {rho:.2f}, "
        f"|dL/da| one step back {state_norms[0]:.3g}, {T_x} steps back {state_norms[-1]:.3g}"
    )

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Much smaller: about $5 \times 10^{-9}$ times the gradient one step back. The spectral radius is
# only part of each step's factor; the other part is tanh's slope $1 - a \odot a$, which is below 1
# wherever a state is not exactly 0. At gain 1 nothing makes up for it, and sixty slightly shrinking
# steps make a vanishing gradient. It takes a clearly larger gain, 2 here, for the gradient to grow.
# :::

# %% [markdown]
# The last state printed is the initial state $a^{\langle 0\rangle}$, and its gradient agrees with
# `da0` from the library's `rnn_backward`: the loop above is the same BPTT, unrolled by hand.
# On a log axis a product like equation {eq}`eq-04-product` is a straight line whose slope is the average
# log-stretch per step:

# %% mystnb={"image": {"alt": "Two log-scale line charts against steps back from the loss (0 to 60): left the gradient norm reaching each state, right each step's term in dL/dW_aa, for gains 0.5, 1, 2, 3 (blue solid with circles, orange dashed with squares, green dash-dotted with triangles, vermilion dotted with diamonds). Gain 0.5 falls to about 1e-24, gain 1 to about 1e-8, gain 2 stays near 1e2 to 1e3, gain 3 grows to about 1e8."}}
# state_norms holds the gradients of a<T-1>, a<T-2>, ..., a<0> (1 to 60 steps back from the
# loss); dWaa_norms the terms of steps T, T-1, ..., 1 (0 to 59 steps back)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.4), sharex=True, sharey=True)
for gain, style in zip(gains, SERIES_STYLES, strict=False):
    state_norms, dWaa_norms = profiles[gain]
    marked = {**style, "markevery": 6, "label": f"gain {gain}"}
    left.semilogy(np.arange(1, T_x + 1), state_norms, **marked)
    right.semilogy(np.arange(T_x - 1), dWaa_norms[:-1], **marked)
left.set_title(
    r"gradient reaching each state, $\|\partial \mathcal{L}/\partial a^{\langle t\rangle}\|$",
    fontsize=12,
)
right.set_title(
    r"term of step $t$ in $\partial \mathcal{L}/\partial W_{aa}$ (Frobenius norm)", fontsize=12
)
left.set_ylabel("norm", fontsize=12)
for ax in (left, right):
    ax.set_xlabel(r"steps back from the loss, $T - t$", fontsize=12)
    ax.tick_params(labelsize=11)
left.legend(fontsize=11)
fig.suptitle("The loss of the last step, back-propagated through 60 steps", fontsize=13)
fig.tight_layout()
plt.show()

# %% [markdown]
# With gain 0.5 the gradient loses about a factor of 2.5 per step and has shrunk to $10^{-24}$ by
# the start of the sequence: that is the **vanishing** gradient of notebook 07. With gain 3 it grows
# by a factor of about 1.35 per step, to hundreds of millions. Gain 1 vanishes too, which is why
# the bound (equation {eq}`eq-04-bound`) is only an upper limit.
#
# The right panel is what reaches the weights. $\partial \mathcal{L}/\partial W_{aa}$ is the sum of
# the terms of all steps. The term of step $t$ is
# $\mathrm{d}W_{aa}^{\langle t\rangle} = \mathrm{d}z^{\langle t\rangle} (a^{\langle
# t-1\rangle})^\top$ (notebook 03), and $\mathrm{d}z^{\langle
# t\rangle}$ is the gradient reaching $a^{\langle
# t\rangle}$ times the slope of tanh, so each term stands at the same distance $T - t$ as that
# gradient in the left panel (the term of step $T$ at 0). The first step's term, at 59, is missing
# from the plot: it is a multiple of $a^{\langle 0\rangle}$, which is zero. With gain 3 that sum is
# dominated by the steps furthest from the loss, and its size is set by how long the sequence is.
# One such gradient times an ordinary learning rate moves the weights so far that the model forgets
# what it has learned. The remedy is to cap the size of the gradient before the update.
#
# ## 2. Clipping by value
#
# The simplest cap, and the one of the classic one-name-per-step recipe that notebook 06 starts
# from, clips every entry of every parameter gradient $G$ (each of
# $\mathrm{d}W_{ax} = \partial \mathcal{L}/\partial W_{ax}, \ldots, \mathrm{d}b_y$) to an
# interval $[-c, c]$:
#
# $$ G \leftarrow \min\!\left(\max(G, -c),\; c\right) \quad \text{entry by entry}
#    $$ (eq-04-clip-value)
#
# In code the gradients come as a dict: `dWax, dWaa, dWya, dba, dby` (the parameter gradients,
# `"d" + name` for each name in `rnn_lib.PARAM_NAMES`), and `da0`, the gradient of the initial
# state, which is no parameter and is not used by the update.

# %%
parameter_gradients = ["d" + name for name in rnn_lib.PARAM_NAMES]
parameter_gradients

# %% [markdown]
# :::{exercise} Clip by value · core
# :label: ex-04-clip-value
#
# Complete `clip(gradients, max_value)`. Return a **new** dict holding every key of `gradients`:
# each parameter gradient (the keys in `parameter_gradients`) clipped entrywise to
# $[-c, c]$ with $c$ = `max_value`, as in equation {eq}`eq-04-clip-value`, and every other entry (such as
# `da0`) copied unchanged. The caller's dict and arrays must come out of the call untouched: the
# caller may still need the raw gradient (we will, to measure what clipping changed).
# `np.clip(array, low, high)` returns a new array.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-04-clip-value-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def clip(gradients, max_value):
    """Clip every parameter gradient entrywise to [-max_value, max_value]; return a new dict.

    Arguments:
        gradients -- dict of arrays: dWax, dWaa, dWya, dba, dby and possibly da0
        max_value -- the threshold c > 0
    Returns:
        clipped -- dict with the same keys and shapes; parameter gradients clipped, others copied
    """
    ### BEGIN SOLUTION
    clipped = {}
    for key, gradient in gradients.items():
        if key in parameter_gradients:
            clipped[key] = np.clip(gradient, -max_value, max_value)
        else:
            clipped[key] = gradient.copy()
    ### END SOLUTION
    return clipped


# %% nbgrader={"grade": true, "grade_id": "ex-04-clip-value", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_clip(clip)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_clip", clip, seed=1904)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Clipping by global norm
#
# Clipping by value treats every entry on its own. The alternative
# ([Pascanu et al., 2013](../book/references.md)) looks at the whole gradient as one long vector
# $g$, all parameter gradients together, and measures its length, the **global norm**:
#
# $$ \lVert g \rVert = \sqrt{\sum_{G \in \{\mathrm{d}W_{ax},\, \mathrm{d}W_{aa},\,
#    \mathrm{d}W_{ya},\, \mathrm{d}b_a,\, \mathrm{d}b_y\}} \lVert G \rVert_F^2}
#    $$ (eq-04-global-norm)
#
# where $\lVert G \rVert_F^2$, the squared Frobenius norm, is the sum of the squares of the
# entries of $G$.
#
# If that length exceeds a threshold $c$, every parameter gradient is multiplied by the same
# factor so that the new length is exactly $c$; otherwise nothing changes:
#
# $$
# g \leftarrow g \cdot \min\!\left(1, \frac{c}{\lVert g \rVert}\right)
# $$ (eq-04-clip-norm)

# %% [markdown]
# :::{exercise} Clip by global norm · stretch
# :label: ex-04-clip-norm
#
# Complete `clip_by_norm(gradients, max_norm)`: compute the global norm (equation {eq}`eq-04-global-norm`)
# of the parameter gradients (leave `da0` out of it), then return a **new** dict in which every
# parameter gradient is rescaled as in equation {eq}`eq-04-clip-norm` with $c$ = `max_norm`, and every
# other entry is copied unchanged. Do not modify the caller's arrays (`g *= factor` would).
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-04-clip-norm-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def clip_by_norm(gradients, max_norm):
    """Rescale all parameter gradients together so that their global norm is at most max_norm.

    Arguments:
        gradients -- dict of arrays: dWax, dWaa, dWya, dba, dby and possibly da0
        max_norm -- the threshold c > 0
    Returns:
        clipped -- dict with the same keys and shapes; parameter gradients times min(1, c / norm)
    """
    ### BEGIN SOLUTION
    norm = np.sqrt(sum(np.sum(gradients[key] ** 2) for key in parameter_gradients))
    factor = min(1.0, max_norm / norm)
    clipped = {}
    for key, gradient in gradients.items():
        if key in parameter_gradients:
            clipped[key] = gradient * factor
        else:
            clipped[key] = gradient.copy()
    ### END SOLUTION
    return clipped


# %% nbgrader={"grade": true, "grade_id": "ex-04-clip-norm", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_clip_by_norm(clip_by_norm)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_clip_by_norm", clip_by_norm, seed=1904)
### END HIDDEN TESTS

# %% [markdown]
# From here on we use the library's versions, `rnn_lib.clip`, `rnn_lib.clip_by_norm` and
# `rnn_lib.global_norm`, which do the same.
#
# ## 4. Training with and without clipping
#
# Now the effect on learning. The task: 53 well-known genera (`rnn_lib.FAMOUS_NAMES`),
# each read character by character with the next character as the target (the newline `"\n"`,
# index 0, ends a name). All names form one batch, padded to the longest; the padded columns of
# `X` and `Y` are zero, so they add nothing to the loss or the gradients.

# %%
names = list(rnn_lib.FAMOUS_NAMES)  # 53 well-known genera of the corpus
char_to_ix = {ch: i for i, ch in enumerate(vocabulary)}
X_names, Y_names = rnn_lib.encode_names(names, char_to_ix)  # the first input is the zero vector
n_targets = int(Y_names.sum())
print(f"{len(names)} names, X and Y of shape {X_names.shape}, {n_targets} characters to predict")

# %% [markdown]
# Each run starts from the same gain-3 initialisation and takes 200 steps of full-batch gradient
# descent with the same learning rate, 0.005; only the treatment of the gradient differs. The loss
# is the library's summed cross-entropy; we plot it per predicted character.
# `rnn_lib.optimize(X, Y, a_prev, parameters, learning_rate, clip_value)` performs one such step
# (forward, loss, backward, clip by value, update) in one call; we spell the step out here so that
# the clipping can be swapped.


# %%
def train(clip_gradients, steps=200, learning_rate=0.005):
    """Full-batch gradient descent from the gain-3 start: per-character losses, raw global norms."""
    parameters = parameters_with_gain(3.0, np.random.default_rng(2))
    a0 = np.zeros((n_a, len(names)))
    losses, norms = [], []
    for _ in range(steps):
        _, y_hat, caches = rnn_lib.rnn_forward(X_names, a0, parameters)
        losses.append(rnn_lib.compute_loss(y_hat, Y_names) / n_targets)
        gradients = rnn_lib.rnn_backward(X_names, Y_names, parameters, caches)
        norms.append(rnn_lib.global_norm(gradients))
        rnn_lib.update_parameters(parameters, clip_gradients(gradients), learning_rate)
    return np.array(losses), np.array(norms)


runs = {
    "no clipping": train(lambda gradients: gradients),
    "clip by value, c = 5": train(lambda gradients: rnn_lib.clip(gradients, 5.0)),
    "clip by global norm, c = 50": train(lambda gradients: rnn_lib.clip_by_norm(gradients, 50.0)),
}
losses, norms = runs["no clipping"]
print(
    f"first gradient: global norm {norms[0]:.1f}; loss per character at the start {losses[0]:.3f}"
)
for label, (losses, _) in runs.items():
    print(f"{label:28s} loss per character after one step: {losses[1]:.3f}")

# %% mystnb={"image": {"alt": "Log-scale charts over 200 training steps. Left, loss per character: unclipped (blue, solid, circles) it thrashes between about 7 and 40 nats; clipped by value at 5 (orange, dashed, squares) it falls to about 0.5, by global norm at 50 (green, dash-dotted, triangles) to about 1.5, below the dotted log 27. Right: raw gradient norm near 3,000 unclipped, spiking above 20,000, versus about 300 to 1,000 clipped."}}
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
for (label, (losses, norms)), style in zip(runs.items(), SERIES_STYLES, strict=False):
    left.semilogy(losses, **style, markevery=20, label=label)
    right.semilogy(norms, **style, markevery=20, label=label)
left.axhline(np.log(n_x), color="grey", lw=0.8, ls=":", label="uniform guess, log 27")
left.set(xlabel="step", ylabel="loss per character (nats)", title="Training loss")
right.set(xlabel="step", ylabel="global norm before clipping", title="Size of the raw gradient")
left.legend()
fig.suptitle("The same model, data and learning rate; only the clipping differs")
fig.tight_layout()
plt.show()

# %% [markdown]
# Without clipping, the first steps, each with a gradient of norm in the thousands, push the loss
# up instead of down; within a few dozen steps it is ten times the uniform guess
# ($\log 27 \approx 3.3$ nats) and it never recovers: each new position of the weights has its own
# exploding gradients, so the loss thrashes around tens of nats per character. (We print none of
# its later numbers: that run is chaotic, and its details change with the last bit of rounding.
# The same holds, more mildly, for clipping by value, whose sign-like steps also amplify rounding:
# read its curve, not its last digits.)
# Both clipped runs take the same first gradient, shortened, and learn steadily, though their raw
# gradients stay in the hundreds: clipping does not stop the explosion, it stops the explosion from
# reaching the weights.
#
# :::{admonition} Predict, then run: which clipped gradient is longer?
# :class: tip
#
# The first gradient has a global norm of 4129.5 spread over 2,811 entries, the largest of them
# 1500.1. Clipped by global norm at $c = 50$ its length is 50. Clipped by value at $c = 5$, is it
# shorter than that, or longer?
# :::

# %%
parameters = parameters_with_gain(3.0, np.random.default_rng(2))  # the start of every run
_, _, caches = rnn_lib.rnn_forward(X_names, np.zeros((n_a, len(names))), parameters)
raw = rnn_lib.rnn_backward(X_names, Y_names, parameters, caches)
by_norm_length = rnn_lib.global_norm(rnn_lib.clip_by_norm(raw, 50.0))
by_value_length = rnn_lib.global_norm(rnn_lib.clip(raw, 5.0))
print(f"clipped by global norm, c = 50: length {by_norm_length:.0f}")
print(f"clipped by value, c = 5:        length {by_value_length:.0f}")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Longer, more than four times: 232. Clipping by value caps each entry, not the length, and a
# vector of $N$ entries each at most 5 can be as long as $5\sqrt{N}$, here
# $5\sqrt{2811} \approx 265$. Most entries of this gradient are above 5, so most are cut to
# exactly $\pm 5$. The threshold of clipping by value is no bound on the step a model takes; that
# of clipping by norm is.
# :::
#
# ## 5. What clipping does to the direction
#
# Gradient descent steps along $-g$, the direction in which the loss falls fastest.
#
# :::{admonition} Predict, then run: what clipping does to the direction
# :class: tip
#
# In two dimensions, take $g = (3, 0.8)$ and the threshold $c = 1$. Clip it by value and by
# global norm. Which of the two clipped vectors points the way $g$ does? By how many degrees
# does the other one turn it: about 1, about 10, or more?
# :::

# %% mystnb={"image": {"alt": "Vector diagram in the g1-g2 plane: the raw gradient (3, 0.8) as a solid black arrow, clipped by value at 1 to (1, 0.8) as a dashed orange one, which reaches the corner of the dashed orange square and turns by 23.7 degrees, and clipped by norm to (0.97, 0.26) as a dotted green one, which lies on the dashed green unit circle and keeps the raw direction."}}
g = np.array([3.0, 0.8])
by_value = np.clip(g, -1.0, 1.0)
by_norm = g * min(1.0, 1.0 / np.linalg.norm(g))

fig, ax = plt.subplots(figsize=(6, 3.6))
orange, green = SERIES_STYLES[1]["color"], SERIES_STYLES[2]["color"]
ax.add_patch(plt.Rectangle((-1, -1), 2, 2, fill=False, ls="--", color=orange))
ax.add_patch(plt.Circle((0, 0), 1.0, fill=False, ls="--", color=green))
for vector, colour, line, label in [  # solid, dashed, dotted: told apart without colour too
    (g, "black", "-", f"raw gradient {g}"),
    (by_value, orange, "--", f"clipped by value, c = 1: {by_value}"),
    (by_norm, green, ":", f"clipped by norm, c = 1: {np.round(by_norm, 2)}"),
]:
    shaft = dict(arrowstyle="->", color=colour, lw=2, ls=line)
    ax.annotate("", xy=vector, xytext=(0, 0), arrowprops=shaft)
    ax.plot([], [], color=colour, lw=2, ls=line, label=label)
ax.set(xlim=(-1.3, 3.3), ylim=(-1.2, 1.4), aspect="equal", xlabel="$g_1$", ylabel="$g_2$")
ax.set_title("By value: a shorter vector in a new direction. By norm: same direction.")
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
plt.show()

angle = np.degrees(np.arctan2(by_value[1], by_value[0]) - np.arctan2(g[1], g[0]))
print(f"clipping by value turned the update by {angle:.1f} degrees")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Clipping by global norm keeps the direction: it multiplies every entry by the same factor,
# $1/\lVert g \rVert$ here. Clipping by value turns the update by 23.7 degrees. It cuts the large
# entry from 3 to 1 and keeps the small one, 0.8, so the clipped vector leans towards the axis
# where the gradient was small: $(1, 0.8)$ is nearly diagonal, $g$ is not.
# :::

# %% [markdown]
# In many dimensions we measure the turn with the **cosine similarity** between the raw gradient $g$
# and the clipped one $\tilde g$, both flattened into one vector:
#
# $$ \cos\theta = \frac{\langle g, \tilde g\rangle}{\lVert g\rVert \, \lVert \tilde g \rVert}
#    $$ (eq-04-cosine)
#
# A cosine of 1 means the same direction, 0 a right angle. Here is the first gradient of the runs
# above, clipped by value and by norm at thresholds from far below to far above its largest entry:


# %% mystnb={"image": {"alt": "Cosine between the raw and the clipped first gradient against clipping threshold (log scale, 1e-3 to 1e4). Clipping by norm (green dashed) stays at 1 everywhere; clipping by value (orange solid) sits at the dotted sign-of-gradient level, about 0.39, for small thresholds, is 0.43 at the training threshold 5 (dotted vertical) and reaches 1 only above about 1,500, the largest entry."}}
def flatten(gradients):
    """All parameter gradients as one vector (da0 left out)."""
    return np.concatenate([gradients[key].ravel() for key in parameter_gradients])


def cosine(u, v):
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


raw_vector = flatten(raw)  # the first gradient of the runs, computed above
print(
    f"{raw_vector.size} entries, global norm {rnn_lib.global_norm(raw):.1f}, "
    f"largest entry {np.abs(raw_vector).max():.1f}"
)
for c in [5.0, 50.0]:
    value_cos = cosine(raw_vector, flatten(rnn_lib.clip(raw, c)))
    norm_cos = cosine(raw_vector, flatten(rnn_lib.clip_by_norm(raw, c)))
    print(f"threshold {c:g}: cosine by value {value_cos:.4f}, by norm {norm_cos:.4f}")

thresholds = np.logspace(-3, 4, 71)
cos_value = [cosine(raw_vector, flatten(rnn_lib.clip(raw, c))) for c in thresholds]
cos_norm = [cosine(raw_vector, flatten(rnn_lib.clip_by_norm(raw, c))) for c in thresholds]
sign_cosine = cosine(raw_vector, np.sign(raw_vector))

fig, ax = plt.subplots(figsize=(7, 3.6))
value_colour, norm_colour = SERIES_STYLES[1]["color"], SERIES_STYLES[2]["color"]
ax.semilogx(thresholds, cos_value, color=value_colour, label="clipped by value, threshold c")
ax.semilogx(thresholds, cos_norm, color=norm_colour, ls="--", label="clipped by norm, threshold c")
ax.axhline(sign_cosine, color="grey", lw=0.8, ls=":", label="sign of the gradient")
ax.axvline(5.0, color=value_colour, lw=0.8, ls=":", label="c = 5, used in training")
ax.set(
    xlabel="threshold",
    ylabel="cosine(raw, clipped)",
    ylim=(0, 1.05),
    title="How far clipping turns the first update of the runs above",
)
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# Clipping by norm keeps the cosine at exactly 1 for every threshold. Clipping by value leaves the
# direction alone only when the threshold is above the largest entry, where it does nothing at all.
# Below that it turns the update further the lower the threshold goes, and at a tiny threshold every
# entry becomes $\pm c$: the update is then the **sign** of the gradient (the dotted line), which
# keeps the signs of the entries and none of their proportions.
#
# :::{admonition} Predict, then run: is the sign still downhill?
# :class: tip
#
# The sign of the gradient turns the update by about 67 degrees here (a cosine of 0.39). Does a
# small step along $-\operatorname{sign}(g)$ still lower the loss, or can it raise it?
# :::


# %%
def loss_after(step, size=1e-4):
    """The loss per character after moving every parameter by -size * step."""
    moved = {name: parameters[name] - size * step["d" + name] for name in rnn_lib.PARAM_NAMES}
    y_hat = rnn_lib.rnn_forward(X_names, np.zeros((n_a, len(names))), moved)[1]
    return rnn_lib.compute_loss(y_hat, Y_names) / n_targets


start = loss_after(raw, size=0.0)
signs = {key: np.sign(raw[key]) for key in parameter_gradients}
assert sign_cosine > 0 and loss_after(signs) < start and loss_after(raw, 1e-7) < start
print(f"cosine between g and sign(g): {sign_cosine:.2f}, positive")
print("a step of 1e-4 along -sign(g) lowers the loss, as a small step along -g does")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# It lowers it. For a small step $\eta$ along a direction $s$, the loss changes by about
# $-\eta \langle g, s \rangle$, so every direction at less than 90 degrees from $g$ goes
# downhill, and $\langle g, \operatorname{sign}(g) \rangle = \lVert g \rVert_1 > 0$, the sum of
# the sizes of the entries. Steeply clipped
# updates still descend, only less efficiently per unit of length. Adam (notebook 06) makes the
# same kind of step at the start: its first update is, but for its tiny $\epsilon$, $\alpha$
# times the sign of the gradient.
# :::

# %% [markdown]
# That also explains the training curves. Which clipped run ends lower depends on the thresholds,
# not on a law of nature: clipping by value at $c = 5$ lets through longer steps (232 against 50
# for the first gradient) than clipping by norm at $c = 50$, in a direction that is partly
# the sign of the gradient, and sign steps can be fast on a small task like this one. Clipping by
# norm changes only the step length, so its threshold acts as a cap on the length of a step and is
# easier to reason about; that is why it is the usual choice in practice. Either way the threshold
# is a hyperparameter, and the typical global norm of a healthy run (the right panel of the
# training figure) is a good guide to choosing it.
#
# ## Summary
#
# - Back-propagating through $T$ steps multiplies the gradient by $T$ Jacobians
#   $\operatorname{diag}(1 - a \odot a)\,W_{aa}$ (equations {eq}`eq-04-jacobian`, {eq}`eq-04-product`);
#   when $W_{aa}$ stretches more than tanh's slope shrinks, the gradient grows exponentially with
#   the distance in time (on a log axis, a straight line).
# - The exploding part of the weight gradient comes from the steps furthest from the loss, and a
#   few such gradients are enough to wreck a model.
# - Clipping by value (equation {eq}`eq-04-clip-value`) caps each entry; it changes the direction of the
#   update, towards the sign of the gradient for small thresholds.
# - Clipping by global norm (equation {eq}`eq-04-clip-norm`) rescales all gradients together; it keeps the
#   direction (equation {eq}`eq-04-cosine`) and caps only the step length.
# - Clipping must return new arrays: the raw gradient belongs to the caller.
#
# **Next:** [05 · Sampling](05_sampling.ipynb) turns the model's softmax outputs into names:
# temperature, top-$K$, and reproducible random draws.
