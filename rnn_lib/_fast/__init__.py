"""The speed-ups, kept apart from the code students read: nothing here is needed to follow a notebook.

The public functions of rnn_lib.cells are written as the notebooks write them, step by step over
time, and hand their work to this package behind an ``if _fast.enabled:``, in the way nanoGPT
keeps its one fast path behind one ``if``: for every cell's forward pass and the gated cells'
backward pass that ``if`` is in rnn_lib.cells.shared.TimeMajorCache (unrolled, backward); the
RNN's rnn_backward and optimize have their own. The fast versions compute the same equations
and agree with the readable ones up to rounding (tests/test_fast_paths.py compares them). What
they change is where the work happens:

- rnn.py: the RNN's input projection for all steps at once (a row lookup when the inputs are
  one-hot), the output projection and softmax for all steps at once, per-step states in one
  contiguous block, work arrays reused between training steps, and one fused training step
  (forward, loss, BPTT, clip, update) for ``optimize``;
- lstm.py, gru.py: the same for the gated cells, with the gates stacked into one weight.

Set ``rnn_lib._fast.enabled = False`` to run the readable loops instead, for example to step
through them in a debugger; the results agree to about 1e-12.
"""

from . import gru, lstm, rnn

#: True: the public sequence functions use the fast versions in this package.
enabled = True

__all__ = ["enabled", "gru", "lstm", "rnn"]
