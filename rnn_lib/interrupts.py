"""Stop signals (Ctrl-C, kill, a closed terminal): deferred around a critical section, or raised.

A checkpoint is written to a temporary file, synced and renamed into place. A signal that
arrives in the middle must neither leave the temporary file behind nor report a failure that did
not happen, so ``deferred_signals`` holds SIGINT, SIGTERM and SIGHUP back while that runs and
delivers them, in the order they came, once the section is over (whatever its outcome).
``raising_on_signals`` is what the command line runs under: the first stop signal raises
``Interrupted`` (SIGTERM and SIGHUP included, which would otherwise end the process without a
word), so the command can say what was and was not written.

Python runs signal handlers in the main thread only, between bytecodes; elsewhere (another
thread) both context managers do nothing. This module imports nothing from rnn_lib.
"""

import signal
import threading
from contextlib import contextmanager

#: The signals that ask a run to stop: Ctrl-C, kill's default, the terminal going away.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Interrupted(KeyboardInterrupt):
    """A stop signal arrived; ``signum`` says which, ``outcome`` what had been written by then."""

    def __init__(self, signum, outcome=""):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.outcome = outcome


def _handled_signals():
    """The stop signals this thread may take over.

    None outside the main thread, never an ignored one (nohup ignores SIGHUP, and that choice
    is kept).
    """
    if threading.current_thread() is not threading.main_thread():
        return ()
    return tuple(s for s in STOP_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN)


@contextmanager
def _handlers(handler, then_ignore=False):
    """Install handler for the stop signals, and restore the previous ones on the way out.

    With then_ignore, the signals are ignored from the way out on instead of restored.

    Each previous handler is remembered before its replacement is installed, so an exception
    raised by a signal in between still restores exactly what was replaced.
    """
    previous = {}
    try:
        for signum in _handled_signals():
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, handler)
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, signal.SIG_IGN if then_ignore else old)


@contextmanager
def deferred_signals():
    """Hold stop signals back while the block runs; deliver them when it is over.

    Inside, a stop signal is only recorded. On the way out (normally or by an exception) the
    previous handlers come back and each recorded signal is raised again, so the default action
    (end the process), a Python handler (KeyboardInterrupt, Interrupted) or an ignore happens
    then, after the block, never in its middle. Blocks nest.
    """
    pending = []
    try:
        with _handlers(lambda signum, frame: pending.append(signum)):
            yield
    finally:
        for signum in dict.fromkeys(pending):  # each signal once, in the order they came
            signal.raise_signal(signum)


@contextmanager
def raising_on_signals(then_ignore=False):
    """Turn the first stop signal into Interrupted(signum); ignore later ones until the end.

    Ignoring the later ones keeps a second Ctrl-C from interrupting the clean-up and the one
    line that reports the first. On the way out the previous handlers come back, or, with
    then_ignore (for a program that ends right after, its work done and reported), the signals
    stay ignored, so that a late one cannot turn a finished run's exit into a failure.
    """
    raised = []

    def handler(signum, frame):
        if not raised:
            raised.append(signum)
            raise Interrupted(signum)

    with _handlers(handler, then_ignore):
        yield
