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
# # 03 · Backpropagation through time
#
# To learn, the network needs to know how the loss changes when each weight changes: the
# gradient. In an unrolled RNN every weight acts at every step, and a state influences every
# later prediction, so the gradient has to be collected backwards along the whole chain of
# steps. That is *backpropagation through time* (BPTT). It is ordinary backpropagation applied to
# the unrolled network; the only new ideas are that gradients flow back along the state, and that
# the contributions of all the steps add up.
#
# Deriving gradients by hand is error-prone, so the notebook ends with the tool that catches the
# mistakes: comparing the analytic gradient with finite differences of the loss.
#
# **Learning goals**
#
# - Derive the gradients of one step: softmax with cross-entropy, $\tanh$, the weights, and the
#   gradient passed to the previous state.
# - Explain why gradients of shared weights sum over time and why the state gradient is carried
#   backwards, and what the gradient of the initial state $a^{\langle 0\rangle}$ is.
# - Implement the cell's backward pass and BPTT over a sequence.
# - Check a gradient with centred differences, and tell a correct gradient from a wrong one by
#   its relative error.

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
# ## 1. The forward pass, with names for the intermediate values
#
# Backpropagation runs the forward computation in reverse, so we name each intermediate value of
# step $t$ (as in notebooks 01 and 02; one example, so the vectors are columns):
#
# $$
# \begin{aligned}
# z^{\langle t\rangle} &= W_{aa}\, a^{\langle t-1\rangle} + W_{ax}\, x^{\langle t\rangle} + b_a,
# &\quad a^{\langle t\rangle} &= \tanh\left(z^{\langle t\rangle}\right),\\
# z_y^{\langle t\rangle} &= W_{ya}\, a^{\langle t\rangle} + b_y,
# &\quad \hat y^{\langle t\rangle} &= \operatorname{softmax}\left(z_y^{\langle t\rangle}\right)
# \end{aligned}
# $$ (eq-03-forward)
#
# and the loss is the sum of the per-step cross-entropies,
# $\mathcal L = \sum_t \mathcal L^{\langle t\rangle}$ with
# $\mathcal L^{\langle t\rangle} = -\sum_k y_k^{\langle t\rangle} \log \hat y_k^{\langle t\rangle}$
# (equation (3) of [notebook 02](02_unrolling.ipynb)). For a batch, the examples are columns and
# their losses add up too, so each formula below holds column by column, and a weight's gradient
# sums over the columns.
#
# ## 2. Backwards through one step
#
# The gradient of one step goes through equation {eq}`eq-03-forward` from right to left: the loss, the
# softmax, the output layer, $\tanh$, and finally the recurrent layer.
#
# **Softmax and cross-entropy together.** With
# $\partial \hat y_{k'} / \partial z_{y,k} = \hat y_{k'} (\delta_{k'k} - \hat y_k)$ (with
# $\delta_{k'k} = 1$ if $k' = k$ and 0 otherwise),
#
# $$
# \frac{\partial \mathcal L^{\langle t\rangle}}{\partial z_{y,k}^{\langle t\rangle}}
# = -\sum_{k'} \frac{y_{k'}}{\hat y_{k'}}\, \hat y_{k'} (\delta_{k'k} - \hat y_k)
# = \hat y_k \sum_{k'} y_{k'} - y_k
# = \hat y_k^{\langle t\rangle} - y_k^{\langle t\rangle}
# $$ (eq-03-dzy)
#
# because a one-hot $y$ sums to 1. Call this column $\mathrm{d}z_y^{\langle t\rangle}$. The result
# is strikingly simple: predicted minus true. (For a padded step, $y$ is all zeros and the middle
# expression gives $0$: no gradient, as it should be. The library computes it that way.)
#
# **The output layer.** $z_y = W_{ya} a + b_y$ is linear, so
#
# $$
# \frac{\partial \mathcal L^{\langle t\rangle}}{\partial W_{ya}}
#   = \mathrm{d}z_y^{\langle t\rangle} \left(a^{\langle t\rangle}\right)^{\top},
# \qquad
# \frac{\partial \mathcal L^{\langle t\rangle}}{\partial b_y} = \mathrm{d}z_y^{\langle t\rangle}
# $$ (eq-03-output-grads)
#
# **The state receives gradient from two places.** $a^{\langle t\rangle}$ feeds this step's
# prediction through $W_{ya}$, and the next step's pre-activation through $W_{aa}$, and with it
# every later prediction. Write $\mathrm{d}a_{\text{next}}$ for the gradient of the later steps'
# loss, $\partial(\mathcal L^{\langle t+1\rangle} + \dots + \mathcal L^{\langle T_x\rangle}) /
# \partial a^{\langle t\rangle}$, which step $t+1$ hands back (zero at the last step). Then
#
# $$
# \frac{\partial \mathcal L}{\partial a^{\langle t\rangle}}
#   = W_{ya}^{\top}\, \mathrm{d}z_y^{\langle t\rangle} + \mathrm{d}a_{\text{next}}
# $$ (eq-03-da)
#
# **Through tanh.** $\tanh'(z) = 1 - \tanh^2(z)$ (equation (7) of
# [notebook 01](01_rnn_cell.ipynb)), and
# $\tanh(z)$ is the state we already have, so with $\odot$ the elementwise product, the gradient
# $\mathrm{d}z^{\langle t\rangle} = \partial \mathcal L / \partial z^{\langle t\rangle}$ is
#
# $$
# \mathrm{d}z^{\langle t\rangle} = \left(1 - \left(a^{\langle t\rangle}\right)^2\right) \odot
#   \left(W_{ya}^{\top}\, \mathrm{d}z_y^{\langle t\rangle} + \mathrm{d}a_{\text{next}}\right)
# $$ (eq-03-dz)
#
# **The recurrent layer.** $z^{\langle t\rangle}$ is linear in $W_{ax}$, $W_{aa}$, $b_a$ and in
# the previous state. Writing $\mathrm{d}W_{ax}^{\langle t\rangle}$ for step $t$'s share of
# $\partial \mathcal L / \partial W_{ax}$, and so on (`rnn_cell_backward` returns these shares;
# section 3 adds them up):
#
# $$
# \begin{gathered}
# \mathrm{d}W_{ax}^{\langle t\rangle}
#   = \mathrm{d}z^{\langle t\rangle} \left(x^{\langle t\rangle}\right)^{\top},
# \quad
# \mathrm{d}W_{aa}^{\langle t\rangle}
#   = \mathrm{d}z^{\langle t\rangle} \left(a^{\langle t-1\rangle}\right)^{\top},
# \\
# \mathrm{d}b_a^{\langle t\rangle} = \mathrm{d}z^{\langle t\rangle},
# \quad
# \mathrm{d}a_{\text{prev}} = W_{aa}^{\top}\, \mathrm{d}z^{\langle t\rangle}
# \end{gathered}
# $$ (eq-03-cell-grads)
#
# $\mathrm{d}a_{\text{prev}}$ is what step $t$ hands back to step $t-1$ as *its*
# $\mathrm{d}a_{\text{next}}$. With a batch, the products with a transposed state sum over the
# examples automatically, and the bias gradients need an explicit sum over the batch (axis 1).
#
# :::{admonition} Predict, then run: which state goes into $\mathrm{d}W_{aa}$?
# :class: tip
#
# Equation {eq}`eq-03-cell-grads` multiplies $\mathrm{d}z^{\langle t\rangle}$ by
# $a^{\langle t-1\rangle}$, the state the step reads. Would $a^{\langle t\rangle}$, the state
# it writes, give the same $\mathrm{d}W_{aa}$, nearly the same, or something quite different?
# Predict, then compare both with the slopes measured by nudging each entry of $W_{aa}$
# (`rnn_lib.numerical_gradient`, the subject of section 4).
# :::

# %%
rng = np.random.default_rng(7)
one_step = {
    "Wax": rng.standard_normal((3, 4)) * 0.5,
    "Waa": rng.standard_normal((3, 3)) * 0.5,
    "Wya": rng.standard_normal((4, 3)) * 0.5,
    "ba": np.zeros((3, 1)),
    "by": np.zeros((4, 1)),
}
xt, a_prev = rng.standard_normal((4, 2)), rng.standard_normal((3, 2))
y = np.eye(4)[:, [1, 3]]  # the targets of the two examples


def step_loss():
    y_hat_t = rnn_lib.rnn_cell_forward(xt, a_prev, one_step)[1]
    return rnn_lib.compute_loss(y_hat_t[:, :, None], y[:, :, None])


a_next, y_hat_t, _ = rnn_lib.rnn_cell_forward(xt, a_prev, one_step)
dz = (1 - a_next**2) * (one_step["Wya"].T @ (y_hat_t - y))  # equation (5), da_next = 0
measured = rnn_lib.numerical_gradient(step_loss, one_step["Waa"])
read = rnn_lib.relative_error(dz @ a_prev.T, measured)
written = rnn_lib.relative_error(dz @ a_next.T, measured)
assert read < 1e-7 and written > 0.1
print("dz a<t-1>^T: relative error below 1e-7, the slopes measured")
print("dz a<t>^T:   relative error above 0.1, another matrix")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Something quite different. Entry $(r, s)$ of $W_{aa}$ enters the step only through
# $z_r^{\langle t\rangle} = \dots + (W_{aa})_{rs}\, a_s^{\langle t-1\rangle} + \dots$, so its
# slope is $\mathrm{d}z_r^{\langle t\rangle}\, a_s^{\langle t-1\rangle}$: a weight's gradient
# is the gradient at its output times the value at its *input*, as in any linear layer. The state
# the step writes, $a^{\langle t\rangle}$, is a result of $W_{aa}$, not what it multiplies. The
# same rule gives $\mathrm{d}W_{ax}$ the input $x^{\langle t\rangle}$ and $\mathrm{d}W_{ya}$ the
# state $a^{\langle t\rangle}$, which is what $W_{ya}$ reads.
# :::

# %% [markdown]
# :::{exercise} The backward pass of one step · core
# :label: ex-03-cell-backward
#
# Complete `rnn_cell_backward(y, da_next, cache, parameters)` with equations {eq}`eq-03-dzy`,
# {eq}`eq-03-output-grads`, {eq}`eq-03-dz` and {eq}`eq-03-cell-grads`. `y` is the one-hot target
# $(n_y, m)$, `da_next` is $(n_a, m)$ and `cache` is `(a_next, a_prev, xt, y_hat_t)` from the
# forward step. Return the dict of `dWax`, `dWaa`, `dWya`, `dba`, `dby` (each with the shape of
# its parameter) and `da_prev` $(n_a, m)$.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-03-cell-backward-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def rnn_cell_backward(y, da_next, cache, parameters):
    """Gradients of one step: dz_y = y_hat - y, dz = (1 - a_next^2) * (Wya^T dz_y + da_next)."""
    a_next, a_prev, xt, y_hat_t = cache
    ### BEGIN SOLUTION
    dzy = y_hat_t - y
    dz = (1.0 - a_next**2) * (parameters["Wya"].T @ dzy + da_next)
    gradients = {
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dWya": dzy @ a_next.T,
        "dba": dz.sum(axis=1, keepdims=True),
        "dby": dzy.sum(axis=1, keepdims=True),
        "da_prev": parameters["Waa"].T @ dz,
    }
    ### END SOLUTION
    return gradients


# %% nbgrader={"grade": true, "grade_id": "ex-03-cell-backward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_rnn_cell_backward(rnn_cell_backward)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_rnn_cell_backward", rnn_cell_backward, seed=1903)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Backwards through the sequence
#
# **Why the gradients sum over time.** $W_{aa}$ is one matrix, used at every step. If we gave
# each step its own copy $W_{aa}^{\langle t\rangle}$, all equal, the loss would depend on
# $W_{aa}$ through every copy, and the multivariable chain rule adds the contributions:
#
# $$
# \frac{\partial \mathcal L}{\partial W_{aa}}
#   = \sum_{t=1}^{T_x} \mathrm{d}z^{\langle t\rangle} \left(a^{\langle t-1\rangle}\right)^{\top}
# \qquad \text{(and likewise for } W_{ax}, W_{ya}, b_a, b_y)
# $$ (eq-03-sum)
#
# **Why the loop runs backwards.** Equation {eq}`eq-03-dz` at step $t$ needs $\mathrm{d}a_{\text{next}}$,
# which only step $t+1$ can compute. So BPTT starts at the last step with
# $\mathrm{d}a_{\text{next}} = 0$ and walks back to the first, each step passing its
# $\mathrm{d}a_{\text{prev}}$ to the one before:
#
# $$
# \mathrm{d}a^{\langle T_x\rangle}_{\text{next}} = 0, \qquad
# \mathrm{d}a^{\langle t-1\rangle}_{\text{next}} = W_{aa}^{\top}\, \mathrm{d}z^{\langle t\rangle}
# $$ (eq-03-carry)
#
# **The initial state.** $a^{\langle 0\rangle}$ is an input of the sequence, like
# $x^{\langle t\rangle}$, and enters the computation only at step 1.
#
# :::{admonition} Predict, then run: the gradient of the initial state
# :class: tip
#
# Every step hands back a $\mathrm{d}a_{\text{prev}}$. Is the gradient of $a^{\langle 0\rangle}$
# the $\mathrm{d}a_{\text{prev}}$ of step 1 alone, or, as for a shared weight in
# equation {eq}`eq-03-sum`, the sum of the $\mathrm{d}a_{\text{prev}}$ of all steps?
# :::

# %%
rng = np.random.default_rng(8)
X5 = np.eye(4)[:, rng.integers(0, 4, size=(2, 5))]  # (4, 2, 5): 2 sequences of 5 steps
Y5 = np.eye(4)[:, rng.integers(0, 4, size=(2, 5))]
a0_5 = rng.standard_normal((3, 2))
_, _, caches5 = rnn_lib.rnn_forward(X5, a0_5, one_step)
da_next = np.zeros((3, 2))
handed_back = []  # the da_prev of steps 5, 4, ..., 1
for t in reversed(range(5)):
    step = rnn_lib.rnn_cell_backward(Y5[:, :, t], da_next, caches5[t], one_step)
    da_next = step["da_prev"]
    handed_back.append(da_next)


def sequence_loss():
    y_hat5 = rnn_lib.rnn_forward(X5, a0_5, one_step)[1]
    return rnn_lib.compute_loss(y_hat5, Y5)


measured = rnn_lib.numerical_gradient(sequence_loss, a0_5)
first = rnn_lib.relative_error(handed_back[-1], measured)
summed = rnn_lib.relative_error(sum(handed_back), measured)
assert first < 1e-7 and summed > 0.1
print("step 1's da_prev alone:     relative error below 1e-7")
print("the sum of all five da_prev: relative error above 0.1")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Step 1's alone: $\partial \mathcal L / \partial a^{\langle 0\rangle} = W_{aa}^{\top}
# \mathrm{d}z^{\langle 1\rangle}$. A shared weight is *used* at every step, so each use adds a
# term; $a^{\langle 0\rangle}$ is used once, at step 1. Step 1's $\mathrm{d}z^{\langle 1\rangle}$
# already contains the influence of every later step, carried back by equation {eq}`eq-03-carry`, so
# adding the other steps' $\mathrm{d}a_{\text{prev}}$ counts those steps again. (That was a bug
# of the seed notebook this series grew from.)
# :::

# %% [markdown]
# The figure puts these equations on notebook 02's graph of a four-step name, its forward arrows now
# grey. The coloured arrows run backwards, each labelled with what it carries, and the key beneath
# gives each quantity with the number of its equation. $\mathrm{d}z_y^{\langle t\rangle}$
# (equation {eq}`eq-03-dzy`) comes down from the step's loss and reaches $a^{\langle t\rangle}$ as
# $W_{ya}^\top \mathrm{d}z_y^{\langle t\rangle}$, the gradient of $\mathcal L^{\langle t\rangle}$
# alone; $\mathrm{d}a_{\text{next}}$ (equation {eq}`eq-03-carry`) comes from the right and holds the
# later steps' losses only. The total gradient at $a^{\langle t\rangle}$, equation {eq}`eq-03-da`, is
# the sum of these two arrows; times $1 - (a^{\langle t\rangle})^2$ it is
# $\mathrm{d}z^{\langle t\rangle}$ (equation {eq}`eq-03-dz`), which leaves to the left through
# $W_{aa}^\top$. The last step receives
# $\mathrm{d}a_{\text{next}} = 0$, and what leaves step 1 is the gradient of $a^{\langle 0\rangle}$.

# %% mystnb={"image": {"alt": "The unrolled graph of 4 steps drawn in grey, with gradients flowing backwards: black dz_y<t> arrows down from each loss to y_hat<t>, green W_ya-transpose dz_y<t> arrows down into a<t>, and vermilion W_aa-transpose dz<t> arrows leftwards from each state to the previous one, starting at 0 after the last step and ending as the gradient of a<0>. A key below gives the equations."}} tags=["hide-input"]
from matplotlib.patches import FancyBboxPatch

W, H = 0.42, 0.32  # half-width and half-height of a box
XS = [-0.65 + 2.25 * t for t in range(5)]  # the columns of a<0> and of steps 1 to 4
Y_X, Y_A, Y_HAT, Y_LOSS = 0.0, 1.8, 3.5, 5.1  # the rows of notebook 02's figure
# W_ya's and W_aa's colours in 02 (Okabe-Ito hues darkened to 4.5:1 or more on white, as text);
# the forward graph in a grey of 3:1 (a graphic), its labels in #595959 (7:1)
GREY, NOTE, GREEN, VERMILION = "#949494", "#595959", "#00795A", "#B84A00"


def box(ax, x, y, text, face="white", style="-"):
    """One value of the graph: a rounded box centred on (x, y)."""
    shape = dict(boxstyle="round,pad=0.02", fc=face, ec="black", ls=style, lw=1.2, zorder=2)
    ax.add_patch(FancyBboxPatch((x - W, y - H), 2 * W, 2 * H, **shape))
    ax.text(x, y, text, ha="center", va="center", fontsize=13, zorder=3)


def arrow(ax, start, end, colour, label="", side="right", lw=1.6):
    """An arrow from start to end, labelled beside its middle in its own colour."""
    style = dict(arrowstyle="-|>", color=colour, lw=lw, shrinkA=0, shrinkB=0, mutation_scale=14)
    ax.annotate("", xy=end, xytext=start, arrowprops=style, zorder=1)
    dx, dy, ha, va = (0.08, 0, "left", "center") if side == "right" else (0, -0.09, "center", "top")
    middle = (start[0] + end[0]) / 2 + dx, (start[1] + end[1]) / 2 + dy
    ax.text(*middle, label, color=colour, ha=ha, va=va, fontsize=12)


def draw_backward(ax):
    """The forward graph in grey (its arrows left of centre), the gradients in colour."""
    box(ax, XS[0], Y_A, r"$a^{\langle 0\rangle}$", face="#eeeeee", style="--")
    for t, x in enumerate(XS[1:], start=1):
        step = rf"^{{\langle {t}\rangle}}"
        box(ax, x, Y_X, f"$x{step}$", face="#eeeeee")
        box(ax, x, Y_A, f"$a{step}$")
        box(ax, x, Y_HAT, rf"$\hat y{step}$")
        box(ax, x, Y_LOSS, rf"$\mathcal{{L}}{step}$", face="#fbe3d6")
        ax.text(x + 1.05, Y_LOSS, f"$y{step}$", va="center", fontsize=12, color=NOTE)
        previous = XS[t - 1]
        arrow(ax, (x + 1.0, Y_LOSS), (x + W, Y_LOSS), GREY, lw=1.2)
        arrow(ax, (previous + W, Y_A + 0.12), (x - W, Y_A + 0.12), GREY, lw=1.2)
        for bottom, top in [(Y_X, Y_A), (Y_A, Y_HAT), (Y_HAT, Y_LOSS)]:
            arrow(ax, (x - 0.15, bottom + H), (x - 0.15, top - H), GREY, lw=1.2)
        # the gradients, flowing backwards
        dz_y, dz = rf"\mathrm{{d}}z_y{step}", rf"\mathrm{{d}}z{step}"
        arrow(ax, (x + 0.15, Y_LOSS - H), (x + 0.15, Y_HAT + H), "black", f"${dz_y}$")
        arrow(ax, (x + 0.15, Y_HAT - H), (x + 0.15, Y_A + H), GREEN, rf"$W_{{ya}}^\top {dz_y}$")
        arrow(ax, (x - W, Y_A - 0.12), (previous + W, Y_A - 0.12), VERMILION,
              rf"$W_{{aa}}^\top {dz}$", "below")  # fmt: skip
        ax.text(x + 0.08, Y_A - H - 0.3, f"${dz}$", va="top", fontsize=12)
    arrow(ax, (XS[-1] + W + 0.7, Y_A - 0.12), (XS[-1] + W, Y_A - 0.12), VERMILION, "$0$", "below")
    ax.text(XS[0], Y_A - H - 0.3, r"$=\partial\mathcal{L}/\partial a^{\langle 0\rangle}$",
            ha="center", va="top", color=VERMILION, fontsize=12)  # fmt: skip
    key = [
        ("black", r"$\mathrm{d}z_y^{\langle t\rangle} = \hat y^{\langle t\rangle}"
         r" - y^{\langle t\rangle}$   (eq. 2)"),
        (GREEN, r"$W_{ya}^\top \mathrm{d}z_y^{\langle t\rangle}$: the gradient of this step's loss"
         r" $\mathcal{L}^{\langle t\rangle}$ alone   (eq. 4)"),
        (VERMILION, r"$\mathrm{d}a_{\mathrm{next}} = W_{aa}^\top \mathrm{d}z^{\langle t+1\rangle}$:"
         r" of the later losses $\mathcal{L}^{\langle t+1\rangle} + \dots"
         r" + \mathcal{L}^{\langle T_x\rangle}$"
         " only, 0 at the last step   (eq. 8)"),
        ("black", r"$\mathrm{d}z^{\langle t\rangle} = (1 - (a^{\langle t\rangle})^2) \odot"
         r" (W_{ya}^\top \mathrm{d}z_y^{\langle t\rangle} + \mathrm{d}a_{\mathrm{next}})$"
         "   (eqs. 4, 5)"),
        ("black", r"      the total gradient at $a^{\langle t\rangle}$ is in the brackets"),
    ]  # fmt: skip
    for row, (colour, text) in enumerate(key):
        ax.text(-1.25, -1.0 - 0.45 * row, text, color=colour, va="center", fontsize=12)
    ax.set_xlim(-1.35, XS[-1] + 1.6)
    ax.set_ylim(-3.1, 5.6)
    ax.axis("off")


fig, ax = plt.subplots(figsize=(8.4, 7.2))
draw_backward(ax)
ax.set_title("Backpropagation through time on the graph of notebook 02")
fig.tight_layout()
plt.show()

# %% [markdown]
# :::{exercise} Backpropagation through time · core
# :label: ex-03-rnn-backward
#
# Complete `rnn_backward(X, Y, parameters, caches)`. Loop over the steps from the last to the
# first; at step `t` call `rnn_lib.rnn_cell_backward(Y[:, :, t], da_next, caches[t], parameters)`
# (`caches[t]` is step `t`'s cache), add its five parameter gradients to `gradients`
# (equation {eq}`eq-03-sum`) and carry its `da_prev` to the next iteration (equation {eq}`eq-03-carry`). Finally
# store the gradient of the initial state under `"da0"`. Return the dict `gradients`: `dWax`,
# `dWaa`, `dWya`, `dba`, `dby` with the shapes of their parameters, and `da0` of shape
# $(n_a, m)$.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-03-rnn-backward-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def rnn_backward(X, Y, parameters, caches):
    """BPTT: the gradients dWax, dWaa, dWya, dba, dby (summed over steps) and da0."""
    T_x = X.shape[2]
    gradients = {f"d{name}": np.zeros_like(parameters[name]) for name in rnn_lib.PARAM_NAMES}
    da_next = np.zeros((parameters["Waa"].shape[0], X.shape[1]))
    ### BEGIN SOLUTION
    for t in reversed(range(T_x)):
        step = rnn_lib.rnn_cell_backward(Y[:, :, t], da_next, caches[t], parameters)
        for name in rnn_lib.PARAM_NAMES:
            gradients[f"d{name}"] += step[f"d{name}"]
        da_next = step["da_prev"]
    gradients["da0"] = da_next
    ### END SOLUTION
    return gradients


# %% nbgrader={"grade": true, "grade_id": "ex-03-rnn-backward", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_rnn_backward(rnn_backward)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_rnn_backward", rnn_backward, seed=1903)
### END HIDDEN TESTS

# %% [markdown]
# From here on we use `rnn_lib.rnn_backward`. It computes the same gradients, but does the work
# that does not depend on the recurrence (the output layer, and the weight gradients once every
# $\mathrm{d}z^{\langle t\rangle}$ is known) for all steps at once, outside the loop.
#
# :::{admonition} Predict, then run: whose loss does $\mathrm{d}a_{\text{next}}$ carry?
# :class: tip
#
# Score only step 1 of a 5-step sequence (the target columns of steps 2 to 5 are zero, so their
# losses are zero). At which steps is $\mathrm{d}a_{\text{next}}$ non-zero? And if only the
# last step, step 5, is scored?
# :::

# %%
for scored in (0, 4):  # in code, steps count from 0
    Y_one = np.zeros_like(Y5)
    Y_one[:, :, scored] = Y5[:, :, scored]
    da_next, non_zero = np.zeros((3, 2)), []
    for t in reversed(range(5)):
        if np.any(da_next != 0):
            non_zero.append(t + 1)  # steps count from 1 in the equations
        step = rnn_lib.rnn_cell_backward(Y_one[:, :, t], da_next, caches5[t], one_step)
        da_next = step["da_prev"]
    print(f"only step {scored + 1} scored: da_next non-zero at {sorted(non_zero)}")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# With only step 1 scored, at no step at all: $\mathrm{d}a_{\text{next}}$ at step $t$ is the
# gradient of the *later* steps' losses, $\mathcal L^{\langle t+1\rangle} + \dots +
# \mathcal L^{\langle T_x\rangle}$, and here they are all zero. The gradient that reaches
# $a^{\langle 1\rangle}$ is the step's own term $W_{ya}^\top \mathrm{d}z_y^{\langle 1\rangle}$.
# With only step 5 scored it is the other way round: $\mathrm{d}a_{\text{next}}$ is non-zero at
# steps 1 to 4, which all lie before the scored step, and zero at step 5, which has no later
# steps. The total gradient at $a^{\langle t\rangle}$, equation {eq}`eq-03-da`, always needs both terms.
# :::

# %% [markdown]
# ## 4. Checking a gradient numerically
#
# A gradient is a list of slopes, and a slope can be measured: nudge one weight $w$ by a small
# $\varepsilon$ both ways and watch the loss. By Taylor's theorem,
#
# $$
# \frac{\mathcal L(w + \varepsilon) - \mathcal L(w - \varepsilon)}{2\varepsilon}
#   = \frac{\partial \mathcal L}{\partial w} + O(\varepsilon^2),
# \qquad
# \frac{\mathcal L(w + \varepsilon) - \mathcal L(w)}{\varepsilon}
#   = \frac{\partial \mathcal L}{\partial w} + O(\varepsilon)
# $$ (eq-03-differences)
#
# The *centred* difference on the left cancels the second-derivative term; the *one-sided*
# difference on the right keeps it, and is far less accurate for the same $\varepsilon$. To
# compare a whole analytic gradient $g$ with its numerical estimate $\tilde g$ we use the
# relative error
#
# $$
# \frac{\lVert g - \tilde g \rVert}{\lVert g \rVert + \lVert \tilde g \rVert}
# $$ (eq-03-relerr)
#
# which is $0$ for perfect agreement and $1$ when one of them is zero, whatever the scale of the
# loss. With float64 and a centred difference, a correct gradient reaches about $10^{-9}$; a
# gradient with a real mistake is off by $10^{-3}$ or more.

# %% [markdown]
# :::{exercise} Centred differences · stretch
# :label: ex-03-numerical-gradient
#
# Complete `numerical_gradient(f, array, eps)` with the centred difference of
# equation {eq}`eq-03-differences`. `f()` takes no arguments and computes the loss from the current
# contents of `array`; for every index (`np.ndindex(array.shape)` walks through them all),
# change `array[index]` in place, call `f`, and put the original value back before moving on.
# Return `grad`, an array of the shape of `array` holding the estimate of
# $\partial \mathcal{L}/\partial w$ for every entry $w$.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-03-numerical-gradient-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def numerical_gradient(f, array, eps=1e-6):
    """Centred differences (f(w + eps) - f(w - eps)) / (2 eps) for every entry w of array."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        ### BEGIN SOLUTION
        saved = array[index]
        array[index] = saved + eps
        f_plus = f()
        array[index] = saved - eps
        f_minus = f()
        array[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * eps)
        ### END SOLUTION
    return grad


# %% nbgrader={"grade": true, "grade_id": "ex-03-numerical-gradient", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_numerical_gradient(numerical_gradient)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_numerical_gradient", numerical_gradient, seed=1903)
### END HIDDEN TESTS

# %% [markdown]
# ### A correct gradient and two wrong ones
#
# Now the real test. We take a small RNN ($n_a = 10$, the 27-symbol alphabet, a batch of 3
# random sequences of 8 characters) with weights large enough that $\tanh$ is far from linear,
# and compare with `rnn_lib.rnn_gradient_check`, which perturbs every entry of every parameter
# and of $a^{\langle 0\rangle}$:
#
# - the gradient from `rnn_lib.rnn_backward`;
# - the same with $\mathrm{d}W_{aa}$ made 0.3% too large, a mistake invisible to the eye;
# - BPTT that forgets to carry $\mathrm{d}a_{\text{next}}$ (equation {eq}`eq-03-carry`), so each step only
#   sees its own loss.
#
# :::{admonition} Predict, then run: what forgetting $\mathrm{d}a_{\text{next}}$ spoils
# :class: tip
#
# The third gradient never carries $\mathrm{d}a_{\text{next}}$. Which of the six gradients,
# $\mathrm{d}W_{ax}$, $\mathrm{d}W_{aa}$, $\mathrm{d}W_{ya}$, $\mathrm{d}b_a$, $\mathrm{d}b_y$
# and that of $a^{\langle 0\rangle}$, will the check still find correct?
# :::

# %%
rng = np.random.default_rng(3)
n_x = n_y = 27
n_a, m, T_x = 10, 3, 8
chars = rng.integers(0, 27, size=(m, T_x + 1))
X = np.eye(27)[:, chars[:, :-1]]  # (27, m, T_x): one-hot columns
Y = np.eye(27)[:, chars[:, 1:]]  # the next character of each step
parameters = {
    "Wax": rng.standard_normal((n_a, n_x)) * 0.5,
    "Waa": rng.standard_normal((n_a, n_a)) * 0.5,
    "Wya": rng.standard_normal((n_y, n_a)) * 0.5,
    "ba": rng.standard_normal((n_a, 1)) * 0.1,
    "by": rng.standard_normal((n_y, 1)) * 0.1,
}
a0 = rng.standard_normal((n_a, m)) * 0.5
_, _, caches = rnn_lib.rnn_forward(X, a0, parameters)

correct = rnn_lib.rnn_backward(X, Y, parameters, caches)
scaled = {**correct, "dWaa": correct["dWaa"] * 1.003}
not_carried = {f"d{name}": np.zeros_like(parameters[name]) for name in rnn_lib.PARAM_NAMES}
for t in reversed(range(T_x)):
    zero = np.zeros((n_a, m))
    step = rnn_lib.rnn_cell_backward(Y[:, :, t], zero, caches[t], parameters)
    for name in rnn_lib.PARAM_NAMES:
        not_carried[f"d{name}"] += step[f"d{name}"]
    if t == 0:
        not_carried["da0"] = step["da_prev"]


def shown(error):
    """Relative errors below 1e-7 depend on rounding; show them as a bound."""
    return "< 1e-7" if error < 1e-7 else f"{error:.1e}"


results = [
    rnn_lib.rnn_gradient_check(X, Y, a0, parameters, g) for g in (correct, scaled, not_carried)
]
print(f"{'':6}{'correct':>12}{'dWaa +0.3%':>12}{'no da_next':>12}")
for name in results[0]:
    print(f"{name:6}" + "".join(f"{shown(r[name]):>12}" for r in results))

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Two: $\mathrm{d}W_{ya}$ and $\mathrm{d}b_y$. They act after the state, on each step's own
# prediction, and equation {eq}`eq-03-output-grads` does not involve $\mathrm{d}a_{\text{next}}$. Every
# gradient that flows through the state, $\mathrm{d}W_{ax}$, $\mathrm{d}W_{aa}$,
# $\mathrm{d}b_a$ and that of $a^{\langle 0\rangle}$, loses the later steps' losses: relative
# errors above 0.6. A check that passes for some parameters and fails for others
# points at the part of the derivation that is wrong.
# :::

# %% [markdown]
# The correct gradient agrees with the finite differences to better than $10^{-7}$ in every
# parameter. The 0.3% mistake gives a relative error of $0.003 / 2.003 \approx 1.5 \times
# 10^{-3}$ in $W_{aa}$ and nothing elsewhere, so the check also says *where* the mistake is.
# Between $10^{-7}$ and $10^{-3}$ there are four orders of magnitude of empty space: that gap is
# what makes gradient checking a reliable test.
#
# ### How to choose $\varepsilon$
#
# The gap exists only for a sensible $\varepsilon$. The figure measures the relative error of
# the correct $\mathrm{d}W_{aa}$ against centred and one-sided differences over a wide range of
# $\varepsilon$. To the right, the truncation error of equation {eq}`eq-03-differences` dominates and
# falls like $\varepsilon^2$ (centred) or $\varepsilon$ (one-sided). To the left, rounding
# dominates: $\mathcal L(w \pm \varepsilon)$ carries an error of about $10^{-16} \mathcal L$,
# which the division by $\varepsilon$ blows up.

# %% mystnb={"image": {"alt": "Log-log chart of the relative error of dW_aa against step epsilon from 1e-11 to 0.1, for centred differences (blue circles) and one-sided differences (orange squares). Centred stays below the dotted 1e-7 line from about 1e-8 to 3e-4, best near 1e-10 at epsilon 1e-5; one-sided dips below 1e-7 only near 1e-7 and crosses the red dashed '0.3% off' line above 1e-3."}}
Waa = parameters["Waa"]


def loss():
    return rnn_lib.compute_loss(rnn_lib.rnn_forward(X, a0, parameters)[1], Y)


def one_sided_gradient(f, array, eps):
    grad = np.zeros_like(array)
    base = f()
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        grad[index] = (f() - base) / eps
        array[index] = saved
    return grad


epsilons = np.logspace(-11, -1, 21)
centred_errors = [
    rnn_lib.relative_error(correct["dWaa"], rnn_lib.numerical_gradient(loss, Waa, e))
    for e in epsilons
]
one_sided_errors = [
    rnn_lib.relative_error(correct["dWaa"], one_sided_gradient(loss, Waa, e)) for e in epsilons
]
fig, ax = plt.subplots(figsize=(7.5, 4.2))
ax.loglog(epsilons, centred_errors, "o-", label="centred difference")
ax.loglog(epsilons, one_sided_errors, "s-", label="one-sided difference")
ax.axhline(0.003 / 2.003, color="tab:red", linestyle="--", label="a gradient 0.3% off")
ax.axhline(1e-7, color="grey", linestyle=":", label="1e-7")
ax.set_xlabel(r"step $\varepsilon$")
ax.set_ylabel(r"relative error of $\mathrm{d}W_{aa}$")
ax.set_title("a correct gradient, checked with finite differences")
ax.legend(fontsize=9)
ax.grid(alpha=0.3, which="both")
plt.show()

# %% [markdown]
# The centred difference stays below $10^{-7}$ over more than four decades of $\varepsilon$, from
# $10^{-8}$ to about $3 \times 10^{-4}$, and is best, near $10^{-10}$, around
# $\varepsilon = 10^{-5}$ (the library's default, $10^{-6}$, is safely inside that range). The
# one-sided difference reaches below $10^{-7}$ only in a narrow window around
# $\varepsilon = 10^{-7}$, and from $\varepsilon = 10^{-2}$ on it declares a correct gradient more
# wrong than one that is 0.3% off. Use centred differences, in float64, with $\varepsilon$ around
# $10^{-6}$.
#
# ## Summary
#
# - Softmax with cross-entropy has the gradient $\hat y - y$ (equation {eq}`eq-03-dzy`); $\tanh$
#   multiplies by $1 - a^2$ (equation {eq}`eq-03-dz`), computed from the stored state.
# - The state gets gradient from its own prediction and from the later steps (equation {eq}`eq-03-da`); BPTT
#   runs backwards, carrying $\mathrm{d}a_{\text{next}}$ from each step to the one before
#   (equation {eq}`eq-03-carry`).
# - Shared weights collect the sum of their per-step gradients (equation {eq}`eq-03-sum`); $\mathrm{d}W_{aa}$
#   uses the previous state. The gradient of $a^{\langle 0\rangle}$ is step 1's
#   $\mathrm{d}a_{\text{prev}}$, not a sum.
# - Centred differences (equation {eq}`eq-03-differences`) and the relative error (equation {eq}`eq-03-relerr`)
#   separate correct gradients ($< 10^{-7}$) from wrong ones ($\gtrsim 10^{-3}$), and point at
#   the parameter that is wrong.
#
# **Next:** [04 · Exploding gradients and clipping](04_clipping.ipynb) follows the gradient
# $\mathrm{d}a_{\text{next}}$ back over many steps, and watches it explode.
