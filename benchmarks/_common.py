"""Shared set-up of the benchmarks: one BLAS thread, the same random batch and model on both sides.

Import this module before numpy (or torch) is imported anywhere: it pins every BLAS and OpenMP
pool to one thread through the environment, which the libraries read only when they load.
"""

import os
import re
import sys
import time
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ[_variable] = "1"

import numpy as np  # noqa: E402

#: The root of this checkout.
REPO = Path(__file__).resolve().parent.parent

# Benchmark the rnn_lib of this checkout, whatever copy is installed.
sys.path.insert(0, str(REPO))

#: Where the seed notebook's text is, beside the repository.
SEED_NOTEBOOK = REPO / ".." / "shared" / "seed" / "000_824f4267695aa240.txt"

#: Vocabulary size of the dinosaur-name model: 26 letters and the newline.
VOCABULARY = 27

#: The (n_a, m, T_x) sizes the benchmarks measure, from one name at a time to a large batch.
SIZES = ((50, 1, 20), (50, 64, 20), (100, 64, 20), (256, 128, 20))

#: Learning rate of the benchmarked steps: small, so that repeated steps keep the weights tame.
LEARNING_RATE = 1e-3

#: Clipping threshold (by value) of the benchmarked steps.
CLIP_VALUE = 5.0


def seed_functions(notebook_path):
    """Execute the seed notebook's definition cells (all but the last, which reads dinos.txt).

    Returns the namespace holding its functions, or None if the notebook is absent.
    """
    if not notebook_path.is_file():
        return None
    cells = re.split(r"^In \[\d+\]:\s*$", notebook_path.read_text(encoding="utf-8"), flags=re.M)
    namespace = {}
    for cell in cells[1:-1]:  # cells[0] is the text before the first cell
        exec(compile(cell, str(notebook_path), "exec"), namespace)
    return namespace


def add_seed_notebook_argument(parser):
    """Give an argparse parser the --seed-notebook option, defaulting to SEED_NOTEBOOK."""
    parser.add_argument(
        "--seed-notebook",
        type=Path,
        default=SEED_NOTEBOOK,
        help="the seed notebook's text (default: ../shared/seed/000_824f4267695aa240.txt)",
    )


def best_time(function, repeats=1):
    """The result of the last run and the shortest wall time of `repeats` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, min(times)


def import_torch():
    """torch pinned to one thread, or None (with a message on stdout) if it is not installed."""
    try:
        import torch
    except ImportError:
        print("torch is not installed: skipping the PyTorch rows (pip install torch==2.13.0)")
        return None
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    return torch


def random_batch(n_a, m, T_x, seed=0):
    """Random characters as one-hot arrays: X (n_x, m, T_x), Y (n_y, m, T_x), a0 (n_a, m) zeros.

    Also returns the character indices of inputs and targets, each (m, T_x), for PyTorch.
    """
    rng = np.random.default_rng(seed)
    inputs = rng.integers(VOCABULARY, size=(m, T_x))
    targets = rng.integers(VOCABULARY, size=(m, T_x))
    eye = np.eye(VOCABULARY)
    X = np.ascontiguousarray(eye[inputs].transpose(2, 0, 1))
    Y = np.ascontiguousarray(eye[targets].transpose(2, 0, 1))
    return X, Y, np.zeros((n_a, m)), inputs, targets


def torch_step_function(torch, n_a, m, T_x, seed=0):
    """One PyTorch training step on the same batch, as a no-argument function returning the loss.

    nn.RNN(tanh) + nn.Linear in float64, time-major one-hot inputs (T_x, m, n_x), summed
    cross-entropy, clip_grad_value_(5), plain SGD: the same work as rnn_lib.optimize.
    """
    _, _, _, inputs, targets = random_batch(n_a, m, T_x, seed)
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(VOCABULARY, n_a, nonlinearity="tanh", dtype=torch.float64)
    linear = torch.nn.Linear(n_a, VOCABULARY, dtype=torch.float64)
    params = list(rnn.parameters()) + list(linear.parameters())
    optimizer = torch.optim.SGD(params, lr=LEARNING_RATE)
    x = torch.nn.functional.one_hot(torch.as_tensor(inputs.T), VOCABULARY).to(torch.float64)
    target = torch.as_tensor(targets.T).reshape(-1)
    h0 = torch.zeros(1, m, n_a, dtype=torch.float64)

    def step():
        optimizer.zero_grad(set_to_none=True)
        states, _ = rnn(x, h0)
        logits = linear(states).reshape(-1, VOCABULARY)
        loss = torch.nn.functional.cross_entropy(logits, target, reduction="sum")
        loss.backward()
        torch.nn.utils.clip_grad_value_(params, CLIP_VALUE)
        optimizer.step()
        return loss.item()

    return step


def rnn_lib_step_function(n_a, m, T_x, seed=0):
    """One rnn_lib training step (rnn_lib.optimize) on the batch, as a no-argument function."""
    import rnn_lib

    X, Y, a0, _, _ = random_batch(n_a, m, T_x, seed)
    parameters = rnn_lib.initialize_parameters(n_a, VOCABULARY, VOCABULARY, rng=seed)

    def step():
        return rnn_lib.optimize(X, Y, a0, parameters, LEARNING_RATE, CLIP_VALUE)[0]

    return step
