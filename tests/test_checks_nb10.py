"""Tests of the checks of notebook 10: answers written as a student would, right and with each
typical mistake planted; every mistake gets its own hint, and an unfinished exercise's
NotImplementedError reaches the student."""

import heapq
import re

import numpy as np
import pytest

from rnn_lib.teaching import checks


def smax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


# --- the embedding's backward pass ------------------------------------------------------------


def student_embedding_backward(
    fancy=False, wrap=False, transpose=False, loop=False, positive=False, one_hot=False
):
    def embedding_backward(de, indices, n_x):
        dWe = np.zeros((de.shape[0], n_x))
        keep = np.ones(indices.shape, dtype=bool) if wrap else indices >= 0
        if positive:
            keep = indices > 0
        if one_hot:
            X = (indices[..., None] == np.arange(n_x)).reshape(-1, n_x)
            return de.reshape(de.shape[0], -1) @ X
        if loop:
            for i, t in zip(*np.nonzero(keep)):
                dWe[:, indices[i, t]] += de[:, i, t]
        elif fancy:
            dWe[:, indices[keep]] += de[:, keep]
        else:
            np.add.at(dWe.T, indices[keep], de[:, keep].T)
        return dWe.T if transpose else dWe

    return embedding_backward


def test_embedding_backward_right_answers_pass(capsys):
    checks.check_embedding_gradient(student_embedding_backward())
    checks.check_embedding_gradient(student_embedding_backward(loop=True))
    checks.check_embedding_gradient(student_embedding_backward(one_hot=True))
    assert capsys.readouterr().out.count("✔") == 3


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (student_embedding_backward(fancy=True), "each repeated character counts once"),
        (student_embedding_backward(wrap=True), "NO_INPUT steps (index -1) added their gradient"),
        (student_embedding_backward(fancy=True, wrap=True), "repeats count once and NO_INPUT"),
        (student_embedding_backward(transpose=True), "dWe is transposed"),
        (student_embedding_backward(positive=True), "test indices != NO_INPUT (or >= 0), not > 0"),
        (student_embedding_backward(positive=True, loop=True), "0 is a character"),
        (student_embedding_backward(loop=True, transpose=True), "dWe is transposed"),
    ],
)
def test_embedding_backward_mistakes_get_their_hints(wrong, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_embedding_gradient(wrong)


# --- one step of beam search ------------------------------------------------------------------


def student_beam_step(
    per_beam=False, no_parent=False, drop_finished=False, never_end=False, end_stays=False,
    keep_newline=False, ascending=False, ties="alphabetical", refill=False,
):  # fmt: skip
    """A beam_step as a student writes it; ties: "alphabetical" (right), "reverse" (sorted with
    reverse=True on (score, text)) or "made" (a stable sort on the score alone)."""
    order = {
        "alphabetical": lambda cs: sorted(cs, key=lambda c: (-c[0], c[1])),
        "reverse": lambda cs: sorted(cs, reverse=True),
        "made": lambda cs: sorted(cs, key=lambda c: -c[0]),
    }[ties]

    def beam_step(beams, log_probs, width, chars):
        candidates = []
        for i, (text, score) in enumerate(beams):
            row = []
            for j, c in enumerate(chars):
                if never_end and c == "\n":
                    continue
                row.append(((0.0 if no_parent else score) + log_probs[j, i], text + c))
            if per_beam:
                row = order(row)[:width]
            candidates += row
        best = order(candidates)
        if refill:
            unfinished = [c for c in best if not c[1].endswith("\n")][:width]
            best = [c for c in best if c[1].endswith("\n") and c[0] >= unfinished[-1][0]]
            best = order(best + unfinished)
        best = best if per_beam or refill else best[:width]
        if ascending:
            best = best[::-1]
        alive, finished = [], []
        for score, text in best:
            if text.endswith("\n") and not end_stays:
                if not drop_finished:
                    finished.append((text if keep_newline else text[:-1], score))
            else:
                alive.append((text, score))
        return alive, finished

    return beam_step


def test_beam_step_right_answer_passes(capsys):
    checks.check_beam_step(student_beam_step())
    from rnn_lib.training.decoding import beam_step

    checks.check_beam_step(beam_step)
    assert capsys.readouterr().out.count("✔") == 2


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("per_beam", "you kept the best width extensions of each beam"),
        ("no_parent", "the beams' own log-probabilities were not added"),
        ("drop_finished", "the candidates that ended were dropped"),
        ("never_end", "you never chose the end-of-name"),
        ("end_stays", "the names that ended stayed alive"),
        ("keep_newline", "the finished names keep their '\\n'"),
        ("ascending", "the candidates are in the wrong order"),
    ],
)
def test_beam_step_mistakes_get_their_hints(mistake, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_beam_step(student_beam_step(**{mistake: True}))


def test_beam_step_written_otherwise_passes(capsys):
    def with_heapq(beams, log_probs, width, chars):
        import heapq

        scored = (
            (score + log_probs[j, i], text + c)
            for i, (text, score) in enumerate(beams)
            for j, c in enumerate(chars)
        )
        best = heapq.nsmallest(width, scored, key=lambda c: (-c[0], c[1]))
        alive = [(t, s) for s, t in best if t[-1] != "\n"]
        return alive, [(t[:-1], s) for s, t in best if t[-1] == "\n"]

    checks.check_beam_step(with_heapq)
    assert "✔ beam_step" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (student_beam_step(ties="reverse"), "other texts won the tie at equal scores"),
        (student_beam_step(ties="made"), "other texts won the tie at equal scores"),
        (student_beam_step(refill=True), "you refilled the beam past the finished ones"),
    ],
)
def test_beam_step_ties_and_the_other_definition_of_the_beam_are_named(answer, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_beam_step(answer)


def test_beam_step_unrecognised_or_malformed_answers_are_named():
    def off(beams, log_probs, width, chars):
        return [("zz", -1.0)], []

    with pytest.raises(checks.CheckFailed, match=re.escape("expected alive=[('aba'")):
        checks.check_beam_step(off)
    with pytest.raises(
        checks.CheckFailed, match=re.escape("should return a tuple (alive, finished)")
    ):
        checks.check_beam_step(lambda *args: [])
    with pytest.raises(checks.CheckFailed, match="alive should be a list of"):
        checks.check_beam_step(lambda *args: (3, []))


# --- the bidirectional output -----------------------------------------------------------------


def student_bidirectional_output(no_flip=False, swap=False, no_bias=False, no_softmax=False):
    def bidirectional_output(a_forward, a_backward_reversed, Wy, by):
        a_backward = a_backward_reversed if no_flip else np.flip(a_backward_reversed, axis=2)
        stacked = [a_backward, a_forward] if swap else [a_forward, a_backward]
        a = np.concatenate(stacked, axis=0)
        n, m, T_x = a.shape
        z = (Wy @ a.reshape(n, m * T_x)).reshape(-1, m, T_x) + (0 if no_bias else by[:, :, None])
        return z if no_softmax else smax(z)

    return bidirectional_output


def test_bidirectional_output_right_answer_passes(capsys):
    checks.check_bidirectional_output(student_bidirectional_output())
    assert "✔" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ({"no_flip": True}, "the backward layer's states are still in reversed time"),
        ({"swap": True}, "the states are stacked in the wrong order"),
        ({"no_flip": True, "swap": True}, "not flipped back and the stack is in the wrong order"),
        ({"no_bias": True}, "the bias by is missing"),
        ({"no_softmax": True}, "y_hat is the raw score"),
    ],
)
def test_bidirectional_output_mistakes_get_their_hints(mistake, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_bidirectional_output(student_bidirectional_output(**mistake))


# --- the exact best-first search (stretch) ----------------------------------------------------


def student_best_first(when_scored=False, cost=False, keep_newline=False, wasteful=False):
    def best_first_names(next_log_probs, chars, count):
        queue, found = [(0.0, "", False)], []  # (-log P, text, finished)
        while len(found) < count:
            minus_log_p, text, finished = heapq.heappop(queue)
            if finished:
                name = text + "\n" if keep_newline else text
                found.append((name, minus_log_p if cost else -minus_log_p))
                continue
            log_p = next_log_probs(text)
            if wasteful:
                next_log_probs(text)  # the model run twice for the same prefix
            for j, c in enumerate(chars):
                if c != "\n":
                    heapq.heappush(queue, (minus_log_p - log_p[j], text + c, False))
                elif when_scored:
                    found.append((text, -(minus_log_p - log_p[j])))
                else:
                    heapq.heappush(queue, (minus_log_p - log_p[j], text, True))
        return sorted(found, key=lambda pair: -pair[1])[:count] if when_scored else found

    return best_first_names


def test_best_first_right_answer_passes(capsys):
    checks.check_best_first_names(student_best_first())
    assert "✔ best_first_names" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ({"when_scored": True}, "counted as found when its end-of-name was scored"),
        ({"cost": True}, "with its log P (not -log P)"),
        ({"keep_newline": True}, "each without its '\\n'"),
        ({"wasteful": True}, "ran the model 18 times where 9 are enough"),
    ],
)
def test_best_first_mistakes_get_their_hints(mistake, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_best_first_names(student_best_first(**mistake))


def test_best_first_unfinished_is_skipped(capsys):
    def best_first_names(next_log_probs, chars, count):
        raise NotImplementedError()

    checks.check_best_first_names(best_first_names)
    assert "skipped" in capsys.readouterr().out


def test_an_embedding_gradient_that_accumulates_across_calls_fails():
    dWe = {}

    def never_reset(de, indices, n_x):
        dWe.setdefault("total", np.zeros((de.shape[0], n_x)))
        used = indices >= 0
        np.add.at(dWe["total"].T, indices[used], de[:, used].T)
        return dWe["total"].copy()

    with pytest.raises(checks.CheckFailed, match="called a second time on the same inputs"):
        checks.check_embedding_gradient(never_reset)
