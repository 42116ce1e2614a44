"""How much the comparisons of notebooks 08 and 10 move with the seed, and what a small start costs.

The notebooks train with seed 0 only, to stay fast; their prose also cites what seeds 1 and 2
give. This script measures it, on the split both notebooks use (split_names(names, 0.1, rng=0,
test_fraction=0.1): 1,159 train, 145 dev, 145 test names), with 10 epochs of rnn_lib.train:

- notebook 08: the RNN (100 units, learning rate 0.02), LSTM (47, 0.05) and GRU (56, 0.05), at
  about 15,500 parameters each: their test loss per character, each gated cell's lead over the
  RNN and the LSTM's over the GRU (negative where the GRU is ahead);
- notebook 10: the learning rate of one and of two stacked layers (100 and 63 units), the best
  of 0.005, 0.01, 0.02 and 0.05 on the dev names with seed 0; then, at the chosen rates (0.02
  and 0.01), both across the seeds, and the two-layer stack started at the vanilla RNN's scale,
  0.01 N(0, 1), instead of N(0, 1/fan-in); how much each layer of that start shrinks the signal.

Usage: python benchmarks/seed_spread.py [--seeds 0 1 2]
"""

import argparse

import _common  # noqa: F401  (first: one BLAS thread, this checkout's rnn_lib)
import numpy as np

import rnn_lib

THREE_CELLS = {"rnn": (100, 0.02), "lstm": (47, 0.05), "gru": (56, 0.05)}
STACKS = {1: (100, 0.02), 2: (63, 0.01)}
RATES = (0.005, 0.01, 0.02, 0.05)


def small_start_stack(n_layers):
    """stacked_cell(n_layers) whose weights start at 0.01 N(0, 1), as the vanilla RNN's do."""
    cell = rnn_lib.stacked_cell(n_layers)

    def initialize(n_a, n_x, n_y, rng=None):
        parameters = cell.initialize(n_a, n_x, n_y, rng)
        for name, value in parameters.items():
            if name.startswith("W"):
                value *= 0.01 * (value.shape[1] ** 0.5)  # from N(0, 1/fan-in) to 0.01 N(0, 1)
        return parameters

    return cell._replace(initialize=initialize, name=f"{cell.name}-small-start")


def small_start_shrink(names, char_to_ix, hidden=63):
    """Median ||a<l>|| / ||a<l-1>|| of each layer at the small start, over 64 names' real steps."""
    parameters = small_start_stack(2).initialize(hidden, 27, 27, np.random.default_rng(0))
    X, Y = rnn_lib.encode_names(names[:64], char_to_ix)
    caches = rnn_lib.stacked_forward(X, np.zeros((hidden, X.shape[1])), parameters)[-1]
    steps = (Y.sum(axis=0) > 0) & (np.linalg.norm(X, axis=0) > 0)  # real steps with an input
    below, ratios = X, []
    for layer in caches.layers:
        ratio = np.linalg.norm(layer.a, axis=0)[steps] / np.linalg.norm(below, axis=0)[steps]
        ratios.append(float(np.median(ratio)))
        below = layer.a
    return ratios


def final_loss(result, names, char_to_ix, cell):
    return rnn_lib.evaluate(result.parameters, names, char_to_ix, cell).loss_per_char


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    seeds = parser.parse_args().seeds
    names = rnn_lib.load_dinosaur_names()
    train_names, dev_names, test_names = rnn_lib.split_names(names, 0.1, rng=0, test_fraction=0.1)
    chars = rnn_lib.build_vocabulary(names)
    char_to_ix, _ = rnn_lib.index_maps(chars)
    common = dict(chars=chars, progress=False)

    print("notebook 08: test loss per character (nats)")
    heads = "   ".join(f"{cell:>6}" for cell in THREE_CELLS)
    print(f"seed   {heads}   LSTM lead   GRU lead   LSTM over GRU")
    for seed in seeds:
        losses = {}
        for cell, (hidden, rate) in THREE_CELLS.items():
            run = rnn_lib.train(train_names, dev_names, cell=cell, hidden=hidden,
                                learning_rate=rate, seed=seed, **common)  # fmt: skip
            losses[cell] = final_loss(run, test_names, char_to_ix, cell)
        leads = [losses["rnn"] - losses[cell] for cell in ("lstm", "gru")]
        gap = losses["gru"] - losses["lstm"]
        row = "   ".join(f"{losses[cell]:6.4f}" for cell in THREE_CELLS)
        print(f"{seed:4}   {row}   {leads[0]:9.3f}   {leads[1]:8.3f}   {gap:13.3f}")

    print("\nnotebook 10: dev loss per character (nats) against the learning rate, seed 0")
    print("layers   " + "   ".join(f"{rate:>6}" for rate in RATES))
    for layers, (hidden, _) in STACKS.items():
        cell = rnn_lib.stacked_cell(layers)
        row = [
            rnn_lib.train(train_names, dev_names, cell=cell, hidden=hidden, learning_rate=rate,
                          **common).history["dev_loss_per_char"][-1]
            for rate in RATES
        ]  # fmt: skip
        print(f"{layers:6}   " + "   ".join(f"{loss:6.4f}" for loss in row))

    print("\nnotebook 10: dev loss per character (nats) at the chosen rates")
    print("seed   1 layer   2 layers   2 layers, 0.01 N(0, 1) start")
    for seed in seeds:
        dev = {}
        for layers, (hidden, rate) in STACKS.items():
            cell = rnn_lib.stacked_cell(layers)
            run = rnn_lib.train(train_names, dev_names, cell=cell, hidden=hidden,
                                learning_rate=rate, seed=seed, **common)  # fmt: skip
            dev[layers] = run.history["dev_loss_per_char"][-1]
        small = rnn_lib.train(train_names, dev_names, cell=small_start_stack(2), hidden=63,
                              learning_rate=0.01, seed=seed, **common)  # fmt: skip
        print(
            f"{seed:4}   {dev[1]:7.4f}   {dev[2]:8.4f}   {small.history['dev_loss_per_char'][-1]:8.4f}"
        )

    shrink = small_start_shrink(train_names, char_to_ix)
    print("\nnotebook 10: at the 0.01 N(0, 1) start, ||a[l]|| / ||a[l-1]|| (median over steps)")
    print("   ".join(f"layer {l}: {r:.3f} ({1 / r:.1f}x smaller)" for l, r in enumerate(shrink, 1)))


if __name__ == "__main__":
    main()
