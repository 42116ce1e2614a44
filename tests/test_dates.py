"""Tests of rnn_lib.data.dates: every format written out by hand, unambiguous over the whole
window, the split with no shared date, the encoding and its padding, and the errors."""

import datetime
import re

import numpy as np
import pytest

from rnn_lib.data.dates import (
    FIRST_DATE,
    FORMATS,
    INPUT_CHARS,
    LAST_DATE,
    OUTPUT_CHARS,
    decode_output,
    draw_dates,
    encode_dates,
    human_date,
    split_dates,
)

TUESDAY = datetime.date(1987, 3, 3)

#: The date 1987-03-03 (a Tuesday) in every format, written by hand.
WRITTEN = {
    "weekday day month year": "tuesday 3 march 1987",
    "m/d/yy": "3/3/87",
    "month d, year": "march 3, 1987",
    "dd.mm.yyyy": "03.03.1987",
    "d mon year": "3 mar 1987",
    "mm/dd/yyyy": "03/03/1987",
    "wkd, mon d, year": "tue, mar 3, 1987",
    "d.m.yy": "3.3.87",
    "d month year": "3 march 1987",
    "dth of month year": "3rd of march 1987",
}


@pytest.mark.parametrize("style", sorted(WRITTEN))
def test_each_format_writes_the_date_as_a_person_would(style):
    assert human_date(TUESDAY, style) == WRITTEN[style]


def test_the_formats_are_the_ones_written_out():
    assert sorted(FORMATS) == sorted(WRITTEN)


@pytest.mark.parametrize(
    ("day", "ordinal"), [(1, "1st"), (2, "2nd"), (11, "11th"), (12, "12th"), (13, "13th"),
                         (21, "21st"), (22, "22nd"), (23, "23rd"), (30, "30th"), (31, "31st")],
)  # fmt: skip
def test_ordinals(day, ordinal):
    assert human_date(datetime.date(2001, 1, day), "dth of month year").startswith(ordinal + " ")


def test_month_first_with_slashes_day_first_with_dots_and_the_two_digit_window():
    date = datetime.date(2049, 12, 5)
    assert human_date(date, "m/d/yy") == "12/5/49"
    assert human_date(date, "d.m.yy") == "5.12.49"
    assert human_date(datetime.date(1950, 1, 9), "m/d/yy") == "1/9/50"
    assert human_date(datetime.date(2000, 2, 29), "d.m.yy") == "29.2.00"
    assert human_date(datetime.date(2007, 3, 4), "m/d/yy") == "3/4/07"


def test_no_string_names_two_dates_and_every_character_is_in_the_vocabulary():
    days = [FIRST_DATE + datetime.timedelta(k) for k in range((LAST_DATE - FIRST_DATE).days + 1)]
    assert len(days) == 36_525
    seen, used = {}, set()
    for day in days:
        for style in FORMATS:
            text = human_date(day, style)
            assert seen.setdefault(text, day) == day, f"{text!r} is {seen[text]} and {day}"
            used |= set(text)
    assert used == set(INPUT_CHARS)


def test_the_split_shares_no_date_and_repeats_with_its_seed():
    train, dev, test = split_dates(3000, 500, 500, rng=7)
    assert (len(train), len(dev), len(test)) == (3000, 500, 500)
    isos = [iso for _, iso in train + dev + test]
    assert len(set(isos)) == len(isos)
    assert split_dates(3000, 500, 500, rng=7) == (train, dev, test)
    assert split_dates(3000, 500, 500, rng=8)[0] != train
    for human, iso in train[:200]:
        date = datetime.date.fromisoformat(iso)
        assert human in {human_date(date, style) for style in FORMATS}
    shapes = {next(s for s in FORMATS if human_date(datetime.date.fromisoformat(i), s) == h)
              for h, i in train}  # fmt: skip
    assert shapes == set(FORMATS)  # every format is drawn


def test_drawn_dates_are_distinct_and_inside_the_window():
    dates = draw_dates(36_525, rng=0)
    assert len(set(dates)) == 36_525 and min(dates) == FIRST_DATE and max(dates) == LAST_DATE


def test_encoding_is_one_hot_padded_and_masked():
    pairs = [("3/3/87", "1987-03-03"), ("tuesday 3 march 1987", "1987-03-03")]
    batch = encode_dates(pairs)
    assert batch.X.shape == (len(INPUT_CHARS), 2, 20)
    assert batch.Y.shape == (len(OUTPUT_CHARS), 2, 11)
    np.testing.assert_array_equal(batch.lengths, [6, 20])
    np.testing.assert_array_equal(batch.mask.sum(axis=1), [6, 20])
    assert np.all(batch.X[:, 0, 6:] == 0) and np.all(batch.X[:, 0, :6].sum(axis=0) == 1)
    first = "".join(INPUT_CHARS[k] for k in batch.X[:, 0, :6].argmax(axis=0))
    assert first == "3/3/87"
    assert decode_output(batch.Y[:, 1].argmax(axis=0)) == "1987-03-03"
    assert OUTPUT_CHARS[batch.Y[:, 1, 10].argmax()] == "\n" and OUTPUT_CHARS[0] == "\n"
    assert encode_dates(pairs, T_x=25).X.shape[2] == 25


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=re.escape("T_x must be at least the longest input, 20")):
        encode_dates([("tuesday 3 march 1987", "1987-03-03")], T_x=19)
    with pytest.raises(ValueError, match=re.escape("outside the vocabulary: ['K']")):
        encode_dates([("3 Kar 1987", "1987-03-03")])
    with pytest.raises(ValueError, match=re.escape("style must be one of")):
        human_date(TUESDAY, "yyyy")
    with pytest.raises(ValueError, match=re.escape("n must be at most the 36525 days")):
        draw_dates(36_526)
    with pytest.raises(ValueError, match="pairs must hold at least one"):
        encode_dates([])
