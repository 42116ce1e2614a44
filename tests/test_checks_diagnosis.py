"""The diagnosis of answers that no table plants: transformations of the reference, altered inputs.

Each generic transformation is named for an answer that is exactly it, and the inputs of the
checks give every alteration its own result (else two mistakes would share a message), except
where the algebra makes them one (Wax @ xt is zero when xt is and when Wax is).
"""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.cells.lstm import LSTM_PARAM_NAMES
from rnn_lib.teaching.checks import diagnosis, fixtures, nb01_rnn_cell, nb08_gated

from .unguarded import checks

RNG = np.random.default_rng(0)
REFERENCE = RNG.standard_normal((3, 2, 5))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (-REFERENCE, "it is minus the reference"),
        (np.abs(REFERENCE), "it is the absolute value of the reference"),
        (REFERENCE[:, :, ::-1], "in reverse order along axis 2 (time step)"),
        (np.concatenate((REFERENCE[:, :, :1], REFERENCE[:, :, :-1]), axis=2), "one time step late"),
        (
            np.concatenate((REFERENCE[:, :, 1:], REFERENCE[:, :, -1:]), axis=2),
            "one time step early",
        ),
        (REFERENCE / 10, "times 0.1 = 1/(m * T_x)"),
        (REFERENCE * 10 / 2, "times 5 = T_x"),
        (REFERENCE * 5 / 2, "times 2.5 = (T_x) / (m)"),
        (REFERENCE + 0.5, "plus the constant 0.5"),
        (np.zeros_like(REFERENCE), "all zeros"),
        (np.where(np.arange(5) == 4, 0.0, REFERENCE), "only time step 4 (the last) is wrong"),
    ],
)
def test_a_transformation_of_the_reference_is_named(answer, message):
    axes = ("row {}", "batch column {}", "time step {}")
    counts = {"m": 2, "T_x": 5, "m * T_x": 10}
    assert message in diagnosis.transformed(answer, REFERENCE, axes, counts)


def test_shapes_that_a_missing_sum_or_keepdims_explains_are_named():
    bias = RNG.standard_normal((4, 3))
    assert "not summed over axis 1" in diagnosis.transformed(bias, bias.sum(axis=1, keepdims=True))
    assert "keepdims=True" in diagnosis.transformed(bias[:, 0], bias[:, :1])
    assert "transposed" in diagnosis.transformed(bias.T, bias)


def test_an_answer_no_transformation_explains_gets_none():
    assert diagnosis.transformed(RNG.standard_normal((3, 2, 5)), REFERENCE) is None


def cell_alterations():
    rng = np.random.default_rng(1)  # the inputs of check_rnn_cell_forward
    p = fixtures.rnn_parameters(rng, n_x=3, n_a=5, n_y=2, recurrent_scale=1.0)
    xt, a_prev = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    return diagnosis.altered(lambda v: nb01_rnn_cell._cell(v)[0], {"xt": xt, "a_prev": a_prev, **p})


def lstm_alterations():
    xt, a_prev, c_prev, p = nb08_gated._gated_inputs(LSTM_PARAM_NAMES)
    named = {"xt": xt, "a_prev": a_prev, "c_prev": c_prev, **p}
    run = lambda v: nb08_gated._lstm_step(v)[:2]  # noqa: E731
    return diagnosis.altered(run, named, nb08_gated.LSTM_GATES)


def test_the_cells_inputs_give_every_alteration_its_own_result():
    merged = [message for message, _ in cell_alterations() if "or the same here" in message]
    assert merged == [
        "it matches the reference computed with xt = 0 (is the term with xt missing?), or the "
        "same here, with Wax = 0 (is the term with Wax missing?)",
        "it matches the reference computed with -xt in place of xt (a sign flipped), or the same "
        "here, with -Wax in place of Wax (a sign flipped)",
        "it matches the reference computed with a_prev = 0 (is the term with a_prev missing?), "
        "or the same here, with Waa = 0 (is the term with Waa missing?)",
        "it matches the reference computed with -a_prev in place of a_prev (a sign flipped), or "
        "the same here, with -Waa in place of Waa (a sign flipped)",
    ]
    lstm = lstm_alterations()
    assert len(lstm) > 60 and not [m for m, _ in lstm if "or the same here" in m]


def test_an_alteration_that_changes_nothing_is_left_out():
    assert not [m for m, _ in cell_alterations() if "Wya" in m or "by" in m]


# --- mistakes that no table plants, as a student writes them, named by the checks -------------


def softmax_columns(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def forward_without_inputs(X, a0, p):
    return rnn_lib.rnn_forward(np.zeros_like(X), a0, p)


def forward_reading_backwards(X, a0, p):
    return rnn_lib.rnn_forward(X[:, :, ::-1], a0, p)


def forward_one_step_late(X, a0, p):
    late = np.concatenate((np.zeros_like(X[:, :, :1]), X[:, :, :-1]), axis=2)
    return rnn_lib.rnn_forward(late, a0, p)


def backward_averaged_over_steps(X, Y, p, caches):
    gradients = rnn_lib.rnn_backward(X, Y, p, caches)
    return {name: value / X.shape[2] for name, value in gradients.items()}


def cell_backward_subtracting_da_next(y, da_next, cache, p):
    return rnn_lib.rnn_cell_backward(y, -da_next, cache, p)


def bidirectional_forward_half_only(a_forward, a_backward_reversed, Wy, by):
    n_a = a_forward.shape[0]
    return softmax_columns(np.einsum("ya,amt->ymt", Wy[:, :n_a], a_forward) + by[:, :, None])


def gru_gates_exchanged(xt, a_prev, p):
    exchanged = {**p, "Wu": p["Wr"], "bu": p["br"], "Wr": p["Wu"], "br": p["bu"]}
    return rnn_lib.gru_cell_forward(xt, a_prev, exchanged)


def norms_reversed_slope(a, Waa, da_last):
    return rnn_lib.gradient_norms_through_time(a[:, :, ::-1], Waa, da_last)


@pytest.mark.parametrize(
    ("check", "answer", "message"),
    [
        (checks.check_rnn_forward, forward_without_inputs, "computed with X = 0"),
        (checks.check_rnn_forward, forward_reading_backwards, "X reversed in time"),
        (checks.check_rnn_forward, forward_one_step_late, "X one step late"),
        (checks.check_rnn_backward, backward_averaged_over_steps, "times 0.2"),
        (checks.check_rnn_cell_backward, cell_backward_subtracting_da_next, "-da_next in place"),
        (checks.check_bidirectional_output, bidirectional_forward_half_only, "a_backward = 0"),
        (checks.check_gru_cell_forward, gru_gates_exchanged, "the relevance gate and the update"),
        (checks.check_gradient_norms_through_time, norms_reversed_slope, "a reversed in time"),
    ],
)
def test_a_mistake_no_table_plants_is_named(check, answer, message):
    with pytest.raises(checks.CheckFailed) as failure:
        check(answer)
    assert message in str(failure.value)


# --- the message itself: enough digits, a scalar read as one -----------------------------------


def test_the_message_prints_the_digits_that_tell_the_values_apart():
    from rnn_lib.teaching.checks.compare import distinct, expect_array

    assert distinct(2.3806912, 2.3806947) == ("2.380691", "2.380695")
    assert distinct(0.5, 0.25) == ("0.5", "0.25")
    expected = np.array([[1.0, 2.3806947], [3.0, 4.0]])
    got = expected + np.array([[0.0, -3.5e-6], [0.0, 0.0]])
    with pytest.raises(checks.CheckFailed) as failure:
        expect_array("x", got, expected)
    assert "got 2.380691, expected 2.380695" in str(failure.value)
    assert "only one entry is wrong" in str(failure.value)


def test_a_scalar_is_reported_as_one_value():
    from rnn_lib.teaching.checks.compare import expect_array

    with pytest.raises(checks.CheckFailed) as failure:
        expect_array("loss", 2.3806912, 2.3806947, rtol=1e-9)
    assert str(failure.value) == "loss is 2.380691; expected 2.380695"
