"""Tests of rnn_lib.cells.embedding: the lookup is the one-hot product, the gradient accumulates over
repeated characters (finite differences, a hand count, and PyTorch if installed), an embedded RNN's
gradient reaches We, and bad indices are named."""

import re

import numpy as np
import pytest

from rnn_lib import encode_names, index_maps
from rnn_lib.cells.embedding import (
    NO_INPUT,
    embedding_backward,
    embedding_forward,
    initialize_embedding,
    one_hot_to_indices,
)
from rnn_lib.cells.rnn_layer import initialize_rnn_layer, rnn_layer_backward, rnn_layer_forward
from rnn_lib.cells.shared import output_layer_backward, output_layer_forward
from rnn_lib.loss import compute_loss
from rnn_lib.teaching.gradcheck import gradient_check

from .helpers import assert_all_below, padded_targets

CHARS = "\nabcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def rng():
    return np.random.default_rng(12)


def test_the_lookup_is_the_one_hot_product(rng):
    char_to_ix, _ = index_maps(CHARS)
    X, _ = encode_names(["anna", "tyrannosaurus", "bob"], char_to_ix)  # zero first steps, padding
    We = initialize_embedding(5, 27, rng)
    indices = one_hot_to_indices(X)
    assert indices[0, 0] == NO_INPUT and indices[2, -1] == NO_INPUT
    e, _ = embedding_forward(indices, We)
    product = np.einsum("ex,xmt->emt", We, X)
    np.testing.assert_array_equal(e, product)  # a lookup and a product of 0s and 1s: exact
    step, _ = embedding_forward(indices[:, 3], We)
    np.testing.assert_array_equal(step, We @ X[:, :, 3])


def test_repeated_characters_add_up(rng):
    """'anna' reads a twice and n twice: their columns get the sum of both steps' gradients."""
    indices = np.array([[NO_INPUT, 1, 14, 14, 1]])  # start, a, n, n, a
    We = initialize_embedding(3, 27, rng)
    de = rng.standard_normal((3, 1, 5))
    dWe = embedding_backward(de, embedding_forward(indices, We)[1])["dWe"]
    np.testing.assert_allclose(dWe[:, 1], de[:, 0, 1] + de[:, 0, 4], rtol=1e-15)
    np.testing.assert_allclose(dWe[:, 14], de[:, 0, 2] + de[:, 0, 3], rtol=1e-15)
    assert np.count_nonzero(dWe.any(axis=0)) == 2  # NO_INPUT adds to no column, not the last
    # what an indexed assignment would do (the bug the module avoids): keep one of the two
    dropped = np.zeros((3, 27))
    dropped[:, indices[0, 1:]] += de[:, 0, 1:]
    assert not np.allclose(dropped, dWe)


def test_gradient_matches_finite_differences(rng):
    indices = rng.integers(NO_INPUT, 6, size=(4, 7))  # many repeats in a vocabulary of 6
    We = initialize_embedding(3, 6, rng, scale=1.0)
    probe = rng.standard_normal((3, 4, 7))
    gradients = embedding_backward(probe, embedding_forward(indices, We)[1])
    errors = gradient_check(
        lambda: np.sum(probe * embedding_forward(indices, We)[0]), {"We": We}, gradients
    )
    assert_all_below(errors)


def test_an_embedded_rnn_gets_its_gradient_through_the_layer(rng):
    """We -> recurrent layer -> output layer -> cross-entropy: the chain rule through all three."""
    n_e, n_x, n_a, n_y, m, T_x = 3, 6, 4, 5, 2, 5
    We = initialize_embedding(n_e, n_x, rng, scale=1.0)
    layer = initialize_rnn_layer(n_a, n_e, rng)
    Wy, by = rng.standard_normal((n_y, n_a)), rng.standard_normal((n_y, 1))
    indices = rng.integers(0, n_x, size=(m, T_x))
    indices[:, 0] = NO_INPUT
    Y, a0 = padded_targets(rng, n_y, [T_x, 3], T_x), np.zeros((n_a, m))

    def loss():
        a, _ = rnn_layer_forward(embedding_forward(indices, We)[0], a0, layer)
        return compute_loss(output_layer_forward(a, Wy, by), Y)

    e, embedding_cache = embedding_forward(indices, We)
    a, layer_cache = rnn_layer_forward(e, a0, layer)
    _, _, da = output_layer_backward(Y, output_layer_forward(a, Wy, by), a, Wy)
    de = rnn_layer_backward(da, layer_cache)["dx"]
    gradients = embedding_backward(de, embedding_cache)
    assert_all_below(gradient_check(loss, {"We": We}, gradients))


def test_matches_pytorch_embedding(rng):
    torch = pytest.importorskip("torch")
    indices = rng.integers(0, 6, size=(4, 7))
    We = initialize_embedding(3, 6, rng, scale=1.0)
    de = rng.standard_normal((3, 4, 7))
    table = torch.tensor(We.T.copy(), requires_grad=True)  # torch's rows are our columns
    looked_up = torch.nn.functional.embedding(torch.tensor(indices), table)  # (m, T_x, n_e)
    (looked_up * torch.tensor(de.transpose(1, 2, 0))).sum().backward()
    e, cache = embedding_forward(indices, We)
    np.testing.assert_array_equal(e, looked_up.detach().numpy().transpose(2, 0, 1))
    np.testing.assert_allclose(
        embedding_backward(de, cache)["dWe"], table.grad.numpy().T, rtol=1e-12
    )


def test_bad_input_gets_one_line_naming_it():
    We = np.zeros((3, 5))
    with pytest.raises(
        ValueError, match=re.escape("indices must lie in 0..4 (or -1: no input); got 5")
    ):
        embedding_forward(np.array([[0, 5]]), We)
    with pytest.raises(ValueError, match="indices must be integers of shape"):
        embedding_forward(np.array([[0.0, 1.0]]), We)
    _, cache = embedding_forward(np.array([[0, 1]]), We)
    with pytest.raises(ValueError, match=re.escape("de must be (n_e, *(1, 2)) like the indices")):
        embedding_backward(np.zeros((3, 2, 1)), cache)
    with pytest.raises(ValueError, match="X must be one-hot"):
        one_hot_to_indices(np.full((3, 1, 2), 0.5))
