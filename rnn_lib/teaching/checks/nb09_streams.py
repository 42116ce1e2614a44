"""Checks for the exercises of notebook 09 (streams and truncated backpropagation through time).

Each check runs the answer on fixed inputs, compares it with rnn_lib, and tries a table of
(message, planted function): what each typical mistake would return. The first that the answer
matches is named.
"""

from functools import partial

import numpy as np

from ...cells.rnn import PARAM_NAMES, rnn_backward, rnn_forward, rnn_loss_and_gradients
from ...data.streams import stream_chunks as reference_chunks
from ...loss import compute_loss
from ...training.tbptt import truncated_gradients as reference_gradients
from ..truncation import truncation_gap as reference_gap
from .compare import (
    CheckFailed,
    call_twice,
    expect_array,
    expect_keys,
    expect_tuple,
    named_mistake,
    passed,
    plant,
    stretch,
)

# --- cutting a stream -----------------------------------------------------------------------

#: The streams the chunking check cuts (the notation page's letters): N_s = 35 symbols into
#: m = 3 streams of N_s // m = 11 symbols (2 dropped), whose T = 10 steps make chunks of k = 4, 4
#: and 2 steps; then k = 5, which divides T: two chunks of 5, and a loop that runs one start
#: too far (range(0, N_s // m, k)) adds an empty third.
_N, _N_X, _M, _K = 35, 7, 3, 4
_KS = (_K, 5)


def _one_hot(streams_x, streams_y, n_x):
    """One-hot (X, Y), (n_x, m, T), of input and target index arrays (m, T)."""
    m, steps = streams_x.shape
    X, Y = np.zeros((n_x, m, steps)), np.zeros((n_x, m, steps))
    rows, cols = np.arange(m)[:, None], np.arange(steps)[None, :]
    X[streams_x, rows, cols] = 1.0
    Y[streams_y, rows, cols] = 1.0
    return X, Y


def _chunks_of(streams, n_x, k, shift=1, keep_last=True, pad=False, too_far=False):
    """The chunks of given (m, N_s // m) streams: targets `shift` steps after the inputs.

    too_far: the loop runs over the symbols, not the steps, range(0, N_s // m, k).
    """
    length = streams.shape[1] - 1
    chunks = []
    for start in range(0, length + too_far, k):
        stop = min(start + k, length)
        if stop - start < k and not keep_last:
            break
        inputs, targets = streams[:, start:stop], streams[:, start + shift : stop + shift]
        X, Y = _one_hot(inputs, targets, n_x)
        if pad and stop - start < k:
            X, Y = (np.pad(A, ((0, 0), (0, 0), (0, k - (stop - start)))) for A in (X, Y))
        chunks.append((X, Y))
    return chunks


def _chunk_major(sequence, n_x, m, k):
    """Consecutive k-step pieces of the sequence in consecutive columns (chunks of the text)."""
    per_chunk = m * k
    chunks = []
    for start in range(0, len(sequence) - per_chunk, per_chunk):
        pieces = sequence[start : start + per_chunk + 1]
        inputs = np.stack([pieces[j * k : (j + 1) * k] for j in range(m)])
        targets = np.stack([pieces[j * k + 1 : (j + 1) * k + 1] for j in range(m)])
        chunks.append(_one_hot(inputs, targets, n_x))
    return chunks


def _contiguous(sequence, m):
    """The first m (N_s // m) symbols as m contiguous streams, (m, N_s // m)."""
    per_stream = len(sequence) // m
    return sequence[: m * per_stream].reshape(m, per_stream)


#: Typical mistakes of stream_chunks, as (message, planted function of (sequence, n_x, m, k))
#: returning the list of (X, Y) chunks the mistake gives.
STREAM_MISTAKES = (
    (
        "the streams are interleaved (column j reads every m-th symbol): column j must read "
        "one contiguous piece, symbols j S ... (j + 1) S - 1 with S = N_s // m, so that its text "
        "goes on",
        lambda seq, n_x, m, k: _chunks_of(_contiguous(seq, m).reshape(-1, m).T, n_x, k),
    ),
    (
        "consecutive pieces of k symbols went to consecutive columns: first cut the sequence "
        "into m long streams, then cut each into chunks, so that chunk c + 1 of column j "
        "continues chunk c of column j (the state it inherits belongs to it)",
        _chunk_major,
    ),
    (
        "Y equals X: the target at step t is the NEXT symbol, streams[j, t + 1] (off by one)",
        lambda seq, n_x, m, k: _chunks_of(_contiguous(seq, m), n_x, k, shift=0),
    ),
    (
        "X and Y are swapped: the input at step t is streams[j, t], its target streams[j, t + 1]",
        lambda seq, n_x, m, k: [(Y, X) for X, Y in _chunks_of(_contiguous(seq, m), n_x, k)],
    ),
    (
        "the last, shorter chunk is missing: when k does not divide the T = N_s // m - 1 steps, "
        "keep the steps "
        "that are left as a chunk of fewer than k steps",
        lambda seq, n_x, m, k: _chunks_of(_contiguous(seq, m), n_x, k, keep_last=False),
    ),
    (
        "the last chunk is padded to k steps: keep it shorter (padded steps would still move "
        "the carried state)",
        lambda seq, n_x, m, k: _chunks_of(_contiguous(seq, m), n_x, k, pad=True),
    ),
    (
        "the last chunk is empty (0 steps): the loop ran one start too far, range(0, N_s // m, "
        "k) instead of range(0, T, k) over the T = N_s // m - 1 steps (the last symbol of a "
        "stream is only a target); it shows when k divides T",
        lambda seq, n_x, m, k: _chunks_of(_contiguous(seq, m), n_x, k, too_far=True),
    ),
    (
        "the remainder was dropped from the start: keep the first m (N_s // m) symbols and drop "
        "the last N_s - m (N_s // m)",
        lambda seq, n_x, m, k: _chunks_of(_contiguous(seq[len(seq) % m :], m), n_x, k),
    ),
)


def _same_chunks(got, chunks):
    """Whether got (a list of (X, Y)) holds the same arrays as chunks."""
    return len(got) == len(chunks) and all(
        np.shape(gx) == x.shape
        and np.shape(gy) == y.shape
        and np.allclose(gx, x)
        and np.allclose(gy, y)
        for (gx, gy), (x, y) in zip(got, chunks)
    )


def _as_chunk_list(result):
    """The answer of stream_chunks as a list of (X, Y) pairs, or CheckFailed saying why not."""
    __tracebackhide__ = True
    try:
        chunks = list(result)
    except TypeError:
        raise CheckFailed(
            f"stream_chunks should return a list (or iterator) of (X, Y) pairs; got {type(result).__name__}"
        ) from None
    for c, pair in enumerate(chunks):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise CheckFailed(f"chunk {c} should be a pair (X, Y); got {type(pair).__name__}")
    return chunks


def _expect_chunks(stream_chunks, k):
    """Run the answer on the check's stream with chunk length k and compare every chunk."""
    __tracebackhide__ = True
    sequence = np.random.default_rng(9).integers(0, _N_X, size=_N)
    got = call_twice(
        "stream_chunks", lambda *a: _as_chunk_list(stream_chunks(*a)), sequence, _N_X, _M, k
    )
    expected = list(reference_chunks(sequence, _N_X, _M, k))
    for message, chunks in plant(STREAM_MISTAKES, sequence, _N_X, _M, k):
        if _same_chunks(got, chunks) and not _same_chunks(chunks, expected):
            raise CheckFailed(f"stream_chunks(indices, n_x, m={_M}, k={k}) is wrong: {message}")
    steps = _N // _M - 1
    if len(got) != len(expected):
        sizes = ", ".join(str(np.shape(X)[2]) for X, _ in expected)
        raise CheckFailed(
            f"stream_chunks gave {len(got)} chunks; expected {len(expected)}: "
            f"N_s={_N} symbols make m={_M} streams of N_s // m = {_N // _M}, whose T = {steps} "
            f"steps make chunks of k={k}: {sizes} steps"
        )
    for c, ((X, Y), (X_ref, Y_ref)) in enumerate(zip(got, expected)):
        axes = ("row {}", "stream {}", "step {} of the chunk")
        case = "" if k == _K else f" with k={k}"
        expect_array(f"X of chunk {c}{case}", X, X_ref, axis_names=axes)
        expect_array(f"Y of chunk {c}{case}", Y, Y_ref, axis_names=axes)


def check_stream_chunks(stream_chunks):
    """Check stream_chunks(indices, n_x, m, k) -> list of (X, Y), each (n_x, m, k) (last shorter)."""
    __tracebackhide__ = True
    for k in _KS:
        _expect_chunks(stream_chunks, k)
    passed(
        f"stream_chunks: k = {' and '.join(map(str, _KS))}, {_M} contiguous streams, targets one "
        "step ahead, no empty chunk"
    )


# --- the truncated gradient -----------------------------------------------------------------

#: The sequence the gradient checks use: T_x = 10 steps in chunks of k = 4, 4 and 2.
_T_X, _K_GRAD = 10, 4


def _gradient_problem(seed=19):
    """X, Y (4, 2, 10) one-hot, a0 (5, 2) and parameters with every entry non-zero."""
    rng = np.random.default_rng(seed)
    n_a, n_x, m = 5, 4, 2
    X = np.eye(n_x)[rng.integers(0, n_x, size=(m, _T_X))].transpose(2, 0, 1)
    Y = np.eye(n_x)[rng.integers(0, n_x, size=(m, _T_X))].transpose(2, 0, 1)
    shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_x, n_a), "ba": (n_a, 1)}
    parameters = {name: rng.standard_normal(shape) * 0.8 for name, shape in shapes.items()}
    parameters["by"] = rng.standard_normal((n_x, 1)) * 0.8
    return X, Y, rng.standard_normal((n_a, m)) * 0.5, parameters


def _planted_chunks(X, Y, a0, parameters, k, carry="last", chunks="all", keep_last=True):
    """(loss, gradients, a_last) of a chunked loop with one planted mistake (none by default).

    carry: "last" (the right state), "zeros", "a0" or "first" (the chunk's first state);
    chunks: "all" (summed), "last" (only the last chunk's loss and gradients) or "first" (the
    loop stops after the first chunk).
    """
    T_x = X.shape[2]
    starts = [s for s in range(0, T_x, k) if keep_last or s + k <= T_x]
    if chunks == "first":  # a return inside the loop: one chunk, its state
        starts = starts[:1]
    results, a_start = [], a0
    for start in starts:
        X_c, Y_c = X[:, :, start : start + k], Y[:, :, start : start + k]
        a, y_hat, cache = rnn_forward(X_c, a_start, parameters)
        results.append((compute_loss(y_hat, Y_c), rnn_backward(X_c, Y_c, parameters, cache)))
        a_start = {"last": a[:, :, -1], "zeros": 0 * a0, "a0": a0, "first": a[:, :, 0]}[carry]
    a_last = a[:, :, -1]
    kept = results[-1:] if chunks == "last" else results
    loss = sum(loss for loss, _ in kept)
    gradients = {f"d{n}": sum(g[f"d{n}"] for _, g in kept) for n in PARAM_NAMES}
    return loss, gradients, a_last


def _full_bptt(X, Y, a0, parameters, k):
    """Full BPTT's (loss, gradients, a_last): what a loop gives that lets the gradient cross."""
    loss, gradients = rnn_loss_and_gradients(X, Y, a0, parameters)
    return loss, gradients, rnn_forward(X, a0, parameters)[0][:, :, -1]


#: Typical mistakes of truncated_gradients, as (message, planted function of (X, Y, a0,
#: parameters, k)) returning (loss, gradients, a_last).
GRADIENT_MISTAKES = (
    (
        "the gradient crossed the chunk boundaries: this is full BPTT's gradient. Truncation "
        "treats the carried state as a constant: drop each chunk's da0, pass nothing back",
        _full_bptt,
    ),
    (
        "the state was reset to zero at every chunk: carry the last state of chunk c, "
        "a[:, :, -1], into chunk c + 1",
        partial(_planted_chunks, carry="zeros"),
    ),
    (
        "every chunk starts from a0: after each chunk, carry its last state a[:, :, -1]",
        partial(_planted_chunks, carry="a0"),
    ),
    (
        "the carried state is the chunk's first state a[:, :, 0]: carry the last, a[:, :, -1]",
        partial(_planted_chunks, carry="first"),
    ),
    (
        "only the last chunk counts: add up the gradients of every chunk",
        partial(_planted_chunks, chunks="last"),
    ),
    (
        "only the first chunk counts: loop over every chunk",
        partial(_planted_chunks, chunks="first"),
    ),
    (
        "the last, shorter chunk is missing: when k does not divide T_x, the steps left make a "
        "chunk of fewer than k steps",
        partial(_planted_chunks, keep_last=False),
    ),
)


def _unpack_gradient_answer(result):
    """(loss, gradients, a_last) from the answer, or CheckFailed saying what came instead."""
    __tracebackhide__ = True
    expect_tuple("truncated_gradients", result, ("loss", "gradients", "a_last"))
    expect_keys("gradients", result[1], [f"d{name}" for name in PARAM_NAMES])
    return result


def _flatten(loss, gradients, a_last):
    """One vector of the loss, every parameter gradient and the last state, to compare at once."""
    parts = [np.ravel(loss)] + [np.ravel(gradients[f"d{n}"]) for n in PARAM_NAMES]
    return np.concatenate(parts + [np.ravel(a_last)])


def _name_gradient_mistake(answer, expected, mistakes):
    """Raise CheckFailed naming the first mistake whose (loss, gradients, a_last) the answer is."""
    __tracebackhide__ = True
    try:
        got = _flatten(*answer)
    except (TypeError, ValueError):
        return  # not numbers of the right kind: the comparisons that follow say which
    flat = [(message, _flatten(*result)) for message, result in mistakes]
    mistake = named_mistake(got, _flatten(*expected), flat)
    if mistake:
        raise CheckFailed(f"truncated_gradients is wrong: {mistake}")


def check_truncated_gradients(truncated_gradients):
    """Check truncated_gradients(X, Y, a0, parameters, k) -> (loss, gradients, a_last)."""
    __tracebackhide__ = True
    X, Y, a0, parameters = _gradient_problem()
    result = call_twice("truncated_gradients", truncated_gradients, X, Y, a0, parameters, _K_GRAD)
    answer = _unpack_gradient_answer(result)
    loss, gradients, a_last = answer
    expected = reference_gradients(X, Y, a0, parameters, _K_GRAD)
    mistakes = plant(GRADIENT_MISTAKES, X, Y, a0, parameters, _K_GRAD)
    _name_gradient_mistake(answer, expected, mistakes)
    expect_array("loss", loss, expected[0])
    for name in PARAM_NAMES:
        expect_array(f"d{name}", gradients[f"d{name}"], expected[1][f"d{name}"])
    expect_array("a_last", a_last, expected[2])
    passed(f"truncated_gradients: {_T_X} steps in chunks of {_K_GRAD}; state carried, gradient cut")


# --- what truncation misses ------------------------------------------------------------------


_PARAMETER_GRADIENTS = tuple(f"d{name}" for name in PARAM_NAMES)


def _norm(gradients, keys=_PARAMETER_GRADIENTS):
    return float(np.sqrt(sum(np.sum(gradients[key] ** 2) for key in keys)))


def _gap_terms(X, Y, a0, parameters, k):
    """The full gradient, the truncated one, and their difference (dicts of every key)."""
    _, full = rnn_loss_and_gradients(X, Y, a0, parameters)
    _, truncated, _ = reference_gradients(X, Y, a0, parameters, k)
    return full, truncated, {key: full[key] - truncated[key] for key in full}


#: Typical mistakes of truncation_gap, as (message, planted function of (full gradient,
#: truncated gradient, their difference)).
GAP_MISTAKES = (
    (
        "it is divided by the truncated gradient's norm: the share is of the full gradient, "
        "||g_full - g_trunc|| / ||g_full||",
        lambda full, trunc, diff: _norm(diff) / _norm(trunc),
    ),
    (
        "it is a difference of norms, (||g_full|| - ||g_trunc||) / ||g_full||: take the norm "
        "of the difference, ||g_full - g_trunc||",
        lambda full, trunc, diff: (_norm(full) - _norm(trunc)) / _norm(full),
    ),
    (
        "da0 is counted: the gap is over the parameter gradients only (rnn_lib.global_norm "
        "leaves the state gradient da0 out)",
        lambda full, trunc, diff: (
            _norm(diff, (*_PARAMETER_GRADIENTS, "da0"))
            / _norm(full, (*_PARAMETER_GRADIENTS, "da0"))
        ),
    ),
    (
        "only dWaa is compared: use every parameter gradient together, the global norm",
        lambda full, trunc, diff: _norm(diff, ("dWaa",)) / _norm(full, ("dWaa",)),
    ),
    (
        "it is not divided: return the share ||g_full - g_trunc|| / ||g_full||",
        lambda full, trunc, diff: _norm(diff),
    ),
    (
        "it is the share that truncation keeps, ||g_trunc|| / ||g_full||: return the share "
        "it misses, ||g_full - g_trunc|| / ||g_full||",
        lambda full, trunc, diff: _norm(trunc) / _norm(full),
    ),
)


@stretch("rnn_lib.truncation_gap")
def check_truncation_gap(truncation_gap):
    """Check truncation_gap(X, Y, a0, parameters, k) -> ||g_full - g_trunc|| / ||g_full||."""
    __tracebackhide__ = True
    X, Y, a0, parameters = _gradient_problem(seed=23)
    got = call_twice("truncation_gap", truncation_gap, X, Y, a0, parameters, _K_GRAD)
    try:
        got = float(got)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"truncation_gap should return one number; got {type(got).__name__}"
        ) from None
    expected = reference_gap(X, Y, a0, parameters, _K_GRAD)
    mistakes = plant(GAP_MISTAKES, *_gap_terms(X, Y, a0, parameters, _K_GRAD))
    expect_array("gap", got, expected, mistakes)
    at_full_length = float(truncation_gap(X, Y, a0, parameters, _T_X))
    expect_array(f"gap with k = T_x = {_T_X}", at_full_length, 0.0)
    passed(
        f"truncation_gap: {expected:.0%} of the full gradient is missing at k={_K_GRAD}, "
        f"nothing at k=T_x={_T_X}"
    )
