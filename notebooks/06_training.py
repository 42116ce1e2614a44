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
# # 06 · Training the dinosaur-name model
#
# Everything is in place: a cell (notebook 01), the forward pass and its loss (02), the gradients
# (03), clipping (04) and a sampler (05). This notebook puts them together and trains a
# character-level RNN on 1,449 real dinosaur names until it invents new ones. We train it twice:
# first with the recipe of the *seed notebook* (the single-notebook exercise this series grew
# from), one name per gradient step, with a training step you write yourself from the pieces of
# notebooks 01 to 04; and then with the recipe this library recommends, minibatches of names of
# similar length and the Adam optimiser, which reaches a lower loss in a hundredth of the steps
# and a fraction of the time. Along the way we measure what "learning" means here: the loss per
# character on names the model never saw.
#
# **Learning goals**
#
# - Split a corpus into training and dev names, and explain why the dev set is the one that counts.
# - Compute the loss per character and the perplexity, and read them against the uniform guess.
# - Write the seed's training step, `optimize`: forward, loss, backpropagation, clipping, update.
# - Name what was wrong with the seed's training loop and how rnn_lib's version fixes it.
# - Build the recommended recipe from its parts: length-grouped minibatches, Adam, clipping by
#   global norm, a decaying learning rate, a fresh shuffle every epoch; implement one Adam step.
# - Read loss and perplexity curves, watch sampled names improve, and count how many are new.
# - Save a trained model to a checkpoint, load it back, and do the same from the command line.

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
# ## 1. The corpus
#
# The library ships the corpus: one genus name per line, lowercase letters only. The vocabulary
# is the end-of-name newline `"\n"` at index 0, followed by the 26 letters, $n_x = n_y = 27$.

# %%
from rnn_lib import count_chars, padding_fraction

names = rnn_lib.load_dinosaur_names()
chars = rnn_lib.build_vocabulary(names)
char_to_ix, ix_to_char = rnn_lib.index_maps(chars)
n_x = len(chars)
lengths = np.array([len(name) for name in names])
print(f"{len(names)} names, {count_chars(names)} characters to predict (each name's newline too)")
print(f"vocabulary: {chars!r}, n_x = {n_x}")
print(f"lengths from {lengths.min()} to {lengths.max()}, mean {lengths.mean():.2f}")
print(f"shortest: {[n for n in names if len(n) == lengths.min()]}")
print(f"longest: {[n for n in names if len(n) == lengths.max()]}")

# %% mystnb={"image": {"alt": "Histogram of name lengths in letters: names have 2 to 23 letters, peaking around 11 to 13 letters with about 230 names each, with a red dashed line at the mean of 11.7; two thirds of names have 9 to 13 letters."}}
fig, ax = plt.subplots(figsize=(8, 3.2))
ax.hist(lengths, bins=np.arange(lengths.min(), lengths.max() + 2) - 0.5, color="tab:blue")
ax.axvline(lengths.mean(), color="tab:red", ls="--", lw=1, label=f"mean {lengths.mean():.1f}")
ax.set(xlabel="letters in the name", ylabel="names")
ax.set_title(f"Names have {lengths.min()} to {lengths.max()} letters; two thirds have 9 to 13")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# A model that only ever sees its training names can memorise them; what we want is a model that
# predicts names it has **not** seen. So we hold out 10% of the names as a **dev set** and never
# train on them. `split_names` shuffles with a fixed seed, so the split is the same on every
# machine and every run (the command line makes the same split with `--seed 0`):

# %%
train_names, dev_names = rnn_lib.split_names(names, dev_fraction=0.1, rng=0)
print(f"{len(train_names)} training names, {len(dev_names)} dev names")
print("the first dev names:", dev_names[:6])
print("the same split again:", rnn_lib.split_names(names, 0.1, rng=0)[1] == dev_names)

# %% [markdown]
# ## 2. Loss per character and perplexity
#
# A name of five letters gives six predictions: each letter from the ones before it, then the
# newline that ends it. Over a batch of $m$ names, padded to the longest, there are $C$ such
# predicted characters (every name's letters plus its newline), and the **loss per character** is
# the mean cross-entropy over all of them, in nats (natural logarithm):
#
# $$ \mathcal{L}_{\text{char}} = -\frac{1}{C} \sum_{i=1}^{m} \sum_{t=1}^{T_x} \sum_{k}
#    y_k^{(i)\langle t\rangle} \log \hat y_k^{(i)\langle t\rangle}
#    $$ (eq-06-loss-per-char)
#
# Since $y^{(i)\langle t\rangle}$ is one-hot, the sum over the symbols $k$ picks the log of the
# probability the model gave the true character of name $(i)$ at step $t$; at the padding steps
# after a name's end $y^{(i)\langle t\rangle}$ is all zeros and adds nothing, and $C$ counts
# only the steps that are not padding. Dividing by characters, not by names, makes the number
# comparable between batches of short and long names, and between the training and dev sets. Its
# exponential is the **perplexity**:
#
# $$
# \mathrm{PP} = e^{\mathcal{L}_{\text{char}}}
# $$ (eq-06-perplexity)
#
# the number of equally likely characters the model is, on average, choosing between. A model
# that knows nothing and spreads its probability evenly over the 27 symbols has
# $\mathcal{L}_{\text{char}} = \log 27 \approx 3.2958$ nats and perplexity 27; a model that
# always knew the next character would reach 0 and 1.

# %% [markdown]
# :::{exercise} Loss per character · core
# :label: ex-06-loss-per-char
#
# Complete `loss_per_char(y_hat, Y)`, which returns equation {eq}`eq-06-loss-per-char` as a float. Both
# arrays have shape $(n_y, m, T_x)$; `Y` is the batch's one-hot targets, padded to the longest
# name with all-zero columns, which are not characters and must not count. (Each real target
# column of `Y` holds exactly one 1.) `y_hat` comes from a softmax, so its entries are positive.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-06-loss-per-char-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def loss_per_char(y_hat, Y):
    """Mean cross-entropy per predicted character, in nats, of a padded batch.

    Arguments:
        y_hat -- predicted distributions, (n_y, m, T_x)
        Y -- one-hot targets, (n_y, m, T_x); all-zero columns are padding
    Returns:
        loss -- a float
    """
    ### BEGIN SOLUTION
    total = -np.sum(Y * np.log(y_hat))
    n_chars = Y.sum()
    loss = float(total / n_chars)
    ### END SOLUTION
    return loss


# %% nbgrader={"grade": true, "grade_id": "ex-06-loss-per-char", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_loss_per_char(loss_per_char)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_loss_per_char", loss_per_char, seed=1906)
### END HIDDEN TESTS

# %% [markdown]
# Both recipes below start from the same random weights (`initialize_parameters` with seed 0):
# small weights, so the untrained model predicts almost uniformly. `rnn_lib.evaluate` computes
# the loss per character of a whole list of names, in batches of similar length; from here on we
# use it.
#
# :::{admonition} Predict, then run: the loss of a model that knows nothing
# :class: tip
#
# What loss per character will the untrained model have on the dev names, to two decimals? And
# on 8 of them?
# :::

# %%
n_a = 50
initial = rnn_lib.initialize_parameters(n_a, n_x, n_x, np.random.default_rng(0))
X, Y = rnn_lib.encode_names(dev_names[:8], char_to_ix)
_, y_hat, _ = rnn_lib.rnn_forward(X, np.zeros((n_a, 8)), initial)
untrained = rnn_lib.evaluate(initial, dev_names, char_to_ix)
print(f"8 dev names, X and Y {X.shape}: {loss_per_char(y_hat, Y):.4f} nats per character")
print(
    f"all {untrained.names} dev names ({untrained.chars} characters): "
    f"{untrained.loss_per_char:.4f} nats, perplexity {untrained.perplexity:.2f}"
)
print(f"uniform guess: log 27 = {np.log(27):.4f} nats, perplexity 27")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# $\log 27 \approx 3.30$ nats on both, perplexity 27. With weights of the order of 0.01 the
# logits $z_y$ are all nearly 0, so the softmax is nearly uniform over the 27 symbols, whatever the
# name: every character costs about $\log 27$, and the mean over any set of names is the same.
# :::

# %% [markdown]
# ## 3. The seed's recipe: one name per step
#
# The seed notebook trains with plain stochastic gradient descent on one name at a time: encode
# the name, run forward, backpropagate through time, clip every gradient entry to $[-5, 5]$, and
# take a step $W \leftarrow W - 0.01\, \partial \mathcal{L}/\partial W$; 22,001 such steps. The
# encoded name is both the input and the target, shifted by one step: at step $t$ the model reads
# the true character $t - 1$, whatever it predicted there. That is **teacher forcing**: the model
# always learns from a correct history, while in sampling (notebook 05) it reads its own draws.
#
# :::{exercise} One training step · core
# :label: ex-06-optimize
#
# Complete `optimize(X, Y, a_prev, parameters, learning_rate, clip_value)`, the seed's training
# step, from the functions you wrote in notebooks 01 to 04 (rnn_lib has them all): run
# `rnn_lib.rnn_forward` from `a_prev`; take the summed loss `rnn_lib.compute_loss(y_hat, Y)`;
# backpropagate with `rnn_lib.rnn_backward(X, Y, parameters, caches)`; clip every gradient entry
# to $[-c, c]$, $c$ = `clip_value`, with `rnn_lib.clip` (which returns a new dict and leaves its
# argument alone); and update the caller's `parameters` in place with
# `rnn_lib.update_parameters(parameters, gradients, learning_rate)`. Return the loss (before the
# update), the clipped gradients, and `a_last`, the hidden state after the last step, of shape
# $(n_a, m)$: a caller who wants to go on where this batch stopped starts the next call from it.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-06-optimize-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def optimize(X, Y, a_prev, parameters, learning_rate, clip_value=5.0):
    """One step of the seed's recipe: forward, loss, BPTT, clip by value, SGD update in place.

    Arguments:
        X, Y -- inputs and one-hot targets, (n_x, m, T_x) and (n_y, m, T_x)
        a_prev -- the hidden state to start from, (n_a, m)
        parameters -- dict of Wax, Waa, Wya, ba, by; updated in place
        learning_rate -- the step size
        clip_value -- every gradient entry is clipped to [-clip_value, clip_value]
    Returns:
        loss -- the summed cross-entropy of the batch, before the update
        gradients -- the clipped gradients: dWax, dWaa, dWya, dba, dby, da0
        a_last -- the hidden state after the last step, (n_a, m)
    """
    ### BEGIN SOLUTION
    a, y_hat, caches = rnn_lib.rnn_forward(X, a_prev, parameters)
    loss = rnn_lib.compute_loss(y_hat, Y)
    gradients = rnn_lib.rnn_backward(X, Y, parameters, caches)
    gradients = rnn_lib.clip(gradients, clip_value)
    rnn_lib.update_parameters(parameters, gradients, learning_rate)
    a_last = a[:, :, -1]
    ### END SOLUTION
    return loss, gradients, a_last


# %% nbgrader={"grade": true, "grade_id": "ex-06-optimize", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_optimize(optimize)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_optimize", optimize, seed=1906)
### END HIDDEN TESTS

# %% [markdown]
# `rnn_lib.optimize` is the same step, faster: it does the same arithmetic in place, on reused
# buffers, and gives the same numbers to the last bit. As written, the seed's training loop
# around it had four problems:
#
# - **The hidden state was carried from one name into the next.** Each name started from the
#   last state of the previous one, so the model learned openings that depend on an unrelated
#   name, yet at sampling time every name starts from zero.
# - **No shuffling.** The names were visited in file order, which is alphabetical, every pass:
#   hundreds of steps in a row pull the model towards names starting with "a", then "b", ...
# - **No dev set and no reported loss.** Nothing told whether the model was learning or how well.
# - **`if idx:` treats index 0 as "no character".** Index 0 is the newline; it never occurs as an
#   input here, so the bug is silent, but it would drop a real character in any vocabulary that
#   puts a letter at index 0.
#
# `rnn_lib.rnn_model(names, num_iterations, learning_rate)` is the seed's recipe with these
# fixed: every name starts from a zero state, the names are reshuffled on every pass, the loss
# of every step is returned, and all randomness comes from an `rng` argument. Here is its loop
# written out with your `optimize`, so that we can measure the dev loss after each **epoch** (one
# pass over the 1,304 training names). The full 22,001 steps are about 17 epochs; we run 5, and
# check that the first 300 steps are those of `rnn_model`.
#
# :::{admonition} Predict, then run: the dev loss against the training loss
# :class: tip
#
# The training loss of an epoch is the mean over its steps, each measured just before its
# update; the dev loss is measured on the held-out names after the epoch. After the first epoch,
# which will be higher?
# :::

# %%
import time

seed_epochs, seed_rate = 5, 0.01
rng = np.random.default_rng(0)
seed_parameters = rnn_lib.initialize_parameters(n_a, n_x, n_x, rng)
encoded = [rnn_lib.encode_names([name], char_to_ix) for name in train_names]
a0 = np.zeros((n_a, 1))
seed_train, seed_dev, step_losses = [], [], []
start = time.perf_counter()
for _ in range(seed_epochs):
    total, n_chars = 0.0, 0
    for i in rng.permutation(len(train_names))[::-1]:  # rnn_model takes names from the end
        X, Y = encoded[i]
        loss, _, _ = optimize(X, Y, a0, seed_parameters, seed_rate, clip_value=5.0)
        total, n_chars = total + loss, n_chars + X.shape[2]
        step_losses.append(loss / X.shape[2])
    seed_train.append(total / n_chars)
    seed_dev.append(rnn_lib.evaluate(seed_parameters, dev_names, char_to_ix).loss_per_char)
seed_seconds = time.perf_counter() - start

_, rnn_model_losses = rnn_lib.rnn_model(train_names, 300, seed_rate, n_a=n_a, rng=0)
print(
    "the loop above and rnn_model take the same first 300 steps:",
    np.allclose(step_losses[:300], rnn_model_losses),
)
for epoch, (tr, dv) in enumerate(zip(seed_train, seed_dev, strict=True), start=1):
    print(f"epoch {epoch}: {epoch * len(train_names):5d} steps, train {tr:.4f}, dev {dv:.4f}")

# %%
# NBVAL_IGNORE_OUTPUT
seed_steps = seed_epochs * len(train_names)
print(
    f"seed recipe: {seed_steps} steps in {seed_seconds:.1f} s "
    f"({1e3 * seed_seconds / seed_steps:.2f} ms per step)"
)

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# The training loss, by a wide margin (2.55 against 2.18 after the first epoch). The dev names are
# unseen, which would make them the harder ones, but the training loss of an epoch averages
# the whole epoch, most of it taken while the model was still poor; the dev loss is measured
# once, with the model at the end of the epoch. Only as learning slows down does the gap between
# seen and unseen names show (it stays small here, because the model is too small to memorise).
# :::
#
# The dev loss falls from 3.30 to 1.90 nats in five epochs. One name per step is slow, though:
# each step runs numpy on arrays of a single column, so most of its time goes to Python and call
# overhead rather than arithmetic; and a single name's gradient is a noisy estimate of the
# gradient over all names, which a small, fixed learning rate has to average out over many
# steps.
#
# :::{admonition} Predict, then run: carrying the state into the next name
# :class: tip
#
# The seed passed each name's last state on as the next name's `a_prev`. Take the model just
# trained and the dev names "ganzhousaurus" and "shixinggia". If "shixinggia" starts from the
# last state of "ganzhousaurus" instead of zeros, does the model's probability of its first
# letter change, and by a little or a lot?
# :::

# %%
first, second = dev_names[0], dev_names[1]
X_first, _ = rnn_lib.encode_names([first], char_to_ix)
a_first, _, _ = rnn_lib.rnn_forward(X_first, a0, seed_parameters)
X_second, Y_second = rnn_lib.encode_names([second], char_to_ix)
for label, start in [("a zero state", a0), (f"the last state of {first!r}", a_first[:, :, -1])]:
    _, y_hat, _ = rnn_lib.rnn_forward(X_second, start, seed_parameters)
    per_char = rnn_lib.compute_loss(y_hat, Y_second) / count_chars([second])
    print(
        f"from {label:>36}: P({second[0]!r} first) = {y_hat[char_to_ix[second[0]], 0, 0]:.2f}, "
        f"loss of {second!r} {per_char:.2f} nats/char"
    )

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# A lot: the probability of the first letter "s" falls from 0.08 to 0.01, and the whole name
# costs 2.82 instead of 2.40 nats per character. This model was trained with every name starting
# from zeros, as sampling starts too; the last state of another name is a state it never learned
# to read a first letter from, and only after a few letters have the name's own characters
# overwritten it. The seed's loop trained with such carried states, so its model learned openings
# that depend on an unrelated previous name, which is of no use when sampling starts from zeros.
# :::
#
# ## 4. The recommended recipe
#
# `rnn_lib.train` changes five things.
#
# **Minibatches of names of similar length.** A step processes $m = 64$ names at once, padded to
# the longest in the batch; the all-zero padding columns add nothing to the loss or gradients
# (notebook 02). Batches drawn at random mix a 5-letter name with a 20-letter one and spend many
# of their steps on padding. `length_grouped_batches` shuffles the names, sorts each pool of 20
# batches by length, cuts it into batches and shuffles the batch order, so a batch holds names of
# similar length and the order still changes every epoch:

# %%
batch_size = 64
rng = np.random.default_rng(0)
shuffled = [train_names[i] for i in rng.permutation(len(train_names))]
random_batches = [shuffled[i : i + batch_size] for i in range(0, len(shuffled), batch_size)]
grouped = rnn_lib.length_grouped_batches(train_names, batch_size, rng=np.random.default_rng(0))
print(f"{len(grouped)} batches of up to {batch_size} names per epoch")
print(f"share of padding, random batches:         {padding_fraction(random_batches):.1%}")
print(f"share of padding, length-grouped batches: {padding_fraction(grouped):.1%}")
print("names per batch:", [len(batch) for batch in grouped])
print("one batch:", grouped[0][:6], "...")

# %% [markdown]
# The objective of a batch is its loss per character (equation {eq}`eq-06-loss-per-char`), so its gradient
# $g$ is the summed gradient of the batch divided by $C$.
#
# **Clipping by global norm.** If the norm of all parameter gradients together exceeds a threshold
# $c = 1$, they are rescaled as one vector (notebook 04), which keeps the direction of the step:
#
# $$ g \leftarrow g \cdot \min\Big(1, \frac{c}{\lVert g\rVert}\Big), \qquad
#    \lVert g\rVert = \sqrt{\textstyle\sum_{W} \sum (\partial \mathcal{L}_{\text{char}}/\partial W)^2}
#    $$ (eq-06-clip-norm)
#
# **Adam.** Instead of one learning rate for every weight, Adam keeps two running averages per
# weight, of the gradient and of its square. We count the update steps from $n = 0$, as
# `rnn_lib.train` does; $g_n$ is the gradient of step $n$, and $m_n$, $v_n$ are the averages
# after it:
#
# $$
# m_n = \beta_1 m_{n-1} + (1 - \beta_1)\, g_n
# $$ (eq-06-adam-m)
#
# $$
# v_n = \beta_2 v_{n-1} + (1 - \beta_2)\, g_n \odot g_n
# $$ (eq-06-adam-v)
#
# (This $m_n$ is Adam's first moment, not the batch size $m$.) Both start from zero before the
# first step, $m_{-1} = v_{-1} = 0$, which biases them towards zero in the first steps. After step
# $n$, that is after $n + 1$ updates, the weights of the average add up to
# $1 - \beta^{\,n+1}$, and dividing by that total removes the bias:
#
# $$ \hat m_n = \frac{m_n}{1 - \beta_1^{\,n+1}}, \qquad
#    \hat v_n = \frac{v_n}{1 - \beta_2^{\,n+1}}
#    $$ (eq-06-adam-bias)
#
# $$
# W \leftarrow W - \alpha_n \frac{\hat m_n}{\sqrt{\hat v_n} + \epsilon}
# $$ (eq-06-adam-step)
#
# with the square root and division taken entry by entry. $\hat m_n$ gives the step a direction
# smoothed over recent batches; dividing by $\sqrt{\hat v_n}$ gives every weight a step of about
# $\alpha_n$ whatever the scale of its gradients, so rarely used weights (those of rare letters)
# learn as fast as busy ones. The library uses $\beta_1 = 0.9$, $\beta_2 = 0.999$,
# $\epsilon = 10^{-8}$, added outside the square root.

# %% [markdown]
# :::{exercise} One Adam step · stretch
# :label: ex-06-adam
#
# Complete `adam_update(w, dw, m, v, n, learning_rate, beta1, beta2, eps)` for one parameter
# array `w` with gradient `dw` at update step `n` (counted from 0) and the moments `m`, `v` after
# step $n - 1$ (zeros before the first step). Return the new `(w, m, v)` following
# equations {eq}`eq-06-adam-m` to {eq}`eq-06-adam-step`, as new arrays: do not change the caller's arrays.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-06-adam-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def adam_update(w, dw, m, v, n, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step, update step n = 0, 1, ..., for one parameter.

    Arguments:
        w -- the parameter, any shape
        dw -- its gradient, shape of w
        m, v -- the first and second moments after step n - 1 (zeros for n = 0), shape of w
        n -- the number of this update step, counted from 0
        learning_rate -- the step size alpha_n
        beta1, beta2 -- decay rates of the moments
        eps -- added to the denominator
    Returns:
        w_new, m_new, v_new -- new arrays, shape of w
    """
    ### BEGIN SOLUTION
    m_new = beta1 * m + (1 - beta1) * dw
    v_new = beta2 * v + (1 - beta2) * dw**2
    m_hat = m_new / (1 - beta1 ** (n + 1))
    v_hat = v_new / (1 - beta2 ** (n + 1))
    w_new = w - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    ### END SOLUTION
    return w_new, m_new, v_new


# %% nbgrader={"grade": true, "grade_id": "ex-06-adam", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_adam_update(adam_update)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_adam_update", adam_update, seed=1906)
### END HIDDEN TESTS

# %% [markdown]
# `rnn_lib.Adam` does the same for every parameter of the model, keeping $m$, $v$ and the number
# of steps taken between calls; from here on the library's Adam does the work.
#
# **A decaying learning rate.** Large steps help early, when the model is far from good; small
# ones help late, to settle into a minimum rather than bounce around it. Over a run of $N$ update
# steps, $n = 0, 1, \ldots, N - 1$, the learning rate falls linearly from $\alpha_0 = 0.05$
# towards 0:
#
# $$
# \alpha_n = \alpha_0 \Big(1 - \frac{n}{N}\Big)
# $$ (eq-06-lr-decay)
#
# so the first step takes $\alpha_0$ itself and the last $\alpha_0 / N$.
#
# **A fresh shuffle every epoch**, and **a dev evaluation after every epoch**, recorded in the
# run's history. With the library's defaults (50 hidden units, 10 epochs, batches of 64,
# $\alpha_0 = 0.05$, clipping at 1, seed 0):

# %%
from rnn_lib import train

result = train(train_names, dev_names, chars=chars, progress=False)
history = result.history
print("hyperparameters:", result.hyperparameters)
for epoch, tr, dv, pp in zip(
    history["epoch"],
    history["train_loss_per_char"],
    history["dev_loss_per_char"],
    history["dev_perplexity"],
    strict=True,
):
    print(f"epoch {epoch:2d}: train {tr:.4f}, dev {dv:.4f}, dev perplexity {pp:.3f}")

# %%
# NBVAL_IGNORE_OUTPUT
steps = len(history["epoch"]) * len(grouped)
seconds = history["seconds"][-1]
print(
    f"recommended recipe: {steps} steps in {seconds:.2f} s; seed recipe: {seed_seconds:.1f} s "
    f"for {seed_epochs} epochs, {seed_seconds / seconds:.0f} times as long"
)

# %% [markdown]
# ## 5. The curves side by side
#
# Wall-clock time depends on the machine, so we compare the recipes by the number of training
# names they have seen: one epoch is 1,304 names for both, in 1,304 steps for the seed's recipe
# and 21 for the recommended one. Both start from the same untrained model. The training loss of
# an epoch is measured while the model learns (each batch before its update), the dev loss after
# the epoch.

# %% mystnb={"image": {"alt": "Left: loss per character against training names seen (0 to 13,000) for the seed recipe (orange) and the recommended recipe (blue), dev as solid lines with circles, train as dashed with squares. Both fall from the uniform 3.3 to about 1.9 after 5 epochs; the recommended dev ends at 1.79 after 10. Right: dev perplexity falls from 27 to about 6."}}
per_epoch = len(train_names)
recommended_seen = np.array(history["epoch"]) * per_epoch
seed_seen = np.arange(1, seed_epochs + 1) * per_epoch
start_point = ([0], [untrained.loss_per_char])

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
for label, seen, tr, dv, color in [
    ("seed recipe", seed_seen, seed_train, seed_dev, "tab:orange"),
    (
        "recommended",
        recommended_seen,
        history["train_loss_per_char"],
        history["dev_loss_per_char"],
        "tab:blue",
    ),
]:
    left.plot(
        np.r_[start_point[0], seen],
        np.r_[start_point[1], dv],
        "o-",
        color=color,
        label=f"{label}, dev",
    )
    left.plot(seen, tr, "s--", color=color, alpha=0.6, label=f"{label}, train")
    right.plot(np.r_[0, seen], np.exp(np.r_[start_point[1], dv]), "o-", color=color, label=label)
left.axhline(np.log(27), color="gray", ls=":", label="uniform guess, log 27")
left.set(
    xlabel="training names seen", ylabel="loss per character (nats)", title="Loss per character"
)
left.legend(fontsize=8)
right.axhline(27, color="gray", ls=":", label="uniform guess, 27")
right.set_yscale("log")
right.yaxis.set_minor_locator(plt.NullLocator())
right.set_yticks([5, 7, 10, 15, 20, 27], ["5", "7", "10", "15", "20", "27"])
right.set(
    xlabel="training names seen",
    ylabel="dev perplexity (log scale)",
    title="Dev perplexity: effective number of choices per character",
)
right.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
print(
    f"after 5 epochs: seed recipe dev {seed_dev[-1]:.4f}, "
    f"recommended dev {history['dev_loss_per_char'][4]:.4f}"
)
final = history["dev_loss_per_char"][-1]
print(f"after 10 epochs, recommended: dev {final:.4f} nats, perplexity {np.exp(final):.3f}")

# %% [markdown]
# Per name seen, the two recipes learn at about the same pace for five epochs: Adam's larger
# steps make up for taking 64 times fewer of them. The difference is the cost of a name: a
# batched step handles 64 names for the price of several single-name steps. The bumps in the
# recommended dev curve at epochs 3 and 6 are the price of large early steps; the decaying
# learning rate settles them by the end. From the fifth epoch on, the dev loss sits a little above
# the training loss (in epochs 1, 2 and 4 it is below it, for the reason of the question above:
# the training loss averages an epoch of a still-learning model), and both are still falling: the
# model is not memorising its training names.
#
# `benchmarks/train_vs_seed.py` runs the full comparison on the same split. The seed notebook's
# own code, 22,001 steps with its bugs, ends at a dev loss of 1.93 nats; the same recipe fixed
# (`rnn_model`) reaches 1.805 in about 4 s; the recommended recipe reaches 1.787 in 210 steps
# and about a third of a second. Fixing the seed's bugs gains more than changing the recipe;
# changing the recipe gains the time.
#
# ## 6. Names as training goes on
#
# What does a loss of 2.3 or 1.8 nats look like? We train the recommended recipe for 1, 2, 5 and
# 10 epochs (each a run of its own, so its learning rate decays over its own length) and draw
# 300 names from each with the same seed. Sampling feeds each model its own draws, no longer the
# true previous letters of teacher forcing; a weak model that draws an unlikely letter finds
# itself where no training name led it (exposure bias, notebook 05), and its names show it.
# `rnn_lib.novelty` counts how many are **new** (not one of the training names); two simple
# statistics show how name-like they are: the mean length, and the share ending in "-saurus",
# against the training names' own.


# %%
def name_statistics(some_names):
    mean_length = np.mean([len(name) for name in some_names])
    saurus = np.mean([name.endswith("saurus") for name in some_names])
    return f"mean length {mean_length:4.1f}, {saurus:4.0%} end in -saurus"


print(f"training names:   {name_statistics(train_names)}")
for epochs in [1, 2, 5, 10]:
    if epochs == 10:
        run = result
    else:
        run = train(train_names, dev_names, epochs=epochs, chars=chars, progress=False)
    drawn = rnn_lib.sample_names(
        run.parameters, char_to_ix, ix_to_char, 300, rng=np.random.default_rng(0)
    )
    plain = [name.rstrip("\n") for name in drawn]
    stats = rnn_lib.novelty(drawn, train_names)
    print(
        f"{epochs:2d} epochs, dev {run.history['dev_loss_per_char'][-1]:.4f}: "
        f"{name_statistics(plain)}, {stats['novel']} of 300 new"
    )
    print("   ", ", ".join(plain[:6]))

# %% [markdown]
# After one epoch the names already have about the right length on average (10.8 letters against
# the real names' 11.6), but they are strings of letters with scraps of "saurus" in odd places,
# and only 1% end in it; after two epochs 18% do; by ten, the names end in "-saurus" about as
# often as the real ones do (37% against 38%) and most read like plausible Latin.
# None of the 300 samples of any model is a training name: the model learned what dinosaur names
# are made of, not a list of them. (A model trained much longer, or a much bigger one, would
# start to reproduce its training names; the dev loss, rising again, would show it.)
#
# ## 7. Temperature: new versus plausible
#
# Notebook 05 showed how the temperature $\tau$ reshapes each step's distribution. On the trained
# model it trades novelty against plausibility. As a measure of plausibility we use the model's
# own loss per character on its samples at $\tau = 1$: how surprising the names are to the model
# that made them.
#
# :::{admonition} Predict, then run: samples as surprising as real names
# :class: tip
#
# The real dev names cost the trained model 1.79 nats per character. At which of the temperatures
# 0.5, 0.75, 1 and 1.5 will its own samples cost it about as much?
# :::

# %%
parameters = result.parameters
for temperature in [0.5, 0.75, 1.0, 1.5]:
    drawn = rnn_lib.sample_names(
        parameters,
        char_to_ix,
        ix_to_char,
        300,
        temperature=temperature,
        rng=np.random.default_rng(1),
    )
    plain = [name.rstrip("\n") for name in drawn]
    stats = rnn_lib.novelty(drawn, train_names)
    surprise = rnn_lib.evaluate(parameters, plain, char_to_ix).loss_per_char
    print(
        f"τ = {temperature:<4}: {stats['distinct']:3d} distinct, {stats['novel']:3d} new of 300, "
        f"loss {surprise:.2f} nats/char; e.g. {', '.join(plain[:4])}"
    )
print(f"the real dev names: loss {final:.2f} nats/char")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# At $\tau = 1$ (1.81 nats against 1.79). At $\tau = 1$ the samples are drawn from exactly the
# distribution the model assigns, so their mean surprise is the model's own entropy per character;
# if the model were perfect, real names would be drawn from that distribution too, and cost the
# same. That the two agree says the model is, on average, as unsure as it should be: real names
# surprise it about as much as it expects to be surprised. Colder samples are less surprising
# than real names, hotter ones more.
# :::
#
# Novelty hardly moves: even at $\tau = 0.5$ only a few samples are repeats or training names.
# Plausibility moves a lot. At $\tau = 1$ the samples are typical draws from what the model
# learned; lower temperatures give names more typical than real ones, built from the commonest
# pieces; higher ones give names the model itself finds unlikely, which is what "stranger" means
# here.
#
# ## 8. Saving and loading the model
#
# A checkpoint is one `.npz` file with the parameters and, as JSON, the vocabulary, the
# hyperparameters and the training history. `save_checkpoint` writes it atomically (a temporary
# file, then a rename), so a crash never leaves half a file; `load_checkpoint` reads it without
# pickle (so a file from someone else cannot run code) and checks its shapes against the
# vocabulary.

# %%
import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "dinosaurs.npz")
    rnn_lib.save_checkpoint(
        path, result.parameters, result.chars, result.hyperparameters, result.history
    )
    loaded = rnn_lib.load_checkpoint(path)
print(
    "same parameters:",
    all(np.array_equal(loaded.parameters[k], parameters[k]) for k in rnn_lib.PARAM_NAMES),
)
print("same vocabulary:", loaded.chars == result.chars)
print("history kept, dev loss of the last epoch:", f"{loaded.history['dev_loss_per_char'][-1]:.4f}")
reloaded = rnn_lib.evaluate(loaded.parameters, dev_names, char_to_ix)
print(f"dev loss of the loaded model: {reloaded.loss_per_char:.4f}")

# %% [markdown]
# The command line does all of this in three commands. `train` makes the same 90/10 split with
# `--seed 0` and trains with the same defaults, so it writes exactly the model trained above;
# `sample` draws names from a checkpoint; `evaluate` scores a checkpoint on any corpus:
#
# ```bash
# python -m rnn_lib train --out dinosaurs.npz --seed 0
# python -m rnn_lib sample --checkpoint dinosaurs.npz -n 10 --temperature 0.8 --seed 1
# python -m rnn_lib evaluate --checkpoint dinosaurs.npz --data rnn_lib/data/dinos.txt
# ```
#
# Every option of `train` (`--hidden`, `--epochs`, `--batch-size`, `--learning-rate`,
# `--optimizer`, `--clip`, `--schedule`, ...) is listed by `python -m rnn_lib train --help`.
#
# ## Summary
#
# - Hold out a dev set (`split_names`, deterministic) and judge a model by its dev loss per
#   character (equation {eq}`eq-06-loss-per-char`), in nats, every end-of-name newline counted; its
#   exponential, the perplexity (equation {eq}`eq-06-perplexity`), starts at 27 for a uniform guess.
# - The seed's recipe, one name per SGD step, works once fixed (a zero state per name, a fresh
#   shuffle every pass, a dev set): 1.90 nats after 5 epochs, but it takes thousands of steps.
# - The recommended recipe uses length-grouped minibatches (5% padding instead of a third),
#   Adam (equations {eq}`eq-06-adam-m`–{eq}`eq-06-adam-step`), clipping by global norm (equation {eq}`eq-06-clip-norm`)
#   and a linear decay of the learning rate (equation {eq}`eq-06-lr-decay`): 1.787 nats (perplexity 5.97)
#   after 10 epochs, in 210 steps and well under a second.
# - Sampled names gain their endings and their "-saurus" as the dev loss falls; all 300 samples
#   are new names. At $\tau = 1$ they are as typical as real names; lower temperatures make them
#   safer, higher ones stranger, while novelty stays high.
# - `save_checkpoint` / `load_checkpoint`, or `python -m rnn_lib train | sample | evaluate`, keep
#   and reuse a trained model.
#
# **Next:** [07 · Vanishing and exploding gradients](07_vanishing_gradients.ipynb) asks why this
# simple RNN struggles to remember the beginning of a long name, and what the gradients through
# many steps look like.
