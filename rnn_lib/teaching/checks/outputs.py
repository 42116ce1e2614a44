"""Checks of functions with several outputs: name the one mistake that explains all of them.

A function such as optimize returns a loss, gradients and a state, and changes the caller's
parameters. A typical mistake changes several of these at once, and two mistakes can change one
output in the same way (clipping after the update, and never using the clipped gradients, both
move the parameters by the unclipped gradients). So expect_outputs first looks for the planted
mistake that matches EVERY output; only when none does it compares output by output, as
compare.expect_array does, naming a mistake that explains the first wrong output or its worst
entry.
"""

from .compare import CheckFailed, arrays_match, expect_array


def _listed(names, most=3):
    """'a', 'a and b', 'a, b and c', or 'a, b, c and 2 more'."""
    if len(names) > most:
        return f"{', '.join(names[:most])} and {len(names) - most} more"
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def expect_outputs(got, expected, mistakes, rtol=1e-6, atol=1e-9):
    """Raise CheckFailed unless every output matches the reference, naming the likely mistake.

    Arguments:
        got -- dict output name -> the answer's value, with every name of expected
        expected -- dict output name -> the reference value
        mistakes -- (message, planted outputs) pairs; planted outputs is a dict like expected,
            what code with that mistake returns (see compare.plant)
        rtol, atol -- tolerances of np.allclose
    """
    __tracebackhide__ = True
    wrong = [name for name in expected if not arrays_match(got[name], expected[name], rtol, atol)]
    if not wrong:
        return
    for message, planted in mistakes:
        if all(arrays_match(got[name], planted[name], rtol, atol) for name in expected):
            verb = "is" if len(wrong) == 1 else "are"
            raise CheckFailed(f"{_listed(wrong)} {verb} wrong: {message}")
    for name in expected:
        per_output = [(message, planted[name]) for message, planted in mistakes]
        expect_array(name, got[name], expected[name], per_output, rtol, atol)
