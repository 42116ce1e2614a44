"""The guard: while a check runs a student's function, rnn_lib's own functions are off-limits.

A check compares the student's answer with rnn_lib's reference, so an answer that simply calls
the reference would pass. While the student's function runs, the guard watches every Python call
(``sys.setprofile``): a call from code outside rnn_lib into any function defined in rnn_lib
(outside this checks package) is an offence, unless the exercise's text lets the student use that
function (its allow-list in RULES) or the check itself handed it to the student's function (a
callback such as the loss of a gradient check). The guard watches code, not names, so an alias
bound earlier (``from rnn_lib import rnn_cell_forward as f``), ``getattr``, a module path
(``rnn_lib.cells.rnn``, ``rnn_lib._fast``) and a copy of rnn_lib loaded from its files are all
caught. An offence fails the check with "this exercise asks you to write NAME yourself", whatever
the answer returned.

The guard also keeps the check's inputs honest: the student's function gets the check's own
arrays, and if it leaves one changed (``xt[...] = 0``, ``p["Wax"] *= 0``) the check fails,
naming the argument, before it computes the reference from inputs the answer has rewritten.
Only the arguments of a Rule's ``updates`` may change: optimize's parameters, and the array that
numerical_gradient perturbs (its check wants it restored to rounding, not bit for bit).

Under nbgrader's autograde (``NBGRADER_EXECUTION`` is set) an answer that is not written yet
(``raise NotImplementedError()``) fails its check, stretch exercises included; in a notebook the
stretch checks skip it, so that "Run All" goes on.

A check that the student's code replaced (``checks.check_x = ...``), or whose reference it
rebound (``checks.nb01_rnn_cell.rnn_cell_forward = ...``), still passes in the student's notebook:
the grade comes from the hidden tests, which call ``private_checks()``, a fresh copy of rnn_lib
and of these checks loaded from the files and never registered in ``sys.modules``, which no
earlier cell can have changed. ``private_checks(seed)`` also draws every check's random inputs
from other seeds. What this does not stop: code that rewrites the grading machinery itself
(``sys.setprofile``, ``importlib``, numpy). Switching the guard off during the call is detected;
the rest is left to the teacher who reads a suspicious submission (README, "Grading a class").
"""

import contextlib
import copy
import functools
import importlib
import importlib.util
import inspect
import io
import itertools
import os
import sys
import threading
import types
from typing import NamedTuple

import numpy as np

from .compare import CheckFailed

#: rnn_lib's folder, and this checks package's, as the code objects name them (real paths).
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
CHECKS_DIR = os.path.dirname(os.path.realpath(__file__))
#: Set by nbgrader while it executes a notebook (autograde): an unwritten answer then fails.
GRADING_VARIABLE = "NBGRADER_EXECUTION"
#: The start of a private copy's package name (private_checks); in sys.modules only while it loads.
PRIVATE_PREFIX = "_rnn_lib_private_"
#: Special methods that make a new object: denied like any function of rnn_lib.
CONSTRUCTORS = ("__init__", "__new__", "__post_init__", "__init_subclass__", "__call__")


class Rule(NamedTuple):
    """What an exercise asks for, the rnn_lib functions it lets the student call, what it updates."""

    asks: tuple  # rnn_lib's functions that compute what the exercise asks (the references)
    allows: tuple = ()  # rnn_lib's public names the exercise lets the student use
    updates: tuple = ()  # positions of the arguments the answer may change (its check checks them)


#: Every check of the package, by name: everything in rnn_lib is denied but its allow-list.
RULES = {
    "check_softmax": Rule(("softmax",)),
    "check_tanh": Rule(("tanh",)),
    "check_rnn_cell_forward": Rule(("rnn_cell_forward",), ("softmax", "tanh", "sigmoid")),
    "check_encode_name": Rule(("encode_names",)),
    "check_rnn_forward": Rule(("rnn_forward",), ("rnn_cell_forward", "softmax", "tanh")),
    "check_compute_loss": Rule(("compute_loss",)),
    "check_rnn_cell_backward": Rule(("rnn_cell_backward",)),
    "check_rnn_backward": Rule(("rnn_backward",), ("rnn_cell_backward",)),
    "check_numerical_gradient": Rule(
        ("numerical_gradient",),
        updates=(1,),  # the check wants array restored, to rounding
    ),
    "check_clip": Rule(("clip",)),
    "check_clip_by_norm": Rule(("clip_by_norm", "global_norm")),
    "check_next_char_distribution": Rule(("next_char_distribution",), ("softmax",)),
    "check_sample_indices": Rule(("sample", "sample_names"), ("rnn_cell_forward", "softmax")),
    "check_loss_per_char": Rule(("compute_loss", "perplexity")),
    "check_optimize": Rule(
        ("optimize",),
        ("rnn_forward", "rnn_backward", "compute_loss", "clip", "update_parameters"),
        updates=(3,),  # optimize(X, Y, a_prev, parameters, ...) updates parameters in place
    ),
    "check_adam_update": Rule(("Adam",)),
    "check_gradient_norms_through_time": Rule(("gradient_norms_through_time",)),
    "check_lstm_cell_forward": Rule(("lstm_cell_forward",), ("sigmoid", "softmax", "tanh")),
    "check_lstm_cell_backward": Rule(("lstm_cell_backward",)),
    "check_gru_cell_forward": Rule(("gru_cell_forward",), ("sigmoid", "softmax", "tanh")),
    "check_stream_chunks": Rule(("stream_chunks", "split_streams")),
    "check_truncated_gradients": Rule(
        ("truncated_gradients",), ("rnn_forward", "rnn_backward", "compute_loss")
    ),
    "check_truncation_gap": Rule(
        ("truncation_gap",), ("truncated_gradients", "rnn_loss_and_gradients", "global_norm")
    ),
    "check_embedding_gradient": Rule(("embedding_backward",)),
    "check_bidirectional_output": Rule(("bidirectional_forward",), ("softmax",)),
    "check_beam_step": Rule(("beam_search",)),
    "check_best_first_names": Rule(("beam_search",)),
    "check_attend": Rule(("attention_step_forward",)),
    "check_attention_backward": Rule(("attention_step_backward",)),
}


@functools.cache
def _place(filename):
    """Where a code object's file lies: "checks", "library" (the rest of rnn_lib) or None."""
    path = os.path.realpath(filename)
    if path.startswith(CHECKS_DIR + os.sep):
        return "checks"
    return "library" if path.startswith(PACKAGE_DIR + os.sep) else None


def _key(code):
    """What identifies a function across copies of rnn_lib: its file and qualified name."""
    return os.path.realpath(code.co_filename), code.co_qualname


def _code_keys(obj):
    """The keys of a function (and what it wraps), or of every function of a class."""
    if isinstance(obj, type):
        members = [m for c in obj.__mro__ for m in vars(c).values()]
        return {k for m in members for k in _code_keys(getattr(m, "__func__", m))}
    keys = set()
    while callable(obj) and hasattr(obj, "__code__"):
        keys.add(_key(obj.__code__))
        obj = getattr(obj, "__wrapped__", None)
    return keys


def _data_access_keys(package):
    """The keys of what reads an rnn_lib object without computing anything new.

    That is, the property getters and the special methods (``caches[t]``, ``len(caches)``) of
    every class of the package, but not their constructors: a student may read the caches a
    check hands over, not build a cache (whose constructors run the forward pass) or call its
    methods (``backward``).
    """
    prefix, keys = f"{package.__name__}.", set()
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith(prefix) or module_name.startswith(__package__):
            continue
        classes = [v for v in vars(module).values() if isinstance(v, type)]
        for cls in (c for c in classes if c.__module__ == module_name):
            for attr, value in vars(cls).items():
                if isinstance(value, property) and value.fget is not None:
                    keys |= _code_keys(value.fget)
                elif attr.startswith("__") and attr not in CONSTRUCTORS and callable(value):
                    keys |= _code_keys(value)
    return keys


def _callback_keys(args, kwargs):
    """The keys of the functions a check hands to the student's function (callbacks)."""
    values = [*args, *kwargs.values()]
    return {
        k
        for v in values
        if isinstance(v, types.FunctionType | types.MethodType)
        for k in _code_keys(getattr(v, "__func__", v))
    }


class _Watch:
    """A profile function that records the first call into rnn_lib from outside it."""

    def __init__(self, allowed):
        self.allowed = allowed
        self.offence = None  # the qualified name of the first denied function called

    def __call__(self, frame, event, arg):
        if event != "call" or self.offence is not None:
            return
        code = frame.f_code
        callee = _place(code.co_filename)
        caller = frame.f_back
        if callee is None or (caller is not None and _place(caller.f_code.co_filename)):
            return
        if _key(code) not in self.allowed:
            self.offence = code.co_qualname


def _is_rnn_lib_object(value):
    """Whether value's class comes from rnn_lib or from a private copy of it (private_checks)."""
    package = type(value).__module__.split(".")[0]
    return package == "rnn_lib" or package.startswith(PRIVATE_PREFIX)


def _first_difference(before, after, path):
    """Where ``after`` differs from the snapshot ``before`` (arrays, dicts, sequences), or None."""
    if isinstance(before, np.ndarray):
        same = isinstance(after, np.ndarray) and before.shape == after.shape
        return None if same and np.array_equal(before, after, equal_nan=True) else path
    if isinstance(before, dict):
        if not isinstance(after, dict) or before.keys() != after.keys():
            return f"{path}'s keys"
        found = (_first_difference(before[k], after[k], f"{path}[{k!r}]") for k in before)
        return next((where for where in found if where), None)
    if isinstance(before, list | tuple):
        if len(before) != len(after):
            return f"{path}'s length"
        found = (
            _first_difference(b, a, f"{path}[{i}]") for i, (b, a) in enumerate(zip(before, after))
        )
        return next((where for where in found if where), None)
    if _is_rnn_lib_object(before):  # such as the caches rnn_forward returns: each attribute
        slots = [n for c in type(before).__mro__ for n in getattr(c, "__slots__", ())]
        names = slots or list(getattr(before, "__dict__", {}))
        found = (
            _first_difference(getattr(before, n, None), getattr(after, n, None), f"{path}.{n}")
            for n in names
        )
        return next((where for where in found if where), None)
    return None  # numbers, strings, functions: nothing the answer can change in place


def _argument_names(answer, args, kwargs):
    """The names of the answer's arguments as it was called, positional ones by its signature."""
    try:
        parameters = list(inspect.signature(answer).parameters)
    except (TypeError, ValueError):
        parameters = []
    names = [
        parameters[i] if i < len(parameters) else f"argument {i + 1}" for i in range(len(args))
    ]
    return names + list(kwargs)


def _changed_in_place(answer, args, kwargs, before, rule):
    """The message for the first argument the answer left changed (one it may not update), or None."""
    names = _argument_names(answer, args, kwargs)
    for i, (arg_name, old, new) in enumerate(zip(names, before, [*args, *kwargs.values()])):
        where = None if i in rule.updates else _first_difference(old, new, arg_name)
        if where:
            return (
                f"{getattr(answer, '__name__', 'the function')} changed its input in place "
                f"({where} is not what the check passed): the check compares your result with "
                "the reference on those same inputs, so read them and compute new arrays "
                "(+=, *=, [...] = and out= write into the caller's array; put back an entry "
                "you change to probe it)"
            )
    return None


def _offence_message(name, offence, rule):
    allowed = f"; it may use {', '.join(rule.allows)}" if rule.allows else ""
    return (
        f"this exercise asks you to write {name} yourself: your function called rnn_lib's "
        f"{offence}, which the exercise does not let you use{allowed}"
    )


def _watched_call(answer, args, kwargs, allowed, rule):
    """Call the answer under the watch; raise CheckFailed on an offence or a switched-off watch."""
    __tracebackhide__ = True
    name = getattr(answer, "__name__", "the function")
    before = copy.deepcopy([*args, *kwargs.values()])  # functions are kept, not copied
    watch, previous = _Watch(allowed | _callback_keys(args, kwargs)), sys.getprofile()
    previous_in_threads = threading.getprofile()
    threading.setprofile(watch)
    sys.setprofile(watch)
    try:
        result = answer(*args, **kwargs)
    except NotImplementedError:
        if os.environ.get(GRADING_VARIABLE):
            raise CheckFailed(
                f"{name} is not written yet (it raises NotImplementedError): no points"
            ) from None
        raise
    finally:
        switched_off = sys.getprofile() is not watch
        sys.setprofile(previous)
        threading.setprofile(previous_in_threads)
        if watch.offence is not None:
            raise CheckFailed(_offence_message(name, watch.offence, rule))
        if switched_off:
            raise CheckFailed(f"{name} switched the check's guard off (sys.setprofile)")
    changed = _changed_in_place(answer, args, kwargs, before, rule)
    if changed:
        raise CheckFailed(changed)
    return result


def guard(check, rule, package, readers=frozenset()):
    """The check, with every call of the student's function (its first argument) watched.

    Arguments:
        check -- a check function, check(answer, ...)
        rule -- the exercise's Rule
        package -- the rnn_lib package (or private copy) whose public names the rule names
        readers -- keys of functions always allowed (see _data_access_keys)
    """
    allowed = {k for name in rule.allows for k in _code_keys(getattr(package, name))} | readers

    @functools.wraps(check)
    def guarded_check(answer, *args, **kwargs):
        __tracebackhide__ = True

        @functools.wraps(answer)
        def watched(*answer_args, **answer_kwargs):
            __tracebackhide__ = True
            return _watched_call(answer, answer_args, answer_kwargs, allowed, rule)

        return check(watched, *args, **kwargs)

    guarded_check.rule = rule
    return guarded_check


def guard_checks(namespace, package):
    """Replace every check_* of a namespace by its guarded version; a check with no rule is an error."""
    checks = [name for name in namespace if name.startswith("check_")]
    missing = sorted(set(checks) - set(RULES))
    if missing:
        raise ValueError(f"guard.RULES has no rule for {', '.join(missing)}; add one")
    readers = frozenset(_data_access_keys(package))
    for name in checks:
        namespace[name] = guard(namespace[name], RULES[name], package, readers)


class _ReseededRandom(types.ModuleType):
    """numpy.random, but default_rng(s) draws from the seed (s, offset) instead of s."""

    def __init__(self, offset):
        super().__init__("numpy.random")
        self.offset = offset

    def __getattr__(self, name):
        return getattr(np.random, name)

    def default_rng(self, seed=None):
        """A generator seeded from (seed, offset) when seed is an int; as numpy's otherwise."""
        if isinstance(seed, int | np.integer):
            return np.random.default_rng([int(seed), self.offset])
        return np.random.default_rng(seed)


class _ReseededNumpy(types.ModuleType):
    """numpy for the checks of a private copy: the same, but its random draws from other seeds."""

    def __init__(self, offset):
        super().__init__("numpy")
        self.random = _ReseededRandom(offset)

    def __getattr__(self, name):
        return getattr(np, name)


_COPIES = itertools.count(1)


def private_checks(seed=None):
    """A fresh copy of rnn_lib's checks, loaded from the files, that no cell can have changed.

    Arguments:
        seed -- None, or an int: the copy's checks then draw their random inputs from seeds mixed
            with it (other inputs than the visible checks, the same mistakes named)
    Returns:
        the copy's ``teaching.checks`` package (check_* functions guarded as here)
    """
    name = f"{PRIVATE_PREFIX}{os.getpid()}_{next(_COPIES)}"
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(PACKAGE_DIR, "__init__.py"), submodule_search_locations=[PACKAGE_DIR]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    try:
        spec.loader.exec_module(package)
        checks = importlib.import_module(f"{name}.teaching.checks")
        if seed is not None:
            reseeded = _ReseededNumpy(seed)
            for module_name, module in list(sys.modules.items()):
                if module_name.startswith(f"{name}.teaching.checks.") and hasattr(module, "np"):
                    module.np = reseeded
    finally:
        for module_name in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module_name]
    return checks


def hidden_test(check_name, answer, seed):
    """Grade an answer as the hidden tests do: a private copy's check, on inputs from other seeds.

    Arguments:
        check_name -- the check's name in the package, e.g. "check_rnn_cell_forward"
        answer -- the student's function
        seed -- mixed into every seed the check draws its inputs from
    Prints nothing when the answer passes, so a notebook's output stays the visible check's;
    raises the copy's CheckFailed, naming the mistake, when it does not.
    """
    __tracebackhide__ = True
    private = private_checks(seed)
    check, case = getattr(private, check_name), private.hidden_cases.CASES.get(check_name)
    with contextlib.redirect_stdout(io.StringIO()):
        check(answer)
        try:
            if case is not None:
                case(answer)
        except NotImplementedError:  # an unwritten stretch answer, outside autograde: skipped
            if not getattr(check, "is_stretch", False):
                raise
