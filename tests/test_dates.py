"""EDTF: parsing, human rendering, chronological sort."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.dates import DateError, parse_edtf
from generator.fields import Date


@pytest.mark.parametrize(("text", "human"), [
    ("2015-11-14", "14 Nov 2015"), ("2015-11", "Nov 2015"), ("2015", "2015"),
    ("2015-04/2015-10", "Apr–Oct 2015"), ("2016-02~", "c. Feb 2016"), ("2015-11-23?", "23 Nov 2015?"),
    ("2015%", "c. 2015?"), ("2016-02-15/2016-02-29", "15–29 Feb 2016"),
    ("2016-02-27/2016-03-02", "27 Feb–2 Mar 2016"), ("2011/2012-03", "2011–Mar 2012"),
    ("2015-11-27~", "c. 27 Nov 2015"),
])
def test_human(text: str, human: str) -> None:
    assert parse_edtf(text).human() == human


@pytest.mark.parametrize("bad", ["2015-11-31", "2015-00", "2015/", "/2015", "15", "2015-1-1", "2015~?",
                                 "2015-11-14T10:00", "2016-03/2015", "2015-11-14/2015-11-14/2015", ""])
def test_invalid(bad: str) -> None:
    with pytest.raises(DateError):
        parse_edtf(bad)


def test_leap_days() -> None:
    assert parse_edtf("2016-02-29").lower == date(2016, 2, 29)
    with pytest.raises(DateError, match="no day 29 in Feb 2015"):
        parse_edtf("2015-02-29")


def test_sort_order_is_chronological_then_finer_first() -> None:
    texts = ["2016", "2015-11-14", "2015-11", "2015-04/2015-10", "2015~", "2015-11-13", "2015-12"]
    ordered = sorted(texts, key=lambda t: parse_edtf(t).sort_key)
    assert ordered == ["2015~", "2015-04/2015-10", "2015-11", "2015-11-13", "2015-11-14", "2015-12", "2016"]


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from(["", "~", "?", "%"]),
       st.integers(1, 3))
def test_bounds_contain_the_date(d: date, q: str, precision: int) -> None:
    text = [f"{d.year:04d}", f"{d.year:04d}-{d.month:02d}", d.isoformat()][precision - 1] + q
    parsed = parse_edtf(text)
    assert parsed.lower <= d <= parsed.upper
    assert parsed.human()


@given(st.text(alphabet="0123456789٢۲-/~?%T:", max_size=24))
@example("٢٠١٥")  # Arabic-Indic digits: Python's \d takes them, JSON Schema's does not; neither does the checker
def test_the_schema_pattern_is_the_checkers(text: str) -> None:
    """What the date's JSON Schema pattern admits is what the checker parses (save a day the month lacks, or an
    interval that ends before it starts: the checker alone knows the calendar)."""
    admitted = re.search(Date().schema()["pattern"], text, re.ASCII) is not None  # \d as JSON Schema reads it
    try:
        parse_edtf(text)
    except DateError as e:
        assert not admitted or "has no" in str(e) or "ends before" in str(e) or "0000" in str(e), (text, e)
    else:
        assert admitted, text
