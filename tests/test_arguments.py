"""The argument checks of rnn_lib.validation, directly and at the public entry points that use them."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.training.trainer import train
from rnn_lib.validation import (
    check_finite_parameters,
    check_input_file,
    check_integer,
    check_nesting,
    check_output_file,
    check_positive_number,
)

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


# --- parameters given as nested lists, at every public function that only reads them --------------


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_parameters_given_as_lists_give_the_same_results(cell):
    architecture = rnn_lib.get_cell(cell)
    parameters = architecture.initialize(4, 3, 3, np.random.default_rng(0))
    as_lists = {name: value.tolist() for name, value in parameters.items()}
    X, Y = rnn_lib.encode_names(["ab", "b"], CHAR_TO_IX)
    a0 = np.zeros((4, 2))
    loss, gradients = architecture.loss_and_gradients(X, Y, a0, parameters)
    loss_lists, gradients_lists = architecture.loss_and_gradients(X, Y, a0, as_lists)
    assert loss_lists == loss
    for name, value in gradients.items():
        np.testing.assert_array_equal(gradients_lists[name], value)
    np.testing.assert_array_equal(
        architecture.predict(X, a0, as_lists), architecture.predict(X, a0, parameters)
    )


def test_rnn_backward_and_the_cell_backward_take_lists_too():
    parameters = rnn_lib.initialize_parameters(4, 3, 3, rng=0)
    as_lists = {name: value.tolist() for name, value in parameters.items()}
    X, Y = rnn_lib.encode_names(["ab"], CHAR_TO_IX)
    _, _, caches = rnn_lib.rnn_forward(X, np.zeros((4, 1)), parameters)
    expected = rnn_lib.rnn_backward(X, Y, parameters, caches)
    for name, value in rnn_lib.rnn_backward(X, Y, as_lists, caches).items():
        np.testing.assert_array_equal(value, expected[name])
    step = rnn_lib.rnn_cell_backward(Y[:, :, 0], np.zeros((4, 1)), caches[0], as_lists)
    np.testing.assert_array_equal(
        step["dWya"],
        rnn_lib.rnn_cell_backward(Y[:, :, 0], np.zeros((4, 1)), caches[0], parameters)["dWya"],
    )


# --- the other checks of rnn_lib.validation --------------------------------------------------------


def test_check_finite_parameters_counts_and_names():
    check_finite_parameters({"W": np.ones(3)}, ["W"])
    with pytest.raises(ValueError, match=r"^b must hold finite floats; got 2 non-finite values"):
        check_finite_parameters({"W": np.ones(3), "b": np.array([np.nan, 1, -np.inf])}, ["W", "b"])


def test_check_nesting_walks_without_recursion():
    check_nesting({"a": [[1, {"b": 2}]]}, "x", limit=4)
    with pytest.raises(ValueError, match="^x is nested more than 3 levels deep$"):
        check_nesting({"a": [[1, {"b": 2}]]}, "x", limit=3)
    value = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(ValueError, match="nested more than 64"):
        check_nesting(value, "x")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: "", "^data must be a path to a file; got ''$"),
        (lambda tmp: None, "^data must be a path to a file; got None$"),
        (lambda tmp: tmp / "absent", "does not exist"),
        (lambda tmp: tmp, "is a folder, not a file"),
        (lambda tmp: "/dev/null", "is not a regular file"),
    ],
)
def test_check_input_file(tmp_path, make, message):
    with pytest.raises(ValueError, match=message):
        check_input_file(make(tmp_path), "data")


def test_check_output_file(tmp_path):
    assert check_output_file(tmp_path / "new.npz", "--out") == str(tmp_path / "new.npz")
    with pytest.raises(ValueError, match="output folder .*absent' does not exist"):
        check_output_file(tmp_path / "absent" / "m.npz", "--out")
    with pytest.raises(ValueError, match="--out '/dev/null' is not a regular file"):
        check_output_file("/dev/null", "--out")
    (tmp_path / "ro").write_text("")
    (tmp_path / "ro").chmod(0o400)
    with pytest.raises(ValueError, match="is read-only"):
        check_output_file(tmp_path / "ro", "--out")
