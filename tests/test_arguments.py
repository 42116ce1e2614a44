"""The scalar argument checks, directly and at the public entry points that use them."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.training.trainer import train
from rnn_lib.validation import check_integer, check_positive_number

CHAR_TO_IX, IX_TO_CHAR = rnn_lib.index_maps("\nab")


@pytest.mark.parametrize("value", [1, 7, np.int64(3)])
def test_positive_integers_pass(value):
    check_integer("n", value)


@pytest.mark.parametrize(
    "value, smallest, message",
    [
        (0, 1, "n must be a positive integer; got 0"),
        (True, 1, "n must be a positive integer; got True"),
        (2.0, 1, "n must be a positive integer; got 2.0"),
        ("3", 1, "n must be a positive integer; got '3'"),
        (-1, 0, "n must be a non-negative integer; got -1"),
        (1, 2, "n must be an integer >= 2; got 1"),
    ],
)
def test_integers_out_of_range_or_of_another_type_fail(value, smallest, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        check_integer("n", value, smallest)


@pytest.mark.parametrize("value", [0, -0.5, float("inf"), float("nan"), True, "1", None])
def test_positive_numbers_reject_everything_else(value):
    with pytest.raises(ValueError, match="^rate must be a positive, finite number; got "):
        check_positive_number("rate", value)


def test_positive_numbers_pass():
    for value in (1, 0.5, np.float32(2.0), np.int8(1)):
        check_positive_number("rate", value)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda p: rnn_lib.sample(p, CHAR_TO_IX, IX_TO_CHAR, temperature="hot"),
            "temperature must be a positive, finite number; got 'hot'",
        ),
        (
            lambda p: rnn_lib.evaluate(p, ["ab"], CHAR_TO_IX, batch_size=0),
            "batch_size must be a positive integer; got 0",
        ),
        (
            lambda p: rnn_lib.length_grouped_batches(["a", "b"], 2, pool_batches=0),
            "pool_batches must be a positive integer; got 0",
        ),
        (
            lambda p: rnn_lib.rnn_model(["ab"], -1, 0.01, chars="\nab"),
            "num_iterations must be a positive integer; got -1",
        ),
        (
            lambda p: train(["ab"], learning_rate=float("inf"), progress=False),
            "learning_rate must be a positive, finite number; got inf",
        ),
    ],
)
def test_entry_points_reject_bad_scalars_in_one_line(call, message):
    parameters = rnn_lib.initialize_parameters(4, 3, 3, rng=0)
    with pytest.raises(ValueError, match=f"^{message}$"):
        call(parameters)
