"""Dates as data: human-written dates and their ISO form, drawn at run time, encoded and padded.

A pair is (human, iso): "tuesday 3 march 1987" -> "1987-03-03". Dates are drawn from
1950-01-01 to 2049-12-31 and written in one of FORMATS, chosen so that every string names one
date only: month first with slashes ("3/3/87" is March 3), day first with dots ("03.03.1987"),
and a two-digit year yy means 19yy for yy >= 50 and 20yy below (the 1950-2049 window).
Nothing is downloaded: ``datetime`` gives the weekdays, a seeded numpy Generator the draws.

Encoding follows the series' layout. The inputs of m dates are one-hot columns X (n_x, m, T_x),
T_x the longest input, padded with zero columns after each date's own length; lengths (m,) and
the mask (m, T_x) say which steps are real. The targets are the ISO string and the end-of-output
"\\n", 11 one-hot columns Y (n_y, m, T_y) of OUTPUT_CHARS, whose index 0 is "\\n" as in the
names' vocabulary.
"""

import datetime
from typing import NamedTuple

import numpy as np

from ..validation import check_integer

#: The characters the human formats use, in index order (a space first).
INPUT_CHARS = " ,./0123456789abcdefghijlmnoprstuvwy"

#: The characters of an ISO date and the end-of-output "\\n" (index 0).
OUTPUT_CHARS = "\n-0123456789"

#: The end-of-output character.
END = "\n"

#: The first and the last date drawn: the window in which a two-digit year is unambiguous.
FIRST_DATE = datetime.date(1950, 1, 1)
LAST_DATE = datetime.date(2049, 12, 31)

MONTHS = (
    "january february march april may june july august september october november december"
).split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()


def _ordinal(day):
    """1 -> "1st", 2 -> "2nd", 3 -> "3rd", 11 -> "11th", 22 -> "22nd"."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


#: The human formats, by name: each writes a datetime.date as a lowercase string.
FORMATS = {
    "weekday day month year": lambda d: (
        f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"
    ),
    "m/d/yy": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
    "month d, year": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "d mon year": lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    "mm/dd/yyyy": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "wkd, mon d, year": lambda d: (
        f"{WEEKDAYS[d.weekday()][:3]}, {MONTHS[d.month - 1][:3]} {d.day}, {d.year}"
    ),
    "d.m.yy": lambda d: f"{d.day}.{d.month}.{d.year % 100:02d}",
    "d month year": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "dth of month year": lambda d: f"{_ordinal(d.day)} of {MONTHS[d.month - 1]} {d.year}",
}


def human_date(date, style):
    """The date written in the format named style (a key of FORMATS), e.g. "3 mar 1987"."""
    if style not in FORMATS:
        raise ValueError(f"style must be one of {', '.join(FORMATS)}; got {style!r}")
    return FORMATS[style](date)


def draw_dates(n, rng=None):
    """n different dates drawn uniformly from FIRST_DATE .. LAST_DATE, without repeats.

    Arguments:
        n -- how many, at most the 36,525 days of the window
        rng -- a numpy Generator, or a seed for one
    Returns:
        list of n datetime.date
    """
    check_integer("n", n)
    days = (LAST_DATE - FIRST_DATE).days + 1
    if n > days:
        raise ValueError(f"n must be at most the {days} days of 1950-2049; got {n}")
    offsets = np.random.default_rng(rng).choice(days, size=n, replace=False)
    return [FIRST_DATE + datetime.timedelta(days=int(k)) for k in offsets]


def date_pairs(dates, rng=None):
    """(human, iso) pairs, each date written in a format drawn uniformly from FORMATS.

    Arguments:
        dates -- list of datetime.date
        rng -- a numpy Generator, or a seed for one
    Returns:
        list of (human, iso) string pairs, in the order of dates
    """
    styles = list(FORMATS)
    drawn = np.random.default_rng(rng).integers(len(styles), size=len(dates))
    return [(human_date(d, styles[k]), d.isoformat()) for d, k in zip(dates, drawn)]


def split_dates(n_train, n_dev, n_test, rng=0):
    """Training, dev and test pairs of different dates: no date is in two of the sets.

    Arguments:
        n_train, n_dev, n_test -- the sizes of the three sets, positive integers
        rng -- a numpy Generator or a seed (deterministic by default)
    Returns:
        train, dev, test -- three lists of (human, iso) pairs
    """
    for name, value in (("n_train", n_train), ("n_dev", n_dev), ("n_test", n_test)):
        check_integer(name, value)
    rng = np.random.default_rng(rng)
    pairs = date_pairs(draw_dates(n_train + n_dev + n_test, rng), rng)
    return pairs[:n_train], pairs[n_train : n_train + n_dev], pairs[n_train + n_dev :]


class DateBatch(NamedTuple):
    """Encoded dates: padded one-hot inputs, their lengths, one-hot targets."""

    X: np.ndarray  # (n_x, m, T_x) one-hot inputs, zero columns after each date's length
    lengths: np.ndarray  # (m,) the number of real input steps of each date
    Y: np.ndarray  # (n_y, m, T_y) one-hot targets: the ISO date, then "\n"

    @property
    def mask(self):
        """(m, T_x) booleans: True at a real input step, False at padding."""
        return np.arange(self.X.shape[2]) < self.lengths[:, None]


def _one_hot(strings, chars, T, what):
    """One-hot columns (len(chars), len(strings), T) of the strings, zero after each one's end."""
    index = {c: k for k, c in enumerate(chars)}
    out = np.zeros((len(chars), len(strings), T))
    for j, text in enumerate(strings):
        unknown = sorted(set(text) - set(index))
        if unknown:
            raise ValueError(f"{what} {text!r} holds characters outside the vocabulary: {unknown}")
        out[[index[c] for c in text], j, np.arange(len(text))] = 1.0
    return out


def encode_dates(pairs, T_x=None):
    """Encode (human, iso) pairs as a DateBatch of one-hot inputs and targets.

    Arguments:
        pairs -- list of (human, iso) string pairs, at least one
        T_x -- the number of input steps, at least the longest input; None: the longest input
    Returns:
        DateBatch(X (n_x, m, T_x), lengths (m,), Y (n_y, m, T_y)) with n_x = len(INPUT_CHARS),
        n_y = len(OUTPUT_CHARS) and T_y = the longest ISO string + 1 (11 for dates)
    """
    if not pairs:
        raise ValueError("pairs must hold at least one (human, iso) pair; got none")
    humans, isos = zip(*pairs)
    if any(not h for h in humans):
        raise ValueError("every human date must have at least one character; got an empty one")
    lengths = np.array([len(h) for h in humans])
    longest = int(lengths.max())
    if T_x is None:
        T_x = longest
    check_integer("T_x", T_x)
    if T_x < longest:
        raise ValueError(f"T_x must be at least the longest input, {longest}; got {T_x}")
    targets = [iso + END for iso in isos]
    X = _one_hot(humans, INPUT_CHARS, T_x, "the human date")
    Y = _one_hot(targets, OUTPUT_CHARS, max(len(t) for t in targets), "the ISO date")
    return DateBatch(X, lengths, Y)


def decode_output(indices):
    """The text of output indices up to (not including) the first end-of-output, e.g. "1987-03-03"."""
    text = "".join(OUTPUT_CHARS[int(k)] for k in indices)
    return text.split(END, 1)[0]
