"""Tests of rnn_lib.cells.registry and of the --cell choice through training, sampling, checkpoints, CLI."""

import json

import numpy as np
import pytest

import rnn_lib.cli as cli
from rnn_lib import gru_cell_forward, lstm_cell_forward, rnn_cell_forward, softmax
from rnn_lib.cells.registry import CELLS, count_parameters, get_cell
from rnn_lib.data.checkpoint import load_checkpoint, save_checkpoint
from rnn_lib.data.names import build_vocabulary, encode_names, index_maps
from rnn_lib.teaching.gradcheck import gradient_check
from rnn_lib.training.sampling import sample_names
from rnn_lib.training.trainer import evaluate, train

NAMES = ["aardonyx", "abelisaurus", "baryonyx", "ceratops", "dromaeosaurus", "eoraptor"]
NAMES += ["gallimimus", "iguanodon", "mamenchisaurus", "oviraptor", "raptorex", "zuniceratops"]
CHARS = build_vocabulary(NAMES)
CHAR_TO_IX, IX_TO_CHAR = index_maps(CHARS)
ALL_CELLS = ["rnn", "lstm", "gru"]


def parameters_of(cell, n_a=6, seed=3):
    """Initial parameters with every bias non-zero, so that a mixed-up bias shows."""
    parameters = get_cell(cell).initialize(n_a, len(CHARS), len(CHARS), np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    for name, value in parameters.items():
        if name.startswith("b"):
            value += rng.standard_normal(value.shape) * 0.3
        elif cell == "rnn":
            value *= 30  # the RNN starts at 0.01 N(0, 1): make its dynamics non-trivial
    return parameters


def one_step(cell, xt, state, parameters):
    """The cell's readable one-step function from rnn_lib: (new state, y_hat)."""
    if cell == "rnn":
        a, y_hat, _ = rnn_cell_forward(xt, state[0], parameters)
        return (a,), y_hat
    if cell == "lstm":
        a, c, y_hat, _ = lstm_cell_forward(xt, *state, parameters)
        return (a, c), y_hat
    a, y_hat, _ = gru_cell_forward(xt, state[0], parameters)
    return (a,), y_hat


def loss_name_by_name(cell, parameters, names):
    """Cross-entropy per character, one name and one step at a time (independent of evaluate)."""
    n_a = get_cell(cell).hidden_size(parameters)
    total, chars = 0.0, 0
    for name in names:
        state = tuple(np.zeros((n_a, 1)) for _ in range(get_cell(cell).state_count))
        xt = np.zeros((len(CHARS), 1))
        for target in name + "\n":
            state, y_hat = one_step(cell, xt, state, parameters)
            total -= np.log(y_hat[CHAR_TO_IX[target], 0])
            chars += 1
            xt = np.zeros((len(CHARS), 1))
            xt[CHAR_TO_IX[target]] = 1.0
    return total / chars


# --- the registry -------------------------------------------------------------------------------


def test_unknown_cells_are_named():
    for bad in ("transformer", None, "LSTM"):
        with pytest.raises(ValueError, match="cell must be one of rnn, lstm, gru; got"):
            get_cell(bad)
    assert list(CELLS) == ALL_CELLS


@pytest.mark.parametrize(
    ("cell", "blocks"),
    [("rnn", 1), ("lstm", 4), ("gru", 3)],
)
def test_parameter_counts_follow_the_gate_count(cell, blocks):
    n_a, n = 7, len(CHARS)
    expected = blocks * (n_a * (n_a + n) + n_a) + n * n_a + n
    assert count_parameters(get_cell(cell).initialize(n_a, n, n, 0)) == expected


@pytest.mark.parametrize("cell", ALL_CELLS)
def test_loss_and_gradients_match_finite_differences(cell):
    architecture = get_cell(cell)
    parameters = parameters_of(cell, n_a=4)
    X, Y = encode_names(["abc", "zuni", "o"], CHAR_TO_IX)
    a0 = np.zeros((4, 3))
    loss, gradients = architecture.loss_and_gradients(X, Y, a0, parameters)
    assert loss == pytest.approx(loss_name_by_name(cell, parameters, ["abc", "zuni", "o"]) * 11)
    errors = gradient_check(
        lambda: architecture.loss_and_gradients(X, Y, a0, parameters)[0], parameters, gradients
    )
    assert set(errors) == set(architecture.param_names)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("cell", ALL_CELLS)
def test_step_follows_the_forward_pass(cell):
    """Teacher-forcing a name through step gives the forward pass's predictions, step by step."""
    architecture = get_cell(cell)
    parameters = parameters_of(cell)
    X, _ = encode_names(["mamenchisaurus"], CHAR_TO_IX)
    y_hat = architecture.predict(X, np.zeros((6, 1)), parameters)
    state = tuple(np.zeros((6, 1)) for _ in range(architecture.state_count))
    indices = None
    for t, character in enumerate("mamenchisaurus"):
        state, scores = architecture.step(indices, state, parameters)
        np.testing.assert_allclose(softmax(scores), y_hat[:, :, t], rtol=1e-10, atol=1e-14)
        indices = np.array([CHAR_TO_IX[character]])


# --- training, evaluation, sampling -------------------------------------------------------------


@pytest.fixture(scope="module", params=ALL_CELLS)
def trained(request):
    cell = request.param
    result = train(NAMES[:10], NAMES[10:], cell=cell, hidden=8, epochs=4, batch_size=4,
                   learning_rate=0.02, chars=CHARS, progress=False)  # fmt: skip
    return cell, result


def test_training_each_cell_lowers_its_loss(trained):
    cell, result = trained
    assert set(result.parameters) == set(get_cell(cell).param_names)
    assert result.hyperparameters["cell"] == cell
    losses = result.history["train_loss_per_char"]
    assert losses[-1] < losses[0] < np.log(len(CHARS)) + 0.5


def test_evaluate_agrees_with_stepping_each_name(trained):
    cell, result = trained
    evaluation = evaluate(result.parameters, NAMES, CHAR_TO_IX, cell, batch_size=5)
    assert evaluation.loss_per_char == pytest.approx(
        loss_name_by_name(cell, result.parameters, NAMES), rel=1e-10
    )
    assert result.history["dev_loss_per_char"][-1] == pytest.approx(
        loss_name_by_name(cell, result.parameters, NAMES[10:]), rel=1e-10
    )


def test_greedy_sampling_follows_the_most_likely_character(trained):
    """top_k=1 must pick, at every step, the argmax of the model's prediction for the prefix."""
    cell, result = trained
    (name,) = sample_names(result.parameters, CHAR_TO_IX, IX_TO_CHAR, 1, top_k=1, rng=0,
                           max_length=12, cell=cell)  # fmt: skip
    state = tuple(np.zeros((8, 1)) for _ in range(get_cell(cell).state_count))
    xt, greedy = np.zeros((len(CHARS), 1)), ""
    for _ in range(12):
        state, y_hat = one_step(cell, xt, state, result.parameters)
        index = int(np.argmax(y_hat[:, 0]))
        greedy += IX_TO_CHAR[index]
        if index == 0:
            break
        xt = np.zeros((len(CHARS), 1))
        xt[index] = 1.0
    assert name == (greedy if greedy.endswith("\n") else greedy + "\n")


def test_sampling_each_cell_gives_names_from_the_vocabulary(trained):
    cell, result = trained
    names = sample_names(result.parameters, CHAR_TO_IX, IX_TO_CHAR, 30, rng=1, cell=cell)
    assert len(names) == 30 and all(name.endswith("\n") for name in names)
    assert set("".join(names)) <= set(CHARS)
    assert sample_names(result.parameters, CHAR_TO_IX, IX_TO_CHAR, 30, rng=1, cell=cell) == names


def test_the_wrong_cell_for_the_parameters_is_named(trained):
    cell, result = trained
    other = "gru" if cell == "lstm" else "lstm"
    with pytest.raises(ValueError, match="parameters lacks"):
        sample_names(result.parameters, CHAR_TO_IX, IX_TO_CHAR, 2, rng=0, cell=other)
    with pytest.raises(ValueError, match="parameters lacks"):
        evaluate(result.parameters, NAMES, CHAR_TO_IX, other)


# --- checkpoints --------------------------------------------------------------------------------


def test_a_checkpoint_records_its_cell(trained, tmp_path):
    cell, result = trained
    path = tmp_path / "m.npz"
    save_checkpoint(path, result.parameters, CHARS, result.hyperparameters, result.history, cell)
    model = load_checkpoint(path)
    assert model.cell == cell
    assert set(model.parameters) == set(get_cell(cell).param_names)
    for name, value in result.parameters.items():
        assert np.array_equal(model.parameters[name], value)
    with np.load(path) as npz:
        assert json.loads(str(npz["metadata"]))["cell"] == cell


def test_a_checkpoint_without_a_cell_is_an_rnn(tmp_path):
    parameters = parameters_of("rnn")
    path = tmp_path / "old.npz"
    metadata = {"format_version": 1, "chars": CHARS, "hyperparameters": {}, "history": {}}
    np.savez(path, metadata=np.array(json.dumps(metadata)), **parameters)
    assert load_checkpoint(path).cell == "rnn"


def test_bad_cells_in_checkpoints_are_named(tmp_path):
    lstm = parameters_of("lstm")
    with pytest.raises(ValueError, match="parameters lacks Wax"):
        save_checkpoint(tmp_path / "x.npz", lstm, CHARS, cell="rnn")
    assert not (tmp_path / "x.npz").exists()
    path = tmp_path / "m.npz"
    save_checkpoint(path, lstm, CHARS, cell="lstm")
    with np.load(path) as npz:
        contents = {key: npz[key] for key in npz.files}
    metadata = json.loads(str(contents["metadata"]))
    np.savez(path, **dict(contents, metadata=np.array(json.dumps(dict(metadata, cell="gru")))))
    with pytest.raises(ValueError, match="lacks the parameters Wu, bu, Wr, br of its gru cell"):
        load_checkpoint(path)
    np.savez(path, **dict(contents, metadata=np.array(json.dumps(dict(metadata, cell="elman")))))
    with pytest.raises(ValueError, match="cell must be one of rnn, lstm, gru; got 'elman'"):
        load_checkpoint(path)


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_cli_trains_samples_and_evaluates_a_gated_cell(cell, tmp_path, capsys):
    data, out = tmp_path / "names.txt", tmp_path / "model.npz"
    data.write_text("\n".join(NAMES) + "\n")
    argv = ["train", "--cell", cell, "--data", data, "--out", out, "--epochs", "2"]
    assert cli.main([str(a) for a in [*argv, "--hidden", "6", "--no-progress"]]) == 0
    model = load_checkpoint(out)
    assert model.cell == cell and model.hyperparameters["cell"] == cell
    capsys.readouterr()
    assert cli.main(["sample", "--checkpoint", str(out), "-n", "5", "--seed", "2"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
    assert cli.main(["evaluate", "--checkpoint", str(out), "--data", str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    char_to_ix = index_maps(model.chars)[0]
    assert report["loss_per_char"] == pytest.approx(
        evaluate(model.parameters, NAMES, char_to_ix, cell).loss_per_char, rel=1e-12
    )


def test_the_cli_rejects_an_unknown_cell(capsys):
    assert cli.main(["train", "--cell", "elman"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "--cell" in err and "'elman'" in err


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_batched_sampling_equals_sampling_name_by_name_with_the_same_draws(cell):
    """The documented draw, per step and per unfinished name: the first index whose cumulative
    probability reaches u * total, with u = 1 - rng.random(number of unfinished names)."""
    parameters = parameters_of(cell)
    names = sample_names(parameters, CHAR_TO_IX, IX_TO_CHAR, 25, rng=4, max_length=9, cell=cell)
    rng = np.random.default_rng(4)
    zero = tuple(np.zeros((6, 1)) for _ in range(get_cell(cell).state_count))
    active = {j: (zero, np.zeros((len(CHARS), 1)), "") for j in range(25)}
    expected = {}
    for t in range(9):
        draws = 1.0 - rng.random(len(active))
        for u, j in zip(draws, sorted(active)):
            state, xt, text = active.pop(j)
            state, y_hat = one_step(cell, xt, state, parameters)
            cumulative = np.cumsum(y_hat[:, 0])
            index = min(int(np.sum(cumulative < u * cumulative[-1])), len(CHARS) - 1)
            if index == 0 or t == 8:
                expected[j] = (text if index == 0 else text + IX_TO_CHAR[index]) + "\n"
                continue
            xt = np.zeros((len(CHARS), 1))
            xt[index] = 1.0
            active[j] = (state, xt, text + IX_TO_CHAR[index])
    assert len({len(name) for name in names}) > 3  # names of many lengths end at many steps
    assert names == [expected[j] for j in range(25)]
