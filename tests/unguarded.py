"""rnn_lib's checks without the grading guard, for the tests of what a check says about an answer.

Every check of ``rnn_lib.teaching.checks`` is guarded: an answer that calls rnn_lib's own
reference fails with "this exercise asks you to write ... yourself" before anything is compared
(tests/test_guard.py tests that). The tests of a check's diagnosis plant their mistakes on top of
the reference (``rnn_forward`` of a shifted ``X``, ``clip`` times 1.01), so they call the check
the guard wraps: ``checks`` here is the package with every guarded check replaced by it.
"""

import types

from rnn_lib.teaching import checks as guarded_checks

checks = types.SimpleNamespace(
    **{
        name: value.__wrapped__ if hasattr(value, "rule") else value
        for name, value in vars(guarded_checks).items()
    }
)
