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
# # 05 · Sampling: from the softmax to a name
#
# A trained character model does not write names; at each step it only says how likely every
# character is to come next, as the softmax output $\hat y^{\langle t\rangle}$. To get a name we
# must pick a character from that distribution, feed it back in as the next input, and repeat
# until the model picks the end of the name. This notebook builds that loop, and the knobs that
# shape it: **temperature**, **top-$K$**, greedy versus random choice, and the seed that makes a
# random name reproducible.
#
# **Learning goals**
#
# - Draw one character from $\hat y^{\langle t\rangle}$ with an explicit random generator, and
#   explain the draw as an inverse cumulative distribution.
# - Reshape a distribution with a temperature and with top-$K$, and implement both.
# - Write the sampling loop: feed the drawn character back, stop at the newline or a length limit.
# - Tell training (teacher forcing: the true previous character is the input) from sampling (the
#   model's own draw is the input), and say what exposure bias is.
# - Compare greedy decoding with random sampling, and temperatures with each other, by how many
#   distinct and new names they produce.
# - Make every random result reproducible with `np.random.default_rng(seed)`.

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
# ## 1. A model to sample from
#
# We need a model that has learned something. 53 well-known genera of the corpus
# (`rnn_lib.FAMOUS_NAMES`) are enough for a small RNN ($n_a = 32$) to pick up their
# letters and endings in about a second of training with the library's recommended recipe
# (minibatches, Adam, clipping by global norm; notebook 06 takes it apart). The vocabulary is
# the newline `"\n"`, index 0, which ends every name, followed by the 26 letters.

# %%
from rnn_lib import train

names = list(rnn_lib.FAMOUS_NAMES)  # 53 well-known genera of the corpus
vocabulary = "\nabcdefghijklmnopqrstuvwxyz"
char_to_ix = {ch: i for i, ch in enumerate(vocabulary)}
ix_to_char = dict(enumerate(vocabulary))
n_y = len(vocabulary)

model = train(
    names,
    hidden=32,
    epochs=60,
    batch_size=8,
    learning_rate=0.01,
    schedule="constant",
    chars=vocabulary,
    seed=0,
    progress=False,
)
parameters = model.parameters
n_a = parameters["Waa"].shape[0]
loss = model.history["train_loss_per_char"][-1]
print(f"{len(names)} names; loss per character in the last epoch {loss:.2f} nats")

# %% [markdown]
# ## 2. One character from $\hat y$
#
# The first step of every name starts from the zero state $a^{\langle 0\rangle} = 0$ and the zero
# input $x^{\langle 1\rangle} = 0$ (the same start the model saw in training). Its output
# $\hat y^{\langle 1\rangle}$ is the model's distribution over the first letter:

# %%
a0 = np.zeros((n_a, 1))
x1 = np.zeros((n_y, 1))
a1, y_hat_1, _ = rnn_lib.rnn_cell_forward(x1, a0, parameters)
p_first = y_hat_1.ravel()
for i in np.argsort(p_first)[::-1][:6]:
    print(f"{ix_to_char[i]!r}: {p_first[i]:.3f}")

# %% [markdown]
# To **sample** is to pick the symbol $k$ with probability $\hat y_k$. With a uniform random
# number $u \in [0, 1)$ that is one line: take the first symbol at which the cumulative sum of the
# probabilities passes $u$,
#
# $$
# k_{\text{drawn}} = \min\Big\{\, k \;:\; \sum_{k'=0}^{k} \hat y_{k'} > u \Big\}
# $$ (eq-05-inverse-cdf)
#
# because each symbol owns a stretch of $[0, 1)$ exactly as long as its probability. numpy's
# `rng.choice(n_y, p=p)` does exactly this with one uniform number from the generator `rng`. We
# always pass a generator we made ourselves, `np.random.default_rng(seed)`, never numpy's hidden
# global one, so that the draw can be repeated.

# %% mystnb={"image": {"alt": "Step plot of the cumulative probability over the 27 characters, newline, a to z: it jumps to about 0.4 at 'a' and reaches 1 at 'z'. A red dashed line at u = 0.637 crosses the staircase first at 'g', marked by a red vertical line, so 'g' is drawn."}}
rng = np.random.default_rng(0)
u = rng.random()
cumulative = np.cumsum(p_first)
chosen = int(np.argmax(cumulative > u))
print(f"u = {u:.4f} -> index {chosen}, {ix_to_char[chosen]!r}")
same_seed = int(np.random.default_rng(0).choice(n_y, p=p_first))
print(f"rng.choice from a generator with the same seed: index {same_seed}")

fig, ax = plt.subplots(figsize=(9, 3.4))
ax.step(np.arange(n_y), cumulative, where="post", color="tab:blue", label="cumulative probability")
ax.axhline(u, color="tab:red", ls="--", lw=1, label=f"u = {u:.3f}")
ax.axvline(chosen, color="tab:red", lw=1)
ax.set_xticks(np.arange(n_y), ["\\n"] + list(vocabulary[1:]))
ax.set(xlabel="character", ylabel="sum of probabilities up to it", ylim=(0, 1.02))
ax.set_title("Inverse-CDF sampling: the first character whose step crosses u is drawn")
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# The tall steps are the likely letters: a uniform $u$ lands on them most often. Over many draws
# the frequencies approach the probabilities (the gap shrinks like $1/\sqrt{\text{draws}}$):

# %%
rng = np.random.default_rng(1)
for draws in [100, 10_000, 1_000_000]:
    frequencies = np.bincount(rng.choice(n_y, size=draws, p=p_first), minlength=n_y) / draws
    print(
        f"{draws:>9,} draws: largest gap between frequency and probability "
        f"{np.abs(frequencies - p_first).max():.4f}"
    )

# %% [markdown]
# ## 3. Temperature and top-$K$
#
# The softmax turns the output scores, or **logits**,
# $z_y^{\langle t\rangle} = W_{ya} a^{\langle t\rangle} + b_y$, into probabilities. Dividing the
# logits by a **temperature** $\tau > 0$ first reshapes the distribution without changing the order
# of the characters (we drop the step $\langle t\rangle$ and write $z_{y,k}$ for the score of
# symbol $k$):
#
# $$
# p_k(\tau) = \frac{e^{z_{y,k} / \tau}}{\sum_{k'} e^{z_{y,k'} / \tau}}
# $$ (eq-05-temperature)
#
# $\tau = 1$ is the model's own distribution. $\tau < 1$ stretches the gaps between logits, so the
# likely characters get likelier (as $\tau \to 0$, all the mass goes to the most likely one);
# $\tau > 1$ shrinks the gaps and flattens the distribution towards uniform.
#
# **Top-$K$** cuts the tail instead: keep the $K$ characters with the largest probabilities, set
# the others to zero, and renormalise so the kept ones sum to 1 again. Writing $S_K$ for the set
# of the symbols with the $K$ largest logits,
#
# $$
# p_k^{(K)}(\tau) = \frac{p_k(\tau)\,[\, k \in S_K \,]}{\sum_{k' \in S_K} p_{k'}(\tau)}
# $$ (eq-05-top-k)
#
# which is the same as setting the logits outside $S_K$ to $-\infty$ before the softmax.

# %% [markdown]
# :::{exercise} Temperature and top-K · core
# :label: ex-05-distribution
#
# Complete `next_char_distribution(scores, temperature=1.0, top_k=None)`. `scores` has shape
# $(n_y, m)$: each column holds the logits of one example. Return the $(n_y, m)$ array of
# probabilities (equation {eq}`eq-05-temperature`), and, when `top_k` is not `None`, keep only the `top_k`
# largest entries of each column as in equation {eq}`eq-05-top-k`. Each column must sum to 1. Don't change
# the caller's `scores` (`scores /= temperature` would). `rnn_lib.softmax` normalises each column
# and copes with $-\infty$ entries; `np.sort(z, axis=0)[-top_k]` is the `top_k`-th largest entry
# of each column.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-05-distribution-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def next_char_distribution(scores, temperature=1.0, top_k=None):
    """softmax(scores / temperature) over each column, keeping only its top_k largest entries.

    Arguments:
        scores -- logits, (n_y, m)
        temperature -- tau > 0
        top_k -- None (keep all), or how many characters to keep in each column
    Returns:
        probabilities -- (n_y, m); each column sums to 1
    """
    ### BEGIN SOLUTION
    z = scores / temperature
    if top_k is not None:
        kth_largest = np.sort(z, axis=0)[-top_k]
        z = np.where(z >= kth_largest, z, -np.inf)
    probabilities = rnn_lib.softmax(z)
    ### END SOLUTION
    return probabilities


# %% nbgrader={"grade": true, "grade_id": "ex-05-distribution", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_next_char_distribution(next_char_distribution)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_next_char_distribution", next_char_distribution, seed=1905)
### END HIDDEN TESTS

# %% [markdown]
# From here on we use the library's version, `rnn_lib.next_char_distribution`. Here is what the
# settings do to the model's distribution of first letters. A useful single number is the
# **effective number of choices** $e^{H}$, where $H = -\sum_k p_k \log p_k$ is the entropy: it is
# $K$ for a uniform choice among $K$ characters.

# %% mystnb={"image": {"alt": "Four bar charts of the first-letter probabilities over 27 characters. At temperature 0.5, 'a' takes 0.81 (2.3 effective choices); at temperature 1, 0.39 (9.9 choices); at temperature 2 the bars flatten, 'a' 0.16 (20.5 choices); temperature 1 with top-K 3 keeps only a, c and p, 'a' 0.66 (2.4 choices). The order of letters never changes."}}
logits_1 = parameters["Wya"] @ a1 + parameters["by"]
settings = {
    "τ = 0.5": dict(temperature=0.5),
    "τ = 1": dict(temperature=1.0),
    "τ = 2": dict(temperature=2.0),
    "τ = 1, top-K = 3": dict(temperature=1.0, top_k=3),
}
labels = ["\\n"] + list(vocabulary[1:])
distributions = {}
for title, options in settings.items():
    p = rnn_lib.next_char_distribution(logits_1, **options).ravel()
    kept = p > 0
    choices = np.exp(-np.sum(p[kept] * np.log(p[kept])))
    distributions[title] = p, choices
    print(
        f"{title:17s} most likely {ix_to_char[int(np.argmax(p))]!r} with {p.max():.3f}, "
        f"effective number of choices {choices:.2f}"
    )

fig, axes = plt.subplots(1, 4, figsize=(13, 3.2), sharey=True)
for ax, (title, (p, choices)) in zip(axes, distributions.items(), strict=True):
    ax.bar(np.arange(n_y), p, color="tab:blue")
    ax.set_xticks(np.arange(n_y), labels, fontsize=6)
    ax.set(title=f"{title}: {choices:.1f} choices", xlabel="first character")
axes[0].set_ylabel("probability")
fig.suptitle("One softmax, four ways: the distribution of the first letter of a name")
fig.tight_layout()
plt.show()

# %% [markdown]
# The order of the letters never changes; only how sharply the mass sits on the front runners. Low
# temperature and small $K$ make names safer and more alike; high temperature makes them more
# varied, and more often unpronounceable.

# %% [markdown]
# :::{admonition} Predict, then run: a very high temperature
# :class: tip
#
# What does the distribution of the first letter become at $\tau = 1000$? How many effective
# choices does it offer, and which letter is the most likely?
# :::

# %%
hot = rnn_lib.next_char_distribution(logits_1, temperature=1000.0).ravel()
print(f"τ = 1000: most likely {ix_to_char[int(np.argmax(hot))]!r} with {hot.max():.4f}")
print(f"effective number of choices {np.exp(-np.sum(hot * np.log(hot))):.2f} of {n_y}")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Almost uniform: dividing the logits by 1000 shrinks their differences to a few thousandths, so
# every one of the 27 symbols gets close to $1/27 \approx 0.037$, and the effective number of
# choices is 27 to two decimals. The order is still the model's, so 'a' stays (barely) in front:
# a temperature never reorders the letters, at any value. Names drawn this hot are random strings.
# :::

# %% [markdown]
#
# ## 4. The sampling loop
#
# A name is drawn one character at a time. Starting from $a^{\langle 0\rangle} = 0$ and
# $x^{\langle 1\rangle} = 0$, each step runs the cell, draws an index from its output, and feeds
# that character back in as the next input:
#
# $$ a^{\langle t\rangle}
#    = \tanh(W_{aa} a^{\langle t-1\rangle} + W_{ax} x^{\langle t\rangle} + b_a),
#    \quad \hat y^{\langle t\rangle}
#    = \operatorname{softmax}(W_{ya} a^{\langle t\rangle} + b_y)
#    $$ (eq-05-step)
#
# $$ k^{\langle t\rangle} \sim \hat y^{\langle t\rangle}, \qquad
#    x^{\langle t+1\rangle} = \text{one-hot}(k^{\langle t\rangle})
#    $$ (eq-05-feedback)
#
# The name ends when the drawn index is 0, the newline, or after a fixed number of characters, so
# that a model that never chooses the newline cannot loop forever.
#
# Equation {eq}`eq-05-feedback` is the one place where sampling differs from training. In
# training, the input at step $t+1$ is the **true** character $t$ of a real name, whatever the
# model predicted there: the correct previous output is fed in as if by a teacher, which is why
# this is called **teacher forcing**. Every step then learns from a correct history, and all steps
# of a name can be computed in one pass. In sampling there is no true name, so the model reads its
# own draws. After an unusual draw it finds itself in a state that no training name ever led to,
# and its later predictions have never been trained there; this mismatch between the histories
# seen in training and those met in generation is called **exposure bias**. A small model on short
# names copes, but the effect is one reason why low temperatures, which avoid unusual draws, give
# more plausible names.

# %% [markdown]
# :::{exercise} Sample one name · stretch
# :label: ex-05-sample
#
# Complete `sample_indices(parameters, rng, max_length=50)`, which returns the list of drawn
# indices of one name. Follow equations {eq}`eq-05-step` and {eq}`eq-05-feedback` with
# `rnn_lib.rnn_cell_forward` on a batch of one ($m = 1$): start from zero vectors for $x$ and $a$;
# at each step draw **one** index with `rng.choice(n_y, p=y_hat_t.ravel())`, append it, stop if it
# is 0 (keep that 0 in the list) or if the list holds `max_length` indices, and otherwise make
# the next $x$ the one-hot of the drawn index. Drawing exactly once per step from `rng` makes the
# result reproducible: the check compares your names with a reference sampler given the same seeds.
# :::


# %% nbgrader={"grade": false, "grade_id": "ex-05-sample-answer", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def sample_indices(parameters, rng, max_length=50):
    """Draw one name from the RNN, one character per step, and return its indices.

    Arguments:
        parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba, by
        rng -- a numpy Generator; every draw comes from it
        max_length -- the most indices a name may have
    Returns:
        indices -- list of ints; ends with 0 (the newline) unless max_length was reached
    """
    n_y, n_a = parameters["Wya"].shape
    ### BEGIN SOLUTION
    x = np.zeros((n_y, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
    while len(indices) < max_length:
        a_prev, y_hat_t, _ = rnn_lib.rnn_cell_forward(x, a_prev, parameters)
        idx = int(rng.choice(n_y, p=y_hat_t.ravel()))
        indices.append(idx)
        if idx == 0:
            break
        x = np.zeros((n_y, 1))
        x[idx] = 1.0
    ### END SOLUTION
    return indices


# %% nbgrader={"grade": true, "grade_id": "ex-05-sample", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_sample_indices(sample_indices)
### BEGIN HIDDEN TESTS
# A fresh copy of the checks, which no cell can have changed, on inputs from other seeds.
from rnn_lib.teaching.checks.guard import hidden_test

hidden_test("check_sample_indices", sample_indices, seed=1905)
### END HIDDEN TESTS

# %% [markdown]
# The library's `rnn_lib.sample(parameters, char_to_ix, ix_to_char, temperature, top_k, rng,
# max_length)` runs the same loop with equations {eq}`eq-05-temperature` and {eq}`eq-05-top-k` applied at
# every step, and returns the name as a string ending in `"\n"`; `rnn_lib.sample_names` draws many
# names at once, one batched step per character. From here on we use them. Ten names from the
# model:

# %%
drawn = rnn_lib.sample_names(parameters, char_to_ix, ix_to_char, 10, rng=np.random.default_rng(2))
print([name.rstrip("\n") for name in drawn])

# %% [markdown]
# :::{admonition} Predict, then run: how many names start with "a"?
# :class: tip
#
# We draw 10,000 names at $\tau = 1$. About what share of them will start with the letter "a"?
# (Look back at the first cell of section 2.)
# :::

# %%
rng = np.random.default_rng(5)
many = rnn_lib.sample_names(parameters, char_to_ix, ix_to_char, 10_000, rng=rng)
share = np.mean([name[0] == "a" for name in many])
print(f"{share:.2f} of 10,000 names start with 'a'; the model gives 'a' {p_first[1]:.3f}")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# About 39%: the first letter of a name is one draw from $\hat y^{\langle 1\rangle}$, the
# distribution printed in section 2, which gives "a" a probability of 0.391. Over 10,000 names
# the share lands within about $\sqrt{0.39 \cdot 0.61 / 10\,000} \approx 0.005$ of it. Only the
# first letter is this simple: the second letter's distribution depends on the first draw.
# :::

# %% [markdown]
# ## 5. Greedy or random?
#
# Why draw at all, rather than take the most likely character every time? That is **greedy**
# decoding, top-$K$ with $K = 1$ (or the limit $\tau \to 0$). It needs no randomness, so it gives
# one name, always the same:

# %%
for seed in [0, 1, 2]:
    greedy = rnn_lib.sample(parameters, char_to_ix, ix_to_char, top_k=1, rng=seed)
    print(f"seed {seed}: {greedy.rstrip()!r}")

# %% [markdown]
# :::{admonition} Predict, then run: a temperature of 0.01
# :class: tip
#
# We draw 10 names at $\tau = 0.01$. What will they be? And with top-$K$, $K = 1$, at the very
# high temperature $\tau = 5$?
# :::

# %%
for options in [dict(temperature=0.01), dict(temperature=5.0, top_k=1)]:
    drawn = rnn_lib.sample_names(
        parameters, char_to_ix, ix_to_char, 10, rng=np.random.default_rng(4), **options
    )
    print(f"{options}: {sorted(set(name.rstrip() for name in drawn))} ({len(drawn)} names)")

# %% [markdown]
# :::{admonition} Answer
# :class: dropdown
#
# Ten times the greedy name, "allosaurus", in both cases. At $\tau = 0.01$ the logits are
# multiplied by 100: along this name the leading letter is ahead of the runner-up by at least
# 0.137 in logit (at the second letter, "l" against "c"), so the runner-up gets at most
# $e^{-13.7} \approx 10^{-6}$ of the weight, and over ten names no other letter is drawn.
# Temperature does not reorder the letters, so top-$K$ with $K = 1$ keeps the same letter at
# every step, however high $\tau$: only one character is ever left to draw.
# :::

# %% [markdown]
# One name is not a name generator. Random sampling gives variety, and the temperature trades it
# against plausibility. To see the trade, we draw 300 names at each of several temperatures and
# count how many are **distinct** and how many are **new** (not one of the training names; a model
# this small, trained on so few names, reproduces many of them).

# %% mystnb={"image": {"alt": "Line chart against temperature 0.25 to 2 of the fraction of 300 sampled names that are distinct (blue circles) and not in the training list (orange squares). Distinct rises from 0.21 to 0.94 at temperature 1, new names from 0.58 to 0.91; both reach about 1 from temperature 1.5: higher temperature gives more variety and more invention."}}
temperatures = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0]
rows = []
for temperature in temperatures:
    drawn = rnn_lib.sample_names(
        parameters,
        char_to_ix,
        ix_to_char,
        300,
        temperature=temperature,
        rng=np.random.default_rng(3),
    )
    stats = rnn_lib.novelty(drawn, names)
    length = np.mean([len(name) - 1 for name in drawn])
    rows.append((stats["distinct"] / 300, stats["fraction_novel"], length))
    examples = ", ".join(name.rstrip("\n") for name in drawn[:4])
    print(
        f"τ = {temperature:<4}: {stats['distinct']:3d} distinct, {stats['novel']:3d} new, "
        f"mean length {length:4.1f}   e.g. {examples}"
    )

distinct, novel, lengths = np.array(rows).T
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot(temperatures, distinct, "o-", label="distinct names")
ax.plot(temperatures, novel, "s-", label="names not in the training list")
ax.set(xlabel="temperature τ", ylabel="fraction of 300 samples", ylim=(0, 1.05))
ax.set_title("Higher temperature: more variety, more invention")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# At low temperature the model repeats a few favourite names over and over (the greedy
# "allosaurus" among them), some from the training list and some not; at $\tau = 1$ most names are
# new but built from familiar pieces ("-saurus", "-raptor"); at high temperature nearly every
# name is new (299 of 300 at $\tau = 1.5$, all 300 at $\tau = 2$) and they grow longer and
# stranger, because the probability of the newline is flattened too and the implausible letters
# of the tail get drawn. Top-$K$ is another way to stay away from that
# tail while keeping variety: with $K = 3$ only the three best letters of each step are ever
# drawn, however flat the rest of the distribution.
#
# ## 6. Seeds and reproducibility
#
# A generator made from a seed produces the same stream of random numbers every time, so a sampler
# that draws all its randomness from it produces the same names:

# %%
first = rnn_lib.sample_names(parameters, char_to_ix, ix_to_char, 5, rng=np.random.default_rng(7))
again = rnn_lib.sample_names(parameters, char_to_ix, ix_to_char, 5, rng=np.random.default_rng(7))
print([name.rstrip() for name in first])
print("the same names from the same seed:", first == again)

# %% [markdown]
# One generator passed to several calls is consumed as it goes: each call continues the stream
# where the last one stopped, so the names differ. Making a fresh generator restarts the stream.

# %%
rng = np.random.default_rng(7)
print([rnn_lib.sample(parameters, char_to_ix, ix_to_char, rng=rng).rstrip() for _ in range(3)])
print([rnn_lib.sample(parameters, char_to_ix, ix_to_char, rng=7).rstrip() for _ in range(3)])

# %% [markdown]
# Three habits follow, and every notebook in this series keeps them:
#
# - Every cell that draws makes its own generator, `rng = np.random.default_rng(seed)`. Re-running
#   or editing one cell then never shifts the random numbers of another, as a shared global
#   generator (`np.random.seed`, `np.random.choice`) would.
# - Every library function that draws takes the generator (or a seed) as its `rng` argument.
# - A seed fixes the random numbers, not the result: the names also depend on the model, the
#   settings and on how the sampler turns numbers into choices. The same seed at another
#   temperature gives related but different names, and two samplers that use the stream
#   differently (yours draws with `rng.choice`, the library's batched sampler with `rng.random`)
#   give different names from the same seed, each of them reproducibly.

# %%
for temperature in [0.5, 1.0, 2.0]:
    drawn = rnn_lib.sample_names(
        parameters,
        char_to_ix,
        ix_to_char,
        4,
        temperature=temperature,
        rng=np.random.default_rng(11),
    )
    print(f"seed 11, τ = {temperature}: {[name.rstrip() for name in drawn]}")

# %% [markdown]
# ## Summary
#
# - Sampling turns the softmax output into a choice: draw $u$ uniformly, take the first index whose
#   cumulative probability passes it (equation {eq}`eq-05-inverse-cdf`); `rng.choice(n_y, p=p)` does this.
# - Temperature divides the logits (equation {eq}`eq-05-temperature`): $\tau < 1$ sharpens, $\tau > 1$
#   flattens; top-$K$ keeps the $K$ most likely characters and renormalises (equation {eq}`eq-05-top-k`).
# - A name is a loop (equations {eq}`eq-05-step`, {eq}`eq-05-feedback`): run the cell, draw, feed the drawn
#   character back as a one-hot, stop at the newline (index 0) or a length limit. Training feeds
#   the true previous character instead (teacher forcing); sampling feeds the model's own draws,
#   which may lead it where training never went (exposure bias).
# - Greedy decoding gives one name; random sampling gives variety, more with higher temperature.
# - A seeded generator per cell, passed explicitly, makes every random name reproducible.
#
# **Next:** [06 · Training the dinosaur-name model](06_training.ipynb) trains the model on the full
# dinosaur corpus and watches the sampled names improve as the loss falls.
