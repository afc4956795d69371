"""EDTF: parsing, human rendering, chronological sort."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.dates import DateError, parse_edtf


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
