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
# # 09 · Streams and truncated backpropagation through time
#
# Every sequence so far was a name: short, independent of the others, read from a zero state.
# Much of the data recurrent networks read is not like that. A novel, a server log or a year of
# sensor readings is **one long sequence**, a *stream*, where what comes next may depend on
# anything before it. Backpropagation through time (BPTT,
# [Werbos, 1990](../book/references.md)) over a stream
# of a million characters would keep a million hidden states for one backward pass and make
# one update per pass over the data. The standard remedy is **truncated** BPTT
# ([Williams and Zipser, 1995](../book/references.md)): read the stream in chunks of $k$ steps,
# carry the hidden state from one chunk into the next, and cut the gradient at every chunk
# boundary. Elman's networks ([Elman, 1990](../book/references.md)) already read their streams
# this way, with $k = 1$.
#
# The carried state is the same move the seed notebook made by accident: its training loop
# carried the hidden state from one name into the next. This notebook shows why that was a bug
# for independent names and is the rule for a stream, and what the cut gradient costs.
#
# **Learning goals**
#
# - Cut one long sequence into $m$ parallel streams and chunks of $k$ steps, and say why each
#   stream must be a contiguous piece of the sequence.
# - Write truncated BPTT: carry the state forward, stop the gradient at the chunk boundary.
# - Derive which terms of the full gradient truncation drops, and bound them with notebook 07's
#   product of Jacobians.
# - Measure that a dependency longer than $k$ is (mostly) not learned, even with the state
#   carried, while the forward pass could use it.
# - Explain why the seed's carried state was wrong for names and is right for a stream, and
#   what $k$ costs in time.

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
import time

import matplotlib.pyplot as plt
import numpy as np

import rnn_lib
from rnn_lib.teaching import checks

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## One long sequence
#
# Our first stream is the dinosaur names of notebook 06, joined into one text with the newline
# between them. We shuffle them first (`split_names` does, and sets 10% aside as a dev set): the
# corpus file is sorted, and sorted neighbours share their first letters, a pattern of the file
# rather than of names that a model reading on from one name into the next would happily learn.
# The text starts with a newline, so that the first name is predicted from the same cue as all
# the others.

# %%
names = rnn_lib.load_dinosaur_names()
train_names, dev_names = rnn_lib.split_names(names, dev_fraction=0.1, rng=0)
chars = rnn_lib.build_vocabulary(names)
char_to_ix, ix_to_char = rnn_lib.index_maps(chars)
n_x = len(chars)


def as_stream(names):
    """The names as one text: a newline before each name and after the last."""
    return "\n" + "\n".join(names) + "\n"


train_stream = rnn_lib.text_indices(as_stream(train_names), char_to_ix)
dev_stream = rnn_lib.text_indices(as_stream(dev_names), char_to_ix)
print(f"training stream: {len(train_stream):,} symbols; dev stream: {len(dev_stream):,}")
print(repr(as_stream(train_names)[:70]))

# %% [markdown]
# ## Cutting a stream: $m$ streams, chunks of $k$ steps
#
# A minibatch needs $m$ columns that the network can read in parallel, and a stream has only
# one beginning. So we cut the sequence $s_0, s_1, \dots, s_{N_s-1}$ of $N_s$ symbols into $m$
# **contiguous** pieces of $\lfloor N_s/m \rfloor$ symbols, one per column, and drop the fewer
# than $m$ symbols left over at the end. Column $i$ then reads its own piece from start to end,
# and has $T = \lfloor N_s/m \rfloor - 1$ steps, each with an input and the next symbol as its
# target.
# Time is then cut into chunks of $k$ steps; the last chunk is shorter when $k$ does not divide
# $T$ (it is not padded). In the layout of the whole series, with steps counted from 0 in code,
# step $t$ of chunk $c$ in column $i$ (all three counted from 0) reads
#
# $$
# \begin{aligned}
# X_{:,\,i,\,t} &= \operatorname{onehot}\big(s_{\,i\lfloor N_s/m\rfloor + ck + t}\big), \\
# Y_{:,\,i,\,t} &= \operatorname{onehot}\big(s_{\,i\lfloor N_s/m\rfloor + ck + t + 1}\big),
# \qquad 0 \le t < k .
# \end{aligned}
# $$ (eq-09-layout)
#
# The point of the contiguous pieces is the next chunk: chunk $c+1$ of column $i$ continues the
# text exactly where chunk $c$ of column $i$ stopped, so the hidden state column $i$ ended
# chunk $c$ with is the right state to start chunk $c+1$ from. The figure shows the first three
# chunks of $m = 4$ streams of the dinosaur text, $k = 8$ (the newline drawn as ⏎).


# %% mystnb={"image": {"alt": "Grid of dinosaur-text characters in 4 rows (batch columns 0 to 3) by 24 steps, split into chunks 0, 1, 2 of 8 steps by alternating blue and beige shading and red dashed lines labelled 'gradient cut'. Green arrows across each cut show the state carried: each row continues its text into the next chunk, e.g. 'stygive' then 'nator'."}} tags=["hide-input"]
def draw_streams(stream, m, k, chunks):
    """The first `chunks` chunks of k steps of m streams, one row per column of the batch."""
    rows = rnn_lib.split_streams(stream, m)[:, : chunks * k]
    fig, ax = plt.subplots(figsize=(10, 3.2))
    for j, row in enumerate(rows):
        y = m - 1 - j
        for t, index in enumerate(row):
            symbol = "⏎" if index == 0 else ix_to_char[int(index)]
            shade = "#dbe9f6" if (t // k) % 2 == 0 else "#fdebd0"
            ax.add_patch(plt.Rectangle((t, y), 1, 0.8, fc=shade, ec="white"))
            ax.text(
                t + 0.5, y + 0.4, symbol, ha="center", va="center", fontsize=11, family="monospace"
            )
        ax.text(-0.4, y + 0.4, f"column {j}", ha="right", va="center")
        for c in range(1, chunks):
            ax.annotate(
                "",
                xy=(c * k + 0.6, y + 0.9),
                xytext=(c * k - 0.6, y + 0.9),
                arrowprops=dict(arrowstyle="-|>", color="tab:green", lw=1.5),
            )
    for c in range(1, chunks):
        ax.axvline(c * k, color="tab:red", ls="--", lw=1.2)
        ax.text(c * k, m + 0.05, "gradient cut", color="tab:red", ha="center", fontsize=9)
    for c in range(chunks):
        ax.text(c * k + k / 2, -0.45, f"chunk {c}", ha="center")
    ax.text(chunks * k + 0.3, m - 0.1, "state\ncarried", color="tab:green", fontsize=9, va="center")
    ax.set_xlim(-3.2, chunks * k + 3)
    ax.set_ylim(-0.8, m + 0.5)
    ax.axis("off")
    ax.set_title(f"m = {m} contiguous streams of the dinosaur text, chunks of k = {k} steps")
    plt.show()


draw_streams(train_stream, m=4, k=8, chunks=3)

# %% [markdown]
# Each row continues across the red lines: its state (green arrow) is carried into the next
# chunk. The rows are far apart in the text, about $N_s/m$ symbols: column 1 starts a quarter of
# the way in.

# %% [markdown]
# :::{exercise} Cut a stream into chunks · core
# :label: ex-09-stream-chunks
#
# Complete `stream_chunks(indices, n_x, m, k)`. `indices` is a 1-D integer array of $N_s$
# vocabulary indices. Return a list of pairs `(X, Y)` following equation {eq}`eq-09-layout`: cut the
# sequence into `m` contiguous streams of $\lfloor N_s/m \rfloor$ symbols (drop the last
# $N_s - m \lfloor N_s/m \rfloor$), then cut each stream's $\lfloor N_s/m \rfloor - 1$ steps into
# chunks of `k` steps, the last one shorter if need be. `X` and `Y` are one-hot float arrays of
# shape `(n_x, m, k)` (the last `(n_x, m, r)` with $r \le k$), and `Y` holds, at each step, the
# symbol *after* the input.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-09-stream-chunks-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def stream_chunks(indices, n_x, m, k):
    """Chunks (X, Y), each (n_x, m, k) (the last may be shorter), of m contiguous streams."""
    chunks = []
    ### BEGIN SOLUTION
    length = len(indices) // m
    streams = np.asarray(indices[: m * length]).reshape(m, length)
    columns = np.arange(m)[:, None]
    for start in range(0, length - 1, k):
        stop = min(start + k, length - 1)
        steps = np.arange(stop - start)[None, :]
        X = np.zeros((n_x, m, stop - start))
        Y = np.zeros((n_x, m, stop - start))
        X[streams[:, start:stop], columns, steps] = 1.0
        Y[streams[:, start + 1 : stop + 1], columns, steps] = 1.0
        chunks.append((X, Y))
    ### END SOLUTION
    return chunks


# %% nbgrader={"grade": true, "grade_id": "ex-09-stream-chunks", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_stream_chunks(stream_chunks)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_stream_chunks", stream_chunks, seed=1909)
### END HIDDEN TESTS

# %% [markdown]
# From here on we use the library's `rnn_lib.stream_chunks` (an iterator over the same pairs).
# With $m = 16$ and $k = 8$, one pass over the dinosaur text is

# %%
m, k = 16, 8
steps = len(train_stream) // m - 1
chunks = rnn_lib.count_chunks(len(train_stream), m, k)
print(f"{steps} steps per stream, {chunks} chunks of k = {k}")

# %% [markdown]
# ## Truncated BPTT: carry the state, cut the gradient
#
# Truncated BPTT reads the chunks in order. Chunk $c$ starts from the state $a_{\text{start}}$
# that chunk $c-1$ ended with (chunk 0 from zeros), runs the forward pass of notebook 02 and the
# backward pass of notebook 03 over its own steps, and updates the parameters:
#
# $$
# \begin{aligned}
# \big(a,\ \hat y\big) &= \text{forward}\big(X_c,\ a_{\text{start}}\big), \\
# \mathrm{d}W &= \text{BPTT}\big(X_c, Y_c\big)
#   \ \text{with}\ a_{\text{start}}\ \text{held constant}, \\
# a_{\text{start}} &\leftarrow a^{\langle \text{last step of chunk } c\rangle} .
# \end{aligned}
# $$ (eq-09-chunk)
#
# "Held constant" is the whole trick. The backward pass of a chunk ends by computing
# $\mathrm{d}a^{\langle 0\rangle}$, the gradient with respect to the state it started from
# (`da0` of `rnn_lib.rnn_backward`). Full BPTT would pass it on into the previous chunk's
# backward pass; truncated BPTT drops it. In a framework with automatic differentiation that
# is the `detach()` of the carried state; in numpy it is simply not using `da0`.
#
# :::{exercise} The truncated gradient · core
# :label: ex-09-truncated-gradients
#
# Complete `truncated_gradients(X, Y, a0, parameters, k)`: the gradient that truncated BPTT
# computes for one sequence `X, Y` of shape `(n_x, m, T_x)` when the parameters are not updated
# between chunks. Cut the $T_x$ steps into chunks of `k` (the last one may be shorter), run
# each chunk with `rnn_lib.rnn_forward` from the state the previous chunk ended with (the first
# from `a0`), take its gradients with `rnn_lib.rnn_backward`, and add up every chunk's
# parameter gradients (`dWax`, `dWaa`, `dWya`, `dba`, `dby`) and losses
# (`rnn_lib.compute_loss`). Return `(loss, gradients, a_last)`, with `a_last` the state after
# the last step, of shape `(n_a, m)`.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-09-truncated-gradients-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def truncated_gradients(X, Y, a0, parameters, k):
    """Sum over chunks of k steps of each chunk's BPTT gradient, its start state held constant."""
    loss = 0.0
    gradients = {f"d{name}": np.zeros_like(parameters[name]) for name in rnn_lib.PARAM_NAMES}
    a_last = a0  # the state the next chunk starts from; in the end, the state after the last step
    ### BEGIN SOLUTION
    for start in range(0, X.shape[2], k):
        X_c, Y_c = X[:, :, start : start + k], Y[:, :, start : start + k]
        a, y_hat, cache = rnn_lib.rnn_forward(X_c, a_last, parameters)
        chunk = rnn_lib.rnn_backward(X_c, Y_c, parameters, cache)
        loss += rnn_lib.compute_loss(y_hat, Y_c)
        for name in rnn_lib.PARAM_NAMES:
            gradients[f"d{name}"] += chunk[f"d{name}"]  # chunk["da0"] is not used: the cut
        a_last = a[:, :, -1]  # carried into the next chunk
    ### END SOLUTION
    return loss, gradients, a_last


# %% nbgrader={"grade": true, "grade_id": "ex-09-truncated-gradients", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_truncated_gradients(truncated_gradients)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_truncated_gradients", truncated_gradients, seed=1909)
### END HIDDEN TESTS

# %% [markdown]
# The library's `rnn_lib.train_tbptt` is this loop with an update after every chunk
# (`rnn_lib.training.tbptt.train_chunk`: forward, backward, clip, Adam or SGD), the state
# carried from chunk to chunk, and a fresh zero state at the start of each pass over the
# stream.
#
# :::{admonition} Predict, then run: one chunk as long as the sequence
# :class: tip
#
# With $k \ge T_x$ the whole sequence is one chunk. Is the truncated gradient then equal to
# full BPTT's, only approximately, or exactly, to the last bit?
# :::

# %%
rng = np.random.default_rng(9)
X = np.eye(n_x)[rng.integers(0, n_x, size=(3, 40))].transpose(2, 0, 1)  # (27, 3, 40)
Y = np.eye(n_x)[rng.integers(0, n_x, size=(3, 40))].transpose(2, 0, 1)
parameters = rnn_lib.initialize_parameters(20, n_x, n_x, rng=rng)
a0 = np.zeros((20, 3))
_, full = rnn_lib.rnn_loss_and_gradients(X, Y, a0, parameters)
for chunk_length in (40, 39):
    _, truncated, _ = rnn_lib.truncated_gradients(X, Y, a0, parameters, chunk_length)
    same = all(np.array_equal(truncated[key], full[key]) for key in full)
    print(f"k = {chunk_length}: identical to full BPTT, bit for bit: {same}")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Exactly. With one chunk, truncated BPTT runs the same forward and backward pass over the same
# steps from the same $a^{\langle 0\rangle}$, and there is no boundary to cut, so every number
# is computed by the same operations in the same order (a test of the library checks it bit for
# bit). One step less, $k = T_x - 1$, and there is a boundary: the last step's chunk starts from
# a state treated as a constant, and the gradient differs.
# :::

# %% [markdown]
# ## Training on the stream: why the state is carried
#
# We train the vanilla RNN of notebook 06 (50 hidden units, Adam, clipping by global norm) on
# the dinosaur text with $m = 16$ streams and chunks of $k = 8$, twice: once carrying the state
# between chunks, once resetting it to zero at the start of every chunk. Then we read the dev
# text with each model the way it was trained (the first continuously, the second from a zero
# state every 8 steps) and average the loss of each position in the chunk.

# %% mystnb={"image": {"alt": "Line chart of dev loss per character against position of the step in its chunk of 8. With the state reset every chunk (orange) loss is 2.37 at position 0 and falls to 1.81 at position 7; with the state carried (blue) it stays between 1.77 and 1.92 everywhere, so resetting costs over 0.2 nats at a chunk's first step."}}
settings = dict(hidden=50, m=16, k=8, epochs=10, learning_rate=0.01, seed=0)
carried = rnn_lib.train_tbptt(train_stream, n_x, carry_state=True, **settings)
reset = rnn_lib.train_tbptt(train_stream, n_x, carry_state=False, **settings)


def loss_per_step(parameters, stream, m, reset_every=None):
    """-log p(next symbol) at every step of m streams, (m, T): the model's surprise."""
    y_hat = rnn_lib.predict_stream(parameters, stream, m, reset_every=reset_every)
    targets = rnn_lib.split_streams(stream, m)[:, 1:]
    return -np.log(np.take_along_axis(y_hat, targets[None], axis=0)[0])


k = settings["k"]
losses = {
    "state carried": loss_per_step(carried.parameters, dev_stream, 4),
    "state reset every chunk": loss_per_step(reset.parameters, dev_stream, 4, reset_every=k),
}
position = np.arange(losses["state carried"].shape[1]) % k
profiles = {
    label: [loss[:, position == p].mean() for p in range(k)] for label, loss in losses.items()
}

fig, ax = plt.subplots(figsize=(7, 3.6))
for label, profile in profiles.items():
    ax.plot(range(k), profile, "o-", label=label)
ax.set_xlabel("position of the step in its chunk")
ax.set_ylabel("dev loss (nats per character)")
ax.set_title(f"The first steps of a chunk need the carried state (k = {k})")
ax.legend()
plt.show()

# %%
penalty = np.subtract(profiles["state reset every chunk"], profiles["state carried"])
assert penalty[0] > 0.2 and penalty[-1] < penalty[0] / 2
print("resetting costs over 0.2 nats at a chunk's first step, under half that at its last")

# %% [markdown]
# The chunk boundary falls in the middle of names. A model whose state is reset at the boundary
# must predict the first characters of a chunk from almost nothing: a few letters of some name,
# without knowing where in the name it is. With the state carried, every position is read in
# full context and the peak is gone; the wiggles both curves share come from which characters
# happen to fall at each position of the dev text. For a stream, carrying the state is not
# optional: without it, the model learns and predicts as if the text began again every $k$
# characters. (The boundaries also fall at the same places of the training text in every epoch,
# so the same characters always start a chunk and have the shortest gradient horizon;
# `train_tbptt(..., random_offset=True)` starts each epoch 0 to $k - 1$ symbols into the stream,
# which moves them. The models here keep the fixed boundaries.)
#
# **And the seed?** The seed notebook's loop trained on one name per step and passed the last
# hidden state of each name on as the initial state of the next, as a constant. In the terms of
# this notebook that is truncated BPTT with $m = 1$ and a chunk per name. But the names are
# *independent*: the previous name says nothing about the next one, so the carried state is at
# best information the model must learn to ignore, and the order of the list decides which
# name's leftovers each name starts from. Worse, the trained model was then used differently:
# sampling (notebook 05) and evaluation start every name from a zero state, a start the seed's
# model had been trained from exactly once. That is why `rnn_lib.rnn_model` starts each name
# from zeros.
#
# On a stream the same carried state is right, because the model is *used* as it is trained: it
# reads on. And when the stream is made of independent pieces, the model learns that the
# newline starts afresh. We can check how little it uses what the previous name left in its
# state. The control is a model that cannot use it: the same trained weights, reading the same
# dev stream, with the state reset to zero at every newline, so that each name is read from
# its newline alone. (Reading the names in another order would not do: both orders carry
# *some* previous name into each one.)

# %%
def loss_reset_at_newlines(parameters, names):
    """Mean -log p over the dev stream when the state is zero at every newline it reads."""
    pieces = [rnn_lib.text_indices("\n" + name + "\n", char_to_ix) for name in names]
    losses = np.concatenate([loss_per_step(parameters, piece, 1)[0] for piece in pieces])
    assert len(losses) == len(dev_stream) - 1  # every step of the stream, once
    return losses.mean()


carried_on = loss_per_step(carried.parameters, dev_stream, 1).mean()
fresh = loss_reset_at_newlines(carried.parameters, dev_names)
assert abs(carried_on - fresh) < 0.01 and carried_on < 1.9
print("dev names as one stream, the state carried across every newline or reset at each:")
print("the same loss per character within 0.01 nats, under 1.9 (notebook 06's recipe: 1.79)")

# %% [markdown]
# Across a newline the carried state brings almost nothing the model uses (in the stored run
# 1.8440 nats per character carried, 1.8424 reset); inside a name it is indispensable. The rule
# is to carry the state exactly as far as the sequence really goes on, and to use the model from
# the states it was trained from.
#
# A model trained on the stream also *writes* one. Fed its own samples from a running state that
# is never reset, it ends each name with a newline and starts the next one by itself, as the text
# it read did:

# %%
def sample_stream(parameters, length, rng):
    """length characters drawn one after another from a running state, after a newline."""
    rng = np.random.default_rng(rng)
    a, index, text = np.zeros((parameters["Waa"].shape[0], 1)), char_to_ix["\n"], ""
    for _ in range(length):
        a, y_hat, _ = rnn_lib.rnn_cell_forward(np.eye(n_x)[:, [index]], a, parameters)
        index = rng.choice(n_x, p=y_hat[:, 0])
        text += ix_to_char[index]
    return text


written = sample_stream(carried.parameters, 200, rng=0).split("\n")
print(", ".join(written[:-1]))  # the names it finished, in the order it wrote them

# %% [markdown]
# :::{admonition} Predict, then run: streams dealt out chunk by chunk
# :class: tip
#
# Suppose the batching cut the text into pieces of $k$ symbols and dealt consecutive pieces to
# consecutive columns (piece 0 to column 0, piece 1 to column 1, ..., piece $m$ to column 0
# again). Would training crash, warn, or silently go wrong? What would the carried state be?
# :::
#
# :::{admonition} Answer
# :class: dropdown
#
# It silently goes wrong. The shapes are right and the loss still falls, but the state that
# column 0 carries out of its first chunk (the text up to symbol $k$) is then used to read
# piece $m$, which starts $(m-1)k$ symbols later: the model is told the wrong context at every
# chunk boundary, which is worse than no context at all, and learns to distrust its own state.
# That is why the check of the first exercise names this mistake. The streams must be
# contiguous in the *columns*, not in the batch.
# :::

# %% [markdown]
# ## What truncation misses
#
# Now the price. Take one column and the recurrence of notebook 07,
# $a^{\langle t\rangle} = \tanh(z^{\langle t\rangle})$ with
# $z^{\langle t\rangle} = W_{aa} a^{\langle t-1\rangle} + W_{ax} x^{\langle t\rangle} + b_a$, and
# its one-step Jacobian $J^{\langle t\rangle} = \operatorname{diag}(1 - (a^{\langle t\rangle})^2)
# \,W_{aa}$ (notebook 07 derives it). Steps count from 1 again, and $j$ is an earlier step.
# The weight $W_{aa}$ is used at every step $j \le t$, and the loss of step $t$ depends on each
# use, so its full gradient sums one term per use (notebook 03):
#
# $$
# \begin{aligned}
# \frac{\partial \mathcal{L}^{\langle t\rangle}}{\partial W_{aa}}
# &= \sum_{j=1}^{t} \Big[\big(1 - (a^{\langle j\rangle})^2\big) \odot
#   \big(J^{\langle j+1\rangle}\big)^{\!\top} \cdots \big(J^{\langle t\rangle}\big)^{\!\top}
#   \delta^{\langle t\rangle}\Big]\, \big(a^{\langle j-1\rangle}\big)^{\!\top}, \\
# \delta^{\langle t\rangle}
#   &= \frac{\partial \mathcal{L}^{\langle t\rangle}}{\partial a^{\langle t\rangle}}
#   = W_{ya}^{\top}\big(\hat y^{\langle t\rangle} - y^{\langle t\rangle}\big) .
# \end{aligned}
# $$ (eq-09-full)
#
# Term $j$ carries the error of step $t$ back to step $j$ through $t - j$ Jacobians, the chain
# of notebook 07 (for $j = t$ the product is empty, the identity). Let
# $s(t) = k\lfloor (t-1)/k \rfloor + 1$ be the first step of the chunk that holds $t$. The
# backward pass of that chunk stops at the carried state $a^{\langle s(t)-1\rangle}$, so it
# sees only the uses inside the chunk:
#
# $$
# \Big(\frac{\partial \mathcal{L}^{\langle t\rangle}}{\partial W_{aa}}\Big)_{\text{truncated}}
# = \sum_{j=s(t)}^{t} \Big[\big(1 - (a^{\langle j\rangle})^2\big) \odot
#   \big(J^{\langle j+1\rangle}\big)^{\!\top} \cdots \big(J^{\langle t\rangle}\big)^{\!\top}
#   \delta^{\langle t\rangle}\Big]\, \big(a^{\langle j-1\rangle}\big)^{\!\top} .
# $$ (eq-09-truncated)
#
# What it misses are the terms of the earlier steps, $j < s(t)$. Each of them passes the
# boundary, so each contains the same product of Jacobians from $t$ back to the boundary:
#
# $$
# \begin{aligned}
# &\frac{\partial \mathcal{L}^{\langle t\rangle}}{\partial W_{aa}}
#   - \Big(\frac{\partial \mathcal{L}^{\langle t\rangle}}{\partial W_{aa}}
#   \Big)_{\text{truncated}} \\
# &\qquad = \sum_{j=1}^{s(t)-1} \Big[\big(1 - (a^{\langle j\rangle})^2\big) \odot
#   \big(J^{\langle j+1\rangle}\big)^{\!\top} \cdots \big(J^{\langle s(t)-1\rangle}\big)^{\!\top} \\
# &\qquad\qquad\quad \underbrace{\big(J^{\langle s(t)\rangle}\big)^{\!\top} \cdots
#   \big(J^{\langle t\rangle}\big)^{\!\top} \delta^{\langle t\rangle}}_{\partial
#   \mathcal{L}^{\langle t\rangle} / \partial a^{\langle s(t)-1\rangle}}\Big]
#   \big(a^{\langle j-1\rangle}\big)^{\!\top} .
# \end{aligned}
# $$ (eq-09-missing)
#
# The bracketed product is the gradient with respect to the carried state: exactly the `da0`
# that the chunk's backward pass computes and throws away. The same holds for $W_{ax}$ and
# $b_a$ (replace $(a^{\langle j-1\rangle})^\top$ by $(x^{\langle j\rangle})^\top$ or by 1);
# $W_{ya}$ and $b_y$ lose nothing, since they act on step $t$ alone. As in notebook 07's bound,
# every Jacobian has a norm of at most $\sigma_{\max}(W_{aa})$ (because
# $0 < 1 - \tanh^2 \le 1$), and $\lvert a \rvert \le 1$, so a missing term $j$ is at most
#
# $$
# \Big\lVert \text{term}_j \Big\rVert
# \le \sigma_{\max}(W_{aa})^{\,t-j}\, \big\lVert \delta^{\langle t\rangle} \big\rVert \sqrt{n_a},
# \qquad t - j \ge t - s(t) + 1 .
# $$ (eq-09-bound)
#
# Three consequences:
#
# - **The horizon varies.** Step $t$ sends gradient back $t - s(t) + 1$ steps: one step for the
#   first step of a chunk, $k$ for the last, $(k+1)/2$ on average. The first steps of each chunk
#   lose terms that are only one Jacobian away.
# - **Often it costs little.** When the Jacobians shrink the gradient (notebook 07's vanishing
#   product, $\sigma_{\max} < 1$), the missing terms are damped geometrically: full BPTT would
#   have added almost nothing there anyway. This is why truncated BPTT is the standard way to
#   train on long sequences.
# - **Sometimes it costs everything.** If the prediction at $t$ needs an input that arrived at a
#   step $p < s(t)$, every term that could teach the network to *store* that input at step $p$
#   and carry it to the boundary is in equation {eq}`eq-09-missing`. The truncated gradient still sees the
#   carried state $a^{\langle s(t)-1\rangle}$ (it is the $a^{\langle j-1\rangle}$ of the term
#   $j = s(t)$), so it can learn to *read* what the state happens to hold, but not to *write* it
#   there. A dependency longer than $k$ is learned only as far as the weights already keep the
#   input by chance.
#
# :::{exercise} Measure what truncation misses · stretch
# :label: ex-09-truncation-gap
#
# Complete `truncation_gap(X, Y, a0, parameters, k)`: the share of the full gradient that
# truncation at `k` misses, $\lVert g_{\text{full}} - g_{\text{truncated}} \rVert /
# \lVert g_{\text{full}} \rVert$, where $g$ stands for all parameter gradients together and
# $\lVert\cdot\rVert$ is their global norm (notebook 04; `rnn_lib.global_norm`, which leaves
# `da0` out). Get $g_{\text{full}}$ from `rnn_lib.rnn_loss_and_gradients` and
# $g_{\text{truncated}}$ from `rnn_lib.truncated_gradients`.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-09-truncation-gap-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def truncation_gap(X, Y, a0, parameters, k):
    """||g_full - g_truncated|| / ||g_full|| over all parameter gradients (global norms)."""
    ### BEGIN SOLUTION
    _, full = rnn_lib.rnn_loss_and_gradients(X, Y, a0, parameters)
    _, truncated, _ = rnn_lib.truncated_gradients(X, Y, a0, parameters, k)
    difference = {key: full[key] - truncated[key] for key in full}
    return rnn_lib.global_norm(difference) / rnn_lib.global_norm(full)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex-09-truncation-gap", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_truncation_gap(truncation_gap)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_truncation_gap", truncation_gap, seed=1909)
### END HIDDEN TESTS

# %% [markdown]
# We measure the gap on the dev text (8 streams of 200 steps) for two models: the freshly
# initialised one (weights $0.01\,\mathcal{N}(0, 1)$, so $\sigma_{\max}(W_{aa})$ is about 0.14)
# and the one trained above with the state carried.

# %% mystnb={"image": {"alt": "Log-log chart of the share of the full gradient that truncation misses against chunk length k, 1 to 128. With initial weights (blue, largest singular value of W_aa 0.14) it is about 0.006 at k = 1 and falls along the dotted 1/k line; trained (orange, 3.90) it is about 0.5 at k = 1 and still 0.05 at k = 128."}}
X_dev, Y_dev = next(rnn_lib.stream_chunks(dev_stream, n_x, 8, 200))
a0_dev = np.zeros((50, 8))
initial = rnn_lib.initialize_parameters(50, n_x, n_x, rng=0)
chunk_lengths = [1, 2, 4, 8, 16, 32, 64, 128]
gaps = {
    "initial weights": [
        rnn_lib.truncation_gap(X_dev, Y_dev, a0_dev, initial, c) for c in chunk_lengths
    ],
    "trained (state carried, k = 8)": [
        rnn_lib.truncation_gap(X_dev, Y_dev, a0_dev, carried.parameters, c) for c in chunk_lengths
    ],
}
sigma = {
    "initial weights": initial["Waa"],
    "trained (state carried, k = 8)": carried.parameters["Waa"],
}

fig, ax = plt.subplots(figsize=(7, 4))
for label, values in gaps.items():
    s_max = np.linalg.norm(sigma[label], 2)
    ax.loglog(
        chunk_lengths, values, "o-", label=rf"{label}, $\sigma_{{\max}}(W_{{aa}})$ = {s_max:.2f}"
    )
ax.loglog(chunk_lengths, gaps["initial weights"][0] / np.array(chunk_lengths), "k:", label="$1/k$")
ax.set_xlabel("chunk length $k$")
ax.set_ylabel(r"$\|g_{full} - g_{truncated}\| \,/\, \|g_{full}\|$")
ax.set_title("The share of the full gradient that truncation misses")
ax.legend(fontsize=8)
plt.show()

# %%
assert max(gaps["initial weights"]) < 0.01
trained_gaps = gaps["trained (state carried, k = 8)"]
assert trained_gaps[0] > 0.3 and all(np.diff(trained_gaps) < 0)
print("initial weights: under 1% missed at every k")
print("trained: over 30% at k = 1, and less at every larger k")

# %%
recurrent = ("dWax", "dWaa", "dba")  # the parameters truncation can change


def recurrent_gap(parameters, k):
    """The share of the full gradient that truncation at k misses, over W_ax, W_aa, b_a only."""
    _, full = rnn_lib.rnn_loss_and_gradients(X_dev, Y_dev, a0_dev, parameters)
    _, cut, _ = rnn_lib.truncated_gradients(X_dev, Y_dev, a0_dev, parameters, k)
    missed = rnn_lib.global_norm({key: full[key] - cut[key] for key in recurrent})
    return missed / rnn_lib.global_norm({key: full[key] for key in recurrent}), full


gap_1, full_initial = recurrent_gap(initial, 1)
output_share = 1 - (
    rnn_lib.global_norm({key: full_initial[key] for key in recurrent})
    / rnn_lib.global_norm(full_initial)
) ** 2
assert output_share > 0.99 and 0.05 < gap_1 < 0.1
print("initial weights: W_ya and b_y hold over 99% of the squared gradient norm;")
print("over W_ax, W_aa and b_a alone, k = 1 misses between 5% and 10%")

# %% [markdown]
# At the initial weights "under 1%" is mostly dilution: the output layer's $W_{ya}$ and $b_y$,
# which truncation never touches, hold over 99% of the squared gradient norm, so the recurrent
# parameters' share of the global gap is small whatever truncation does to them. Measured over
# $W_{ax}$, $W_{aa}$ and $b_a$ alone (the cell above), $k = 1$ misses about 7%: each missing
# term is damped by at least one Jacobian of norm about 0.14. The gap falls like $1/k$: only
# the first step of each chunk loses a term one Jacobian away, and $1/k$ of the steps start a
# chunk. Training makes $W_{aa}$ large (its Jacobians stay bounded because the
# $\tanh$ units saturate), the long terms matter, and the gap falls much more slowly. Yet the
# model trained with $k = 8$ predicts the dev names nearly as well as notebook 06's (under 1.9
# nats per character against 1.79, above). A large gap in the gradient is not by itself a worse
# model: what counts is whether the missing terms carry something the kept terms cannot teach.
# The next experiment builds a task where they carry everything.

# %% [markdown]
# ## A dependency longer than the chunk
#
# The **echo** task hides one long dependency in a stream. It is the recall task of notebooks 07
# and 08, made into a stream: a *key* from `a`–`d`, $L$ filler letters from `e`–`z`, a newline
# (the question), the key again (the echo), then up to 3 more fillers, so that the segments do
# not line up with the chunks; and again, for ever. Everything is random except the echo: to
# predict it at the question, the model must keep the key for $L + 1$ steps. A model that does
# not is right a quarter of the time.

# %%
from rnn_lib.teaching.tasks import VOCAB, echo_stream

delay = 5  # L
stream, questions = echo_stream(3, delay, max_gap=3, rng=0)
print("".join(VOCAB[i] for i in stream).replace("\n", "?"))  # the newline printed as ?
print("".join("^" if q else " " for q in questions), "<- the questions: predict the key")

# %% [markdown]
# With chunks of $k$ steps, the key and its question fall into the same chunk only if
# $k \ge L + 2$, and even then only for some of the segments. With $k \le L + 1$, *no* chunk
# ever holds both: by equation {eq}`eq-09-missing`, no term of the truncated gradient connects the
# question's loss to the step where the key came in.
#
# :::{admonition} Predict, then run: the state carried, the gradient cut
# :class: tip
#
# We train on the echo stream with $L = 5$ and chunks of $k$ steps, with the state carried
# between chunks or reset. The forward pass with the carried state could, in principle, hold
# the key for ever. For which $k$ will the carried model learn to answer the question? And the
# reset one?
# :::
#
# Each run takes the same number of updates (800, $m = 32$ streams), so a larger $k$ sees more
# text; the models have 24 hidden units and start from notebook 07's initialisation
# ($W_{aa}$ with entries of variance $1/n_a$, $W_{ax}$ of scale 0.5). We measure the accuracy at
# the questions of a fresh test stream, read as each model was trained: continuously, or from
# a zero state every $k$ steps. For the reset model we also compute its **expected ceiling**:
# the share of questions whose key lies in the same window of $k$ steps, plus a quarter of the
# others, the share that guessing gets right on average. It is an expected value, not a bound:
# a model that guesses can land a little above it.


# %%
def echo_model(seed=0, n_a=24):
    rng = np.random.default_rng(seed)
    parameters = rnn_lib.initialize_parameters(n_a, len(VOCAB), len(VOCAB), rng=rng)
    parameters["Waa"] = rng.standard_normal((n_a, n_a)) / np.sqrt(n_a)
    parameters["Wax"] = rng.standard_normal((n_a, len(VOCAB))) * 0.5
    return parameters


test_stream, test_questions = echo_stream(2000, delay, max_gap=3, rng=1)
test_m = 10
test_targets = rnn_lib.split_streams(test_stream, test_m)[:, 1:]
asked = rnn_lib.split_streams(test_questions, test_m)[:, :-1]  # (m, T): a question at this step


def echo_accuracy(parameters, reset_every=None):
    y_hat = rnn_lib.predict_stream(parameters, test_stream, test_m, reset_every=reset_every)
    return float(np.mean(y_hat.argmax(axis=0)[asked] == test_targets[asked]))


def reset_ceiling(k):
    step = np.nonzero(asked)[1]
    key_in_window = step - (delay + 1) >= (step // k) * k
    return key_in_window.mean() + 0.25 * (1 - key_in_window.mean())


def train_echo(k, carry_state, updates=800, m=32):
    n_segments = (updates * k * m + m) // (delay + 3) + 1  # at least `updates` chunks of k
    train, _ = echo_stream(n_segments, delay, max_gap=3, rng=100)
    settings = dict(hidden=24, m=m, k=k, learning_rate=0.02, parameters=echo_model())
    return rnn_lib.train_tbptt(
        train[: updates * k * m + m], len(VOCAB), carry_state=carry_state, **settings
    )


echo_ks = [2, 4, 6, 8, 12, 16]
accuracy = {"carried": [], "reset": []}
for k in echo_ks:
    accuracy["carried"].append(echo_accuracy(train_echo(k, True).parameters))
    accuracy["reset"].append(echo_accuracy(train_echo(k, False).parameters, reset_every=k))
ceilings = [reset_ceiling(k) for k in echo_ks]

# %%
carried_acc, reset_acc = np.array(accuracy["carried"]), np.array(accuracy["reset"])
short, long_ = np.array(echo_ks) <= delay + 1, np.array(echo_ks) >= 2 * (delay + 1)
assert np.all(carried_acc[short] < 0.5) and np.all(reset_acc[short] < 0.35)
assert np.all(carried_acc[long_] > 0.9)
assert np.all(reset_acc < np.array(ceilings) + 0.05)
print(f"k <= L + 1 = {delay + 1}: no chunk holds a key and its question;")
print("    carried: under 50%, reset: at chance (25%)")
print(f"k >= 2 (L + 1) = {2 * (delay + 1)}: carried: over 90%, solved")
print("every k: reset stays below its expected ceiling + 0.05 (guessing can exceed the ceiling)")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# The carried model learns the echo only once chunks are long enough for the gradient to link
# some questions to their keys ($k \ge L + 2 = 7$; reliably from about $2(L+1)$). Below that it
# stays at or near chance although its forward pass could carry the key: nothing teaches it to.
# In the stored run, of 1,999 questions, it is right 26.1% of the time at $k = L + 1 = 6$ and
# 23.3% at $k = 4$, both within two standard errors of chance (one standard error is 1.0 point
# here); only $k = 2$ is clearly above it, at 28.5% (3.6 standard errors). A little of the key can survive in the
# state that the initial weights produce, and the truncated gradient can learn to read what the
# state happens to hold, but it cannot teach the network to keep the key.
#
# Once it has learned, the carried model answers *every* question, including those whose key
# was in an earlier chunk: storing the key was learned from the segments that fit in a chunk,
# and the forward pass, never cut, carries it across boundaries. The reset model can never do
# that: at best it answers the questions whose key is in the same window and guesses the rest,
# its expected ceiling (guessing may land a little above it: 73.1% against 72.1% at $k = 16$ in
# the stored run); with few examples that fit, it may not even reach it (25.2% against 44.4% at
# $k = 8$).
# :::

# %% [markdown]
# ## What a chunk costs: time per character
#
# A chunk costs the forward and backward pass over its $m k$ characters, which is the same work
# per character whatever $k$ is, plus a fixed cost per update: the optimiser step, the clipping,
# the Python calls. Longer chunks spread the fixed cost over more characters. We time one pass
# over the first 8,000 symbols of the dinosaur text ($m = 16$) for $k$ from 1 to 128, the best
# of three runs each.

# %%
# NBVAL_IGNORE_OUTPUT
timing_ks = [1, 2, 4, 8, 16, 32, 64, 128]
timing_stream = train_stream[:8000]  # about half the text is enough to time
seconds_per_char = []
for k in timing_ks:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        result = rnn_lib.train_tbptt(timing_stream, n_x, hidden=50, m=16, k=k)
        runs.append((time.perf_counter() - start) / result.history["chars"][0])
    seconds_per_char.append(min(runs))
for k, seconds in zip(timing_ks, seconds_per_char):
    print(f"k = {k:3}: {seconds * 1e6:5.1f} µs per character")

# %% mystnb={"image": {"alt": "Left: echo accuracy against chunk length k, 2 to 16: with the state carried (blue circles) it jumps from chance, 0.25, to 0.98 at k = 8, past the red line k = L + 2; reset every chunk (orange squares) it follows the dashed expected ceiling to 0.73 at 16. Right: training time per character falls from 14.3 microseconds at k = 1 to 1.4 at 128."}}
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.plot(echo_ks, accuracy["carried"], "o-", label="state carried")
left.plot(echo_ks, accuracy["reset"], "s-", label="state reset every chunk")
left.plot(echo_ks, ceilings, "k--", lw=1, label="expected ceiling with the state reset")
left.axhline(0.25, color="grey", ls=":", label="chance")
left.axvline(delay + 1.5, color="tab:red", lw=1)
left.text(delay + 1.7, 0.05, "$k = L + 2$", color="tab:red")
left.set_xlabel("chunk length $k$")
left.set_ylabel("accuracy at the questions")
left.set_ylim(0, 1.05)
left.set_title(f"The echo across L + 1 = {delay + 1} steps")
left.set_xticks(echo_ks)
left.legend(fontsize=8, loc="lower right")
right.semilogx(timing_ks, np.array(seconds_per_char) * 1e6, "o-", base=2)
right.set_xticks(timing_ks, [str(k) for k in timing_ks])
right.set_ylim(0, None)
right.set_xlabel("chunk length $k$")
right.set_ylabel("µs per character (this machine)")
right.set_title("Training time per character, dinosaur text, m = 16")
plt.tight_layout()
plt.show()

# %% [markdown]
# The right panel depends on the machine, the trend does not: the time per character falls as
# $k$ grows, steeply at first (at $k = 1$ every character pays for a whole update), then levels
# off once the fixed cost per update is small beside the work per character, which does not
# depend on $k$. Past that point a longer chunk buys gradient horizon at no cost in time, but
# it costs memory (the $m k$ states of the chunk are kept for its backward pass) and updates: one
# pass over the data makes $\lceil T/k \rceil$ updates, and full BPTT (one chunk per stream,
# here $k = 1029$) makes one.
# In practice $k$ is chosen as long as the dependencies one hopes to learn, and no longer than
# memory and the number of updates allow.
#
# :::{admonition} Predict, then run: more streams
# :class: tip
#
# Keep $k = 8$ and double the number of streams from $m = 16$ to $m = 32$. What happens to the
# number of updates in one pass over the dinosaur text, and to the number of states a backward
# pass keeps?
# :::

# %%
for streams in (16, 32):
    updates = rnn_lib.count_chunks(len(train_stream), streams, 8)
    print(f"m = {streams}: {updates} updates per pass, {streams * 8} states kept per backward pass")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Each stream is half as long, so a pass makes half as many updates, each from twice as many
# characters (a less noisy gradient). A backward pass keeps $m k$ states, twice as many. The
# gradient horizon is $k$ either way: $m$ buys parallel work per update, $k$ buys reach back in
# time, and both cost memory.
# :::
#
# ## Summary
#
# - A stream is batched as $m$ contiguous pieces, one per column, cut into chunks of $k$ steps
#   (equation {eq}`eq-09-layout`); column $i$'s next chunk continues its text, so its state carries over.
# - Truncated BPTT carries the state forward and cuts the gradient at every chunk boundary
#   (equation {eq}`eq-09-chunk`): the `da0` of each chunk is dropped. With $k \ge T_x$ it is full BPTT,
#   to the last bit.
# - It misses the terms that cross a boundary (equation {eq}`eq-09-missing`), each carrying at least
#   $t - s(t) + 1$ Jacobians (equation {eq}`eq-09-bound`): little when the product vanishes, everything
#   when a dependency is longer than the chunk.
# - On the echo task a vanilla RNN with the state carried learns a dependency of $L + 1$ steps
#   only when $k$ reaches past it; the carried state then lets it answer across boundaries,
#   which a model reset at every chunk cannot.
# - The seed's carried state was wrong for independent names (it carried an unrelated name into
#   training, and sampling started from zeros) and is right for a stream, which goes on.
# - The time per character falls with $k$ and levels off; $k$ trades memory and updates for
#   reach.
#
# **Next:** [10 · Beyond one layer](10_beyond_one_layer.ipynb) keeps the names but changes the
# model: embeddings, stacked and bidirectional RNNs, and beam search.
