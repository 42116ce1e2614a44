"""The checks of notebook 09 pass correct answers and name each typical mistake.

The answers here are written independently of the library and of the checks' own planted
functions: each takes keywords that plant one mistake.
"""

import re

import numpy as np
import pytest

from rnn_lib import (
    PARAM_NAMES,
    compute_loss,
    rnn_backward,
    rnn_forward,
    rnn_loss_and_gradients,
    stream_chunks,
    truncated_gradients,
    truncation_gap,
)

from .unguarded import checks

# --- stream_chunks -------------------------------------------------------------------------


def test_stream_chunks_one_start_too_far_adds_an_empty_chunk_and_fails():
    """range(0, N_s // m, k) instead of range(0, T, k): an empty last chunk when k divides T."""
    with pytest.raises(checks.CheckFailed, match=re.escape("the last chunk is empty (0 steps)")):
        checks.check_stream_chunks(chunker(too_far=True))


def test_stream_chunks_as_a_generator_passes(capsys):
    def generated(indices, n_x, m, k):
        yield from chunker()(indices, n_x, m, k)

    checks.check_stream_chunks(generated)
    assert "no empty chunk" in capsys.readouterr().out


def chunker(
    layout="contiguous", target_shift=1, last="keep", drop_from="end", swap=False, too_far=False
):
    """A student's stream_chunks, returning a list; the keywords plant one mistake."""

    def stream_chunks(indices, n_x, m, k):
        n = len(indices)
        L = n // m
        kept = indices[: m * L] if drop_from == "end" else indices[n - m * L :]
        if layout == "contiguous":
            streams = np.array([kept[j * L : (j + 1) * L] for j in range(m)])
        else:  # "interleaved": symbol i goes to column i % m
            streams = np.array([kept[j::m] for j in range(m)])
        result = []
        for start in range(0, L if too_far else L - 1, k):
            stop = min(start + k, L - 1)
            if stop - start < k and last == "drop":
                break
            width = k if last == "pad" else stop - start
            X, Y = np.zeros((n_x, m, width)), np.zeros((n_x, m, width))
            for j in range(m):
                for t in range(start, stop):
                    X[streams[j, t], j, t - start] = 1
                    Y[streams[j, t + target_shift], j, t - start] = 1
            result.append((Y, X) if swap else (X, Y))
        return result

    return stream_chunks


def chunk_major(indices, n_x, m, k):
    """Cuts the sequence into k-symbol pieces and deals consecutive pieces to the columns."""
    result = []
    for start in range(0, len(indices) - m * k, m * k):
        X, Y = np.zeros((n_x, m, k)), np.zeros((n_x, m, k))
        for j in range(m):
            for t in range(k):
                X[indices[start + j * k + t], j, t] = 1
                Y[indices[start + j * k + t + 1], j, t] = 1
        result.append((X, Y))
    return result


def test_stream_chunks_the_library_and_an_independent_answer_pass(capsys):
    checks.check_stream_chunks(stream_chunks)
    checks.check_stream_chunks(chunker())
    assert capsys.readouterr().out.count("✔") == 2


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (chunker(layout="interleaved"), "the streams are interleaved"),
        (chunk_major, "consecutive pieces of k symbols went to consecutive columns"),
        (chunker(target_shift=0), "Y equals X"),
        (chunker(swap=True), "X and Y are swapped"),
        (chunker(last="drop"), "the last, shorter chunk is missing"),
        (chunker(last="pad"), "the last chunk is padded to k steps"),
        (chunker(drop_from="start"), "the remainder was dropped from the start"),
    ],
)
def test_stream_chunks_each_planted_mistake_gets_its_hint(wrong, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_stream_chunks(wrong)


def test_stream_chunks_other_failures_are_described():
    def transposed(indices, n_x, m, k):
        return [
            (X.transpose(0, 2, 1), Y.transpose(0, 2, 1))
            for X, Y in stream_chunks(indices, n_x, m, k)
        ]

    with pytest.raises(
        checks.CheckFailed,
        match=r"X of chunk 0 has shape \(7, 4, 3\); expected \(7, 3, 4\)",
    ):
        checks.check_stream_chunks(transposed)

    def one_entry_off(indices, n_x, m, k):
        chunks = list(stream_chunks(indices, n_x, m, k))
        chunks[1][1][:, 2, 0] = 0
        return chunks

    with pytest.raises(checks.CheckFailed, match=r"Y of chunk 1 is wrong: only one entry is wrong"):
        checks.check_stream_chunks(one_entry_off)
    with pytest.raises(checks.CheckFailed, match="should return a list"):
        checks.check_stream_chunks(lambda indices, n_x, m, k: 3)
    with pytest.raises(checks.CheckFailed, match=r"gave 1 chunks; expected 3"):
        checks.check_stream_chunks(
            lambda indices, n_x, m, k: list(stream_chunks(indices, n_x, m, k))[:1]
        )


# --- truncated_gradients -------------------------------------------------------------------


def truncated(carry="last", backprop_across=False, keep="all", keep_last=True):
    """A student's truncated_gradients with the cell loop written out; keywords plant a mistake."""

    def truncated_gradients(X, Y, a0, parameters, k):
        T_x = X.shape[2]
        if backprop_across:  # one BPTT over everything: the gradient crosses every boundary
            a, y_hat, cache = rnn_forward(X, a0, parameters)
            return compute_loss(y_hat, Y), rnn_backward(X, Y, parameters, cache), a[:, :, -1]
        loss = 0.0
        gradients = {f"d{n}": np.zeros_like(parameters[n]) for n in PARAM_NAMES}
        a_start = a0
        for start in range(0, T_x, k):
            if start + k > T_x and not keep_last:
                break
            X_c, Y_c = X[:, :, start : start + k], Y[:, :, start : start + k]
            if keep == "last":  # the accumulators start again in every chunk
                loss = 0.0
                gradients = {f"d{n}": np.zeros_like(parameters[n]) for n in PARAM_NAMES}
            a, y_hat, cache = rnn_forward(X_c, a_start, parameters)
            chunk = rnn_backward(X_c, Y_c, parameters, cache)
            loss += compute_loss(y_hat, Y_c)
            for n in PARAM_NAMES:
                gradients[f"d{n}"] += chunk[f"d{n}"]
            if keep == "first":
                return loss, gradients, a[:, :, -1]
            if carry == "last":
                a_start = a[:, :, -1]
            elif carry == "zeros":
                a_start = np.zeros_like(a0)
            elif carry == "first":
                a_start = a[:, :, 0]
            # carry == "a0": a_start is never changed
        return loss, gradients, a[:, :, -1]

    return truncated_gradients


def test_truncated_gradients_the_library_and_an_independent_answer_pass(capsys):
    checks.check_truncated_gradients(truncated_gradients)
    checks.check_truncated_gradients(truncated())
    assert capsys.readouterr().out.count("✔") == 2


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (truncated(backprop_across=True), "the gradient crossed the chunk boundaries"),
        (truncated(carry="zeros"), "the state was reset to zero at every chunk"),
        (truncated(carry="a0"), "every chunk starts from a0"),
        (truncated(carry="first"), "the carried state is the chunk's first state"),
        (truncated(keep="last"), "only the last chunk counts"),
        (truncated(keep="first"), "only the first chunk counts"),
        (truncated(keep_last=False), "the last, shorter chunk is missing"),
    ],
)
def test_truncated_gradients_each_planted_mistake_gets_its_hint(wrong, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_truncated_gradients(wrong)


def test_truncated_gradients_other_failures_are_described():
    def scaled(X, Y, a0, parameters, k):
        loss, gradients, a_last = truncated_gradients(X, Y, a0, parameters, k)
        return loss, {**gradients, "dWya": gradients["dWya"] * 1.003}, a_last

    with pytest.raises(checks.CheckFailed, match="dWya is wrong: it is the reference times 1.003"):
        checks.check_truncated_gradients(scaled)
    with pytest.raises(
        checks.CheckFailed, match=r"should return a tuple \(loss, gradients, a_last\)"
    ):
        checks.check_truncated_gradients(
            lambda X, Y, a0, p, k: truncated_gradients(X, Y, a0, p, k)[1]
        )

    def without_dby(X, Y, a0, parameters, k):
        loss, gradients, a_last = truncated_gradients(X, Y, a0, parameters, k)
        del gradients["dby"]
        return loss, gradients, a_last

    with pytest.raises(checks.CheckFailed, match="gradients lacks dby"):
        checks.check_truncated_gradients(without_dby)


# --- truncation_gap ------------------------------------------------------------------------


def gap(divide_by="full", kind="norm of difference", keys="parameters", share="missed"):
    """A student's truncation_gap with plain numpy norms; the keywords plant one mistake."""

    def truncation_gap(X, Y, a0, parameters, k):
        _, full = rnn_loss_and_gradients(X, Y, a0, parameters)
        _, cut, _ = truncated_gradients(X, Y, a0, parameters, k)
        names = {"parameters": [f"d{n}" for n in PARAM_NAMES], "all": list(full), "Waa": ["dWaa"]}[
            keys
        ]

        def norm(values):
            return np.sqrt(sum(np.sum(v**2) for v in values))

        difference = norm([full[n] - cut[n] for n in names])
        if kind == "difference of norms":
            difference = norm([full[n] for n in names]) - norm([cut[n] for n in names])
        if share == "kept":
            return norm([cut[n] for n in names]) / norm([full[n] for n in names])
        denominator = {
            "full": norm([full[n] for n in names]),
            "cut": norm([cut[n] for n in names]),
            "nothing": 1.0,
        }
        return difference / denominator[divide_by]

    return truncation_gap


def test_truncation_gap_the_library_and_an_independent_answer_pass(capsys):
    checks.check_truncation_gap(truncation_gap)
    checks.check_truncation_gap(gap())
    assert capsys.readouterr().out.count("✔") == 2


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (gap(divide_by="cut"), "divided by the truncated gradient's norm"),
        (gap(kind="difference of norms"), "it is a difference of norms"),
        (gap(keys="all"), "da0 is counted"),
        (gap(keys="Waa"), "only dWaa is compared"),
        (gap(divide_by="nothing"), "it is not divided"),
        (gap(share="kept"), "it is the share that truncation keeps"),
    ],
)
def test_truncation_gap_each_planted_mistake_gets_its_hint(wrong, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_truncation_gap(wrong)


def test_truncation_gap_other_failures_are_described():
    with pytest.raises(checks.CheckFailed, match="gap is 0.713113; expected 0.706053"):
        checks.check_truncation_gap(lambda X, Y, a0, p, k: truncation_gap(X, Y, a0, p, k) * 1.01)
    with pytest.raises(checks.CheckFailed, match="should return one number"):
        checks.check_truncation_gap(lambda X, Y, a0, p, k: "large")

    def never_zero(
        X, Y, a0, parameters, k
    ):  # right at k = 4, but forgets that k >= T_x cuts nothing
        return truncation_gap(X, Y, a0, parameters, min(k, 4))

    with pytest.raises(checks.CheckFailed, match=r"gap with k = T_x = 10"):
        checks.check_truncation_gap(never_zero)


# --- an unfinished exercise ------------------------------------------------------------------


@pytest.mark.parametrize(
    "check",
    [checks.check_stream_chunks, checks.check_truncated_gradients],
)
def test_an_unfinished_exercise_raises_not_implemented(check):
    def unfinished(*arguments):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check(unfinished)
