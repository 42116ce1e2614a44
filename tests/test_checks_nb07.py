import re

import numpy as np
import pytest

from rnn_lib import gradient_norms_through_time
from rnn_lib.teaching import checks


def loop(derivative_state_offset=0, use_derivative=True, transpose=True, reverse=False):
    """A gradient_norms_through_time with one planted mistake (or none, with the defaults)."""

    def implementation(a, Waa, da_last):
        T_x = a.shape[2]
        norms, da = np.empty(T_x), da_last
        for k in range(T_x - 1, -1, -1):
            norms[k] = np.linalg.norm(da)
            if k > 0:
                state = a[:, :, k - derivative_state_offset]
                derivative = 1 - state**2 if use_derivative else 1
                da = (Waa.T if transpose else Waa) @ (derivative * da)
        return norms[::-1] if reverse else norms

    return implementation


def test_the_library_and_a_correct_loop_pass(capsys):
    checks.check_gradient_norms_through_time(gradient_norms_through_time)
    checks.check_gradient_norms_through_time(loop())
    assert "✔" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (loop(derivative_state_offset=1), "not a[:, :, k-1]"),
        (loop(use_derivative=False), "derivative of tanh) is missing"),
        (loop(transpose=False), "Waa transposed"),
        (loop(reverse=True), "reverse order"),
    ],
)
def test_each_planted_mistake_gets_its_hint(wrong, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_gradient_norms_through_time(wrong)


def test_an_unfinished_exercise_raises_not_implemented():
    def unfinished(a, Waa, da_last):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        checks.check_gradient_norms_through_time(unfinished)
