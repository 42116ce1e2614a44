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
# # 02 · Unrolling through time
#
# Notebook 01 built one step of a recurrent network. A sequence needs many steps, and the trick
# of an RNN is that they are all the *same* step: the cell is applied again and again, each time
# to the next input and to the state the previous step left behind. Drawn out step by step, the
# network becomes a long chain of identical cells sharing one set of weights: it is *unrolled*
# through time.
#
# The task for the rest of the series is a character-level language model of dinosaur names.
# Reading a name one character at a time, the network predicts the next character. This notebook
# turns names into arrays, runs the unrolled network over them and measures how wrong its
# predictions are.
#
# **Learning goals**
#
# - Encode a name as one-hot inputs $X$ and targets $Y$ of shape $(n_x, m, T_x)$, with the
#   newline as the end mark.
# - Implement the forward pass over a sequence by looping the cell.
# - Define the cross-entropy loss, sum it over the steps, and make padding contribute nothing.
# - Predict what an untrained network scores, $\log 27 \approx 3.2958$ nats per character, and
#   check it.

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
# ## 1. Characters as vectors
#
# The model's alphabet is the 26 lower-case letters plus the newline character `"\n"`, which
# marks the end of a name. That makes $n_x = n_y = 27$ symbols. The newline takes index 0, the
# letters follow in order:

# %%
vocabulary = "\n" + "abcdefghijklmnopqrstuvwxyz"
char_to_ix = {char: index for index, char in enumerate(vocabulary)}
ix_to_char = dict(enumerate(vocabulary))
print(len(vocabulary), "symbols;", {c: char_to_ix[c] for c in "\nabz"})

# %% [markdown]
# A network cannot read a letter, only numbers. The *one-hot* vector of the symbol with index
# $k$ is the column of length 27 with a 1 in row $k$ and 0 elsewhere:
#
# $$ \operatorname{onehot}(k)_{k'} = \begin{cases} 1 & k' = k \\ 0 & \text{otherwise} \end{cases}
#    \qquad k' = 0, \dots, 26
#    $$ (eq-02-onehot)
#
# It makes no claim that "b" is closer to "c" than to "z", and it makes the input projection
# cheap: $W_{ax}\,\operatorname{onehot}(k)$ is simply column $k$ of $W_{ax}$.
#
# ## 2. Inputs and targets of one name
#
# At every step the network sees one character and must predict the next one. So the targets
# are the inputs shifted by one step. At the first step there is no character yet: the input is
# the zero vector, and the target is the first letter. After the last letter the target is the
# newline, which teaches the model to end names. For "rex" (steps numbered from 1 in the
# equations, from 0 in code):
#
# | step $t$ | 1 | 2 | 3 | 4 |
# |---|---|---|---|---|
# | input $x^{\langle t\rangle}$ | $\mathbf{0}$ | r | e | x |
# | target $y^{\langle t\rangle}$ | r | e | x | `\n` |
#
# A name gives one step per letter and one more, $T_x$ = letters + 1, and
# $y^{\langle t\rangle} = x^{\langle t+1\rangle}$ for every step but the last.
#
# :::{admonition} Predict, then run: counting the ones
# :class: tip
#
# "rex" has 3 letters. How many columns (steps) do its `X` and `Y` have, and how many of their
# entries are 1?
# :::

# %%
X_rex, Y_rex = rnn_lib.encode_names(["rex"], char_to_ix)
print("X and Y:", X_rex.shape)
print("ones in X:", int(X_rex.sum()), "  ones in Y:", int(Y_rex.sum()))

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Four steps, 3 ones in `X` and 4 in `Y`. The first input is the zero vector (nothing has been
# read yet), so `X` holds one 1 per letter; every step has a target, the last one the newline,
# so `Y` holds one 1 per step. Each column of `Y` is the next column of `X`, and the name's end
# is the one target with no input to match.
# :::

# %% [markdown]
# :::{exercise} Encode a name · core
# :label: ex-02-encode
#
# Complete `encode_name(name, char_to_ix)`: return `X` and `Y`, both of shape $(27, 1, T_x)$
# with $T_x$ = `len(name) + 1`, following the table above. `X[:, 0, 0]` stays zero; column
# `t` of `X` (for $t \ge 1$) is the one-hot of `name[t - 1]`; column `t` of `Y` is the one-hot
# of `name[t]`, and the last column of `Y` is the one-hot of the newline.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-02-encode-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def encode_name(name, char_to_ix):
    """One-hot inputs and targets of one name: X, Y of shape (n_x, 1, len(name) + 1)."""
    n_x, T_x = len(char_to_ix), len(name) + 1
    X = np.zeros((n_x, 1, T_x))
    Y = np.zeros((n_x, 1, T_x))
    ### BEGIN SOLUTION
    for t, char in enumerate(name):
        X[char_to_ix[char], 0, t + 1] = 1.0
        Y[char_to_ix[char], 0, t] = 1.0
    Y[char_to_ix["\n"], 0, T_x - 1] = 1.0
    ### END SOLUTION
    return X, Y


# %% nbgrader={"grade": true, "grade_id": "ex-02-encode", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_encode_name(encode_name)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_encode_name", encode_name, seed=1902)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. A batch of names, and padding
#
# Names have different lengths, but a batch is one array of shape $(n_x, m, T_x)$. The usual
# answer is *padding*: $T_x$ is the length of the longest name plus one, and the steps after a
# shorter name has ended get an all-zero input and an **all-zero target column**. We will make
# sure below that such a column adds nothing to the loss, so padding changes nothing about what
# the model learns. The helper below is given (it uses the same layout as your `encode_name`):


# %% mystnb={"image": {"alt": "Two side-by-side one-hot grids for 'zuniceratops', rows the 27 symbols (newline, a to z), columns steps 0 to 12, a black cell per step. Inputs X start with an all-zero column then spell z-u-n-i-c-e-r-a-t-o-p-s; targets Y show the same letters one step earlier, ending with the newline at step 12."}}
def encode_batch(names, char_to_ix):
    """One-hot X, Y of shape (n_x, m, T_x) for m names; T_x = longest name + 1, zero padding."""
    n_x, m, T_x = len(char_to_ix), len(names), max(len(name) for name in names) + 1
    X = np.zeros((n_x, m, T_x))
    Y = np.zeros((n_x, m, T_x))
    for i, name in enumerate(names):
        indices = [char_to_ix[char] for char in name]
        X[indices, i, np.arange(1, len(name) + 1)] = 1.0
        Y[indices + [char_to_ix["\n"]], i, np.arange(len(name) + 1)] = 1.0
    return X, Y


names = ["rex", "zuniceratops", "iguanodon", "ankylosaurus"]
X, Y = encode_batch(names, char_to_ix)
print("X, Y:", X.shape, Y.shape)

fig, axes = plt.subplots(1, 2, figsize=(9, 5), sharey=True, layout="constrained")
for ax, array, title in zip(axes, (X, Y), ("inputs X", "targets Y"), strict=True):
    ax.imshow(array[:, 1, :], cmap="Greys", aspect="auto", interpolation="nearest")
    ax.set_title(f"{title} of 'zuniceratops'")
    ax.set_xlabel("step t (from 0), one column each")
axes[0].set_yticks(range(27), ["\\n"] + list(vocabulary[1:]), fontsize=7)
axes[0].set_ylabel("symbol")
plt.show()

# %% [markdown]
# The two panels hold the same pattern of dark cells, one step apart: $Y$ is $X$ moved one step
# to the left, with the newline added at the end and without the zero column at the start.
#
# ## 4. The forward pass over a sequence
#
# Unrolling the cell of [notebook 01](01_rnn_cell.ipynb) (its equations (1) and (2)) over $T_x$
# steps gives, for $t = 1, \dots, T_x$:
#
# $$
# a^{\langle t\rangle} = \tanh\left(W_{aa}\, a^{\langle t-1\rangle} + W_{ax}\, x^{\langle t\rangle}
#   + b_a\right), \qquad
# \hat y^{\langle t\rangle} = \operatorname{softmax}\left(W_{ya}\, a^{\langle t\rangle} + b_y\right)
# $$ (eq-02-unrolled)
#
# starting from a given $a^{\langle 0\rangle}$ (zeros, for a name read from scratch). Every step
# uses the same five parameters. The state is the only thing that passes from one step to the
# next, so it is the only place where the network can remember which letters it has read.
#
# The figure below draws equation {eq}`eq-02-unrolled` for the four steps of "rex", as in the table of
# section 2: time runs from left to right, and each state feeds its own prediction and the next
# step. Each coloured arrow is labelled with the parameter it applies, and the arrows of one
# colour are one and the same parameter: one $W_{ax}$, $W_{aa}$, $W_{ya}$, $b_a$ and $b_y$ serve
# every step, however long the name. At the top, the loss of each step,
# $\mathcal{L}^{\langle t\rangle}$, scores the prediction $\hat y^{\langle t\rangle}$ against the
# target $y^{\langle t\rangle}$; section 5 defines it and adds the steps up to $\mathcal{L}$.

# %% mystnb={"image": {"alt": "Computation graph of the RNN unrolled over the 4 steps of 'rex': each input x<t> (zeros, r, e, x) feeds state a<t>, which feeds prediction y_hat<t> and the next state, from a zero a<0>. Each step's loss against targets r, e, x, newline adds into L; coloured, labelled arrows show one W_ax, W_aa, W_ya, b_a, b_y shared by every step."}} tags=["hide-input"]
from matplotlib.patches import FancyBboxPatch

# One colour per parameter: the Okabe-Ito hues, which colour-blind readers can tell apart, darkened
# so that each label is text of at least 4.5:1 contrast on white (WCAG AA); every arrow is also
# labelled, so colour is never the only cue. Grey notes use #595959 (7:1).
COLOURS = {"Wax": "#0072B2", "Waa": "#B84A00", "Wya": "#00795A", "ba": "#A64D89", "by": "#8C6100"}
NOTE = "#595959"
W, H = 0.42, 0.32  # half-width and half-height of a box
XS = [-0.65 + 2.25 * t for t in range(5)]  # the columns of a<0> and of steps 1 to 4
Y_X, Y_A, Y_HAT, Y_LOSS, Y_TOTAL = 0.0, 1.8, 3.5, 5.1, 6.6  # the rows


def box(ax, x, y, text, face="white", style="-"):
    """One value of the graph: a rounded box centred on (x, y)."""
    shape = dict(boxstyle="round,pad=0.02", fc=face, ec="black", ls=style, lw=1.2, zorder=2)
    ax.add_patch(FancyBboxPatch((x - W, y - H), 2 * W, 2 * H, **shape))
    ax.text(x, y, text, ha="center", va="center", fontsize=13, zorder=3)


def arrow(ax, start, end, colour="black", label="", side="left", lw=1.6):
    """An arrow from start to end, labelled beside its middle in its own colour."""
    style = dict(arrowstyle="-|>", color=colour, lw=lw, shrinkA=0, shrinkB=0, mutation_scale=14)
    ax.annotate("", xy=end, xytext=start, arrowprops=style, zorder=1)
    left = side == "left"
    dx, dy, ha, va = (-0.08, 0, "right", "center") if left else (0, 0.07, "center", "bottom")
    middle = (start[0] + end[0]) / 2 + dx, (start[1] + end[1]) / 2 + dy
    ax.text(*middle, label, color=colour, ha=ha, va=va, fontsize=12)


def draw_unrolled(ax):
    """Boxes for x<t>, a<t>, y_hat<t> and L<t> of steps 1 to 4, arrows for what feeds what."""
    box(ax, XS[0], Y_A, r"$a^{\langle 0\rangle}$", face="#eeeeee", style="--")
    ax.text(XS[0], Y_A - H - 0.12, "zeros", ha="center", va="top", color=NOTE, fontsize=11)
    centre = sum(XS[1:]) / 4
    losses = " + ".join(rf"\mathcal{{L}}^{{\langle {t}\rangle}}" for t in range(1, 5))
    total = dict(boxstyle="round", fc="#fbe3d6", ec="black")
    ax.text(centre, Y_TOTAL, rf"$\mathcal{{L}} = {losses}$", ha="center", va="center", bbox=total,
            fontsize=13)  # fmt: skip
    inputs = ["zeros", "'r'", "'e'", "'x'"]  # under the boxes: "rex" as in section 2's table
    for t, (x, char, target) in enumerate(zip(XS[1:], inputs, "rex\n"), start=1):
        step = rf"^{{\langle {t}\rangle}}"
        box(ax, x, Y_X, f"$x{step}$", face="#eeeeee")
        box(ax, x, Y_A, f"$a{step}$")
        box(ax, x, Y_HAT, rf"$\hat y{step}$")
        box(ax, x, Y_LOSS, rf"$\mathcal{{L}}{step}$", face="#fbe3d6")
        ax.text(x, Y_X - H - 0.12, char, ha="center", va="top", color=NOTE, fontsize=11)
        previous = XS[t - 1]
        arrow(ax, (previous + W, Y_A), (x - W, Y_A), COLOURS["Waa"], "$W_{aa}$", "above")
        arrow(ax, (x, Y_X + H), (x, Y_A - H), COLOURS["Wax"], "$W_{ax}$")
        arrow(ax, (x, Y_A + H), (x, Y_HAT - H), COLOURS["Wya"], "$W_{ya}$")
        for y, bias in [(Y_A, "ba"), (Y_HAT, "by")]:  # the biases enter from the lower right
            arrow(ax, (x + 0.85, y - 0.55), (x + W, y - 0.15), COLOURS[bias])
            colour = COLOURS[bias]
            ax.text(x + 0.88, y - 0.58, f"$b_{bias[1]}$", color=colour, va="top", fontsize=12)
        arrow(ax, (x, Y_HAT + H), (x, Y_LOSS - H))
        arrow(ax, (x + 1.0, Y_LOSS), (x + W, Y_LOSS))
        ax.text(x + 1.05, Y_LOSS + 0.02, rf"$y{step}$", va="bottom", fontsize=12)
        ax.text(x + 1.05, Y_LOSS - 0.02, repr(target), va="top", color=NOTE, fontsize=11)
        arrow(ax, (x, Y_LOSS + H), (centre + (x - centre) * 0.15, Y_TOTAL - 0.3))
    ax.set_xlim(-1.35, XS[-1] + 1.6)
    ax.set_ylim(-0.75, 7.1)
    ax.axis("off")


fig, ax = plt.subplots(figsize=(8.4, 5.4))
draw_unrolled(ax)
ax.set_title("The RNN unrolled over the 4 steps of 'rex': the same parameters at every step")
fig.tight_layout()
plt.show()

# %% [markdown]
# :::{exercise} Unroll the cell · core
# :label: ex-02-rnn-forward
#
# Complete `rnn_forward(X, a0, parameters)` with equation {eq}`eq-02-unrolled`: loop over the steps,
# calling `rnn_lib.rnn_cell_forward(xt, a_prev, parameters)` on `xt = X[:, :, t]`. Store each
# new state in `a[:, :, t]` and each prediction in `y_hat[:, :, t]`, collect the caches in the
# list `caches`, and feed each new state to the next step. Return `a` $(n_a, m, T_x)$, `y_hat`
# $(n_y, m, T_x)$ and `caches`, a list of $T_x$ caches, one per step.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-02-rnn-forward-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def rnn_forward(X, a0, parameters):
    """Run the RNN over T_x steps: a (n_a, m, T_x), y_hat (n_y, m, T_x), caches (one per step)."""
    n_x, m, T_x = X.shape
    n_a, n_y = parameters["Waa"].shape[0], parameters["Wya"].shape[0]
    a = np.zeros((n_a, m, T_x))
    y_hat = np.zeros((n_y, m, T_x))
    caches = []
    ### BEGIN SOLUTION
    a_prev = a0
    for t in range(T_x):
        a_prev, y_hat[:, :, t], cache = rnn_lib.rnn_cell_forward(X[:, :, t], a_prev, parameters)
        a[:, :, t] = a_prev
        caches.append(cache)
    ### END SOLUTION
    return a, y_hat, caches


# %% nbgrader={"grade": true, "grade_id": "ex-02-rnn-forward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_rnn_forward(rnn_forward)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_rnn_forward", rnn_forward, seed=1902)
### END HIDDEN TESTS

# %% [markdown]
# The library's `rnn_lib.rnn_forward` computes the same arrays faster: it projects the inputs of
# all steps with one matrix product, and the outputs and softmax of all steps with another, so
# that only the recurrence itself stays in the Python loop. We use it from here on.
#
# :::{admonition} Predict, then run: what a step can know
# :class: tip
#
# Run the same network over "rex" and over "rexy". Which of the states
# $a^{\langle 1\rangle}, \dots, a^{\langle 4\rangle}$ differ between the two? And which of the
# four steps' losses?
# :::

# %%
rng = np.random.default_rng(5)
demo = {  # weights large enough that the predictions are far from uniform
    "Wax": rng.standard_normal((8, 27)) * 0.5,
    "Waa": rng.standard_normal((8, 8)) * 0.5,
    "Wya": rng.standard_normal((27, 8)) * 0.5,
    "ba": np.zeros((8, 1)),
    "by": np.zeros((27, 1)),
}
states, step_losses = {}, {}
for name in ("rex", "rexy"):
    X1, Y1 = rnn_lib.encode_names([name], char_to_ix)
    states[name], y_hat1, _ = rnn_lib.rnn_forward(X1, np.zeros((8, 1)), demo)
    step_losses[name] = -np.log(np.sum(y_hat1 * Y1, axis=0)).ravel()  # -log p(target)
same = np.allclose(states["rex"], states["rexy"][:, :, :4], rtol=1e-12, atol=0)
print("states of steps 1 to 4 the same:", same)
for name, losses in step_losses.items():
    print(f"{name:5} loss of each step:", " ".join(f"{loss:.3f}" for loss in losses))

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# No state differs: $a^{\langle t\rangle}$ depends on the inputs of steps 1 to $t$ only, and
# for $t \le 4$ both names read the same zero vector, r, e and x. The losses of steps 1 to 3 are
# the same too; step 4 makes the same prediction in both, but scores it against different
# targets: the newline for "rex", "y" for "rexy". A left-to-right RNN cannot look ahead, which is
# exactly what a model that writes names one letter at a time needs.
# :::

# %% [markdown]
# ## 5. The cross-entropy loss
#
# The prediction $\hat y^{\langle t\rangle}$ is a distribution over the 27 symbols; the target
# $y^{\langle t\rangle}$ is one-hot. The cross-entropy of a step is minus the log of the
# probability the model gave to the right symbol, and the loss of a batch adds it up over the
# symbols $k$, the examples $i$ and the steps $t$ (entry $k$ of example $(i)$ at step $t$, as on
# the notation page):
#
# $$
# \mathcal{L} = -\sum_{t=1}^{T_x} \sum_{i=1}^{m} \sum_{k=1}^{n_y}
#   y_k^{(i)\langle t\rangle} \log \hat y_k^{(i)\langle t\rangle}
# $$ (eq-02-loss)
#
# Since exactly one $y_k^{(i)\langle t\rangle}$ is 1 in a real column, the inner sum picks out
# one log-probability. A padded column of $Y$ is all zeros, so its whole term is zero: padding
# adds nothing, as promised. Dividing $\mathcal L$ by the number of real characters gives the
# loss *per character*, which compares across batches; $\mathcal L$ itself is what
# backpropagation differentiates in notebook 03.
#
# One numerical detail: computed literally, equation {eq}`eq-02-loss` multiplies every $0$ in $Y$ by
# $\log \hat y$, and if some $\hat y$ has underflowed to $0$ that is $0 \cdot (-\infty) =$ `nan`.
# Take the logarithm only where $Y$ is 1.

# %% [markdown]
# :::{exercise} The loss · core
# :label: ex-02-loss
#
# Complete `compute_loss(Y_hat, Y)`: the summed cross-entropy (equation {eq}`eq-02-loss`) in nats (natural
# log), as a Python float. Both arrays are $(n_y, m, T_x)$. `Y_hat[Y == 1]` selects the
# probabilities of the targets. The check includes a padded column and a zero probability.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-02-loss-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def compute_loss(Y_hat, Y):
    """Summed cross-entropy: L = -sum over outputs, examples and steps of Y log Y_hat."""
    ### BEGIN SOLUTION
    loss = -float(np.sum(np.log(Y_hat[Y == 1])))
    ### END SOLUTION
    return loss


# %% nbgrader={"grade": true, "grade_id": "ex-02-loss", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_compute_loss(compute_loss)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_compute_loss", compute_loss, seed=1902)
### END HIDDEN TESTS

# %% [markdown]
# Padding really adds nothing: the loss of the padded batch equals the sum of the losses of the
# four names run one at a time. (The padded steps still produce predictions; they are simply
# never scored.)

# %%
n_a = 50
parameters = rnn_lib.initialize_parameters(n_a, 27, 27, rng=2)
_, y_hat, _ = rnn_lib.rnn_forward(X, np.zeros((n_a, len(names))), parameters)
batch_loss = rnn_lib.compute_loss(y_hat, Y)
separate = 0.0
for name in names:
    X1, Y1 = encode_batch([name], char_to_ix)
    separate += rnn_lib.compute_loss(rnn_lib.rnn_forward(X1, np.zeros((n_a, 1)), parameters)[1], Y1)
print(f"padded batch: {batch_loss:.4f} nats   names one by one: {separate:.4f} nats")

# %% [markdown]
# :::{admonition} Predict, then run: predictions at a padded step
# :class: tip
#
# "rex" has 4 real steps in a batch of 13. At its padded steps both the input and the target
# are zero columns. What does the network predict there: a column of zeros, the uniform
# distribution, or something else?
# :::

# %%
padded = y_hat[:, 0, len("rex") + 1 :]  # example 0 is "rex": its steps 5 to 13 are padding
print("padded steps of 'rex':", padded.shape[1])
print("each prediction there sums to 1:", np.allclose(padded.sum(axis=0), 1.0))
print("and none is all zeros:", bool(np.all(padded.max(axis=0) > 0)))

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Something else: a proper distribution at every padded step. The forward pass knows nothing of
# padding; it runs the cell on the zero input from whatever state the name left, and softmax
# always returns a distribution. Padding is harmless because of the *loss*: a zero target column
# multiplies every $\log \hat y$ of that step by 0 in equation {eq}`eq-02-loss`. So these predictions are
# computed and thrown away; they must never be read as the model's opinion.
# :::

# %% [markdown]
# ## 6. What the untrained network predicts
#
# `initialize_parameters` draws weights of about $0.01$ and zero biases. Then every
# pre-activation is close to 0, every state close to 0, every score
# $W_{ya} a^{\langle t\rangle} + b_y$ close to 0, and softmax of 27 equal scores is the uniform
# distribution. A model that gives each symbol probability $1/27$ pays
#
# $$
# -\log \tfrac{1}{27} = \log 27 \approx 3.2958 \text{ nats per character}
# $$ (eq-02-uniform)
#
# whatever the name. That is the baseline any training must beat; its perplexity,
# $e^{\text{loss per character}}$, is 27: the model is as unsure as a uniform choice among 27
# symbols.

# %%
real_chars = int(Y.sum())
per_char = batch_loss / real_chars
print(f"{real_chars} characters, loss per character {per_char:.4f} nats, log 27 = {np.log(27):.4f}")
print(f"perplexity {rnn_lib.perplexity(per_char):.2f}")

# %% mystnb={"image": {"alt": "Left: bar chart of the untrained model's probability for each of 27 next symbols after 'zun'; all bars sit at the dashed line 1/27, about 0.037. Right: loss per step (nats) against step for rex, zuniceratops, iguanodon and ankylosaurus (one coloured line with dots each), all within 3.294 to 3.298, on the dashed line log 27, about 3.296."}}
per_step = -np.log(np.where(Y == 1, y_hat, 1.0)).sum(axis=0)  # (m, T_x); padded steps give 0
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
left.bar(range(27), y_hat[:, 1, 3], color="tab:blue")
left.axhline(1 / 27, color="black", linestyle="--", label="uniform, 1/27")
left.set_xticks(range(27), ["\\n"] + list(vocabulary[1:]), fontsize=7)
left.set_xlabel("next symbol")
left.set_ylabel("predicted probability")
left.set_title("after reading 'zun': the untrained guess for the next symbol")
left.legend(loc="lower right")
for i, name in enumerate(names):
    steps = np.arange(len(name) + 1)
    right.plot(steps, per_step[i, : len(name) + 1], marker="o", markersize=3, label=name)
right.axhline(np.log(27), color="black", linestyle="--", label="log 27")
right.set_ylim(3.28, 3.31)
right.set_xlabel("step t (from 0)")
right.set_ylabel("loss of the step (nats)")
right.set_title("every step costs about log 27")
right.legend(fontsize=8, ncol=2)
plt.show()

# %% [markdown]
# The bars are flat to about one part in a thousand, and every step of every name costs
# $\log 27$ almost exactly. Learning, in notebook 06, will mean pushing these numbers down:
# probability mass moved towards the letters that really follow, loss per character well below
# 3.2958.

# %% [markdown]
# :::{admonition} Predict, then run: a bolder start
# :class: tip
#
# `initialize_parameters` draws weights of about 0.01. Suppose it drew weights of about 1 instead
# (every weight 100 times larger, biases still zero). Would the untrained network's loss per
# character be below $\log 27$, about the same, or above? By how much?
# :::

# %%
for scale in (1, 100):
    bold = rnn_lib.initialize_parameters(n_a, 27, 27, rng=2)
    for name in ("Wax", "Waa", "Wya"):
        bold[name] = bold[name] * scale
    _, y_hat_bold, _ = rnn_lib.rnn_forward(X, np.zeros((n_a, len(names))), bold)
    loss_bold = rnn_lib.compute_loss(y_hat_bold, Y) / real_chars
    print(f"weights of about {0.01 * scale:g}: loss per character {loss_bold:.2f} nats")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Far above: about 14.7 nats per character instead of 3.30. Large random weights make confident
# predictions, and an untrained model's confident predictions are random: it puts most of its
# probability on some letter that is usually not the next one, and $-\log$ of a small
# probability is large. Averaged over random weights, no guess that knows nothing of the data
# beats the uniform one, since $\mathbb{E}[-\log \hat y_k] \ge -\log \mathbb{E}[\hat y_k] =
# \log 27$ when no symbol is favoured (Jensen's inequality). Small initial weights start training
# from the best guess that knows nothing.
# :::

# %% [markdown]
# ## Summary
#
# - Characters become one-hot columns of length 27, the newline (index 0) marking the end of a
#   name (equation {eq}`eq-02-onehot`). The targets are the inputs shifted by one step; the first input
#   is the zero vector and the last target the newline, so $T_x$ = letters + 1.
# - Unrolling applies the same cell with the same weights at every step; only the state carries
#   information forward (equation {eq}`eq-02-unrolled`).
# - The loss is the summed cross-entropy (equation {eq}`eq-02-loss`); all-zero (padded) target columns add
#   nothing, so names of different lengths batch together.
# - An untrained model predicts nearly uniform distributions and scores
#   $\log 27 \approx 3.2958$ nats per character (equation {eq}`eq-02-uniform`), perplexity 27.
#
# **Next:** [03 · Backpropagation through time](03_bptt.ipynb) computes how the loss changes
# with every weight, and checks the result numerically.
