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
# # 10 · Beyond one layer: embeddings, stacked and bidirectional RNNs, beam search
#
# Every model of this series so far has had one recurrent layer, read one-hot characters, read
# them left to right, and produced names by drawing one character at a time. This notebook
# loosens each of those four choices in turn. An **embedding** replaces the one-hot input by a
# learned vector per character. A **stacked** RNN puts a second recurrent layer on top of the
# first ([Graves, 2013](../book/references.md)). A **bidirectional** RNN adds a layer that reads
# the sequence from the end ([Schuster and Paliwal, 1997](../book/references.md)), for tasks where
# the future is known. And **beam search** looks for likelier names than drawing one finds
# ([Sutskever et al., 2014](../book/references.md)). Each comes with the
# library code behind it, gradient-checked like the cells of notebooks 03 and 08.
#
# **Learning goals**
#
# - Show that an embedding lookup is the product of a weight matrix with a one-hot vector, count
#   what it saves, and write its backward pass so that repeated characters add up.
# - Stack two recurrent layers, backpropagate through both, and compare them with one layer at
#   the same number of parameters, choosing on a dev set and reporting once on a test set.
# - Build a bidirectional RNN and measure what the future is worth on a fill-in-the-blank task.
# - Decode the names model greedily, by sampling and by beam search, compare the
#   log-probabilities of what each finds, and explain why the likeliest names are the dullest.

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
from threadpoolctl import threadpool_limits

import rnn_lib
from rnn_lib.teaching import checks

np.set_printoptions(precision=4, suppress=True)
# The matrices here are small (100 x 100 at most): a second BLAS thread costs more in
# synchronisation than it saves, and on a shared machine it makes training several times slower.
threadpool_limits(1, user_api="blas")

# %% [markdown]
# ## 1. Embeddings: a lookup instead of a product
#
# The first layer of every model so far computes $W_{ax} x^{\langle t\rangle}$ for a one-hot
# $x^{\langle t\rangle}$. Multiplying by a vector with a single 1 in row $k$ picks column $k$ of
# the matrix and adds nothing. An **embedding layer** makes that explicit: a matrix $W_e$ of shape
# $(n_e, n_x)$ holds one learned column per character, and the layer *looks it up*:
#
# $$
# e^{\langle t\rangle} = W_e\, x^{\langle t\rangle} = W_e[:, k^{\langle t\rangle}]
# \qquad \text{where } x^{\langle t\rangle} \text{ is the one-hot vector of index } k^{\langle t\rangle}
# $$ (eq-10-embedding)
#
# The next layer reads $e^{\langle t\rangle}$ (of size $n_e$) instead of $x^{\langle t\rangle}$
# (of size $n_x$). `rnn_lib.embedding_forward` takes the indices, shape $(m, T_x)$, and returns
# the embedded inputs in the series' layout, $(n_e, m, T_x)$. The zero input of a name's first
# step, which has no index, is the index `rnn_lib.NO_INPUT` ($-1$), and embeds to zeros, as the
# product with a zero vector would. Both sides of equation {eq}`eq-10-embedding`, computed:

# %%
names = rnn_lib.load_dinosaur_names()
chars = rnn_lib.build_vocabulary(names)
char_to_ix, ix_to_char = rnn_lib.index_maps(chars)
n_x = len(chars)

# one-hot, (27, 2, 14); then the indices, (2, 14), -1 for the zero first step and padding
X, _ = rnn_lib.encode_names(["anna", "tyrannosaurus"], char_to_ix)
indices = rnn_lib.one_hot_to_indices(X)
We = rnn_lib.initialize_embedding(5, n_x, rng=0)  # n_e = 5
looked_up, _ = rnn_lib.embedding_forward(indices, We)
product = np.einsum("ex,xmt->emt", We, X)  # W_e x<t> for every name and step
print("indices of 'anna':", indices[0, :5])
print("lookup == one-hot product, every entry:", np.array_equal(looked_up, product))
print("shape:", looked_up.shape)

# %% [markdown]
# The two agree exactly, not just to rounding: a product with zeros and ones adds exact zeros.
# What the lookup saves is work ($n_e$ numbers copied instead of an $n_e \times n_x$ product),
# and sometimes parameters: a one-hot RNN spends $n_a n_x$ on $W_{ax}$, an embedded one
# $n_e n_x + n_a n_e$ on $W_e$ and $W_{ax}$, which is fewer only when
# $n_e < n_a n_x / (n_a + n_x)$, below both $n_a$ and $n_x$. With $n_a = 100$ and 27 characters
# that is $n_e \le 21$ ($n_e = 50$ would cost 6,350 parameters against 2,700), and the saving is
# small; for a vocabulary of 10,000 words any $n_e < 99$ saves, and the saving is most of the
# model:

# %%
n_a, n_e = 100, 16
for vocabulary in (27, 10_000):
    one_hot = n_a * vocabulary
    embedded = n_e * vocabulary + n_a * n_e
    share = f"{embedded / one_hot:.0%}"
    print(f"n_x = {vocabulary:6,}: W_ax {one_hot:9,}, W_e + W_ax {embedded:9,}", f"({share})")
    print(f"    fewer parameters for n_e < n_a n_x / (n_a + n_x) = {one_hot / (n_a + vocabulary):.1f}")

# %% [markdown]
# ### The gradient of a lookup
#
# In the backward pass, step $t$ of name $i$ hands back
# $\partial\mathcal{L}/\partial e^{(i)\langle t\rangle}$, written
# $\mathrm{d}e^{(i)\langle t\rangle}$. It belongs to the one column that step looked up. A character
# that occurs several times collects the gradient of every occurrence:
#
# $$
# \mathrm{d}W_e[:, k] = \sum_{(i, t)\,:\, k^{(i)\langle t\rangle} = k} \mathrm{d}e^{(i)\langle t\rangle}
# $$ (eq-10-embedding-gradient)
#
# which is $\sum_{i,t} \mathrm{d}e^{(i)\langle t\rangle} \, x^{(i)\langle t\rangle\top}$, the
# gradient of $W_{ax}$ from notebook 03 for one-hot inputs. "Tyrannosaurus" reads r, a, n, s and u
# twice each. The tempting one-liner `dWe[:, idx] += de` gets this wrong *silently*: numpy
# evaluates the right-hand side once per listed column and writes each column once, so of two
# occurrences only the last survives. A loop over the steps adds every occurrence:

# %%
de = np.random.default_rng(1).standard_normal((5, 1, 13))  # one per step
steps = indices[1:, 1:]  # the 13 letters of tyrannosaurus, (1, 13)
right = np.zeros((5, n_x))
for step, column in enumerate(steps.ravel()):  # one step at a time: repeats add up
    right[:, column] += de[:, 0, step]
buffered = np.zeros((5, n_x))
buffered[:, steps.ravel()] += de.reshape(5, -1)
a = char_to_ix["a"]
both_a = de[:, 0, steps[0] == a].sum(axis=1)
print("column 'a', a loop         :", right[:, a])
print("column 'a', both steps     :", both_a)
print("column 'a', dWe[:, idx] += :", buffered[:, a])
repeated = [c for c in set("tyrannosaurus") if "tyrannosaurus".count(c) > 1]
wrong = [
    c
    for c in sorted(repeated)
    if not np.allclose(buffered[:, char_to_ix[c]], right[:, char_to_ix[c]])
]
print("columns the one-liner gets wrong:", wrong)

# %% [markdown]
# :::{exercise} The embedding's backward pass · core
# :label: ex-10-embedding-backward
#
# Complete `embedding_gradient(de, indices, n_x)`, which returns $\mathrm{d}W_e$ of shape
# $(n_e, n_x)$ by equation {eq}`eq-10-embedding-gradient`, given `de` of shape $(n_e, m, T_x)$ and
# `indices` of shape $(m, T_x)$. Steps whose index is `rnn_lib.NO_INPUT` ($-1$) looked nothing
# up and add nothing (careful: numpy reads $-1$ as the last column). Repeated characters must
# add up: a loop over the steps does it; the hint below shows numpy's way without a loop.
# :::
#
# :::{admonition} Hint: adding at repeated indices without a loop
# :class: dropdown
#
# `np.add.at(A, idx, B)` is `A[idx] += B` done unbuffered: every occurrence of an index adds its
# row of `B`. It indexes the first axis, and the columns of $\mathrm{d}W_e$ are its second, so
# work on the transpose: `np.add.at(dWe.T, idx, g.T)` adds column `g[:, n]` into column `idx[n]`
# of `dWe` (`dWe.T` is a view: writing into it writes into `dWe`).
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-10-embedding-backward-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def embedding_gradient(de, indices, n_x):
    """dWe (n_e, n_x): each step's de added into the column it looked up."""
    ### BEGIN SOLUTION
    dWe = np.zeros((de.shape[0], n_x))
    used = indices != rnn_lib.NO_INPUT
    np.add.at(dWe.T, indices[used], de[:, used].T)
    ### END SOLUTION
    return dWe


# %% nbgrader={"grade": true, "grade_id": "ex-10-embedding-backward", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_embedding_gradient(embedding_gradient)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_embedding_gradient", embedding_gradient, seed=1910)
### END HIDDEN TESTS

# %% [markdown]
# :::{admonition} Predict, then run: an embedding of the size of the vocabulary
# :class: tip
#
# A character model with $n_e = n_x = 27$ and $W_e$ the identity matrix: what does the embedding
# layer do, and how many parameters does it add?
# :::

# %%
identity = np.eye(n_x)  # W_e = I: n_e = n_x, column k the one-hot vector of character k
embedded, _ = rnn_lib.embedding_forward(indices, identity)
print("W_e = I gives back the one-hot inputs:", np.array_equal(embedded, X))
print("parameters it adds:", identity.size)

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Nothing: $W_e x = x$, so the next layer sees the one-hot vectors as before. A trainable $W_e$
# adds $27^2 = 729$ parameters that the next layer's $W_{ax}$ could absorb: $W_{ax} W_e$ is one
# $(n_a, 27)$ matrix. An embedding saves parameters only when $n_e < n_a n_x / (n_a + n_x)$
# (21.3 for $n_a = 100$ and 27 characters, above), which is smaller than both $n_a$ and $n_x$;
# otherwise it pays only when the vectors are shared or pre-trained.
# :::

# %% [markdown]
# :::{admonition} Predict, then run: the gradient of a repeated letter
# :class: tip
#
# "Anna" is read as four steps, a, n, n, a (after the zero first step). How many columns of
# $\mathrm{d}W_e$ are non-zero, and how many of the four steps' gradients does each hold?
# :::

# %%
steps = rnn_lib.one_hot_to_indices(rnn_lib.encode_names(["anna"], char_to_ix)[0])
_, cache = rnn_lib.embedding_forward(steps, We)
dWe = rnn_lib.embedding_backward(np.ones((5, *steps.shape)), cache)["dWe"]
print("non-zero columns:", [ix_to_char[j] for j in np.flatnonzero(dWe.any(axis=0))])
print("each holds the sum of", dWe[0, char_to_ix["a"]], "steps' gradients")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Two columns, a and n, each the sum of two steps' gradients. The zero first step (`NO_INPUT`)
# adds to no column; with `dWe[:, idx] += de` each column would have kept only one step.
# :::
#
# %% [markdown]
# ## 2. Stacked RNNs: the states of one layer are the inputs of the next
#
# A stacked (or deep) RNN runs $D$ recurrent layers over the same time steps (its *depth*).
# Layer 1 reads the characters; layer $\ell > 1$ reads the states of layer $\ell - 1$ at the same
# step; the output layer reads the top layer. With $a^{[\ell]\langle t\rangle}$ the state of
# layer $\ell$ and
# $a^{[0]\langle t\rangle} = x^{\langle t\rangle}$:
#
# $$
# \begin{aligned}
# a^{[\ell]\langle t\rangle} &= \tanh\big(W_{aa}^{[\ell]} a^{[\ell]\langle t-1\rangle}
#   + W_{ax}^{[\ell]} a^{[\ell-1]\langle t\rangle} + b_a^{[\ell]}\big),
#   \qquad \ell = 1, \dots, D \\
# \hat y^{\langle t\rangle} &= \operatorname{softmax}\big(W_y a^{[D]\langle t\rangle} + b_y\big)
# \end{aligned}
# $$ (eq-10-stacked)
#
# The lower layers can build features of the characters at each step (a vowel, the end of a
# syllable) that the upper layer combines over time, as a deep feed-forward network composes
# features. The backward pass follows the arrows back: the output layer gives
# $\partial\mathcal{L}/\partial a^{[D]}$ at every step; BPTT through layer $D$ turns it into the
# gradient of that layer's *inputs*, which are the states of layer $D-1$:
#
# $$
# \frac{\partial \mathcal{L}}{\partial a^{[\ell-1]\langle t\rangle}} \Big|_{\text{from above}}
# = W_{ax}^{[\ell]\top} \Big( \big(1 - a^{[\ell]\langle t\rangle} \odot a^{[\ell]\langle t\rangle}\big)
#   \odot \frac{\partial \mathcal{L}}{\partial a^{[\ell]\langle t\rangle}} \Big)
# $$ (eq-10-stacked-backward)
#
# and layer $\ell-1$ runs its own BPTT with that as its upstream gradient, adding what comes back
# from its own later steps. So a layer's backward pass must take an upstream gradient for
# every state and return the gradient of its inputs. `rnn_lib.rnn_backward` does neither (it
# computes its output layer inside), so the library has a recurrent layer without an output
# layer, `rnn_layer_forward(x, a0, parameters)` and `rnn_layer_backward(da, cache)`, which
# returns `dx`; `stacked_forward` and `stacked_backward` chain $D$ of them. Checked against
# finite differences, as in notebook 03:

# %%
from rnn_lib import (
    count_parameters,
    initialize_stacked_parameters,
    stacked_forward,
    stacked_loss_and_gradients,
)

rng = np.random.default_rng(2)
small = initialize_stacked_parameters(4, n_x, n_x, n_layers=2, rng=rng)
X_small, Y_small = rnn_lib.encode_names(["anna", "bob"], char_to_ix)
a0_small = np.zeros((4, 2))
_, gradients = stacked_loss_and_gradients(X_small, Y_small, a0_small, small)
errors = rnn_lib.gradient_check(
    lambda: stacked_loss_and_gradients(X_small, Y_small, a0_small, small)[0],
    small,
    gradients,
)
print("relative errors of", ", ".join(small), f"< 1e-7: {max(errors.values()) < 1e-7}")

# %% [markdown]
# ### One layer or two, at the same size
#
# Is a second layer worth it on the dinosaur names? A fair comparison gives both models the
# same number of parameters. One layer of 100 units, as in notebook 08, has 15,527; two layers
# of $n_a$ units have $3 n_a^2 + 56 n_a + 27$ (the second layer's $W_{ax}^{[2]}$ is
# $n_a \times n_a$), which is 15,462 for $n_a = 63$.
#
# To choose and then report honestly we need three sets of names. The **dev** names are those of
# notebooks 06 and 08 (`split_names(names, 0.1, rng=0)`). From the remaining names we cut off a
# **test** set of the same size, 145 names, with a second deterministic split
# (`split_names(rest, 1/9, rng=0)`), and train on the other 1,159. Every choice (learning rate,
# initialisation, how many layers) is made on dev; the test set is used once, at the end.

# %%
train_names, dev_names = rnn_lib.split_names(names, 0.1, rng=0)
train_names, test_names = rnn_lib.split_names(train_names, 1 / 9, rng=0)
print(
    f"train {len(train_names)}, dev {len(dev_names)}, test {len(test_names)} names"
)
for n_layers, hidden in ((1, 100), (2, 63)):
    size = count_parameters(
        initialize_stacked_parameters(hidden, n_x, n_x, n_layers, rng=0)
    )
    print(f"{n_layers} layer(s) of {hidden} units: {size:,} parameters")

# %% [markdown]
# `rnn_lib.train` takes a cell by name (`"rnn"`, `"lstm"`, `"gru"`) or as a `Cell`: the few
# functions training, evaluation and sampling need. `rnn_lib.stacked_cell(n_layers)` is the stack of
# $D$ = `n_layers` layers as a `Cell`, so it trains with the same recipe as every other model of the
# series (10 epochs, batches of 64, Adam with a learning rate falling linearly to 0, clipping at a
# global norm of 1). We train three models:
#
# - the one-layer RNN of notebooks 06 and 08, with `rnn_lib.train` at its learning rate 0.02;
# - one layer built from the stack's parts, $D = 1$;
# - two layers, $D = 2$.
#
# The stacks start their weights at $\mathcal{N}(0, 1/\text{fan-in})$, where the vanilla RNN of
# notebook 06 starts at $0.01\,\mathcal{N}(0, 1)$: weights that small multiply a vector's norm by
# about $0.01 \sqrt{n_a} \approx 0.08$ (each layer of the two-layer stack, started so, shrinks
# the signal about twelvefold), and two layers started that way end 10 epochs at a dev loss of
# 2.31 instead of 1.83 (`benchmarks/seed_spread.py` measures both, and the learning rates: each
# model's best of 0.005, 0.01, 0.02 and 0.05 on dev, 0.02 for one layer and 0.01 for two). The
# first row then measures the initialisation, the last two the depth.

# %%
vanilla = rnn_lib.train(
    train_names, dev_names, hidden=100, learning_rate=0.02, chars=chars, progress=False
)
one = rnn_lib.train(
    train_names, dev_names, cell=rnn_lib.stacked_cell(1), hidden=100, learning_rate=0.02,
    chars=chars, progress=False,
)  # fmt: skip
two = rnn_lib.train(
    train_names, dev_names, cell=rnn_lib.stacked_cell(2), hidden=63, learning_rate=0.01,
    chars=chars, progress=False,
)  # fmt: skip
curves = {
    "one layer, notebook 06's start": vanilla.history["dev_loss_per_char"],
    "one layer (D = 1)": one.history["dev_loss_per_char"],
    "two layers (D = 2)": two.history["dev_loss_per_char"],
}
for label, dev in curves.items():
    print(f"{label:31}: dev loss per character {dev[-1]:.2f}")
final = {label: dev[-1] for label, dev in curves.items()}
assert abs(final["one layer (D = 1)"] - final["two layers (D = 2)"]) < 0.03
assert final["one layer, notebook 06's start"] - final["one layer (D = 1)"] > 0.03
print("one and two layers within 0.03 nats of each other on dev: True")

# %% mystnb={"image": {"alt": "Line chart of dev loss per character over 10 epochs for three models of about 15,500 parameters: one layer with notebook 06's start (blue dotted) ends at 1.88 after a bump at epoch 5; one layer D = 1 (orange solid) and two layers D = 2 (green dashed) both end at 1.83, nearly on top of each other."}}
fig, ax = plt.subplots(figsize=(7, 3.8))
for (label, dev), style in zip(curves.items(), (":", "-", "--")):
    ax.plot(range(1, 11), dev, style, marker="o", label=label)
ax.set_xlabel("epoch")
ax.set_ylabel("dev loss per character (nats)")
ax.set_ylim(1.75, 2.6)
ax.set_title("About 15,500 parameters each, on the dinosaur names")
ax.legend()
plt.show()

# %% [markdown]
# The starting scale matters more than the depth here: with the same one layer, starting at
# $\mathcal{N}(0, 1/\text{fan-in})$ lowers the dev loss by about 0.05 nats, and a second layer at
# the same size adds nothing we can tell from the seed (with seeds 1 and 2 the two were also
# within 0.03 nats, each ahead once: `benchmarks/seed_spread.py`). Dinosaur names are short and their statistics local;
# the evidence that depth pays comes from larger models and longer texts
# ([Graves, 2013](../book/references.md)). Having chosen on dev, we measure the two stacks once on
# the test names:

# %%
test_one = rnn_lib.evaluate(one.parameters, test_names, char_to_ix, rnn_lib.stacked_cell(1))
test_two = rnn_lib.evaluate(two.parameters, test_names, char_to_ix, rnn_lib.stacked_cell(2))
print(
    f"test loss per character: one layer {test_one.loss_per_char:.2f}, "
    f"two layers {test_two.loss_per_char:.2f}"
)
assert abs(test_one.loss_per_char - test_two.loss_per_char) < 0.03

# %% [markdown]
# ### The embedding a one-hot model learns anyway
#
# By equation {eq}`eq-10-embedding`, a one-hot model has an embedding already: column $k$ of its
# $W_{ax}$ is what character $k$ adds to the state, a learned vector of $n_a$ numbers. Training
# decides what these vectors are. We compare the columns of the one-layer model's
# $W_{ax}^{[1]}$ by their cosine similarity:

# %%
columns = one.parameters["Wax1"] / np.linalg.norm(one.parameters["Wax1"], axis=0)
cosine = columns.T @ columns  # (27, 27): character j against character k
vowels = [char_to_ix[c] for c in "aeiou"]
consonants = [char_to_ix[c] for c in "bcdfghjklmnpqrstvwxz"]
nearest = {ix_to_char[k]: ix_to_char[np.argsort(-cosine[k])[1]] for k in vowels}
within = np.mean([cosine[j, k] for group in (vowels, consonants) for j in group for k in group
                  if j < k])  # fmt: skip
across = cosine[np.ix_(vowels, consonants)].mean()
assert set(nearest.values()) <= set("aeiou") and within > 0.1 and across < -0.1
print("the nearest column to each vowel's is another vowel's")
print("mean cosine of two vowels or two consonants above 0.1, of a vowel and a consonant below -0.1")

# %% [markdown]
# Nobody told the model which letters are vowels. It learned to write the vowels' inputs into
# the state in similar directions, and the consonants' in directions that lean away from them
# (a mean cosine of −0.14 in the stored run), because
# what may follow a vowel in a dinosaur name differs from what may follow a consonant. A trained
# $W_e$ learns the same kind of structure, in $n_e$ numbers per character instead of $n_a$.

# %% [markdown]
# ## 3. Bidirectional RNNs: when the future is known
#
# A model that generates a name cannot look at letters it has not written yet. But many tasks see
# the whole sequence before they answer: tagging the words of a sentence, recognising a recorded
# word, filling in a blank. A **bidirectional** RNN
# ([Schuster and Paliwal, 1997](../book/references.md)) runs one layer forwards and another
# backwards in time and gives the output layer both states:
#
# $$
# \begin{aligned}
# \overrightarrow{a}^{\langle t\rangle} &= \tanh\big(W_{aa}^{\rightarrow}
#   \overrightarrow{a}^{\langle t-1\rangle} + W_{ax}^{\rightarrow} x^{\langle t\rangle}
#   + b_a^{\rightarrow}\big) \\
# \overleftarrow{a}^{\langle t\rangle} &= \tanh\big(W_{aa}^{\leftarrow}
#   \overleftarrow{a}^{\langle t+1\rangle} + W_{ax}^{\leftarrow} x^{\langle t\rangle}
#   + b_a^{\leftarrow}\big) \\
# \hat y^{\langle t\rangle} &= \operatorname{softmax}\big(W_y
#   [\overrightarrow{a}^{\langle t\rangle}; \overleftarrow{a}^{\langle t\rangle}] + b_y\big)
# \end{aligned}
# $$ (eq-10-bidirectional)
#
# $\overrightarrow{a}^{\langle t\rangle}$ summarises $x^{\langle 1\rangle}, \dots,
# x^{\langle t\rangle}$, $\overleftarrow{a}^{\langle t\rangle}$ summarises $x^{\langle t\rangle},
# \dots, x^{\langle T_x\rangle}$, and $W_y$ is $(n_y, 2 n_a)$. The backward layer is an ordinary
# recurrent layer run on the reversed sequence; its states come out in reversed time and must
# be flipped back before they are stacked with the forward ones. In a padded batch each name
# is reversed within its own length, so that the backward layer starts at the name's last letter
# and not in its padding (`rnn_lib.bidirectional_forward(X, a0, parameters, lengths)`).

# %% [markdown]
# :::{exercise} The bidirectional output · stretch
# :label: ex-10-bidirectional-output
#
# Complete `bidirectional_output(a_forward, a_backward_reversed, Wy, by)`, the last line of
# equation {eq}`eq-10-bidirectional`, for sequences that all have $T_x$ steps. `a_forward` is
# $(n_a, m, T_x)$ in time order; `a_backward_reversed` is $(n_a, m, T_x)$ as the backward layer
# produced it, so its step $s$ is the state after reading $x^{\langle T_x - 1 - s\rangle}$
# (counting from 0). `Wy` is $(n_y, 2 n_a)$, its first $n_a$ columns for the forward states.
# Return $\hat y$ of shape $(n_y, m, T_x)$; `rnn_lib.softmax` works over axis 0 of any shape.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-10-bidirectional-output-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def bidirectional_output(a_forward, a_backward_reversed, Wy, by):
    """y_hat (n_y, m, T_x) = softmax(Wy [a_forward; a_backward] + by), in time order."""
    ### BEGIN SOLUTION
    a_backward = a_backward_reversed[:, :, ::-1]
    stacked = np.concatenate((a_forward, a_backward))
    y_hat = rnn_lib.softmax(np.einsum("ya,amt->ymt", Wy, stacked) + by[:, :, None])
    ### END SOLUTION
    return y_hat


# %% nbgrader={"grade": true, "grade_id": "ex-10-bidirectional-output", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_bidirectional_output(bidirectional_output)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_bidirectional_output", bidirectional_output, seed=1910)
### END HIDDEN TESTS

# %% [markdown]
# ### Filling in a hidden letter
#
# The task: hide one letter of a name and ask for it. `rnn_lib.teaching.masked_names` makes the
# batches: each name is shown letter by letter ($x^{\langle t\rangle}$ is letter $t$), except the
# hidden one, whose input is the zero vector; the only target is the hidden letter at its step.
# A left-to-right RNN must answer from the letters *before* the gap; a bidirectional one also
# sees those *after* it. We train both, with Adam at 0.02 for 10 epochs on the training names
# (a new hidden position for every name in every epoch), at about the same size: a
# bidirectional RNN of 2 × 32 units (5,595 parameters) and a one-layer RNN of 52 units (5,591).
# The accuracy is measured on the dev names, hiding each letter of each name in turn.

# %%
from rnn_lib import bidirectional_forward, bidirectional_loss_and_gradients
from rnn_lib.teaching.masked_names import (
    every_position,
    mask_names,
    masked_accuracy,
)


def train_fill_in(initialize, loss_and_gradients, n_a, epochs=10, seed=0):
    """Adam at 0.02 on the masked-letter task, a new hidden position every epoch."""
    rng = np.random.default_rng(seed)
    parameters, adam = initialize(n_a, n_x, n_x, rng), rnn_lib.Adam(0.02)
    for _ in range(epochs):
        for batch in rnn_lib.length_grouped_batches(train_names, 64, rng):
            positions = rng.integers(0, [len(name) for name in batch])
            X, Y, lengths = mask_names(batch, char_to_ix, positions)
            _, g = loss_and_gradients(
                X, Y, np.zeros((n_a, len(batch))), parameters, lengths
            )
            mean = {f"d{name}": g[f"d{name}"] / len(batch) for name in parameters}
            adam.step(parameters, rnn_lib.clip_by_norm(mean, 1.0))
    return parameters


def left_to_right(X, Y, a0, parameters, lengths):
    # a left-to-right layer needs no lengths: the padding at the end changes nothing
    return stacked_loss_and_gradients(X, Y, a0, parameters)


bi = train_fill_in(
    rnn_lib.initialize_bidirectional_parameters,
    bidirectional_loss_and_gradients,
    32,
)
uni = train_fill_in(
    lambda *sizes: initialize_stacked_parameters(*sizes[:3], 1, sizes[3]),
    left_to_right,
    52,
)
print(f"parameters: bidirectional {count_parameters(bi):,}, ", end="")
print(f"left to right {count_parameters(uni):,}")

dev_masked, dev_positions = every_position(dev_names)
X_dev, Y_dev, dev_lengths = mask_names(dev_masked, char_to_ix, dev_positions)
y_bi = bidirectional_forward(
    X_dev, np.zeros((32, len(dev_masked))), bi, dev_lengths
)[1]
y_uni = stacked_forward(X_dev, np.zeros((52, len(dev_masked))), uni)[1]
accuracy_bi = masked_accuracy(y_bi, Y_dev)
accuracy_uni = masked_accuracy(y_uni, Y_dev)
print(f"{len(dev_masked):,} hidden letters in {len(dev_names)} dev names")
assert 0.40 < accuracy_bi < 0.60 and 0.25 < accuracy_uni < 0.40
assert accuracy_bi - accuracy_uni > 0.10
print("bidirectional: about half right; left to right: about a third right")
print("the bidirectional RNN is ahead by more than 10 points: True")

# %% [markdown]
# Where does the gain come from? We split the hidden letters by their place in the name:

# %% mystnb={"image": {"alt": "Grouped bar chart of the share of hidden letters found, by fifth of the name, left-to-right model (blue) against bidirectional (orange). Left-to-right rises from 0.15 in the first fifth to 0.65 in the last; bidirectional is higher everywhere, from 0.21 to 0.80, with its largest lead, 0.47 against 0.23, in the middle fifth."}}
places = np.array(
    [p / max(len(n) - 1, 1) for n, p in zip(dev_masked, dev_positions)]
)
bins = np.minimum((places * 5).astype(int), 4)  # fifths of the name
asked = Y_dev.sum(axis=0) > 0
right_bi = (y_bi.argmax(axis=0) == Y_dev.argmax(axis=0))[asked]
right_uni = (y_uni.argmax(axis=0) == Y_dev.argmax(axis=0))[asked]
fig, ax = plt.subplots(figsize=(7, 3.5))
centres = np.arange(5)
for right, label, shift in (
    (right_uni, "left to right", -0.2),
    (right_bi, "bidirectional", 0.2),
):
    by_place = [right[bins == k].mean() for k in range(5)]
    ax.bar(centres + shift, by_place, width=0.4, label=label)
ax.set_xticks(centres, ["first fifth", "second", "third", "fourth", "last fifth"])
ax.set_ylabel("share of hidden letters found")
ax.set_title("Hidden letter, by where it sits in the name")
ax.legend()
plt.show()
found_uni, found_bi = ([r[bins == k].mean() for k in range(5)] for r in (right_uni, right_bi))
lead = np.subtract(found_bi, found_uni)
assert np.all(lead > 0) and np.argmax(lead) == 2 and np.argmin(found_bi) == 0
print("bidirectional ahead in every fifth, most in the third; its hardest fifth is the first")

# %% [markdown]
# The left-to-right model is nearly blind at the start of a name, where it has no letters to go
# on, and catches up only near the end, where the letters before the gap are many and the
# endings ("-saurus") predictable. The bidirectional model reads the rest of the name from the
# other side and is ahead in every fifth, but the start of a name is hard for both: the first
# fifth is the bidirectional model's worst (21% of those letters found in the stored run), and
# the left-to-right model finds 15% there and 16% in the second fifth. Its lead is
# largest in the middle of the name (25 points in the third fifth), where the letters after the
# gap add most to the few before it. A bidirectional RNN cannot generate, though: its backward
# layer needs letters that do not exist yet.

# %% [markdown]
# :::{admonition} Predict, then run: a bidirectional name generator
# :class: tip
#
# Could the bidirectional RNN of section 3 be trained on the names like the models of
# notebook 06, predicting each next letter, and then generate names?
# :::

# %%
X_name, Y_name = rnn_lib.encode_names(["tyrannosaurus"], char_to_ix)  # 14 steps
leak = all(
    np.array_equal(X_name[:, :, t + 1], Y_name[:, :, t]) for t in range(X_name.shape[2] - 1)
)
print("the input of step t + 1 is the target of step t, at every step but the last:", leak)

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# It would train to a very low loss and be useless: its backward layer reads the letter it is
# asked to predict (the next input is the current target), so it learns to copy. And to
# generate, it would need the whole name before writing its first letter. Bidirectional RNNs
# are for sequences that are given whole: tagging, filling in, encoding a sentence to translate.
# :::

# %% [markdown]
# ## 4. Decoding: greedy, sampling and beam search
#
# Back to generating. A model defines the probability of a whole name, letter by letter,
# including the end-of-name that closes it; for a name of $T_x - 1$ letters, read in $T_x$ steps
# as in notebook 02:
#
# $$
# \log P(c^{\langle 1\rangle} \dots c^{\langle T_x-1\rangle}) = \sum_{t=1}^{T_x}
#   \log \hat y^{\langle t\rangle}_{c^{\langle t\rangle}}, \qquad
#   c^{\langle T_x\rangle} = \text{the end-of-name}
# $$ (eq-10-name-log-probability)
#
# Notebook 05 *sampled* from it. Two other ways to decode look for likely names instead.
# **Greedy** decoding takes the most likely letter at every step. **Beam search** keeps a set of
# unfinished names, the *beam*, at first only the empty name. At every step it extends each
# name of the beam by every character, the end-of-name included, scores each candidate by
# equation {eq}`eq-10-name-log-probability` so far,
#
# $$
# \operatorname{score}(h + c) = \log P(h) + \log p(c \mid h)
# $$ (eq-10-beam-score)
#
# and keeps the $B$ best candidates *of all the beam's names together*, finished or not. A
# candidate that ends with the end-of-name is finished: it leaves the beam and is kept aside,
# and the beam is not refilled from the candidates below the $B$-th, so it holds at most $B$
# names, and fewer once some have finished. Since a log-probability can only
# fall as a name grows, the search can stop once $B$ names have finished and the $B$-th best of
# them beats every unfinished one. With $B = 1$ beam search is greedy decoding. We compare the
# finished names by total log-probability, without dividing by their length: we ask for the
# most probable name, and dividing by the length would favour long names over it.
#
# The model to decode is the one-layer stack of section 2, which *is* a vanilla RNN: renamed,
# its parameters are `rnn_lib`'s `"rnn"` cell, and the decoders work with any registered cell.

# %%
from rnn_lib import beam_search, greedy_decode, sample_with_log_probabilities

w = one.parameters
model = {"Wax": w["Wax1"], "Waa": w["Waa1"], "ba": w["ba1"]}
model |= {"Wya": w["Wy"], "by": w["by"]}
greedy = greedy_decode(model, char_to_ix, ix_to_char)
samples = sample_with_log_probabilities(model, char_to_ix, ix_to_char, 200, rng=0)
beams = beam_search(model, char_to_ix, ix_to_char, beam_width=8)
print(f"greedy : {greedy.name!r:18} log P = {greedy.log_probability:6.2f}")
for drawn in samples[:5]:
    print(f"sampled: {drawn.name!r:18} log P = {drawn.log_probability:6.2f}")
gaps = np.diff([b.log_probability for b in beams])
assert np.all(gaps < -1e-6)  # no near-ties among the printed names
for found in beams:
    print(f"beam 8 : {found.name!r:18} log P = {found.log_probability:6.2f}")

# %% [markdown]
# :::{exercise} One step of beam search · core
# :label: ex-10-beam-step
#
# Complete `beam_step(beams, log_probs, width, chars)`. `beams` is a list of unfinished hypotheses
# `(text, log_probability)`; `log_probs` has the shape `(n_y, len(beams))`, its column `b` the
# log-probabilities of the next character after `beams[b]`; `chars` is the vocabulary as a string
# (`chars[k]` is row $k$, `"\n"` among them). Score every (beam, character) pair by
# equation {eq}`eq-10-beam-score`, keep the `width` best of *all* pairs, finished ones included
# (break ties by the text, alphabetically), and return `(alive, finished)`, both best first: `alive` the kept
# `(text + c, score)` whose `c` is not `"\n"`, `finished` the others as `(text, score)`, without the
# `"\n"`.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-10-beam-step-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def beam_step(beams, log_probs, width, chars):
    """The width best extensions of all beams: (alive, finished), best first."""
    ### BEGIN SOLUTION
    candidates = [
        (score + log_probs[j, i], text + c)
        for i, (text, score) in enumerate(beams)
        for j, c in enumerate(chars)
    ]
    best = sorted(candidates, key=lambda candidate: (-candidate[0], candidate[1]))[
        :width
    ]
    alive = [(text, score) for score, text in best if not text.endswith("\n")]
    finished = [(text[:-1], score) for score, text in best if text.endswith("\n")]
    ### END SOLUTION
    return alive, finished


# %% nbgrader={"grade": true, "grade_id": "ex-10-beam-step", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_beam_step(beam_step)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_beam_step", beam_step, seed=1910)
### END HIDDEN TESTS

# %% [markdown]
# ### Wider beams, likelier names
#
# How likely is the best name each method finds? For beam search we take the best finished
# name at widths from 1 (greedy) to 64, and compare it with the 200 samples.

# %% mystnb={"image": {"alt": "Log probability of the best finished name against beam width 1 to 64 (log scale) rises from -16.15 (greedy) to -9.05 at width 2, -7.41 at 4 to 16 and -4.26, the empty name, at 32 and 64. A green dashed line marks the best sample with a letter, -9.41, a green dotted line the median sample, about -21."}}
widths = [1, 2, 4, 8, 16, 32, 64]
found = {
    width: beam_search(model, char_to_ix, ix_to_char, beam_width=width)
    for width in widths
}
best = [found[width][0].log_probability for width in widths]
sampled = np.array([drawn.log_probability for drawn in samples])
empty = np.array([drawn.name == "" for drawn in samples])
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.semilogx(widths, best, "o-", base=2, label="beam search, best finished name")
ax.axhline(
    sampled[~empty].max(),
    color="tab:green",
    ls="--",
    label="best of the samples with a letter",
)
ax.axhline(np.median(sampled), color="tab:green", ls=":", label="median sample")
ax.set_xlabel("beam width $B$")
ax.set_ylabel(r"$\log P(\mathrm{name})$ (nats)")
ax.set_title("The wider the beam, the likelier the name it finds")
ax.legend(fontsize=8)
plt.show()
assert np.isclose(best[0], greedy.log_probability) and best[1] > best[0] + 5
assert sampled[~empty].max() < best[2] - 1 and np.all(
    np.diff(best) > -1e-9
)  # never falls
for width in widths:
    top = found[width][0]
    print(f"B = {width:2}: {top.name!r:16} log P = {top.log_probability:6.2f}")
print(f"best sample with a letter: log P = {sampled[~empty].max():6.2f}")
print(f"samples that are the empty name: {empty.sum()} of {len(samples)}")

# %% [markdown]
# Greedy decoding is short-sighted: a likely first letter can lead into unlikely continuations, and
# a width of 2 already finds a name 7 nats (a factor of a thousand) likelier. Sampling draws
# *typical* names, not likely ones: the median sample has a log-probability of −21.05 (the
# dotted line), and even the best of the 200 that has a letter is two nats below what a beam of
# width 4 finds. From width 32 on, beam
# search finds the likeliest "name" of all, the empty one: the model gives the end-of-name at the
# first step a probability of about 1.4%, more than any real name gets, since a real name must spell
# out ten letters and then stop. Sampling drew it too, 3 times in 200 draws. (The model never saw an
# empty name; it learned the first step's distribution from the same bias $b_y$ and state update as
# every other step, and a little of "the name ends here" leaks into it.)
#
# The beam's other names show what "likely" means here:

# %%
top = found[64][:12]
assert np.all(
    np.diff([d.log_probability for d in top]) < -1e-6
)  # no near-ties: a stable order
print(", ".join(repr(d.name) for d in top[:6]))
print(", ".join(repr(d.name) for d in top[6:]))
lengths_beam = np.mean([len(d.name) for d in top])
lengths_sampled = np.mean([len(d.name) for d in samples])
in_corpus = sum(d.name in set(names) for d in top)
print(
    f"mean length: beam {lengths_beam:.0f} letters, samples {lengths_sampled:.0f}"
)
print(f"beam names that are real genera: {in_corpus} of {len(top)}")

# %% [markdown]
# They are shorter than the samples and made of the commonest pieces of the corpus, "saurus" above
# all, and most of them are not even real genera: the likeliest names are the dullest, which is why
# a name generator samples. Beam search is the right tool when one answer is wanted and the
# likeliest is the best one, as in translation, where it was made popular for neural sequence models
# ([Sutskever et al., 2014](../book/references.md)), usually with a length correction, so that it
# does not prefer the shortest sentence as it prefers the empty name here.

# %% [markdown]
# :::{admonition} Predict, then run: wider is always better?
# :class: tip
#
# Is the best name that beam search finds with width $2B$ always at least as likely as the one
# it finds with width $B$?
# :::

# %%
never_worse = all(later >= earlier - 1e-12 for earlier, later in zip(best, best[1:]))
print("on this model, a wider beam never found a less likely best name:", never_worse)

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Almost always, but not necessarily: the wider beam keeps different hypotheses, and the one
# that would have led to the narrower beam's best name may be pushed out by candidates that
# look better at that step and end worse. On this model the curve above never falls. Beam search
# finds *likelier* names as it widens, not necessarily the likeliest; the exercise below finds
# those exactly, without trying every name.
# :::

# %% [markdown]
# ### The likeliest names, exactly
#
# Beam search can miss the likeliest name; trying every name cannot be done. But the search can
# be exact and cheap all the same, because a log-probability only falls as a name grows: each
# letter adds a $\log p \le 0$. Keep a queue of prefixes and of finished names, each with its
# log-probability, and always take the *likeliest* entry off it. A finished name that comes off
# the queue is the likeliest of all that are left, since every prefix still in the queue, and so
# every name it could grow into, is at most as likely. A prefix that comes off is extended by
# every letter (back into the queue) and by the end-of-name (back in as a finished name). This
# is Dijkstra's shortest-path search with $-\log p$ as the length of a step: it stops after the
# names asked for, and runs the model only on the prefixes likelier than the last of them.
#
# :::{exercise} Exact best-first search · stretch
# :label: ex-10-best-first
#
# Complete `best_first_names(next_log_probs, chars, count)`, which returns the `count` likeliest
# names as `(name, log_probability)` pairs, best first, each name without its `"\n"`.
# `next_log_probs(text)` gives the array of $\log p(c \mid \text{text})$ for every character
# `chars[j]` (`"\n"` among them), and may be called once for each prefix taken off the queue.
# `heapq` keeps a queue whose smallest entry comes off first: push $(-\log P, \dots)$.
# :::

# %% nbgrader={"grade": false, "grade_id": "ex-10-best-first-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
import heapq


def best_first_names(next_log_probs, chars, count):
    """The count likeliest names, best first, by best-first search: [(name, log P)]."""
    ### BEGIN SOLUTION
    queue, found = [(0.0, "", False)], []  # (-log P, text, finished)
    while len(found) < count:
        cost, text, finished = heapq.heappop(queue)
        if finished:
            found.append((text, -cost))
            continue
        log_p = next_log_probs(text)
        for j, c in enumerate(chars):
            extended = (text, True) if c == "\n" else (text + c, False)
            heapq.heappush(queue, (cost - log_p[j], *extended))
    ### END SOLUTION
    return found


# %% nbgrader={"grade": true, "grade_id": "ex-10-best-first", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_best_first_names(best_first_names)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_best_first_names", best_first_names, seed=1910)
### END HIDDEN TESTS

# %% [markdown]
# The same search on the model of this section, written out again here so that the notebook
# runs on when the exercise is skipped; `rnn_lib.rnn_forward` gives the next character's
# distribution after a prefix, and we count the prefixes it runs:

# %%
def exact_best(count):
    """The count likeliest names of the model and how many prefixes were run: best-first."""
    queue, found, runs = [(0.0, "", False)], [], 0
    while len(found) < count:
        cost, text, finished = heapq.heappop(queue)
        if finished:
            found.append(rnn_lib.Decoded(text, -cost))
            continue
        X_text, _ = rnn_lib.encode_names([text], char_to_ix)  # the zero step, then text
        y_hat = rnn_lib.rnn_forward(X_text, np.zeros((model["Waa"].shape[0], 1)), model)[1]
        log_p, runs = np.log(y_hat[:, 0, -1]), runs + 1
        for j in range(n_x):
            extended = (text, True) if ix_to_char[j] == "\n" else (text + ix_to_char[j], False)
            heapq.heappush(queue, (cost - log_p[j], *extended))
    return found, runs


likeliest, runs = exact_best(5)
assert np.all(np.diff([d.log_probability for d in likeliest]) < -1e-3)  # a stable order
assert likeliest[0].name == "" and found[64][0].name == ""
assert np.isclose(likeliest[4].log_probability, found[4][0].log_probability)
assert not {d.name for d in likeliest[1:4]} & {d.name for d in found[64]}  # the beams missed them
for d in likeliest:
    print(f"{d.name!r:14} log P = {d.log_probability:6.2f}")
print(f"prefixes run: about {round(runs, -2):,}")

# %% [markdown]
# The exact search finds the empty name first, then three names of one and two letters, 'a', 's'
# and 'us', all likelier than 'saurosaurus', the best name that widths 4 to 16 found. No beam
# up to width 64 kept them (its twelve best names, above, leave them out): at the step where
# each of them ends, $B$ continuations of other names scored higher, and those went on to end
# lower. The exact search pays for its guarantee by
# running the model on several hundred prefixes, where a beam of width 4 runs at most four per
# letter; with a model of words and a vocabulary of thousands, the queue would grow too fast,
# and beam search is what remains.
#
# - An embedding is the product $W_e x$ with a one-hot $x$, done as a lookup
#   (equation {eq}`eq-10-embedding`); its gradient adds every step's $\mathrm{d}e$ into the column the step
#   read (equation {eq}`eq-10-embedding-gradient`), so repeated characters need `np.add.at`, not
#   `dWe[:, idx] += de`.
# - A stacked RNN feeds each layer's states to the next (equation {eq}`eq-10-stacked`); its backward pass
#   needs layers whose BPTT takes an upstream gradient and returns $\mathrm{d}x$
#   (equation {eq}`eq-10-stacked-backward`). On the dinosaur names, at 15,500 parameters, two layers do
#   no better than one; the starting scale of the weights mattered more.
# - A bidirectional RNN stacks a forward and a backward state (equation {eq}`eq-10-bidirectional`), the
#   backward one flipped back into time order. Filling in a hidden letter, it is right about half
#   the time where a left-to-right RNN of the same size is right a third of the time.
# - Greedy decoding, sampling and beam search (equation {eq}`eq-10-beam-score`) find names of very
#   different log-probability (equation {eq}`eq-10-name-log-probability`): beam search likelier
#   ones, short and dull, and at a wide beam even the empty name. A best-first search finds the
#   likeliest exactly, because a log-probability only falls as a name grows.
#
# **Next:** the [numbers page](../book/numbers.md) gathers the measurements of the whole series;
# to go further, try an LSTM in the stack, or a beam search with a length penalty.
