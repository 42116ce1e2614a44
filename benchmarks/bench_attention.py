"""Notebook 11's numbers: accuracy of the date model over seeds, and its training step against PyTorch.

Accuracy: for each seed, the notebook's recipe (n_a = 16, n_s = 32, n_v = 16, 5,980 parameters;
5 epochs of 10,000 pairs, batches of 50, Adam at 0.02 falling linearly to 0, clipping at a
global norm of 5) trains on split_dates(10_000, 1_000, 10_000, rng=seed); the table gives the
CPU seconds of training and the greedy exact match on the first 1,000 test dates (as
many as the notebook's) and on all 10,000. The model without attention (n_v = None, 4,940
parameters) gets the same recipe, and is decoded greedily and with beam search (widths 2 and 4)
on the first 1,000 test dates.

Step time: one training step (forward, summed cross-entropy, backward, clipping by global norm,
an Adam update) on one batch of 50 test dates, float64, one thread: rnn_lib's
encoder_decoder_loss_and_gradients, clip_by_norm and Adam against the same model written with
torch operations (the same equations, autograd for the backward, torch.optim.Adam). The two
sides alternate batch by batch; the ratio is the median of the per-round ratios torch / rnn_lib
(higher = rnn_lib faster), on the process's CPU clock.

Usage: python benchmarks/bench_attention.py [--seeds N] [--rounds N] [--skip-accuracy]
"""

import argparse
import statistics
import time

import _common  # first: pins BLAS and OpenMP to one thread before numpy loads
import numpy as np

import rnn_lib

SIZES = {"n_a": 16, "n_s": 32, "n_v": 16}


def accuracy_row(seed):
    """Training seconds and exact matches of both models for one seed."""
    train, _, test = rnn_lib.split_dates(10_000, 1_000, 10_000, rng=seed)
    n_x, n_y = len(rnn_lib.INPUT_CHARS), len(rnn_lib.OUTPUT_CHARS)
    row = {}
    for name, n_v in (("attention", SIZES["n_v"]), ("summary", None)):
        model = rnn_lib.initialize_encoder_decoder(
            SIZES["n_a"], SIZES["n_s"], n_x, n_y, n_v=n_v, rng=seed
        )
        start = time.process_time()
        rnn_lib.train_encoder_decoder(model, train, epochs=5, learning_rate=0.02, rng=seed)
        row[f"{name} seconds"] = time.process_time() - start
        row[f"{name} 1k"] = rnn_lib.exact_match(model, test[:1_000])
        if name == "attention":
            row["attention 10k"] = rnn_lib.exact_match(model, test)
        else:
            for width in (2, 4):
                row[f"summary beam {width}"] = rnn_lib.exact_match(model, test[:1_000], width)
    return row


def print_accuracy(seeds):
    """The table of accuracy_row over seeds, then the ranges."""
    rows = [accuracy_row(seed) for seed in range(seeds)]
    print("seed  train s  attention 1k  attention 10k | summary: train s  greedy  beam 2  beam 4")
    for seed, r in enumerate(rows):
        print(
            f"{seed:4}  {r['attention seconds']:7.1f}  {r['attention 1k']:12.2%}  "
            f"{r['attention 10k']:13.2%} | {r['summary seconds']:16.1f}  {r['summary 1k']:6.1%}  "
            f"{r['summary beam 2']:6.1%}  {r['summary beam 4']:6.1%}"
        )
    for key in rows[0]:
        values = [r[key] for r in rows]
        print(f"  {key:18} range {min(values):.4g} .. {max(values):.4g}")


def torch_step_function(torch, parameters, batch):
    """One PyTorch training step of the same model on the same batch; returns the loss."""
    t = {k: torch.tensor(v, requires_grad=True) for k, v in parameters.items()}
    adam = torch.optim.Adam(list(t.values()), lr=1e-3)
    X, lengths, Y = (torch.tensor(np.asarray(a)) for a in batch)
    n_a, (_, m, T_y), T_x = t["Waa_f"].shape[0], Y.shape, X.shape[2]
    steps = torch.arange(T_x)
    source = torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)
    reverse = source.T[None].expand(X.shape[0], T_x, m).transpose(1, 2)  # (n_x, m, T_x)
    mask = steps[None] < lengths[:, None]

    def layer(d, x):
        a, out = torch.zeros(n_a, m, dtype=torch.float64), []
        for i in range(T_x):
            a = torch.tanh(t[f"Waa_{d}"] @ a + t[f"Wax_{d}"] @ x[:, :, i] + t[f"ba_{d}"])
            out.append(a)
        return torch.stack(out, dim=2)

    def step():
        adam.zero_grad(set_to_none=True)
        a_b = layer("b", torch.gather(X, 2, reverse))
        H = torch.cat((layer("f", X), torch.gather(a_b, 2, reverse[:n_a])))
        keys = torch.einsum("vh,hmi->vmi", t["Wh"], H)
        s, y_prev, loss = torch.zeros(t["Wss"].shape[0], m, dtype=torch.float64), 0 * Y[:, :, 0], 0
        for k in range(T_y):
            u = torch.tanh(keys + (t["Ws"] @ s)[:, :, None])
            e = torch.einsum("v,vmi->mi", t["v"][:, 0], u).masked_fill(~mask, -torch.inf)
            context = torch.einsum("hmi,mi->hm", H, torch.softmax(e, dim=1))
            s = torch.tanh(t["Wss"] @ s + t["Wsc"] @ context + t["Wsy"] @ y_prev + t["bs"])
            scores = t["Wy"] @ torch.cat((s, context)) + t["by"]
            loss = loss - (Y[:, :, k] * torch.log_softmax(scores, dim=0)).sum()
            y_prev = Y[:, :, k]
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(t.values()), 5.0 * m)
        adam.step()
        return loss.item()

    return step


def numpy_step_function(parameters, batch):
    """One rnn_lib training step on the batch; returns the loss."""
    parameters = {k: v.copy() for k, v in parameters.items()}
    adam = rnn_lib.Adam(1e-3)

    def step():
        loss, gradients = rnn_lib.encoder_decoder_loss_and_gradients(*batch, parameters)
        adam.step(parameters, rnn_lib.clip_by_norm(gradients, 5.0 * batch.X.shape[1]))
        return loss

    return step


def print_step_times(rounds):
    """Median CPU time per step of both sides and the median per-round ratio."""
    torch = _common.import_torch()
    if torch is None:
        return
    test = rnn_lib.split_dates(1, 1, 50, rng=0)[2]
    batch = rnn_lib.encode_dates(test)
    n_x, n_y = len(rnn_lib.INPUT_CHARS), len(rnn_lib.OUTPUT_CHARS)
    parameters = rnn_lib.initialize_encoder_decoder(
        SIZES["n_a"], SIZES["n_s"], n_x, n_y, n_v=SIZES["n_v"], rng=0
    )
    ours, theirs = (
        numpy_step_function(parameters, batch),
        torch_step_function(torch, parameters, batch),
    )
    assert abs(ours() - theirs()) < 1e-9 * abs(ours()), "the two sides compute different losses"
    per_round, times = 10, {"rnn_lib": [], "torch": []}
    for r in range(rounds):
        order = (("rnn_lib", ours), ("torch", theirs))
        for name, step in order if r % 2 == 0 else order[::-1]:
            start = time.process_time()
            for _ in range(per_round):
                step()
            times[name].append((time.process_time() - start) / per_round)
    ratio = statistics.median(t / o for t, o in zip(times["torch"], times["rnn_lib"]))
    print(
        f"step on 50 dates (T_x = {batch.X.shape[2]}, T_y = {batch.Y.shape[2]}), float64, one thread: "
        f"rnn_lib {statistics.median(times['rnn_lib']) * 1e3:.1f} ms, "
        f"torch {statistics.median(times['torch']) * 1e3:.1f} ms, ratio torch / rnn_lib {ratio:.2f}"
    )


def main():
    """Parse the arguments, print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()
    print_step_times(args.rounds)
    if not args.skip_accuracy:
        print_accuracy(args.seeds)


if __name__ == "__main__":
    main()
