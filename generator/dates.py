"""EDTF dates, level 0 plus the level-1 qualifiers: parsed directly (the `edtf` package costs ~5 ms a date).

Accepted: `2015`, `2015-11`, `2015-11-14`, each optionally followed by `~` (approximate), `?` (uncertain)
or `%` (both), and intervals `A/B` of two such dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

_POINT_PATTERN = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%]?)"  # [0-9]: \d is wider in Python than in JS
_POINT = re.compile(_POINT_PATTERN)
# The accepted forms as one pattern, the schema's (whether the day exists, and an interval's order, are checked
# by parse_edtf alone).
DATE_PATTERN = rf"^{_POINT_PATTERN}(?:/{_POINT_PATTERN})?$"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_name(month: int | None) -> str:
    """'Nov' for 11; only called where the precision says the month is known."""
    return MONTHS[(month or 1) - 1]
VALID_FORMS = "EDTF such as 2015, 2015-11, 2015-11-14, 2015-11-27~ (approximate), 2015? (uncertain), " \
    "2015% (both) or an interval 2015-04/2015-10"


class DateError(ValueError):
    """A string that is not an EDTF date of the accepted forms."""


@dataclass(frozen=True, slots=True)
class Point:
    year: int
    month: int | None
    day: int | None
    qualifier: str  # "", "~", "?" or "%"

    @property
    def precision(self) -> int:
        """3 for a day, 2 for a month, 1 for a year."""
        return 1 + (self.month is not None) + (self.day is not None)

    @property
    def lower(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def upper(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def human(self) -> str:
        if self.day is not None:
            text = f"{self.day} {month_name(self.month)} {self.year}"
        elif self.month is not None:
            text = f"{month_name(self.month)} {self.year}"
        else:
            text = str(self.year)
        return _qualify(text, self.qualifier)


def _qualify(text: str, qualifier: str) -> str:
    if qualifier in ("~", "%"):
        text = "c. " + text
    if qualifier in ("?", "%"):
        text += "?"
    return text


@dataclass(frozen=True, slots=True)
class EdtfDate:
    """A parsed date: `start` and, for an interval, `end`."""

    text: str
    start: Point
    end: Point | None = None
    # Computed once: under `mkdocs serve` every build sorts by them, dates that live across builds (parse_edtf).
    lower: date = field(init=False, repr=False, compare=False)
    upper: date = field(init=False, repr=False, compare=False)
    # Earliest bound first, then finer precision first, then the latest bound.
    sort_key: tuple[date, int, date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lower, upper = self.start.lower, (self.end or self.start).upper
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)
        object.__setattr__(self, "sort_key", (lower, -self.start.precision, upper))

    @property
    def year(self) -> int:
        return self.start.year

    def human(self) -> str:
        if self.end is None:
            return self.start.human()
        a, b = self.start, self.end
        if a.qualifier == b.qualifier and a.precision == b.precision and a.year == b.year:
            # Share the year: "Apr–Oct 2015", "3–9 Feb 2016", "3 Feb–9 Mar 2016".
            if a.precision == 2:
                return _qualify(f"{month_name(a.month)}–{month_name(b.month)} {a.year}", a.qualifier)
            if a.precision == 3:
                if a.month == b.month:
                    text = f"{a.day}–{b.day} {month_name(a.month)} {a.year}"
                else:
                    text = f"{a.day} {month_name(a.month)}–{b.day} {month_name(b.month)} {a.year}"
                return _qualify(text, a.qualifier)
        return f"{a.human()}–{b.human()}"

    def __str__(self) -> str:
        return self.text


def _parse_point(text: str) -> Point:
    m = _POINT.fullmatch(text)
    if not m:
        raise DateError(f"'{text}' is not a valid date; use {VALID_FORMS}")
    year = int(m[1])
    month = int(m[2]) if m[2] else None
    day = int(m[3]) if m[3] else None
    if year == 0:
        raise DateError(f"'{text}': year 0000 is not supported; years run 0001-9999")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"'{text}' has no month {month:02d}; months run 01-12")
    if day is not None and not 1 <= day <= calendar.monthrange(year, month or 1)[1]:  # a day has a month
        raise DateError(f"'{text}' has no day {day:02d} in {month_name(month)} {year}")
    return Point(year, month, day, m[4])


@lru_cache(maxsize=65536)
def parse_edtf(text: str) -> EdtfDate:
    """Parse an EDTF string; raise DateError saying what is valid."""
    text = text.strip()
    if text.count("/") == 1:
        a, b = text.split("/")
        start, end = _parse_point(a), _parse_point(b)
        if end.upper < start.lower:
            raise DateError(f"interval '{text}' ends before it starts")
        return EdtfDate(text, start, end)
    return EdtfDate(text, _parse_point(text))
