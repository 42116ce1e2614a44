"""Tests of rnn_lib.training.trainer (rnn_model, train, evaluate) and of the Adam optimiser it uses."""

import math
import re
import warnings

import numpy as np
import pytest

import rnn_lib.training.seed_recipe as train_module
import rnn_lib.training.trainer as trainer_module
from rnn_lib import (
    SEED_CHARS,
    evaluate,
    rnn_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_model,
    train,
)
from rnn_lib.cells.rnn import initialize_parameters
from rnn_lib.data.names import build_vocabulary, encode_names, index_maps
from rnn_lib.training.optim import Adam
from rnn_lib.training.trainer import TrainingDiverged

NAMES = [
    "allosaurus", "ankylosaurus", "apatosaurus", "baryonyx", "brachiosaurus", "camarasaurus",
    "carnotaurus", "ceratosaurus", "coelophysis", "compsognathus", "deinonychus", "diplodocus",
    "edmontosaurus", "gallimimus", "iguanodon", "maiasaura", "megalosaurus", "microraptor",
    "oviraptor", "pachycephalosaurus", "parasaurolophus", "protoceratops", "spinosaurus",
    "stegosaurus", "styracosaurus", "triceratops", "troodon", "tyrannosaurus", "velociraptor",
]  # fmt: skip
DEV = ["albertosaurus", "torosaurus", "dilophosaurus"]


def reference_loss_per_char(parameters, names, char_to_ix):
    """Independent of evaluate: step the cell name by name and add -log p(true next character)."""
    n_x, n_a = len(char_to_ix), parameters["Waa"].shape[0]
    total, chars = 0.0, 0
    for name in names:
        a, x = np.zeros((n_a, 1)), np.zeros((n_x, 1))
        for target in name + "\n":
            a, y_hat, _ = rnn_cell_forward(x, a, parameters)
            total -= math.log(y_hat[char_to_ix[target], 0])
            x = np.zeros((n_x, 1))
            x[char_to_ix[target]] = 1.0
            chars += 1
    return total / chars


# --- evaluate -----------------------------------------------------------------------------------


def test_evaluate_matches_a_step_by_step_reference_whatever_the_batch_size():
    char_to_ix, _ = index_maps(SEED_CHARS)
    parameters = initialize_parameters(8, 27, 27, rng=0)
    for name in parameters:
        parameters[name] = parameters[name] * 40
    expected = reference_loss_per_char(parameters, NAMES, char_to_ix)
    for batch_size in (1, 4, 512):
        result = evaluate(parameters, NAMES, char_to_ix, batch_size=batch_size)
        assert result.loss_per_char == pytest.approx(expected, rel=1e-12)
    assert result.perplexity == pytest.approx(math.exp(expected), rel=1e-12)
    assert result.names == len(NAMES)
    assert result.chars == sum(len(n) for n in NAMES) + len(NAMES)


def test_evaluate_of_a_fresh_model_is_close_to_uniform():
    char_to_ix, _ = index_maps(SEED_CHARS)
    result = evaluate(initialize_parameters(50, 27, 27, rng=0), NAMES, char_to_ix)
    assert result.loss_per_char == pytest.approx(math.log(27), abs=0.01)


def test_evaluate_names_an_unknown_character():
    char_to_ix, _ = index_maps("\nab")
    message = r"^evaluation name 1 \('abc'\) has the character 'c', which is not in the vocabulary$"
    with pytest.raises(ValueError, match=message):
        evaluate(initialize_parameters(4, 3, 3, rng=0), ["ab", "abc"], char_to_ix)


# --- rnn_model: the seed's loop, fixed ----------------------------------------------------------


def test_rnn_model_starts_each_name_from_zero_and_shuffles_every_pass(monkeypatch):
    seen = []
    real_optimize = train_module.optimize

    def recording_optimize(X, Y, a_prev, parameters, learning_rate, clip_value):
        assert not a_prev.any(), "every name must start from the zero state"
        assert not X[:, :, 0].any(), "the first input must be the zero vector"
        assert clip_value == 5.0 and learning_rate == 0.01
        seen.append("".join(SEED_CHARS[i] for i in X[:, 0, 1:].argmax(axis=0)))
        return real_optimize(X, Y, a_prev, parameters, learning_rate, clip_value)

    monkeypatch.setattr(train_module, "optimize", recording_optimize)
    rnn_model(NAMES, 3 * len(NAMES), 0.01, rng=0)
    passes = [seen[i * len(NAMES) : (i + 1) * len(NAMES)] for i in range(3)]
    for names in passes:
        assert sorted(names) == sorted(NAMES), "each pass visits every name once"
    assert passes[0] != NAMES and passes[0] != passes[1], "the order is shuffled anew each pass"


def test_rnn_model_reports_losses_per_char_that_fall():
    parameters, losses = rnn_model(NAMES, 1500, 0.01, rng=0)
    assert losses.shape == (1500,)
    assert losses[0] == pytest.approx(math.log(27), abs=0.01)  # near-uniform start
    assert losses[-300:].mean() < losses[:100].mean() - 0.5
    assert set(parameters) == {"Wax", "Waa", "Wya", "ba", "by"}


def test_rnn_model_is_deterministic_given_rng():
    first = rnn_model(NAMES, 50, 0.01, rng=5)
    second = rnn_model(NAMES, 50, 0.01, rng=5)
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[1], rnn_model(NAMES, 50, 0.01, rng=6)[1])


# --- train: the recommended recipe --------------------------------------------------------------


def quick(**options):
    settings = {"hidden": 16, "epochs": 4, "batch_size": 8, "progress": False}
    settings.update(options)
    return train(NAMES, DEV, **settings)


def test_train_is_deterministic_given_a_seed():
    first, second = quick(seed=3), quick(seed=3)
    for name in first.parameters:
        np.testing.assert_array_equal(first.parameters[name], second.parameters[name])
    assert first.history["train_loss_per_char"] == second.history["train_loss_per_char"]
    assert not np.array_equal(first.parameters["Wax"], quick(seed=4).parameters["Wax"])


def test_train_history_is_consistent_with_evaluate():
    result = quick(epochs=30, learning_rate=0.02)
    history = result.history
    assert history["epoch"] == list(range(1, 31))
    char_to_ix, _ = index_maps(result.chars)
    final = evaluate(result.parameters, DEV, char_to_ix)
    assert history["dev_loss_per_char"][-1] == pytest.approx(final.loss_per_char, rel=1e-12)
    assert history["dev_perplexity"] == pytest.approx(np.exp(history["dev_loss_per_char"]))
    assert history["train_loss_per_char"][-1] < history["train_loss_per_char"][0] - 0.8
    assert history["dev_loss_per_char"][-1] < math.log(len(result.chars)) - 0.5
    assert np.all(np.diff(history["seconds"]) >= 0)


def test_train_without_dev_set_records_nan():
    result = train(NAMES, hidden=8, epochs=2, progress=False)
    assert all(math.isnan(v) for v in result.history["dev_loss_per_char"])


def mean_gradient(parameters, names, char_to_ix):
    """Mean per-character gradient of the names, one name at a time (no padding involved)."""
    n_a = parameters["Waa"].shape[0]
    summed = {f"d{name}": 0.0 for name in parameters}
    for name in names:
        X, Y = encode_names([name], char_to_ix)
        _, _, caches = rnn_forward(X, np.zeros((n_a, 1)), parameters)
        for key, g in rnn_backward(X, Y, parameters, caches).items():
            if key in summed:
                summed[key] = summed[key] + g
    n_chars = sum(len(n) + 1 for n in names)
    return {key: g / n_chars for key, g in summed.items()}


def test_one_sgd_step_is_the_mean_per_character_gradient():
    names = NAMES[:6]
    chars = build_vocabulary(names)
    char_to_ix, _ = index_maps(chars)
    result = train(
        names, hidden=7, epochs=1, batch_size=6, learning_rate=0.3, optimizer="sgd", clip="none",
        seed=2, progress=False,
    )  # fmt: skip
    start = initialize_parameters(7, len(chars), len(chars), rng=np.random.default_rng(2))
    gradients = mean_gradient(start, names, char_to_ix)
    for name, value in start.items():
        expected = value - 0.3 * gradients[f"d{name}"]
        np.testing.assert_allclose(result.parameters[name], expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize(("schedule", "second_rate"), [("linear", 0.15), ("constant", 0.3)])
def test_learning_rate_schedule(schedule, second_rate):
    # Two SGD steps on one batch: the linear schedule halves the rate for the second.
    names = NAMES[:5]
    chars = build_vocabulary(names)
    char_to_ix, _ = index_maps(chars)
    result = train(
        names, hidden=6, epochs=2, batch_size=5, learning_rate=0.3, optimizer="sgd", clip="none",
        schedule=schedule, seed=1, progress=False,
    )  # fmt: skip
    expected = initialize_parameters(6, len(chars), len(chars), rng=np.random.default_rng(1))
    for rate in (0.3, second_rate):
        gradients = mean_gradient(expected, names, char_to_ix)
        expected = {name: value - rate * gradients[f"d{name}"] for name, value in expected.items()}
    for name, value in expected.items():
        np.testing.assert_allclose(result.parameters[name], value, rtol=1e-10, atol=1e-13)


def test_clipping_by_norm_bounds_the_step():
    # SGD with learning rate 1 and a tiny global-norm threshold moves the parameters by at most it.
    names = NAMES[:6]
    result = train(
        names, hidden=7, epochs=1, batch_size=6, learning_rate=1.0, optimizer="sgd", clip="norm",
        clip_threshold=1e-3, seed=2, progress=False,
    )  # fmt: skip
    chars = result.chars
    start = initialize_parameters(7, len(chars), len(chars), rng=np.random.default_rng(2))
    moved = math.sqrt(sum(np.sum((result.parameters[k] - start[k]) ** 2) for k in start))
    assert moved == pytest.approx(1e-3, rel=1e-9)


def test_progress_bar_shows_the_epoch_loss(capsys):
    quick(epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err and "loss " in err and "dev " in err


def test_progress_false_writes_nothing(capsys):
    quick(epochs=1)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"epochs": 0}, "epochs"),
        ({"hidden": -3}, "hidden"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"learning_rate": float("inf")}, "learning_rate"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"clip": "sometimes"}, "clip"),
        ({"clip_threshold": -1.0}, "clip_threshold"),
        ({"cell": "transformer"}, "cell must be one of rnn, lstm, gru"),
        ({"schedule": "cosine"}, "schedule"),
    ],
)
def test_train_rejects_nonsense_settings(options, message):
    with pytest.raises(ValueError, match=message):
        quick(**options)


def test_train_rejects_dev_names_outside_the_vocabulary():
    with pytest.raises(ValueError, match=r"dev name 0 \('émile'\)"):
        train(NAMES, ["émile"], epochs=1, progress=False)


# --- Adam -----------------------------------------------------------------------------------------


def test_adam_matches_its_equations_step_by_step():
    # A scalar reference written out in plain floats, on the gradient of (w - 3)^2.
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    w, m, v = 0.5, 0.0, 0.0
    parameters = {"W": np.array([[0.5]])}
    adam = Adam(lr, b1, b2, eps)
    for t in range(1, 6):
        g = 2 * (w - 3)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        adam.step(parameters, {"dW": 2 * (parameters["W"] - 3)})
        assert parameters["W"][0, 0] == pytest.approx(w, rel=1e-14)


def test_adam_first_step_moves_each_entry_by_the_learning_rate():
    parameters = {"W": np.zeros((2, 2))}
    Adam(0.01).step(parameters, {"dW": np.array([[5.0, -0.001], [1e3, -2.0]])})
    np.testing.assert_allclose(parameters["W"], [[-0.01, 0.01], [-0.01, 0.01]], rtol=1e-5)


def test_adam_rejects_missing_gradients_and_bad_settings():
    with pytest.raises(ValueError, match="dW"):
        Adam().step({"W": np.zeros(2)}, {"dV": np.zeros(2)})
    with pytest.raises(ValueError, match="beta1"):
        Adam(beta1=1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        Adam(learning_rate=-1)


# --- a run that diverges, a model that overflows, evaluation's memory -----------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"learning_rate": 1e308, "epochs": 2},
        {"learning_rate": 1e308, "optimizer": "sgd", "clip": "none"},
        {"learning_rate": 1e308, "cell": "lstm", "schedule": "constant"},
    ],
)
def test_a_diverging_run_raises_at_once_without_warnings(options):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warnings would each be a line more
        with pytest.raises(TrainingDiverged) as caught:
            quick(**options)
    assert re.fullmatch(
        r"training diverged in epoch 1: the loss of step \d+ is nan; "
        r"try a smaller learning rate than 1e\+308",
        str(caught.value),
    )


def test_a_parameter_that_stops_being_finite_ends_the_run_at_that_step(monkeypatch):
    steps = []

    def breaking_update(*settings):
        def update(parameters, gradients, k):
            steps.append(k)
            if k == 2:
                parameters["Waa"][0, 0] = np.inf

        return update

    monkeypatch.setattr(trainer_module.optim, "make_update", breaking_update)
    with pytest.raises(
        TrainingDiverged, match="^training diverged in epoch 1: step 3 made Waa non"
    ):
        quick()
    assert steps == [0, 1, 2]


def test_evaluate_refuses_a_model_whose_predictions_overflow():
    char_to_ix, _ = index_maps(SEED_CHARS)
    parameters = initialize_parameters(8, 27, 27, rng=0)
    parameters["ba"][:] = 5.0  # a ~ tanh(5), so Wya a overflows to inf and softmax gives nan
    parameters["Wya"][:] = 1e308
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="^the model's loss is not a finite number"):
            evaluate(parameters, NAMES, char_to_ix)


def test_evaluate_bounds_the_name_steps_of_a_batch(monkeypatch):
    char_to_ix, _ = index_maps(SEED_CHARS)
    parameters = initialize_parameters(8, 27, 27, rng=0)
    names = ["ab"] * 300 + ["a" * 1500, "b" * 1200] + ["abcdefgh"] * 200
    expected = evaluate(parameters, names, char_to_ix, batch_size=1)
    monkeypatch.setattr(trainer_module, "MAX_BATCH_VALUES", 2000 * (27 + 8))  # 2000 name-steps
    shapes = []
    encode = trainer_module.Corpus.encode

    def spying(corpus, positions):
        shapes.append((len(positions), int(corpus.lengths[positions].max()) + 1))
        return encode(corpus, positions)

    monkeypatch.setattr(trainer_module.Corpus, "encode", spying)
    result = evaluate(parameters, names, char_to_ix)
    assert result.loss_per_char == pytest.approx(expected.loss_per_char, rel=1e-12)
    assert all(m * T_x <= 2000 or m == 1 for m, T_x in shapes), shapes
    assert sum(m for m, _ in shapes) == len(names)
    assert shapes == [(300, 3), (200, 9), (1, 1201), (1, 1501)]


def test_evaluate_reads_parameters_given_as_lists():
    char_to_ix, _ = index_maps(SEED_CHARS)
    parameters = initialize_parameters(8, 27, 27, rng=0)
    as_lists = {name: value.tolist() for name, value in parameters.items()}
    assert evaluate(as_lists, NAMES, char_to_ix) == evaluate(parameters, NAMES, char_to_ix)
