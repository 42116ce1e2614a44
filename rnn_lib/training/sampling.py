"""Inventing names: draw characters from a trained model (RNN, LSTM or GRU) one step at a time.

Each step feeds the previous character (the zero vector at the start) through the cell,
turns the scores into a distribution softmax(scores / temperature), optionally keeps only the
top_k most likely characters, draws one, and stops at the end-of-name "\\n" or after max_length
characters (then "\\n" is appended, as the seed does).
"""

import numpy as np

from ..activations import softmax
from ..cells.registry import get_cell
from ..validation import as_parameter_arrays, check_integer, check_positive_number, check_seed

#: How many times sample_names draws again the names shorter than min_length before it gives up.
MAX_REDRAWS = 1000


def check_top_k(top_k, n_y):
    """Check that top_k is None or an integer from 1 to n_y (a bool is not an integer here)."""
    if top_k is None:
        return
    try:
        check_integer("top_k", top_k, 1, n_y)
    except ValueError:
        raise ValueError(
            f"top_k must be None or an integer from 1 to n_y={n_y}; got {top_k!r}"
        ) from None


def _check_sampling_options(temperature, top_k, lengths, n_y):
    """Check temperature, top_k and lengths = (min_length, max_length), min <= max."""
    check_positive_number("temperature", temperature)
    check_top_k(top_k, n_y)
    min_length, max_length = lengths
    check_integer("max_length", max_length)
    check_integer("min_length", min_length, 0, max_length)


def next_char_distribution(scores, temperature=1.0, top_k=None):
    """Distribution of the next character from output scores: softmax(scores / temperature).

    With top_k, all but the top_k highest scores of each column get probability 0 (ties at the
    k-th score are all kept). Temperature < 1 sharpens the distribution, > 1 flattens it; as it
    goes to 0 all the probability goes to the highest score (shared among ties). A column whose
    scores / temperature overflow (a temperature such as 1e-320) is computed as
    softmax((scores - max) / temperature), the same distribution, whose terms cannot overflow.

    Arguments:
        scores -- unnormalised log-probabilities Wya a + by, (n_y, m), finite
        temperature -- positive, finite number
        top_k -- None, or how many characters to keep per column
    Returns:
        (n_y, m) array; each column sums to 1
    """
    check_positive_number("temperature", temperature)
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2:
        raise ValueError(f"scores must be (n_y, m), 2-dimensional; got {scores.shape}")
    check_top_k(top_k, scores.shape[0])
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite numbers; got nan or inf (a model that overflows?)")
    with np.errstate(over="ignore"):
        scaled = scores / temperature
        overflowed = ~np.isfinite(scaled).all(axis=0)
        if overflowed.any():
            shifted = scores[:, overflowed] - scores[:, overflowed].max(axis=0)
            scaled[:, overflowed] = shifted / temperature  # <= 0: -inf at worst, exp gives 0
    if top_k is not None and top_k < scaled.shape[0]:
        kth = -np.partition(-scaled, top_k - 1, axis=0)[top_k - 1]
        scaled = np.where(scaled >= kth, scaled, -np.inf)
    return softmax(scaled)


def sample_names(
    parameters,
    char_to_ix,
    ix_to_char,
    n,
    temperature=1.0,
    top_k=None,
    rng=None,
    max_length=50,
    cell="rnn",
    min_length=0,
):
    """Draw n names at once: one forward step per character for the whole batch.

    Per step, for every unfinished name: the cell's step (for the RNN a = tanh(Waa a + Wax x +
    ba)), then the next index is drawn from next_char_distribution(scores, temperature, top_k),
    with scores = Wya a + by (Wy a + by for the gated cells), and becomes x (see _draw_indices).

    All names draw from one random stream, step by step across the batch, so the same seed
    gives the same n names, but the first k of n names are not the names drawn with n = k.
    Memory follows the characters drawn: finished names leave the batch, and each step keeps
    only the characters it drew (never an n x max_length table). Names shorter than min_length
    are drawn again (the others are kept as drawn), so the names follow the model's
    distribution given a length of at least min_length.

    Arguments:
        parameters -- the model's parameters (arrays or nested lists), e.g. for the RNN
            Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
        char_to_ix -- dict character -> index; "\\n" is the end of a name
        ix_to_char -- dict index -> character
        n -- how many names
        temperature, top_k -- see next_char_distribution
        rng -- a numpy Generator or a seed
        max_length -- a name stops after this many drawn characters
        cell -- the architecture: "rnn", "lstm" or "gru" (see rnn_lib.cells)
        min_length -- the shortest name, 0 to max_length (0: an empty name may come)
    Returns:
        list of n strings, each ending in "\\n"
    Raises:
        ValueError for bad input, or if after MAX_REDRAWS rounds some names are still shorter
        than min_length (a model that nearly always ends its names sooner)
    """
    architecture = get_cell(cell)
    parameters = as_parameter_arrays(parameters)
    known = architecture.sizes(parameters)
    n_a, n_y = known["n_a"][0], known["n_y"][0]
    _check_sampling_options(temperature, top_k, (min_length, max_length), n_y)
    check_integer("n", n)
    check_seed("rng", rng)
    if len(ix_to_char) != n_y or "\n" not in char_to_ix:
        raise ValueError(
            f"the vocabulary must hold n_y={n_y} characters including '\\n'; got {len(ix_to_char)}"
        )
    rng = np.random.default_rng(rng)
    return _draw_names(
        (architecture, parameters, (n_a, n_y)), n, (temperature, top_k), rng,
        (min_length, max_length), (char_to_ix["\n"], ix_to_char),
    )  # fmt: skip


def _draw_names(model, n, options, rng, lengths, vocabulary):
    """n names drawn by _draw_indices, those shorter than min_length drawn again.

    Arguments:
        model -- (architecture, parameters, (n_a, n_y));  options -- (temperature, top_k)
        lengths -- (min_length, max_length);  vocabulary -- (index of "\\n", ix_to_char)
    """
    (min_length, max_length), (end, ix_to_char) = lengths, vocabulary
    names, short = [None] * n, np.arange(n)
    for _ in range(MAX_REDRAWS):
        drawn, drawn_lengths = _draw_indices(*model, len(short), options, rng, max_length, end)
        for position, name in zip(short.tolist(), _spell(drawn, drawn_lengths, ix_to_char)):
            names[position] = name
        short = short[drawn_lengths < min_length]
        if not len(short):
            return names
    raise ValueError(
        f"min_length={min_length}: after {MAX_REDRAWS} draws {len(short)} names are still "
        "shorter; the model nearly always ends its names sooner"
    )


def _draw_indices(architecture, parameters, sizes, n, options, rng, max_length, end):
    """Run the batch until every name has ended or max_length steps; what each step drew.

    Arguments:
        sizes -- (n_a, n_y);  options -- (temperature, top_k);  end -- the index of "\\n"
    Returns:
        drawn -- per step, (names, indices): the names that drew a character other than the
            end, and those characters, in the smallest integer types that hold them
        lengths -- (n,) the length of each name, without the end
    """
    n_a, n_y = sizes
    name_type, index_type = np.min_scalar_type(n), np.min_scalar_type(n_y)
    state = tuple(np.zeros((n_a, n)) for _ in range(architecture.state_count))
    idx = None  # the previous characters; None: the first input is the zero vector
    active = np.arange(n)  # names not yet ended
    drawn, lengths = [], np.zeros(n, dtype=np.intp)
    for _ in range(max_length):
        state, scores = architecture.step(idx, state, parameters)
        p = next_char_distribution(scores, *options)
        # Inverse-CDF draw per column: the first index whose cumulative probability reaches u.
        # u lies in (0, total], so an index of probability 0 is never drawn.
        cumulative = np.cumsum(p, axis=0)
        u = (1.0 - rng.random(len(active))) * cumulative[-1]
        idx = np.minimum((cumulative < u).sum(axis=0), n_y - 1)
        keep = idx != end
        active, idx = active[keep], idx[keep]
        drawn.append((active.astype(name_type), idx.astype(index_type)))
        lengths[active] += 1
        state = tuple(s[:, keep] for s in state)
        if not len(active):
            break
    return drawn, lengths


def _spell(drawn, lengths, ix_to_char):
    """The names as strings ending in "\\n", from what _draw_indices drew.

    Name j's characters go to text[start_j : start_j + lengths[j]], the one of step t at
    start_j + t; the records of each step are dropped once placed, so memory stays near a few
    bytes per character drawn.
    """
    starts = np.cumsum(lengths) - lengths
    text = np.empty(int(lengths.sum()), dtype=drawn[0][1].dtype if drawn else np.uint8)
    for t in range(len(drawn)):
        names, indices = drawn[t]
        drawn[t] = None
        text[starts[names] + t] = indices
    return [
        "".join([ix_to_char[i] for i in text[start : start + length].tolist()]) + "\n"
        for start, length in zip(starts.tolist(), lengths.tolist())
    ]


def sample(
    parameters, char_to_ix, ix_to_char, temperature=1.0, top_k=None, rng=None, max_length=50,
    cell="rnn", min_length=0,
):  # fmt: skip
    """Draw one name from the RNN, as the seed's sample does, plus temperature, top_k and rng.

    Arguments:
        parameters -- dict with Wax, Waa, Wya, ba, by (or another cell's parameters)
        char_to_ix, ix_to_char -- the vocabulary's lookup tables
        temperature -- positive; softmax(scores / temperature)
        top_k -- None, or keep only the top_k most likely characters (1..n_y)
        rng -- a numpy Generator or a seed
        max_length -- stop after this many characters (the seed's 50)
        cell -- the architecture: "rnn", "lstm" or "gru"
        min_length -- the shortest name (see sample_names)
    Returns:
        the name as a string ending in "\\n"
    """
    names = sample_names(
        parameters, char_to_ix, ix_to_char, 1, temperature, top_k, rng, max_length, cell,
        min_length,
    )  # fmt: skip
    return names[0]


def novelty(samples, corpus):
    """How many samples are new names, not in the corpus.

    Arguments:
        samples -- names as sampled (a trailing "\\n" is ignored)
        corpus -- the training names
    Returns:
        dict with samples (how many), novel (how many not in the corpus), fraction_novel,
        distinct (how many different names were drawn)
    """
    names = [s.rstrip("\n") for s in samples]
    known = set(corpus)
    novel = sum(name not in known for name in names)
    return {
        "samples": len(names),
        "novel": novel,
        "fraction_novel": novel / len(names) if names else 0.0,
        "distinct": len(set(names)),
    }
